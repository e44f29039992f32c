"""Messages from PostLine to people: the result of a work order to the customer who asked,
an escalation to the staff who must act. A message goes out on a channel (``sms`` or
``email``) through the notifier the site chose for it (``postline_notifiers``); every one is
logged first, its delivery recorded, a failed one retried by the worker.

The room's public entry is :func:`app.notify.sending.send`; rooms above it call it, and
plugins reach it as ``app.api.send_message``."""
