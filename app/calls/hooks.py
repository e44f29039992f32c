"""The calls room has no pages or commands of its own: importing it puts the call record
into the models; the IVR writes the records, the desk and the statistics read them. Its one
declarations are the job that closes the records a dead IVR process left open and the
customer's calls on their timeline."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.calls import models, timeline  # noqa: F401
from app.calls.lost import close_lost_calls_job
from app.customers.models import Customer
from app.declarations import Job, TimelineEntry
from app.hookspecs import hookimpl

#: How often the worker looks for call records left open.
LOST_CALLS_MINUTES = 5


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("close_lost_calls", close_lost_calls_job, "interval", {"minutes": LOST_CALLS_MINUTES},
                title=_l("Close call records left open by a stopped IVR"))]


@hookimpl
def postline_customer_timeline(customer: Customer) -> list[TimelineEntry]:
    return timeline.call_entries(customer)
