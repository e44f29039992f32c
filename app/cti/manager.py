"""pyst2's ``asterisk.manager.Manager``, opened and closed the way that survives its traps.

pyst2 is a good wire parser but was written for scripts, not for a connection that lives
for months in the worker:

- ``send_action`` (and ``connect``, for the banner) wait for the answer without a limit:
  an Asterisk that stops answering would freeze the worker. :class:`Manager` gives its
  answer queue a timeout; a late answer then counts as a broken connection, which the
  worker drops and opens again (a late answer would otherwise be taken for the next one);
- ``close()`` logs off on a socket that may be half dead and then joins a reading thread
  that only ends when the far end hangs up, and ``__del__`` calls ``close()`` again on
  garbage collection (and raises). :func:`close` logs off politely when it can, shuts the
  socket down itself so the reading thread ends, then closes once; ``__del__`` does nothing.
- ``command()`` loses the ``Output:`` lines (the header dict keeps the last one): the
  worker never uses it.
"""
from __future__ import annotations

import errno
import logging
import queue
import socket
import time
from typing import Any

from asterisk import manager as pyst

log = logging.getLogger("postline.cti")

ManagerException = pyst.ManagerException
ManagerSocketException = pyst.ManagerSocketException


class LoginRefused(pyst.ManagerAuthException):
    """Asterisk answered the Login with an error (wrong user or secret, or a host not
    permitted for that user): its ``Message`` is the exception's text."""


class NoAnswer(pyst.ManagerSocketException):
    """Asterisk did not answer within the response timeout."""


class _AnswerQueue(queue.Queue):
    """pyst2 waits on this queue for every answer; here the wait has a limit. On timeout
    it hands pyst2 ``None``, which pyst2 reports as a terminated connection, and notes it."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.timed_out = False

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        try:
            return super().get(block, self.timeout if timeout is None else timeout)
        except queue.Empty:
            self.timed_out = True
            return None


class _Stream:
    """pyst2's socket file with two fixes. Its reading thread closes the file as soon as
    Asterisk hangs up, which can fall between pyst2's ``write`` and ``flush`` of an action
    already sent (a refused Login: Asterisk answers and hangs up at once): ``flush`` has
    nothing to do on this unbuffered stream and so never fails; and a write on a closed
    file is an ``OSError``, which pyst2 turns into ``ManagerSocketException``, not a
    ``ValueError`` that would escape it."""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def __iter__(self) -> Any:
        return iter(self._raw)

    def write(self, data: bytes) -> Any:
        try:
            return self._raw.write(data)
        except ValueError as exc:
            raise OSError(errno.EPIPE, "the connection to Asterisk is closed") from exc

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._raw.close()

    @property
    def socket(self) -> socket.socket | None:
        return getattr(self._raw, "_sock", None)


class Manager(pyst.Manager):
    """pyst2's Manager with a bounded wait for answers, a stream that survives a hang-up
    and no work in ``__del__``."""

    def __init__(self, response_timeout: float) -> None:
        super().__init__()
        self._response_queue = _AnswerQueue(response_timeout)

    def connect(self, host: str, port: int = 5038) -> Any:
        """pyst2's connect; then its stream is wrapped (its reading thread picks the wrapper
        up at the next message; both read the same unbuffered socket)."""
        banner = super().connect(host, port)
        self._sock = _Stream(self._sock)
        return banner

    def __del__(self) -> None:  # closed explicitly by close(); never from the collector
        pass

    @property
    def timed_out(self) -> bool:
        return self._response_queue.timed_out

    def send(self, headers: dict[str, Any]) -> pyst.ManagerMsg:
        """``send_action`` with the reason told apart: :class:`NoAnswer` on a timeout."""
        try:
            return self.send_action(dict(headers))
        except pyst.ManagerSocketException:
            if self.timed_out:
                raise NoAnswer(0, "no answer from Asterisk in time") from None
            raise


def open_manager(host: str, port: int, username: str, secret: str, response_timeout: float,
                 on_event: Any) -> Manager:
    """Connect, log in with events on, and call ``on_event(headers)`` for every event
    (from pyst2's dispatching thread, in the order received). Raises
    :class:`LoginRefused`, :class:`NoAnswer` or another ``ManagerException``; on failure
    the half-open manager is closed."""
    manager = Manager(response_timeout)
    manager.register_event("*", lambda event, _manager: on_event(dict(event.headers)))
    try:
        banner = manager.connect(host, port)
        if banner is None:
            raise NoAnswer(0, "no banner: is this Asterisk's manager port?")
        answer = manager.send({"Action": "Login", "Username": username, "Secret": secret, "Events": "on"})
        if answer.get_header("Response") != "Success":
            raise LoginRefused(answer.get_header("Message") or answer.get_header("Response"))
    except BaseException:
        close(manager, polite=False)  # a refused login is hung up on by Asterisk anyway
        raise
    return manager


def reason(exc: BaseException) -> str:
    """The readable part of a pyst2 exception: ``ManagerSocketException(111, 'Connection
    refused')`` keeps its text as the last argument."""
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc.args[-1]) if exc.args else type(exc).__name__


def close(manager: Manager, polite: bool = True) -> None:
    """Close ``manager`` once, whatever state its socket is in. ``polite``: log off first
    (not after a timeout: the answer would never come)."""
    try:
        if polite and manager.connected() and not manager.timed_out:
            manager.send({"Action": "Logoff"})
    except pyst.ManagerException:
        pass
    _shut_down(manager)
    deadline = time.monotonic() + 2.0
    while manager.connected() and time.monotonic() < deadline:
        time.sleep(0.01)  # pyst2's reading thread sees the end of the stream
    manager._connected.clear()  # pyst2's close() would otherwise log off again on a dead socket
    try:
        manager.close()
    except Exception:  # closing must never stop the worker
        log.debug("closing the AMI manager", exc_info=True)


def _shut_down(manager: Manager) -> None:
    sock = manager._sock.socket if isinstance(manager._sock, _Stream) else getattr(manager._sock, "_sock", None)
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
