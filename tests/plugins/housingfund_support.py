"""Shared helpers of the housingfund tests: the demo's members and a simulated call into
a node of the 12329 line."""
from __future__ import annotations

import json

from sqlalchemy import select

from app.calls.models import CallRecord
from app.extensions import db
from app.ivr.simulator import simulate
from plugins.housingfund import demo

ZHANG, LI, WANG = (m["account"] for m in demo.MEMBERS)
ZHANG_ID = demo.MEMBERS[0]["id_card"]
LI_ID = demo.MEMBERS[1]["id_card"]  # ends in X
ZHANG_CARD = demo.MEMBERS[0]["card_number"]
COMPANY = demo.COMPANY["account"]
PIN, COMPANY_PIN = demo.MEMBER_PASSWORD, demo.COMPANY_PASSWORD


def node(name: str) -> str:
    return f"node/housingfund.{name}?line=12329"


def call(app, name: str, inputs, **options):
    """A real (not dry) simulated call entering ``housingfund.<name>`` directly."""
    return simulate(app, "", inputs, script=node(name), dry_run=False, **options)


def records() -> list[CallRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CallRecord).order_by(CallRecord.id)))


def data_of(record: CallRecord) -> dict:
    return json.loads(record.data)
