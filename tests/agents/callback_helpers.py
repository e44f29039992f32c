"""What the call-back tests share: the AMI events Asterisk sends about a queued caller,
the tasks there are, and the AMI actions PostLine asked for."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from app.cti.events import dispatch
from app.cti.models import CtiAction
from app.extensions import db
from app.tickets.callback_models import CallbackTask


def abandon(number: str, held: int, queue: str = "postline-11185", uniqueid: str = "1796154447.18") -> None:
    dispatch({"Event": "QueueCallerAbandon", "Queue": queue, "Position": "1", "OriginalPosition": "2",
              "HoldTime": str(held), "Uniqueid": uniqueid, "CallerIDNum": number})
    db.session.commit()


def queue_exit(number: str, status: str, queue: str = "postline-11185", uniqueid: str = "1796154447.20",
               call_id: str = "") -> None:
    dispatch({"Event": "UserEvent", "UserEvent": "PostLineQueueExit", "Queue": queue, "Status": status,
              "CallerIDNum": number, "Uniqueid": uniqueid, "PostLineCallId": call_id})
    db.session.commit()


def join(number: str, queue: str = "postline-11185") -> None:
    dispatch({"Event": "QueueCallerJoin", "Queue": queue, "Position": "1", "Count": "1", "CallerIDNum": number,
              "Uniqueid": "1796154500.1", "Channel": "PJSIP/trunk-00000001"})
    db.session.commit()


def tasks() -> list[CallbackTask]:
    db.session.expire_all()
    return list(db.session.scalars(select(CallbackTask).order_by(CallbackTask.id)))


def sent(action: str) -> list[dict[str, Any]]:
    return [json.loads(row.fields) for row in db.session.scalars(select(CtiAction).where(CtiAction.action == action)
                                                                 .order_by(CtiAction.id))]
