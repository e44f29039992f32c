"""Click-to-call: the agent clicks a phone number on any page, his own phone rings first,
and when he answers Asterisk dials the number (AMI ``Originate`` into the click-to-call
context of dialplan/extensions_postline.conf, ``Async`` so that the worker does not wait for
the answer).

The call is a :class:`~app.agents.models.DeskCall` of direction outbound from the moment
it is asked for, so that it is on the agent's list and can be summarised like any other;
``POSTLINE_DESK_CALL`` on the channel lets the dialplan and the CTI events find it. A dial
made for a call-back task takes the task for the agent and links the try he records next
to this desk call."""
from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _

from app.agents.models import OUTBOUND, AgentProfile, DeskCall
from app.auth.models import User
from app.calls.callers import profile
from app.cti import actions
from app.extensions import db
from app.notify.addresses import digits, phone_problem
from app.tickets import callbacks
from app.tickets.callback_models import CallbackTask
from app.tickets.states import Refused
from app.timeutil import utcnow

#: How long the agent's phone rings before Asterisk gives up (milliseconds).
RING_MS = "30000"


class DialRefused(ValueError):
    """The dial cannot be made; ``str()`` is the sentence for the agent."""


def dial(user: User, number: str, task_id: int | None = None) -> DeskCall:
    """Ring ``user``'s phone, then ``number``. Flushes, does not commit."""
    agent = db.session.get(AgentProfile, user.id)
    if agent is None or not agent.active:
        raise DialRefused(_("You have no agent extension; an administrator sets one up first."))
    problem = phone_problem(number or "")
    if problem:
        raise DialRefused(problem)
    number = digits(number)
    task = _task_for(user, task_id)
    call = DeskCall(agent_id=user.id, direction=OUTBOUND, caller=number, customer_id=profile(number).customer_id,
                    queue=task.queue if task else "", offered_at=utcnow())
    db.session.add(call)
    db.session.flush()
    if task is not None:
        task.desk_call_id = call.id
    actions.send("Originate", user.username, Channel=agent.interface,
                 Context=current_app.config["CALLBACK_DIAL_CONTEXT"], Exten=number, Priority="1",
                 CallerID=f'"{number}" <{number}>', Timeout=RING_MS, Async="true",
                 Variable=f"POSTLINE_DESK_CALL={call.id}")
    return call


def _task_for(user: User, task_id: int | None) -> CallbackTask | None:
    if not task_id:
        return None
    task = db.session.get(CallbackTask, task_id)
    if task is None:
        raise DialRefused(_("There is no such call-back task."))
    try:
        callbacks.take(task, user)
    except Refused as refused:
        raise DialRefused(str(refused)) from refused
    return task
