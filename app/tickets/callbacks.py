"""Working the call-back tasks: giving one to an agent or the pool, taking one, recording
each try, and what a team leader may do besides (hand a task to someone else, withdraw it).

A try that reached the customer records their feedback through the order's own feedback
transition (:func:`app.tickets.states.apply`), so the order's rules and history are the same
as on its page. A try that did not counts; the task waits ``TICKET_CALLBACK_RETRY_MINUTES``
(or the time the agent chose) and goes back to whoever may take it. After
``TICKET_CALLBACK_ATTEMPTS`` failed tries it is closed as unreachable and the order says so:
then a person decides (record "not reached" as the feedback, or send a message).

Tasks without an order are callers waiting for us (:func:`request_callback`: an abandoned
or timed-out queue call, "call me back" in the IVR, a voice message): one open task per
number, however often the caller tried, with every reason noted; reached closes it, a
wrong number closes it at once, anything else is a failed try under the retry policy
``CALLBACK_ATTEMPTS`` / ``CALLBACK_RETRY_MINUTES`` stored with the task. A caller who rings
again while his task is open closes it (:func:`caller_called_again`).

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
from app.calls.callers import profile
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.extensions import db
from app.notify.addresses import digits, phone_problem
from app.tickets.callback_models import (
    CALLER_SOURCES,
    CANCELLED,
    DONE,
    FEEDBACK,
    OPEN,
    OUTCOMES,
    REACHED,
    UNREACHABLE,
    WRONG_NUMBER,
    CallbackAttempt,
    CallbackTask,
    open_caller_task,
    open_task_of,
)
from app.tickets.giving_back import may_give_back
from app.tickets.models import COMMENT, WorkOrder
from app.tickets.states import Refused, apply, record
from app.timeutil import local, utcnow

WORK = "tickets.callbacks"
MANAGE = "tickets.callbacks_manage"


#: The note a task closed by the caller's new call gets.
CALLED_AGAIN = "客户已再次来电"


def max_attempts(task: CallbackTask | None = None) -> int:
    """Tries allowed: the task's own policy, else the site's (feedback or caller tasks)."""
    if task is not None and task.max_attempts:
        return max(1, task.max_attempts)
    key = "CALLBACK_ATTEMPTS" if task is not None and task.order_id is None else "TICKET_CALLBACK_ATTEMPTS"
    return max(1, int(current_app.config[key]))


def retry_wait(task: CallbackTask | None = None) -> timedelta:
    if task is not None and task.retry_minutes is not None:
        return timedelta(minutes=max(0, task.retry_minutes))
    key = "CALLBACK_RETRY_MINUTES" if task is not None and task.order_id is None \
        else "TICKET_CALLBACK_RETRY_MINUTES"
    return timedelta(minutes=max(0, int(current_app.config[key])))


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
                        created_by=user.username, created_at=utcnow(), source=FEEDBACK, sources=FEEDBACK,
                        customer_id=order.customer_id, call_id=order.call_id)
    db.session.add(task)
    record(order, user, COMMENT, action="callback",
           text=_("Call-back task: ring %(phone)s from %(due)s (%(who)s).", phone=task.phone,
                  due=_when(task.due_at), who=_name(assignee)) + (f" {task.note}" if task.note else ""))
    db.session.flush()
    return task


def request_callback(phone: str, source: str, *, queue: str = "", call_id: int | None = None,
                     caller_name: str = "", note: str = "", actor: str = "system") -> CallbackTask | None:
    """A caller at ``phone`` waits to be called back (``source``: abandoned, timeout, ivr,
    voicemail). His open task gets the new reason if he has one; otherwise a task is made
    for the pool, due now, under the site's retry policy. ``None`` when the number is not
    one we can ring (withheld, an internal extension). Flushes, does not commit."""
    if source not in CALLER_SOURCES:
        raise ValueError(f"not a caller's source: {source}")
    number = digits(phone)
    if not number or phone_problem(number):
        return None
    task = open_caller_task(number)
    if task is None:
        customer_id = profile(number).customer_id
        customer = db.session.get(Customer, customer_id) if customer_id else None
        task = CallbackTask(phone=number, source=source, sources=source, due_at=utcnow(), state=OPEN,
                            queue=queue[:64], call_id=call_id,
                            caller_name=(caller_name or (customer.name if customer else ""))[:100],
                            customer_id=customer.id if customer else None, note=note.strip(),
                            max_attempts=max(1, int(current_app.config["CALLBACK_ATTEMPTS"])),
                            retry_minutes=max(0, int(current_app.config["CALLBACK_RETRY_MINUTES"])),
                            created_by=actor, created_at=utcnow())
        db.session.add(task)
    else:
        _merge(task, source, queue=queue, call_id=call_id, note=note)
    db.session.flush()
    return task


def _merge(task: CallbackTask, source: str, *, queue: str, call_id: int | None, note: str) -> None:
    """Another reason for the same open task: noted, and what the task lacked filled in."""
    if source not in task.source_list:
        task.sources = ",".join([*task.source_list, source])
    task.queue = task.queue or queue[:64]
    task.call_id = task.call_id or call_id
    if note.strip():
        task.note = f"{task.note}\n{note.strip()}".strip()


def caller_called_again(phone: str) -> list[CallbackTask]:
    """The caller at ``phone`` is on the line again (he joined a queue): his open caller
    tasks are done, noted :data:`CALLED_AGAIN`. Feedback tasks stay: they are about an
    order, not about his waiting. Flushes, does not commit."""
    number = digits(phone)
    if not number:
        return []
    tasks = list(db.session.scalars(select(CallbackTask).where(
        CallbackTask.phone == number, CallbackTask.state == OPEN, CallbackTask.order_id.is_(None))))
    now = utcnow()
    for task in tasks:
        task.state, task.closed_at, task.taken_by_id, task.desk_call_id = DONE, now, None, None
        task.note = f"{task.note}\n{CALLED_AGAIN}".strip()
    db.session.flush()
    return tasks


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
               retry_at: datetime | None = None, call_id: int | None = None,
               desk_call_id: int | None = None) -> CallbackAttempt:
    """One try of ``task`` by ``user`` and what came of it. Reached: an order's feedback is
    recorded (which closes the task); a caller's task is done. A wrong number closes a
    caller's task at once. Otherwise the try counts; the task waits, or is closed as
    unreachable after the last allowed try. ``desk_call_id``: the desk call of the try
    (default: the task's last click-to-call). Flushes, does not commit."""
    if outcome not in OUTCOMES:
        raise Refused(_("Please say whether the customer was reached."))
    if outcome == REACHED and task.order is not None and not feedback.strip():
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
                              note=note.strip(), call_id=call.id if call else None,
                              desk_call_id=desk_call_id or task.desk_call_id)
    task.desk_call_id = None
    db.session.add(attempt)
    db.session.flush()
    if outcome == REACHED and task.order is not None:
        apply(task.order, "feedback", user, {"feedback": feedback, "satisfaction": satisfaction})
    elif outcome == REACHED:
        task.state, task.closed_at, task.taken_by_id = DONE, utcnow(), None
    elif outcome == WRONG_NUMBER and task.order is None:
        task.state, task.closed_at, task.taken_by_id = UNREACHABLE, utcnow(), None
    else:
        _not_reached(task, user, attempt, retry_at)
    db.session.flush()
    return attempt


