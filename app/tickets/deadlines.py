"""The seam for deadlines: when an order is due. The working-time arithmetic (business
calendar, holidays, 调休, pauses while waiting for the customer) is built in the calendars
room; until it is wired in here, an order has no deadline."""
from __future__ import annotations

from datetime import datetime

from app.tickets.models import WorkOrder


def deadline_for(order: WorkOrder) -> datetime | None:
    """When ``order`` is due (UTC), or ``None`` when no deadline applies. Called when an
    order is registered and whenever its clock restarts (resumed, reopened, transferred);
    the order's pauses are in ``order.pauses``."""
    return None
