"""Work orders, their category tree, their per-day number counter, their history, the
intervals during which the order waited for the customer, the working hours each type and
priority is allowed (the SLA table), the escalations sent about overdue orders, their
attachments, and what each hotline's voice messages become.

History entries and attachments are written once and never changed: the mapper refuses an
update or a delete of one, so that no code path (a view, a script, a plugin) can rewrite
what happened or take away a file the order was given."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, UniqueConstraint, event, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.audit.editing import Edited
from app.audit.models import Audited
from app.auth.models import Department, User
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.extensions import db
from app.ivr.models import IVRLine, Voicemail
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
    #: Who gave the satisfaction: ``person`` (told a member of staff) or ``survey`` (the
    #: post-call IVR survey of a call linked to the order); "" while there is none.
    satisfaction_source: Mapped[str] = mapped_column(String(16), default="", server_default="")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    closed_at: Mapped[datetime | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column()
    #: The voice message this order was made from (unique: one order per message, however
    #: often the conversion runs).
    voicemail_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_voicemail.id"), unique=True)

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
    escalations: Mapped[list[TicketEscalation]] = relationship(order_by="TicketEscalation.level",
                                                               viewonly=True)
    attachments: Mapped[list[TicketAttachment]] = relationship(order_by="TicketAttachment.id",
                                                               viewonly=True)
    voicemail: Mapped[Voicemail | None] = relationship()


#: What a history entry records.
STATE, FIELD, ASSIGNMENT, COMMENT, ATTACHMENT = "state", "field", "assignment", "comment", "attachment"
#: An overdue order escalated (``new`` holds the level); written by the worker's job.
ESCALATION = "escalation"


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


class TicketAttachment(db.Model):
    """A file given to an order (:mod:`app.tickets.attachments`). ``stored_name`` is the
    file's path inside the attachments folder (``2026/11/<random>``), never derived from
    what the uploader called it; ``content_type`` is what the bytes are, not what the
    browser said. ``voicemail_id``: the voice message whose recording this is."""

    __tablename__ = "ticket_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    stored_name: Mapped[str] = mapped_column(String(255), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(100), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    voicemail_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_voicemail.id"), index=True)


class HistoryIsImmutable(RuntimeError):
    """Raised when code tries to change or remove a history entry or an attachment."""


@event.listens_for(TicketEntry, "before_update")
@event.listens_for(TicketAttachment, "before_update")
def _refuse_update(_mapper: Any, _connection: Any, row: TicketEntry | TicketAttachment) -> None:
    raise HistoryIsImmutable(f"{row.__tablename__} {row.id} cannot be changed")


@event.listens_for(TicketEntry, "before_delete")
@event.listens_for(TicketAttachment, "before_delete")
def _refuse_delete(_mapper: Any, _connection: Any, row: TicketEntry | TicketAttachment) -> None:
    raise HistoryIsImmutable(f"{row.__tablename__} {row.id} cannot be deleted")


class VoicemailRoute(Audited, db.Model):
    """What a hotline's voice messages become: an order of this type and category, at this
    department (none: it waits at the desk, state new). A line without a row uses
    :data:`app.tickets.voicemail.DEFAULT_TYPE`. Kept by the work orders room because the
    IVR below it knows nothing of order types (``.importlinter``)."""

    __tablename__ = "ticket_voicemail_route"

    id: Mapped[int] = mapped_column(primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("ivr_line.id"), unique=True)
    type_code: Mapped[str] = mapped_column(String(32))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_category.id"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    priority: Mapped[str] = mapped_column(String(16), default="normal")
    #: Call the caller back instead: a message with a number to ring becomes a call-back
    #: task of the line's queue (:mod:`app.tickets.voicemail_callbacks`), not an order.
    call_back: Mapped[bool] = mapped_column(Boolean, default=False)

    line: Mapped[IVRLine] = relationship()
    category: Mapped[TicketCategory | None] = relationship()
    department: Mapped[Department | None] = relationship()


class TicketPause(db.Model):
    """A stretch of time the order waited for the customer: the deadline clock stands
    still from ``started_at`` to ``ended_at`` (open while still waiting)."""

    __tablename__ = "ticket_pause"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()


class TicketSla(Audited, db.Model):
    """How many working hours an order of a type and priority is allowed (complaint, normal:
    48). A pair without a row keeps the code's default (:mod:`app.tickets.sla`); rows are
    configuration, edited on the deadlines page and audited."""

    __tablename__ = "ticket_sla"
    __table_args__ = (UniqueConstraint("type_code", "priority"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    type_code: Mapped[str] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(16))
    hours: Mapped[int] = mapped_column()


class TicketEscalation(db.Model):
    """An escalation level sent about an overdue order: one row per order and level, ever.
    The unique pair is what keeps a level from going out twice when two workers (or two
    runs) look at the same order at once: the second insert fails and that run sends
    nothing."""

    __tablename__ = "ticket_escalation"
    __table_args__ = (UniqueConstraint("order_id", "level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    level: Mapped[int] = mapped_column()
    at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Who was told, as ``username`` list (comma-separated), for the history and the page.
    notified: Mapped[str] = mapped_column(Text, default="")
