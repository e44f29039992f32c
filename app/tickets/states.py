"""The work order's loop as data: each transition names the states it leaves, the state it
reaches, the roles that may take it and the fields it needs. :func:`apply` is the only way an
order changes state; it refuses with a translated sentence (:class:`Refused`) and writes
every change into the order's history.

new → assigned → processing → resulted → feedback → closed is the loop; waiting for the
customer (``pending``, the clock stops), rejection back to the agent (``returned``), transfer
to another department, reopening within a window, and merging a duplicate into another
order are its side roads. The back office acts only on its own department's orders; an
administrator may do everything."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.audit.editing import claim
from app.auth.models import Department, User
from app.extensions import db
from app.tickets.callback_models import finish_open_tasks
from app.tickets.deadlines import deadline_for
from app.tickets.kinds import COMPLAINT, SATISFACTION
from app.tickets.models import ASSIGNMENT, COMMENT, FIELD, STATE, TicketEntry, TicketPause, WorkOrder
from app.tickets.satisfaction import PERSON, SURVEY, survey_of
from app.timeutil import utcnow

STATES = {
    "new": _l("New"),
    "assigned": _l("Assigned"),
    "processing": _l("Processing"),
    "pending": _l("Waiting for the customer"),
    "returned": _l("Returned to the agent"),
    "resulted": _l("Result written"),
    "feedback": _l("Feedback given"),
    "closed": _l("Closed"),
    "merged": _l("Merged"),
}
#: States in which the order is still someone's work.
OPEN_STATES = frozenset({"new", "assigned", "processing", "pending", "returned", "resulted", "feedback"})

DESK = frozenset({"agent", "teamlead", "manager"})
BACK = frozenset({"backoffice", "teamlead", "manager"})
CHECK = frozenset({"agent", "teamlead", "qa", "manager"})


@dataclass(frozen=True)
class Transition:
    name: str
    title: Any
    sources: frozenset[str]
    #: ``None``: the order stays in its state (a person is assigned within the department).
    target: str | None
    roles: frozenset[str]
    requires: tuple[str, ...] = ()


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("assign", _l("Assign to a department"), frozenset({"new", "returned"}), "assigned",
               DESK, ("department_id",)),
    Transition("assign_person", _l("Assign to a person"), frozenset({"assigned", "processing"}), None,
               BACK, ("assignee_id",)),
    Transition("accept", _l("Start processing"), frozenset({"assigned"}), "processing", BACK),
    Transition("transfer", _l("Transfer to another department"), frozenset({"assigned", "processing"}),
               "assigned", BACK, ("department_id", "reason")),
    Transition("reject", _l("Return to the agent"), frozenset({"assigned", "processing"}), "returned",
               BACK, ("reason",)),
    Transition("wait", _l("Wait for the customer"), frozenset({"processing"}), "pending",
               BACK, ("reason",)),
    Transition("resume", _l("Resume processing"), frozenset({"pending"}), "processing", BACK),
    Transition("resolve", _l("Write the result"), frozenset({"processing"}), "resulted",
               BACK, ("result",)),
    Transition("feedback", _l("Record the customer's feedback"), frozenset({"resulted"}), "feedback",
               CHECK, ("feedback",)),
    Transition("close", _l("Close"), frozenset({"feedback"}), "closed", CHECK),
    Transition("reopen", _l("Reopen"), frozenset({"closed"}), "assigned", DESK, ("reason",)),
    Transition("merge", _l("Merge into another order"),
               frozenset({"new", "returned", "assigned", "processing", "pending"}), "merged",
               DESK, ("target_number",)),
)}

FIELD_NAMES = {
    "department_id": _l("Department"),
    "assignee_id": _l("Assignee"),
    "reason": _l("Reason"),
    "result": _l("Result"),
    "feedback": _l("Customer feedback"),
    "satisfaction": _l("Satisfaction"),
    "target_number": _l("Number of the order to merge into"),
}


class Refused(ValueError):
    """A transition that may not be taken; ``str()`` is the sentence for the user."""


class Stale(Refused):
    """Someone changed the order since the form was opened."""


def may(user: User, order: WorkOrder, transition: Transition) -> bool:
    """Whether ``user``'s roles allow ``transition`` on ``order`` (its state aside)."""
    roles = user.roles
    if "admin" in roles:
        return True
    for role in roles & transition.roles:
        if role != "backoffice" or (order.department_id is not None
                                    and user.department_id == order.department_id):
            return True
    return False


