"""Working the call-back tasks: giving one to an agent or the pool, taking one, recording
each try, and what a team leader may do besides (hand a task to someone else, withdraw it).

A try that reached the customer records their feedback through the order's own feedback
transition (:func:`app.tickets.states.apply`), so the order's rules and history are the same
as on its page. A try that did not counts; the task waits ``TICKET_CALLBACK_RETRY_MINUTES``
(or the time the agent chose) and goes back to whoever may take it. After
``TICKET_CALLBACK_ATTEMPTS`` failed tries it is closed as unreachable and the order says so:
then a person decides (record "not reached" as the feedback, or send a message).

Two agents taking the same task, or recording the same try, at once: each step is one
conditional ``UPDATE`` (the task still free, the tries still as the form showed them), so
one of them is told and nothing is saved twice."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import attributes

from app.auth.models import User
from app.auth.permissions import has_permission
from app.calls.models import CallRecord
from app.extensions import db
from app.notify.addresses import digits, phone_problem
from app.tickets.callback_models import (
    CANCELLED,
    NOT_REACHED,
    OPEN,
    REACHED,
    UNREACHABLE,
    CallbackAttempt,
    CallbackTask,
    open_task_of,
)
from app.tickets.giving_back import may_give_back
from app.tickets.models import COMMENT, WorkOrder
from app.tickets.states import Refused, apply, record
from app.timeutil import local, utcnow

WORK = "tickets.callbacks"
MANAGE = "tickets.callbacks_manage"


def max_attempts() -> int:
    return max(1, int(current_app.config["TICKET_CALLBACK_ATTEMPTS"]))


def retry_wait() -> timedelta:
    return timedelta(minutes=max(0, int(current_app.config["TICKET_CALLBACK_RETRY_MINUTES"])))


def callback_agents() -> list[User]:
    """The people a task can be given to: active, holding the call-back permission."""
    users = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.username))
    return [user for user in users if has_permission(user, WORK)]


def create_task(order: WorkOrder, user: User, *, phone: str, due_at: datetime | None = None,
                assignee_id: int | None = None, note: str = "") -> CallbackTask:
    """A call-back task for ``order`` (one open at a time), due at ``due_at`` (UTC; now
    when ``None``), for the agent ``assignee_id`` or the pool. Flushes, does not commit."""
    if not may_give_back(user, order):
        raise Refused(_("You may not give this work order's result back now."))
    if open_task_of(order) is not None:
        raise Refused(_("This work order already has an open call-back task."))
    problem = phone_problem(phone)
    if problem:
        raise Refused(problem)
    assignee = _agent(assignee_id)
    task = CallbackTask(order_id=order.id, phone=digits(phone), due_at=due_at or utcnow(),
                        assignee_id=assignee.id if assignee else None, state=OPEN, note=note.strip(),
                        created_by=user.username, created_at=utcnow())
    db.session.add(task)
    record(order, user, COMMENT, action="callback",
           text=_("Call-back task: ring %(phone)s from %(due)s (%(who)s).", phone=task.phone,
                  due=_when(task.due_at), who=_name(assignee)) + (f" {task.note}" if task.note else ""))
    db.session.flush()
    return task


def may_work(user: User, task: CallbackTask) -> bool:
    """Agents work their own tasks and the pool's; team leaders any."""
    if has_permission(user, MANAGE):
        return True
    worker = task.taken_by_id or task.assignee_id
    return has_permission(user, WORK) and worker in (None, user.id)


