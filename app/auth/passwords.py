"""Password hashes, and a check that costs the same whether or not the account exists: a
login that answers faster for an unknown name would tell a guesser which names are real."""
from __future__ import annotations

from functools import cache

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=_method())


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against ``password_hash``; with no hash (no such user), check it
    against a dummy hash of the same method, so that the answer takes as long."""
    if password_hash is None:
        check_password_hash(_dummy_hash(_method()), password)
        return False
    return check_password_hash(password_hash, password)


def _method() -> str:
    """Werkzeug's hash method: ``PASSWORD_HASH_METHOD`` (scrypt by default; PostLine's test
    kit picks a fast one, since a suite creates and logs in thousands of users)."""
    return str(current_app.config.get("PASSWORD_HASH_METHOD") or "scrypt")


@cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash("no account has this password", method=method)
