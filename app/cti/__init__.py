"""The CTI room: Asterisk's live side. The worker's AMI connection, the actions the pages
ask Asterisk for (an outbox the worker sends), and the live events pushed to browsers."""
