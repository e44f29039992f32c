"""Call-back tasks: "ring the customer", for a named agent or for the pool of agents, with
every try and what came of it.

Where a task comes from is its ``source``: ``feedback`` (give a work order's result back,
one per order at a time: ``order_id`` set), or a caller who waited for us in vain:
``abandoned`` (hung up in the queue), ``timeout`` (the queue let him go unanswered),
``ivr`` (chose "call me back"), ``voicemail`` (left a message on a line whose messages are
called back). A caller has one open task however often he tried: a new reason is added to
``sources`` of the task already open for his number. ``queue`` is the skill it needs (the
queue he was in, the line's queue); ``max_attempts`` and ``retry_minutes`` the retry policy
it was created under; ``due_at`` is when the next try is due.

A task is ``open`` until it is ``done`` (the customer was reached, or the order's feedback
was recorded some other way), ``unreachable`` (the last allowed try failed) or
``cancelled`` (a team leader withdrew it). ``assignee_id`` is the agent it was given to
(``None``: the pool); ``taken_by_id`` is who is working on it now, set when someone takes
a pool task and cleared when a try fails, so the next try is anyone's again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import User
from app.extensions import db
from app.tickets.models import WorkOrder
from app.timeutil import utcnow

OPEN, DONE, UNREACHABLE, CANCELLED = "open", "done", "unreachable", "cancelled"
TASK_STATES = (OPEN, DONE, UNREACHABLE, CANCELLED)
#: What one try came to. ``not_reached`` is the feedback form's single "no"; the desk's
#: form says why. A wrong number ends the task at once; the others count as a failed try.
REACHED, NOT_REACHED = "reached", "not_reached"
NO_ANSWER, BUSY, WRONG_NUMBER, LEFT_MESSAGE = "no_answer", "busy", "wrong_number", "left_message"
OUTCOMES = (REACHED, NO_ANSWER, BUSY, LEFT_MESSAGE, WRONG_NUMBER, NOT_REACHED)

#: Where a task came from.
FEEDBACK, ABANDONED, TIMEOUT, IVR, VOICEMAIL = "feedback", "abandoned", "timeout", "ivr", "voicemail"
SOURCES = (FEEDBACK, ABANDONED, TIMEOUT, IVR, VOICEMAIL)
#: The sources that are a caller waiting for us (not a work order's feedback).
CALLER_SOURCES = (ABANDONED, TIMEOUT, IVR, VOICEMAIL)


class CallbackTask(db.Model):
    __tablename__ = "ticket_callback"
    __table_args__ = (Index("ix_ticket_callback_open", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("work_order.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32), index=True)
    source: Mapped[str] = mapped_column(String(16), default=FEEDBACK)
    #: Every source that asked for this task, comma-separated, first one first.
    sources: Mapped[str] = mapped_column(String(120), default="")
    call_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_call.id"), index=True)
    queue: Mapped[str] = mapped_column(String(64), default="")
    caller_name: Mapped[str] = mapped_column(String(100), default="")
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    #: The retry policy the task was made under (``None``: the site's settings now).
    max_attempts: Mapped[int | None] = mapped_column()
    retry_minutes: Mapped[int | None] = mapped_column()
    #: The desk call of the last click-to-call of this task, until its try is recorded.
    desk_call_id: Mapped[int | None] = mapped_column(ForeignKey("desk_call.id"))
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=OPEN)
    attempts: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    order: Mapped[WorkOrder | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])
    tries: Mapped[list[CallbackAttempt]] = relationship(order_by="CallbackAttempt.id", viewonly=True)

    @property
    def worker(self) -> User | None:
        """Whose task it is now: who took it, else whom it was given to (``None``: the pool)."""
        return self.taken_by or self.assignee

    @property
    def source_list(self) -> list[str]:
        return [name for name in (self.sources or self.source or "").split(",") if name]


class CallbackAttempt(db.Model):
    """One try of a task. ``call_id``: the call record of that call, when the switch made
    one (its post-call survey then scores the order, see :mod:`app.tickets.satisfaction`)."""

    __tablename__ = "ticket_callback_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("ticket_callback.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    call_id: Mapped[int | None] = mapped_column(ForeignKey("ivr_call.id"), index=True)
    #: The desk call of a click-to-call try (the agents room's ``desk_call``).
    desk_call_id: Mapped[int | None] = mapped_column(ForeignKey("desk_call.id"), index=True)


class CallbackVoicemail(db.Model):
    """A voice message that became (part of) a call-back task instead of a work order: one
    row per message (its primary key), so a message is converted once however often the
    sweep runs, and a caller's several messages all point at his one open task."""

    __tablename__ = "ticket_callback_voicemail"

    voicemail_id: Mapped[int] = mapped_column(ForeignKey("ivr_voicemail.id"), primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("ticket_callback.id"), index=True)


def open_task_of(order: WorkOrder) -> CallbackTask | None:
    return db.session.scalar(select(CallbackTask).where(CallbackTask.order_id == order.id,
                                                        CallbackTask.state == OPEN))


def open_caller_task(phone: str) -> CallbackTask | None:
    """The open task of a caller waiting for us at ``phone`` (digits only), if any."""
    return db.session.scalar(select(CallbackTask).where(CallbackTask.phone == phone, CallbackTask.state == OPEN,
                                                        CallbackTask.order_id.is_(None))
                             .order_by(CallbackTask.id).limit(1))


def tasks_of(order: WorkOrder) -> list[CallbackTask]:
    return list(db.session.scalars(select(CallbackTask).where(CallbackTask.order_id == order.id)
                                   .order_by(CallbackTask.id.desc())))


def finish_open_tasks(order: WorkOrder, note: str) -> None:
    """The order's feedback was recorded: a call-back still open has nothing left to do."""
    now = utcnow()
    for task in db.session.scalars(select(CallbackTask).where(CallbackTask.order_id == order.id,
                                                              CallbackTask.state == OPEN)):
        task.state, task.closed_at, task.taken_by_id = DONE, now, None
        task.note = f"{task.note}\n{note}".strip() if note else task.note
