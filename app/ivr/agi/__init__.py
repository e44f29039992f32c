"""The FastAGI protocol and server, on pyst2: what Asterisk sends and expects (``docs/agi.md``),
one call per thread, and every way a conversation can go wrong turned into a hangup for the
engine. This package knows sockets and pyst2, never Flask or the database."""