def available(user: User, order: WorkOrder) -> list[Transition]:
    """The transitions ``user`` may take on ``order`` now: the actions its page offers."""
    return [t for t in TRANSITIONS.values() if order.state in t.sources and may(user, order, t)]


def apply(order: WorkOrder, name: str, user: User, data: Mapping[str, Any],
          seen: int | None = None) -> WorkOrder:
    """Take transition ``name`` on ``order`` for ``user`` with the submitted ``data``, after
    claiming the order at version ``seen`` (the one its form showed; default: as read).
    Flushes, does not commit. Returns the order whose state changed (for a merge: the
    order merged into)."""
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise Refused(_("There is no such action."))
    if order.state not in transition.sources:
        raise Refused(_("This work order is %(state)s: “%(action)s” is not possible now.",
                        state=STATES[order.state], action=transition.title))
    if not may(user, order, transition):
        raise Refused(_("You may not “%(action)s” on this work order.", action=transition.title))
    values = {key: str(data.get(key) or "").strip() for key in (*FIELD_NAMES, "public")}
    missing = [str(FIELD_NAMES[key]) for key in _required(transition, order, values) if not values[key]]
    if missing:
        raise Refused(_("Please fill in: %(fields)s.", fields="、".join(missing)))
    effect = _EFFECTS.get(name, _no_effect)
    prepared = effect(order, values, user, check_only=True)
    if not claim(order, order.row_version if seen is None else seen, user.username):
        raise Stale(_("Not saved: someone changed this work order since you opened it. "
                      "Open it again to see their changes."))
    before = order.state
    effect(order, values, user, check_only=False, prepared=prepared)
    if transition.target is not None:
        order.state = transition.target
        record(order, user, STATE, action=name, old=before, new=transition.target,
               text=values["reason"] or values["result"] or values["feedback"])
    if name in {"assign", "transfer", "resume", "reopen"}:
        order.due_at = deadline_for(order)
    db.session.flush()
    return prepared if isinstance(prepared, WorkOrder) else order


def add_note(order: WorkOrder, user: User, text: str, public: bool) -> TicketEntry:
    """A comment on the order: internal, or one the customer may hear (``public``)."""
    text = text.strip()
    if not text:
        raise Refused(_("Please fill in: %(fields)s.", fields=_("Note")))
    return record(order, user, COMMENT, action="note", text=text, public=public)


def record(order: WorkOrder, user: User | None, kind: str, **what: Any) -> TicketEntry:
    """One history entry by ``user``; without one, by ``actor`` (a job, the IVR) if given."""
    actor = str(what.pop("actor", ""))
    actor = user.username if user else actor
    entry = TicketEntry(order_id=order.id, actor=actor, kind=kind, at=utcnow(),
                        **{key: value if isinstance(value, (str, bool)) else str(value)
                           for key, value in what.items()})
    db.session.add(entry)
    return entry


def find_by_number(number: str) -> WorkOrder | None:
    """The order with this number; a merged order's number finds the order it went into."""
    order = db.session.scalar(select(WorkOrder).where(WorkOrder.number == number.strip()))
    seen = set()
    while order is not None and order.merged_into_id and order.id not in seen:
        seen.add(order.id)
        order = db.session.get(WorkOrder, order.merged_into_id)
    return order


def reopen_window() -> timedelta:
    return timedelta(days=int(current_app.config["TICKET_REOPEN_DAYS"]))


# --- what each transition does besides changing the state -------------------------------

def _required(transition: Transition, order: WorkOrder, values: dict[str, str]) -> tuple[str, ...]:
    if transition.name == "close" and order.type_code == COMPLAINT:
        return (*transition.requires, *(() if order.feedback else ("feedback",)),
                *(() if order.satisfaction else ("satisfaction",)))
    return transition.requires


def _set(order: WorkOrder, user: User | None, field: str, value: Any, kind: str = FIELD,
         text: str = "", actor: str = "") -> None:
    old = getattr(order, field)
    if old != value:
        setattr(order, field, value)
        record(order, user, kind, field=field, old="" if old is None else old,
               new="" if value is None else value, text=text, actor=actor)


def _department(values: dict[str, str]) -> Department:
    found = db.session.get(Department, int(values["department_id"])) \
        if values["department_id"].isdigit() else None
    if found is None or not found.active:
        raise Refused(_("There is no such department."))
    return found


def _assignee(values: dict[str, str], department_id: int | None) -> User | None:
    if not values["assignee_id"]:
        return None
    found = db.session.get(User, int(values["assignee_id"])) if values["assignee_id"].isdigit() else None
    if found is None or not found.active:
        raise Refused(_("There is no such person."))
    if found.department_id != department_id:
        raise Refused(_("%(name)s does not work in that department.", name=found.display_name or found.username))
    return found


