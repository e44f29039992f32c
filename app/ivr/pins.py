"""PIN lockout for ``call.authenticate``: after :data:`MAX_FAILURES` wrong PINs for an
account on one local day, that account cannot be opened by telephone until the next day.

Counted per account, not per caller: a fraudster calling from many numbers must not get
three guesses on each. The failures are counted over the whole day (a right PIN in between
does not reset them): that is the rule callers are told (当日累计), and it is the one that
stops slow guessing. The account is stored as an HMAC keyed with the site's secret key,
so neither the table nor its audit trail can be read back into account numbers (a plain
hash of a 12-digit account is brute-forced in minutes)."""
from __future__ import annotations

import hashlib
import hmac
from datetime import date

from flask import current_app
from sqlalchemy import func, select

from app.extensions import db
from app.ivr.models import PinFailure

MAX_FAILURES = 3


def account_key(kind: str, account: str) -> str:
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, f"{kind}:{account}".encode(), hashlib.sha256).hexdigest()


def failures_on(kind: str, key: str, day: date) -> int:
    return db.session.scalar(
        select(func.count()).select_from(PinFailure).where(
            PinFailure.kind == kind, PinFailure.account_hash == key, PinFailure.day == day)
    ) or 0


def remember_failure(kind: str, key: str, day: date) -> None:
    """One row per failure (not a counter): two calls failing at once cannot lose a count."""
    db.session.add(PinFailure(kind=kind, account_hash=key, day=day))
    db.session.commit()
