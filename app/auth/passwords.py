"""Password hashes, and a check that costs the same whether or not the account exists: a
login that answers faster for an unknown name would tell a guesser which names are real."""
from __future__ import annotations

from functools import cache

from werkzeug.security import check_password_hash, generate_password_hash


def hash_password(password: str) -> str:
    return generate_password_hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Check ``password`` against ``password_hash``; with no hash (no such user), check it
    against a dummy hash of the same method, so that the answer takes as long."""
    if password_hash is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("no account has this password")
