"""The fixed vocabularies of a work order: codes stored in the database, names translated
when shown. Plugins add types (``postline_ticket_types``), never channels or states."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import TicketType

#: The core's types; a plugin's types come from the ``postline_ticket_types`` hook.
CORE_TYPES: tuple[TicketType, ...] = (
    TicketType("consult", _l("Consultation"), weight=10),
    TicketType("query", _l("Query"), weight=20),
    TicketType("complaint", _l("Complaint"), weight=30),
    TicketType("suggestion", _l("Suggestion"), weight=40),
    TicketType("service", _l("Service order"), weight=50),
)
COMPLAINT = "complaint"

CHANNELS = {
    "phone": _l("Phone"),
    "web": _l("Web"),
    "fax": _l("Fax"),
    "email": _l("E-mail"),
    "sms": _l("SMS"),
    "walkin": _l("Walk-in"),
}

PRIORITIES = {
    "low": _l("Low"),
    "normal": _l("Normal"),
    "high": _l("High"),
    "urgent": _l("Urgent"),
}

#: The customer's satisfaction, best first (the post-call survey's 1…5 reversed).
SATISFACTION = {
    "very_satisfied": _l("Very satisfied"),
    "satisfied": _l("Satisfied"),
    "neutral": _l("Neither satisfied nor dissatisfied"),
    "dissatisfied": _l("Dissatisfied"),
    "very_dissatisfied": _l("Very dissatisfied"),
}