def take(task: CallbackTask, user: User) -> None:
    """``user`` works on ``task`` now: it leaves the pool for the others. Flushes."""
    _check_open(task, user)
    if task.taken_by_id == user.id:
        return
    manager = has_permission(user, MANAGE)
    statement = update(CallbackTask).where(CallbackTask.id == task.id, CallbackTask.state == OPEN)
    if not manager:
        statement = statement.where(CallbackTask.taken_by_id.is_(None),
                                    or_(CallbackTask.assignee_id.is_(None),
                                        CallbackTask.assignee_id == user.id))
    result = db.session.execute(statement.values(taken_by_id=user.id)
                                .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Refused(_("Someone else has just taken this call-back task."))
    attributes.set_committed_value(task, "taken_by_id", user.id)


def record_try(task: CallbackTask, user: User, *, outcome: str, seen_attempts: int | None = None,
               note: str = "", feedback: str = "", satisfaction: str = "",
               retry_at: datetime | None = None, call_id: int | None = None) -> CallbackAttempt:
    """One try of ``task`` by ``user`` and what came of it. Reached: the order's feedback is
    recorded (which closes the task). Not reached: the try counts; the task waits, or is
    closed as unreachable after the last allowed try. Flushes, does not commit."""
    if outcome not in (REACHED, NOT_REACHED):
        raise Refused(_("Please say whether the customer was reached."))
    if outcome == REACHED and not feedback.strip():
        raise Refused(_("Please fill in: %(fields)s.", fields=_("Customer feedback")))
    call = db.session.get(CallRecord, call_id) if call_id else None
    if call_id and call is None:
        raise Refused(_("There is no call record %(id)s.", id=call_id))
    take(task, user)
    seen = task.attempts if seen_attempts is None else seen_attempts
    claimed = db.session.execute(
        update(CallbackTask).where(CallbackTask.id == task.id, CallbackTask.state == OPEN,
                                   CallbackTask.attempts == seen)
        .values(attempts=seen + 1).execution_options(synchronize_session=False))
    if claimed.rowcount != 1:
        raise Refused(_("Not saved: this try was recorded by someone else meanwhile. Open the task again."))
    attributes.set_committed_value(task, "attempts", seen + 1)
    attempt = CallbackAttempt(task_id=task.id, at=utcnow(), actor=user.username, outcome=outcome,
                              note=note.strip(), call_id=call.id if call else None)
    db.session.add(attempt)
    db.session.flush()
    if outcome == REACHED:
        apply(task.order, "feedback", user, {"feedback": feedback, "satisfaction": satisfaction})
    else:
        _not_reached(task, user, attempt, retry_at)
    db.session.flush()
    return attempt


def _not_reached(task: CallbackTask, user: User, attempt: CallbackAttempt, retry_at: datetime | None) -> None:
    now = utcnow()
    task.taken_by_id = None
    if task.attempts >= max_attempts():
        task.state, task.closed_at = UNREACHABLE, now
        text = _("Call-back: the customer was not reached in %(count)d tries; the task is closed.",
                 count=task.attempts)
    else:
        task.due_at = retry_at if retry_at and retry_at > now else now + retry_wait()
        text = _("Call-back try %(number)d of %(most)d: not reached; next try from %(due)s.",
                 number=task.attempts, most=max_attempts(), due=_when(task.due_at))
    record(task.order, user, COMMENT, action="callback", text=f"{text} {attempt.note}".strip())


def reassign(task: CallbackTask, user: User, assignee_id: int | None) -> None:
    """A team leader gives the task to another agent, or back to the pool."""
    if not has_permission(user, MANAGE):
        raise Refused(_("Only a team leader may hand call-back tasks to others."))
    _check_open(task, user)
    assignee = _agent(assignee_id)
    task.assignee_id, task.taken_by_id = (assignee.id if assignee else None), None
    record(task.order, user, COMMENT, action="callback",
           text=_("Call-back task handed to %(who)s.", who=_name(assignee)))


def cancel(task: CallbackTask, user: User, reason: str) -> None:
    """A team leader withdraws the task (the customer called in meanwhile, a wrong number)."""
    if not has_permission(user, MANAGE):
        raise Refused(_("Only a team leader may withdraw call-back tasks."))
    _check_open(task, user)
    if not reason.strip():
        raise Refused(_("Please fill in: %(fields)s.", fields=_("Reason")))
    task.state, task.closed_at, task.taken_by_id = CANCELLED, utcnow(), None
    record(task.order, user, COMMENT, action="callback",
           text=_("Call-back task withdrawn: %(reason)s", reason=reason.strip()))


def task_lists(user: User, limit: int = 200) -> dict[str, list[CallbackTask]]:
    """The open tasks for the list page, soonest first: ``mine`` (given to or taken by
    ``user``), ``pool`` (nobody's), and for a team leader ``others`` (someone else's)."""
    base = (select(CallbackTask).where(CallbackTask.state == OPEN)
            .order_by(CallbackTask.due_at, CallbackTask.id))
    mine = base.where(or_(CallbackTask.taken_by_id == user.id,
                          (CallbackTask.assignee_id == user.id) & CallbackTask.taken_by_id.is_(None)))
    pool = base.where(CallbackTask.assignee_id.is_(None), CallbackTask.taken_by_id.is_(None))
    lists: dict[str, Any] = {"mine": mine, "pool": pool}
    if has_permission(user, MANAGE):
        lists["others"] = base.where(or_(
            CallbackTask.taken_by_id.is_not(None) & (CallbackTask.taken_by_id != user.id),
            CallbackTask.taken_by_id.is_(None) & CallbackTask.assignee_id.is_not(None)
            & (CallbackTask.assignee_id != user.id)))
    return {name: list(db.session.scalars(query.limit(limit))) for name, query in lists.items()}


def _check_open(task: CallbackTask, user: User) -> None:
    if task.state != OPEN:
        raise Refused(_("This call-back task is closed."))
    if not may_work(user, task):
        raise Refused(_("This call-back task is someone else's."))


def _agent(assignee_id: int | None) -> User | None:
    if not assignee_id:
        return None
    user = db.session.get(User, assignee_id)
    if user is None or not user.active or not has_permission(user, WORK):
        raise Refused(_("There is no such agent."))
    return user


def _name(user: User | None) -> str:
    return (user.display_name or user.username) if user else _("the pool")


def _when(at: datetime) -> str:
    return local(at).strftime("%Y-%m-%d %H:%M")
