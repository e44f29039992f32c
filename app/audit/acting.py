"""Who the audit trail names for a change made outside a web request: a command line
user (``cli:<login>``), a scheduled job (``job:<name>``), else ``system``."""
from __future__ import annotations

import contextvars
import getpass
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

import click

_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(name: str) -> Iterator[None]:
    """Attribute changes made inside the block (CLI, worker) to ``name``."""
    token = _actor.set(name)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str | None:
    return _actor.get()


def as_cli_user(func: Callable[..., Any]) -> Callable[..., Any]:
    """For a ``postline`` command: its changes are attributed to ``cli:<login>``, and a
    domain refusal (LookupError/ValueError) is a usage error: one line, exit 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with acting_as(f"cli:{getpass.getuser()}"):
            try:
                return func(*args, **kwargs)
            except (LookupError, ValueError) as exc:
                raise click.UsageError(str(exc).strip("'\"")) from exc

    return wrapper
