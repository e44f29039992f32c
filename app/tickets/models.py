"""Work orders, their category tree, their per-day number counter, their history and the
intervals during which the order waited for the customer.

History entries are written once and never changed: the mapper refuses an update or a
delete of one, so that no code path (a view, a script, a plugin) can rewrite what happened."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.editing import Edited
from app.audit.models import Audited
from app.auth.models import Department, User
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.extensions import db
from app.timeutil import utcnow


class TicketCategory(Audited, db.Model):
    """One node of a type's two-level category tree (投诉 › 邮件延误): a top level has no
    parent. Rows are configuration, edited by administrators (audited) and never deleted;
    an order keeps its category's id."""

    __tablename__ = "ticket_category"
    __table_args__ = (UniqueConstraint("type_code", "parent_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type_code: Mapped[str] = mapped_column(String(32), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_category.id"))
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(default=True)
    weight: Mapped[int] = mapped_column(default=100)

    parent: Mapped[TicketCategory | None] = relationship(remote_side=[id])

    @property
    def path(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent else self.name


class TicketDayCounter(db.Model):
    """The last number given on a day (the centre's local date): taken with an upsert, so
    two orders registered at once wait for each other instead of sharing a number."""

    __tablename__ = "ticket_day_counter"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


#: The open states as the queue's partial index names them (``states.OPEN_STATES``).
OPEN_STATE_SQL = "state IN ('new', 'assigned', 'processing', 'pending', 'returned', 'resulted', 'feedback')"


class WorkOrder(Edited, db.Model):
    __tablename__ = "work_order"
    __table_args__ = (
        Index("ix_work_order_queue", "department_id", "state", "due_at"),
        # the department queue: open orders by deadline (see the migration d5e9a3c7b1f4)
        Index("ix_work_order_open_queue", "department_id", "due_at", "id",
              postgresql_where=text(OPEN_STATE_SQL), sqlite_where=text(OPEN_STATE_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20), unique=True)
    type_code: Mapped[str] = mapped_column(String(32), index=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_category.id"))
    channel: Mapped[str] = mapped_column(String(16), default="phone")
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    state: Mapped[str] = mapped_column(String(16), default="new", index=True)
    subject: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    #: The type's own fields (a plugin's form), as JSON.
    extra: Mapped[str] = mapped_column(Text, default="{}")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    call_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_call.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    result: Mapped[str] = mapped_column(Text, default="")
    feedback: Mapped[str] = mapped_column(Text, default="")
    satisfaction: Mapped[str] = mapped_column(String(20), default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()

    category: Mapped[TicketCategory | None] = relationship()
    customer: Mapped[Customer | None] = relationship()
    call: Mapped[CallRecord | None] = relationship()
    department: Mapped[Department | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    merged_into: Mapped[WorkOrder | None] = relationship(remote_side=[id])
    entries: Mapped[list[TicketEntry]] = relationship(
        back_populates="order", order_by="TicketEntry.id", viewonly=True)
    pauses: Mapped[list[TicketPause]] = relationship(order_by="TicketPause.id", viewonly=True)


#: What a history entry records.
STATE, FIELD, ASSIGNMENT, COMMENT = "state", "field", "assignment", "comment"


class TicketEntry(db.Model):
    """One immutable line of an order's history. ``public`` says whether the agent may read
    it out to the customer (a note for the customer) or it stays inside (an internal note)."""

    __tablename__ = "ticket_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(32), default="")
    field: Mapped[str] = mapped_column(String(32), default="")
    old: Mapped[str] = mapped_column(Text, default="")
    new: Mapped[str] = mapped_column(Text, default="")
    text: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(default=False)

    order: Mapped[WorkOrder] = relationship(back_populates="entries")


class HistoryIsImmutable(RuntimeError):
    """Raised when code tries to change or remove a history entry."""


@event.listens_for(TicketEntry, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, entry: TicketEntry) -> None:
    raise HistoryIsImmutable(f"work order history entry {entry.id} cannot be changed")


@event.listens_for(TicketEntry, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, entry: TicketEntry) -> None:
    raise HistoryIsImmutable(f"work order history entry {entry.id} cannot be deleted")


class TicketPause(db.Model):
    """A stretch of time the order waited for the customer: the deadline clock stands
    still from ``started_at`` to ``ended_at`` (open while still waiting)."""

    __tablename__ = "ticket_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
