"""A post-call survey scored after the fact: the IVR tells (``postline_call_surveyed``) and
every order the call belongs to hears of it. The tickets room is above the IVR, so it
listens to the event instead of being called."""
from __future__ import annotations

import logging

from app.audit.editing import claim
from app.calls.models import CallRecord
from app.extensions import db
from app.tickets.models import COMMENT
from app.tickets.satisfaction import SURVEY, level_of, orders_of_call
from app.tickets.states import record, set_satisfaction, survey_note

log = logging.getLogger("postline.tickets")
#: Who the history names for what the survey wrote.
ACTOR = "ivr"
#: States in which a survey may still give an order its missing level.
AFTER_FEEDBACK = frozenset({"feedback", "closed"})


def survey_arrived(call: CallRecord) -> int:
    """Note the survey on each order of ``call``; an order past its feedback without a
    level takes the survey's. Commits; returns how many orders were told."""
    level = level_of(call.survey_score)
    if not level:
        return 0
    told = 0
    for order in orders_of_call(call):
        if not claim(order, order.row_version, ACTOR):
            log.warning("work order %s changed while the survey of call %s arrived", order.number, call.id)
            continue
        note = survey_note(call.id, call.survey_score)
        if order.state in AFTER_FEEDBACK and not order.satisfaction:
            set_satisfaction(order, None, level, SURVEY, note, actor=ACTOR)
        else:
            record(order, None, COMMENT, action="survey", text=note, actor=ACTOR)
        told += 1
    db.session.commit()
    return told
