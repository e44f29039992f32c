"""Call-back tasks: "ring the customer and give them the result", one per order at a time,
for a named agent or for the pool of agents, with every try and what came of it.

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
#: What one try came to.
REACHED, NOT_REACHED = "reached", "not_reached"


class CallbackTask(db.Model):
    __tablename__ = "ticket_callback"
    __table_args__ = (Index("ix_ticket_callback_open", "state", "due_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("work_order.id"), index=True)
    phone: Mapped[str] = mapped_column(String(32))
    due_at: Mapped[datetime] = mapped_column(default=utcnow)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    taken_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=OPEN)
    attempts: Mapped[int] = mapped_column(default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column()

    order: Mapped[WorkOrder] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    taken_by: Mapped[User | None] = relationship(foreign_keys=[taken_by_id])
    tries: Mapped[list[CallbackAttempt]] = relationship(order_by="CallbackAttempt.id", viewonly=True)

    @property
    def worker(self) -> User | None:
        """Whose task it is now: who took it, else whom it was given to (``None``: the pool)."""
        return self.taken_by or self.assignee


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


def open_task_of(order: WorkOrder) -> CallbackTask | None:
    return db.session.scalar(select(CallbackTask).where(CallbackTask.order_id == order.id,
                                                        CallbackTask.state == OPEN))


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
