"""The customer's satisfaction with an order, and what the post-call IVR survey says of it.

The five levels are :data:`app.tickets.kinds.SATISFACTION`; the survey's keys 1…5 map onto
them (5 very satisfied … 1 very dissatisfied). An order's calls are the call it was
registered from and the call-back calls whose call record is known; the latest survey
among them is *the order's survey*. The rules (docs/work-orders.md, "Satisfaction"):

* what the customer told a person wins: chosen on the feedback (or closing) form, it is
  stored with the source ``person`` and no survey changes it afterwards;
* feedback recorded without a level, on an order that has none, takes the order's survey
  (source ``survey``); the form says beforehand which level that will be;
* a survey scored after the order reached ``feedback`` (or ``closed``) fills an order
  still without a level; either way it is noted in the order's history."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import or_, select

from app.calls.models import CallRecord
from app.extensions import db
from app.tickets.callback_models import CallbackAttempt, CallbackTask
from app.tickets.kinds import SATISFACTION
from app.tickets.models import WorkOrder

PERSON, SURVEY = "person", "survey"
#: The survey's key → the order's level.
SURVEY_LEVELS = {5: "very_satisfied", 4: "satisfied", 3: "neutral", 2: "dissatisfied",
                 1: "very_dissatisfied"}


@dataclass(frozen=True)
class Survey:
    call_id: int
    score: int
    at: datetime | None

    @property
    def level(self) -> str:
        return SURVEY_LEVELS[self.score]


def level_of(score: int | None) -> str:
    """The level of a survey key; "" for anything that is not 1…5."""
    return SURVEY_LEVELS.get(score, "") if isinstance(score, int) else ""


def survey_of(order: WorkOrder) -> Survey | None:
    """The latest scored survey among the order's calls, if any."""
    callback_calls = (select(CallbackAttempt.call_id)
                      .join(CallbackTask, CallbackTask.id == CallbackAttempt.task_id)
                      .where(CallbackTask.order_id == order.id, CallbackAttempt.call_id.is_not(None)))
    linked = [CallRecord.id.in_(callback_calls)]
    if order.call_id is not None:
        linked.append(CallRecord.id == order.call_id)
    call = db.session.scalars(
        select(CallRecord).where(or_(*linked), CallRecord.survey_score.in_(tuple(SURVEY_LEVELS)))
        .order_by(CallRecord.survey_at.desc().nulls_last(), CallRecord.id.desc()).limit(1)).first()
    return Survey(call.id, call.survey_score, call.survey_at) if call is not None else None


def orders_of_call(call: CallRecord) -> list[WorkOrder]:
    """The orders ``call`` belongs to: registered from it, or a call-back made on it."""
    through_callbacks = (select(CallbackTask.order_id)
                         .join(CallbackAttempt, CallbackAttempt.task_id == CallbackTask.id)
                         .where(CallbackAttempt.call_id == call.id))
    return list(db.session.scalars(select(WorkOrder).where(
        or_(WorkOrder.call_id == call.id, WorkOrder.id.in_(through_callbacks))).order_by(WorkOrder.id)))


def survey_choice(order: WorkOrder, survey: Survey | None) -> str:
    """The label of the feedback form's empty satisfaction choice when leaving it takes the
    survey's level ("" when it does not: no survey, or the order has a level already)."""
    if survey is None or order.satisfaction:
        return ""
    return _("— (the IVR survey's: %(level)s)", level=SATISFACTION[survey.level])
