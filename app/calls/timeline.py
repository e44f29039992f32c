"""The customer's calls on their timeline: the calls from any of their phones, in whatever
form the trunk delivered the number, the latest ``MOST_CALLS`` of them."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.calls.callers import number_forms
from app.calls.models import CallRecord
from app.declarations import TimelineEntry
from app.extensions import db

MOST_CALLS = 500
OUTCOME_LABELS = {
    "self_served": _l("Self-served"),
    "transferred": _l("Transferred to an agent"),
    "voicemail": _l("Voicemail"),
    "hung_up": _l("Hung up"),
    "error": _l("Error"),
    "lost": _l("Lost"),
}


def call_entries(customer: Any) -> list[TimelineEntry]:
    forms = sorted({form for phone in customer.phones for form in number_forms(phone.number)})
    if not forms:
        return []
    calls = db.session.scalars(select(CallRecord).where(CallRecord.caller.in_(forms))
                               .order_by(CallRecord.started_at.desc(), CallRecord.id.desc()).limit(MOST_CALLS))
    return [TimelineEntry(f"calls.call.{call.id}", call.started_at,
                          _("Call from %(number)s on line %(line)s", number=call.caller, line=call.line or "—"),
                          detail=" · ".join(str(part) for part in (
                              OUTCOME_LABELS.get(call.outcome, call.outcome), call.agent) if part))
            for call in calls]