def _not_reached(task: CallbackTask, user: User, attempt: CallbackAttempt, retry_at: datetime | None) -> None:
    now = utcnow()
    task.taken_by_id = None
    if task.attempts >= max_attempts(task):
        task.state, task.closed_at = UNREACHABLE, now
        text = _("Call-back: the customer was not reached in %(count)d tries; the task is closed.",
                 count=task.attempts)
    else:
        task.due_at = retry_at if retry_at and retry_at > now else now + retry_wait(task)
        text = _("Call-back try %(number)d of %(most)d: not reached; next try from %(due)s.",
                 number=task.attempts, most=max_attempts(task), due=_when(task.due_at))
    _order_note(task, user, f"{text} {attempt.note}".strip())


def reassign(task: CallbackTask, user: User, assignee_id: int | None) -> None:
    """A team leader gives the task to another agent, or back to the pool."""
    if not has_permission(user, MANAGE):
        raise Refused(_("Only a team leader may hand call-back tasks to others."))
    _check_open(task, user)
    assignee = _agent(assignee_id)
    task.assignee_id, task.taken_by_id = (assignee.id if assignee else None), None
    _order_note(task, user, _("Call-back task handed to %(who)s.", who=_name(assignee)))


def cancel(task: CallbackTask, user: User, reason: str) -> None:
    """A team leader withdraws the task (the customer called in meanwhile, a wrong number)."""
    if not has_permission(user, MANAGE):
        raise Refused(_("Only a team leader may withdraw call-back tasks."))
    _check_open(task, user)
    if not reason.strip():
        raise Refused(_("Please fill in: %(fields)s.", fields=_("Reason")))
    task.state, task.closed_at, task.taken_by_id = CANCELLED, utcnow(), None
    _order_note(task, user, _("Call-back task withdrawn: %(reason)s", reason=reason.strip()))


def _order_note(task: CallbackTask, user: User, text: str) -> None:
    """What happened to a feedback task goes into its order's history (a caller's task
    has no order: its tries are its history)."""
    if task.order is not None:
        record(task.order, user, COMMENT, action="callback", text=text)


def task_lists(user: User, limit: int = 200) -> dict[str, list[CallbackTask]]:
    """The open feedback tasks for the work orders' list page, soonest first: ``mine`` (given to or taken by
    ``user``), ``pool`` (nobody's), and for a team leader ``others`` (someone else's)."""
    base = (select(CallbackTask).where(CallbackTask.state == OPEN, CallbackTask.order_id.is_not(None))
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