def _satisfaction(values: dict[str, str]) -> str:
    if values["satisfaction"] and values["satisfaction"] not in SATISFACTION:
        raise Refused(_("Please choose the customer's satisfaction from the list."))
    return values["satisfaction"]


def _no_effect(order: WorkOrder, values: dict[str, str], user: User, check_only: bool,
               prepared: Any = None) -> Any:
    return None


def _assign(order, values, user, check_only, prepared=None):
    department = _department(values)
    person = _assignee(values, department.id)
    if not check_only:
        _set(order, user, "department_id", department.id, ASSIGNMENT)
        _set(order, user, "assignee_id", person.id if person else None, ASSIGNMENT)


def _assign_person(order, values, user, check_only, prepared=None):
    person = _assignee(values, order.department_id)
    if not check_only:
        _set(order, user, "assignee_id", person.id if person else None, ASSIGNMENT)


def _accept(order, values, user, check_only, prepared=None):
    if not check_only and order.assignee_id is None and user.department_id == order.department_id:
        _set(order, user, "assignee_id", user.id, ASSIGNMENT)


def _transfer(order, values, user, check_only, prepared=None):
    department = _department(values)
    if department.id == order.department_id:
        raise Refused(_("The work order is already with that department."))
    if not check_only:
        _set(order, user, "department_id", department.id, ASSIGNMENT)
        _set(order, user, "assignee_id", None, ASSIGNMENT)


def _wait(order, values, user, check_only, prepared=None):
    if not check_only:
        db.session.add(TicketPause(order_id=order.id, started_at=utcnow()))


def _resume(order, values, user, check_only, prepared=None):
    if not check_only:
        for pause in db.session.scalars(select(TicketPause).where(
                TicketPause.order_id == order.id, TicketPause.ended_at.is_(None))):
            pause.ended_at = utcnow()


def _resolve(order, values, user, check_only, prepared=None):
    if not check_only:
        _set(order, user, "result", values["result"])


def _feedback(order, values, user, check_only, prepared=None):
    satisfaction = _satisfaction(values)
    if not check_only:
        _set(order, user, "feedback", values["feedback"])
        if satisfaction:
            set_satisfaction(order, user, satisfaction, PERSON)
        elif not order.satisfaction:
            survey = survey_of(order)
            if survey is not None:
                set_satisfaction(order, user, survey.level, SURVEY,
                                 survey_note(survey.call_id, survey.score))
        finish_open_tasks(order, _("Feedback recorded by %(who)s.", who=user.username))


def _close(order, values, user, check_only, prepared=None):
    satisfaction = _satisfaction(values)
    if not check_only:
        if values["feedback"]:
            _set(order, user, "feedback", values["feedback"])
        if satisfaction:
            set_satisfaction(order, user, satisfaction, PERSON)
        order.closed_at = utcnow()


def set_satisfaction(order: WorkOrder, user: User | None, level: str, source: str, text: str = "",
                     actor: str = "") -> None:
    """The level and where it came from (``satisfaction_source``); a level from the survey
    says so in the history entry's ``text``."""
    order.satisfaction_source = source
    _set(order, user, "satisfaction", level, text=text, actor=actor)


def survey_note(call_id: int, score: int) -> str:
    return _("Post-call IVR survey of call #%(call)s: %(score)s of 5.", call=call_id, score=score)


def _reopen(order, values, user, check_only, prepared=None):
    if order.closed_at is None or utcnow() > order.closed_at + reopen_window():
        raise Refused(_("This work order was closed more than %(days)d days ago and cannot be reopened; "
                        "register a new one.", days=reopen_window().days))
    if not check_only:
        order.closed_at = None


def _merge(order, values, user, check_only, prepared=None):
    target = find_by_number(values["target_number"])
    if target is None:
        raise Refused(_("There is no work order %(number)s.", number=values["target_number"]))
    if target.id == order.id:
        raise Refused(_("A work order cannot be merged into itself."))
    if check_only:
        return target
    _set(order, user, "merged_into_id", target.id)
    record(prepared, user, COMMENT, action="merged",
           text=_("Work order %(number)s was merged into this one.", number=order.number))
    return target


_EFFECTS = {
    "assign": _assign, "assign_person": _assign_person, "accept": _accept, "transfer": _transfer,
    "wait": _wait, "resume": _resume, "resolve": _resolve, "feedback": _feedback, "close": _close,
    "reopen": _reopen, "merge": _merge,
}
