"""PostLine's own tests use the same fixtures as plugin authors (app.testing.pytest_plugin,
loaded through its pytest11 entry point), plus the protocol tests' socket fixtures:

- ``wire``: an AGIChannel over one end of a socket pair; the test plays Asterisk on the other
  end (:class:`app.testing.wire.Wire`);
- ``raw_server``: a bare listening socket, so that the emulator can be tested against a
  server side the test scripts by hand;
- ``background``: run a function in a thread, joined (bounded) after the test."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from app.testing.wire import WAIT, RawServer, Wire, in_thread


@pytest.fixture
def wire() -> Iterator[Wire]:
    w = Wire()
    yield w
    w.close()


@pytest.fixture
def raw_server() -> Iterator[RawServer]:
    server = RawServer()
    yield server
    server.listener.close()


@pytest.fixture
def background():
    """``background(fn, *args)`` → (thread, box); the threads are joined (bounded) after."""
    threads = []

    def start(target, *args, **kwargs):
        thread, box = in_thread(target, *args, **kwargs)
        threads.append(thread)
        return thread, box

    yield start
    for thread in threads:
        thread.join(WAIT)
