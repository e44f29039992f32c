"""Post-call satisfaction: a key from 1 (very dissatisfied) to 5 (very satisfied), stored
on the call record. The dialplan reaches it after the agent hangs up
(``agi://host/survey?call=${POSTLINE_CALL_ID}``); inside a flow it scores the current call.
"0" is just a wrong key here: the caller has just left an agent. A saved score is told to the
rooms and plugins (``postline_call_surveyed``): a work order of that call takes it."""
from __future__ import annotations

from app.calls.models import CallRecord
from app.extensions import db
from app.ivr.call import Call
from app.ivr.nodes.base import Node, Param
from app.ivr.prompts import texts as p
from app.pluginhost import notify

SCORES = "12345"


class SurveyNode(Node):
    params_spec = (
        Param("prompt", "prompt", p.SURVEY_ASK, required=True, title="Question"),
        Param("thanks", "prompt", p.SURVEY_THANKS, title="Thanks"),
        Param("call", "str", "", title="Call record id (empty: this call)"),
    )
    outcomes = ()
    terminal = True

    def run(self, call: Call) -> str:
        target = str(self.params["call"] or call.call_id or "")
        key = call.menu(self.params["prompt"], SCORES, timeout_s=10, retries=1, allow_agent=False)
        if not call.dry_run and target.isdigit():
            record = db.session.get(CallRecord, int(target))
            if record is None:
                call.log.warning("survey for unknown call record %s", target)
            elif record.survey_score is None:  # one score per call: a replayed leg cannot change it
                record.survey_score, record.survey_at = int(key), call.now()
                db.session.commit()
                notify("postline_call_surveyed", call=record)
        call.data["survey_score"] = int(key)
        call.hangup(self.params["thanks"] or None)
