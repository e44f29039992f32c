"""Who is calling: the customer behind the caller's number (VIP, blacklisted) and the agent
who served this caller last (首问负责: the same agent takes the matter again; see
``docs/call-centre.md``).

Asterisk reports numbers as the trunk delivers them: ``+8613800000001``,
``008613800000001``, ``013800000001`` (a mobile dialled with the trunk prefix) or
``13800000001``. A customer's phones are indexed by their national digits
(:func:`app.customers.phones.national_digits`), so the customer lookup is one equality;
call records keep the number as received, so the caller-history lookup tries the few forms
one number can take."""
from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from app.calls.models import CallRecord
from app.customers.models import Customer, CustomerPhone
from app.customers.phones import national_digits
from app.extensions import db

MOBILE = re.compile(r"^1[3-9]\d{9}$")


def number_forms(raw: str) -> list[str]:
    """The forms of one number to look up, the number as received first; [] for none."""
    raw = (raw or "").strip()
    digits = re.sub(r"\D", "", raw)
    if not digits:
        return []
    forms = [raw, digits]
    national = digits
    for prefix in ("0086", "86"):
        if national.startswith(prefix) and len(national) - len(prefix) >= 10:
            national = national[len(prefix):]
            break
    if national.startswith("0") and MOBILE.match(national[1:]):
        national = national[1:]
    if not MOBILE.match(national) and not national.startswith("0") and len(national) >= 10:
        national = "0" + national  # a landline given without its trunk zero
    forms.append(national)
    if MOBILE.match(national) or national.startswith("0"):  # as another trunk may deliver it
        core = national if MOBILE.match(national) else national[1:]
        forms += ["+86" + core, "86" + core, "0086" + core]
    return list(dict.fromkeys(forms))


@dataclass(frozen=True)
class CallerProfile:
    customer_id: int | None = None
    vip: bool = False
    blacklisted: bool = False


def profile(raw: str) -> CallerProfile:
    """What the customer records say about this number; several customers may share a
    number (a family, a company switchboard): one VIP or one blacklisting counts."""
    digits = national_digits(raw)
    if not digits:
        return CallerProfile()
    customers = list(db.session.scalars(
        select(Customer).join(CustomerPhone, CustomerPhone.customer_id == Customer.id)
        .where(CustomerPhone.digits == digits, Customer.merged_into_id.is_(None))
        .order_by(Customer.id).distinct()))
    if not customers:
        return CallerProfile()
    return CallerProfile(customer_id=customers[0].id,
                         vip=any(c.vip for c in customers),
                         blacklisted=any(c.blacklisted for c in customers))


def last_agent(raw: str, exclude_call: int | None = None) -> str:
    """The agent of this caller's most recent call that reached one, or ""."""
    forms = number_forms(raw)
    if not forms:
        return ""
    query = (select(CallRecord.agent)
             .where(CallRecord.caller.in_(forms), CallRecord.agent != "")
             .order_by(CallRecord.started_at.desc(), CallRecord.id.desc())
             .limit(1))
    if exclude_call is not None:
        query = query.where(CallRecord.id != exclude_call)
    return db.session.scalar(query) or ""
