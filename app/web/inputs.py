"""One guard for what a browser sends, so that no page has to defend itself: control
characters (a NUL byte makes PostgreSQL refuse the whole statement) are refused with a 400
before any view runs; whole numbers from the URL and the query string stay within the
database's ``integer`` range (a larger one is "no such page" or "not given", never an
overflow). A value the database still refuses is a 400 (:mod:`app.web.errors`).

Tab, line feed and carriage return are allowed: a text area sends them."""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

#: PostgreSQL's ``integer``; SQLite's is wider, the smaller range holds on both.
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class BoundedArgs(ImmutableMultiDict):  # type: ignore[type-arg]
    """``request.args.get("version", type=int)`` returns the default for a number the
    database could not hold, as it does for one that is not a number. Pages read their
    numbers this way (and hand ``page`` to ``db.paginate``, which would read it unbounded)."""

    def get(self, key: Any, default: Any = None, type: Callable[[str], Any] | None = None) -> Any:
        value = super().get(key, default, type)
        if type is int and isinstance(value, int) and not INT_MIN <= value <= INT_MAX:
            return default
        return value


class GuardedRequest(Request):
    parameter_storage_class = BoundedArgs


class BoundedIntegerConverter(IntegerConverter):
    """``<int:id>`` matches only ids the database can hold: a longer one is a 404."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None,
                 max: int | None = None, signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=INT_MIN if min is None else min,
                         max=INT_MAX if max is None else max, signed=signed)


def _has_control(values: Any) -> bool:
    return any(CONTROL.search(key) or CONTROL.search(value) for key, value in values.items(multi=True))


def refuse_control_characters() -> None:
    if CONTROL.search(request.path) or _has_control(request.args):
        abort(400)
    if request.method in ("POST", "PUT", "PATCH") and _has_control(request.form):
        abort(400)


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: the converter applies to the rules added after."""
    app.request_class = GuardedRequest
    app.url_map.converters["int"] = BoundedIntegerConverter
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_control_characters)
