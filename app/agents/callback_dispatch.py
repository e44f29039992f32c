"""Spreading call-back tasks over the agents who are free to ring.

Every minute the worker (:func:`spread`) gives each due pool task to a READY agent who has
the task's queue among his skills (a task without a queue, such as a work order's feedback,
to any ready agent): lowest penalty in that queue first, then the one with the fewest open
tasks, then the longest ready. An agent holds at most ``CALLBACK_PER_AGENT`` given tasks at
once, so that one free agent does not collect the whole pool while the others come back
from a call. The agent's desk is told by a ``callback`` live event. A task given to an agent
who has logged off since goes back to the pool first.

Tasks named for an agent (``assignee``: "for me") are never moved; anyone may still take a
pool task himself on the call-back list."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, or_, select, update

from app.agents.models import LOGGED_OFF, READY, AgentProfile, AgentSkill, AgentStatus
from app.cti import live
from app.extensions import db
from app.tickets.callback_models import OPEN, CallbackTask
from app.timeutil import utcnow

#: Tasks looked at in one run: a backlog is given out over several runs.
BATCH = 200
CALLBACK = "callback"


def spread() -> int:
    """The worker's job: release tasks of agents who left, give due pool tasks to ready
    agents. Returns how many were given. Commits."""
    _release_left()
    given = 0
    for task in _due_pool_tasks():
        agent_id = _best_agent(task)
        if agent_id is None:
            continue
        if _give(task, agent_id):
            given += 1
    db.session.commit()
    return given


def notify_agent(task: CallbackTask, agent_id: int) -> None:
    """Tell the agent's desk that ``task`` is his now."""
    live.publish(live.agent_topic(agent_id), CALLBACK,
                 {"task_id": task.id, "phone": task.phone, "source": task.source, "queue": task.queue,
                  "url": "/desk/callbacks"})


def open_load(user_ids: list[int]) -> dict[int, int]:
    """Open tasks each agent has: given to him, or taken by him."""
    worker = func.coalesce(CallbackTask.taken_by_id, CallbackTask.assignee_id)
    rows = db.session.execute(select(worker, func.count()).where(CallbackTask.state == OPEN, worker.in_(user_ids))
                              .group_by(worker))
    return {user_id: count for user_id, count in rows}


def _release_left() -> None:
    left = select(AgentStatus.user_id).where(AgentStatus.state == LOGGED_OFF)
    db.session.execute(update(CallbackTask).where(CallbackTask.state == OPEN, CallbackTask.taken_by_id.in_(left))
                       .values(taken_by_id=None, desk_call_id=None).execution_options(synchronize_session=False))
    db.session.expire_all()


def _due_pool_tasks() -> list[CallbackTask]:
    return list(db.session.scalars(
        select(CallbackTask).where(CallbackTask.state == OPEN, CallbackTask.assignee_id.is_(None),
                                   CallbackTask.taken_by_id.is_(None), CallbackTask.due_at <= utcnow())
        .order_by(CallbackTask.due_at, CallbackTask.id).limit(BATCH)))


def _best_agent(task: CallbackTask) -> int | None:
    """The ready agent for ``task``: skilled for its queue, lowest penalty, fewest open
    tasks, longest ready; ``None`` when nobody is free."""
    penalty = func.min(AgentSkill.penalty).label("penalty")
    query = (select(AgentStatus.user_id, penalty, AgentStatus.since)
             .join(AgentProfile, AgentProfile.user_id == AgentStatus.user_id)
             .outerjoin(AgentSkill, AgentSkill.user_id == AgentStatus.user_id)
             .where(AgentStatus.state == READY, AgentProfile.active.is_(True))
             .group_by(AgentStatus.user_id, AgentStatus.since))
    if task.queue:
        query = query.where(AgentSkill.queue == task.queue)
    candidates = list(db.session.execute(query))
    if not candidates:
        return None
    load = open_load([row.user_id for row in candidates])
    most = max(1, int(current_app.config["CALLBACK_PER_AGENT"]))
    free = [row for row in candidates if load.get(row.user_id, 0) < most]
    if not free:
        return None
    best = min(free, key=lambda row: (row.penalty if row.penalty is not None else 0, load.get(row.user_id, 0),
                                      row.since, row.user_id))
    return best.user_id


def _give(task: CallbackTask, agent_id: int) -> bool:
    """Give ``task`` to the agent unless someone took it meanwhile (one conditional UPDATE)."""
    result = db.session.execute(
        update(CallbackTask).where(CallbackTask.id == task.id, CallbackTask.state == OPEN,
                                   CallbackTask.taken_by_id.is_(None),
                                   or_(CallbackTask.assignee_id.is_(None), CallbackTask.assignee_id == agent_id))
        .values(taken_by_id=agent_id).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        return False
    db.session.refresh(task)
    notify_agent(task, agent_id)
    return True
