"""What the agent sees when a call reaches him (the screen pop): who is calling, what the
IVR learnt, who served the caller last, the caller's open work orders and recent history,
the summary so far of a transferred call, and the panels plugins add.

:func:`build` gathers it from the desk call into a :class:`Pop`; ``agents/_pop.html``
renders it (on the desk page when it loads, and as the fragment the desk fetches on a
``pop`` event). The IVR's data is shown as stored (masked by the IVR) and, as a second
guard, any entry whose name or value looks like a PIN or password is left out."""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import render_template
from markupsafe import Markup
from sqlalchemy import or_, select

from app.agents.models import DeskCall
from app.auth.models import User
from app.calls.callers import last_agent, number_forms
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.declarations import ScreenPopPanel
from app.extensions import db
from app.ivr.incidents import incident_of
from app.ivr.masking import MASK
from app.ivr.models import IVRLine
from app.ivr.nodes.region import REGION_KEY
from app.ivr.nodes.registry import node_specs
from app.ivr.web.texts import OUTCOME_TITLES, STEP_OUTCOME_TITLES
from app.pluginhost import collect
from app.pluginhost.registry import PluginError
from app.tickets.models import WorkOrder
from app.tickets.states import OPEN_STATES
from app.tickets.types import all_types

log = logging.getLogger("postline.agents")

MOST_ORDERS = 10
MOST_HISTORY = 5
#: IVR data never shown, whatever a plugin node stored by mistake: PINs and passwords.
SECRET_KEY = re.compile(r"pin|passw|secret|密码|口令", re.IGNORECASE)


@dataclass
class Step:
    step: str
    node: str
    outcome: str


@dataclass
class PastCall:
    at: datetime
    line: str
    outcome: str
    agent: str


@dataclass
class Transfer:
    """The leg before this one: who had the caller and what he noted so far."""

    agent: str
    ticket_type: str
    notes: str
    resolved: bool | None
    desk_call_id: int


@dataclass
class Panel:
    """A plugin's panel, rendered (autoescaped) and ready for the pop."""

    name: str
    title: str
    plugin: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    body: Markup = Markup("")


@dataclass
class Pop:
    desk_call: DeskCall
    caller: str
    customer: Customer | None
    vip: bool
    blacklisted: bool
    line_number: str
    line_name: str
    #: Where the caller calls from (``core.region``), and the incident on when the call came.
    region: str
    incident: str
    record: CallRecord | None
    steps: list[Step]
    data: list[tuple[str, str]]
    last_agent: str
    open_orders: list[WorkOrder]
    recent_calls: list[PastCall]
    recent_orders: list[WorkOrder]
    transfer: Transfer | None
    panels: list[Panel]

    @property
    def new_caller(self) -> bool:
        return self.customer is None


def build(call: DeskCall) -> Pop:
    record = db.session.get(CallRecord, call.call_id) if call.call_id else None
    customer = _customer(call)
    forms = number_forms(call.caller)
    line = _line(record)
    return Pop(
        desk_call=call, caller=call.caller, customer=customer,
        vip=bool(customer and customer.vip), blacklisted=bool(customer and customer.blacklisted),
        line_number=record.line if record else "", line_name=line.name if line else "",
        region=str(_record_data(record).get(REGION_KEY, "")), incident=_incident(record), record=record,
        steps=_steps(record), data=ivr_data(record),
        last_agent=_last_agent(call, forms), open_orders=_orders(customer, forms, open_only=True),
        recent_calls=_recent_calls(forms, record), recent_orders=_orders(customer, forms, open_only=False),
        transfer=_transfer(call), panels=_panels(call))


def _incident(record: CallRecord | None) -> str:
    incident = incident_of(record)
    return incident.title if incident else ""


def _customer(call: DeskCall) -> Customer | None:
    customer = db.session.get(Customer, call.customer_id) if call.customer_id else None
    while customer is not None and customer.merged_into_id:
        customer = db.session.get(Customer, customer.merged_into_id)
    return customer


def _line(record: CallRecord | None) -> IVRLine | None:
    if record is None or not record.line:
        return None
    return db.session.scalar(select(IVRLine).where(IVRLine.number == record.line).limit(1))


def _steps(record: CallRecord | None) -> list[Step]:
    if record is None:
        return []
    try:
        path = json.loads(record.path or "[]")
    except ValueError:
        return []
    titles = {spec.name: str(spec.title) for spec in node_specs()}
    return [Step(str(entry.get("step", "")), titles.get(entry.get("node", ""), str(entry.get("node", ""))),
                 str(STEP_OUTCOME_TITLES.get(entry.get("outcome", ""), entry.get("outcome", ""))))
            for entry in path if isinstance(entry, dict)]


def ivr_data(record: CallRecord | None) -> list[tuple[str, str]]:
    """The IVR's data as (name, value) lines, nested values flattened to ``a.b``; never a
    PIN: an entry named like one, or a secret the IVR masked whole (``******``), is left
    out; an account masked to its last digits (``********5678``) is what agents may see."""
    data = _record_data(record)
    lines: list[tuple[str, str]] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
            return
        text = ", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value))
        if SECRET_KEY.search(prefix) or (text and not text.strip(MASK[0])) or prefix == REGION_KEY:
            return
        lines.append((prefix, text))

    walk("", data)
    return lines


def _record_data(record: CallRecord | None) -> dict[str, Any]:
    """What the IVR stored on the call (its JSON ``data``); {} when none or unreadable."""
    try:
        data = json.loads(record.data or "{}") if record else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _last_agent(call: DeskCall, forms: list[str]) -> str:
    """Who served this caller before this call: the last desk call of his number, else the
    IVR records' agent column (filled from queue_log)."""
    if not forms:
        return ""
    before = db.session.execute(
        select(User.display_name, User.username).join(DeskCall, DeskCall.agent_id == User.id)
        .where(DeskCall.caller.in_(forms), DeskCall.id != call.id, DeskCall.answered_at.is_not(None),
               or_(DeskCall.uniqueid == "", DeskCall.uniqueid != call.uniqueid))
        .order_by(DeskCall.answered_at.desc(), DeskCall.id.desc()).limit(1)).first()
    if before is not None:
        return before.display_name or before.username
    return last_agent(call.caller, exclude_call=call.call_id)


def _orders(customer: Customer | None, forms: list[str], open_only: bool) -> list[WorkOrder]:
    """The orders of the customer, or registered from calls of this number."""
    who = []
    if customer is not None:
        who.append(WorkOrder.customer_id == customer.id)
    if forms:
        who.append(WorkOrder.call_id.in_(select(CallRecord.id).where(CallRecord.caller.in_(forms))))
    if not who:
        return []
    query = select(WorkOrder).where(or_(*who), WorkOrder.merged_into_id.is_(None))
    if open_only:
        query = query.where(WorkOrder.state.in_(sorted(OPEN_STATES)))
    else:
        query = query.where(WorkOrder.state.not_in(sorted(OPEN_STATES)))
    limit = MOST_ORDERS if open_only else MOST_HISTORY
    query = query.order_by(WorkOrder.created_at.desc(), WorkOrder.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def _recent_calls(forms: list[str], record: CallRecord | None) -> list[PastCall]:
    if not forms:
        return []
    query = select(CallRecord).where(CallRecord.caller.in_(forms))
    if record is not None:
        query = query.where(CallRecord.id != record.id)
    query = query.order_by(CallRecord.started_at.desc(), CallRecord.id.desc()).limit(MOST_HISTORY)
    calls = db.session.scalars(query)
    return [PastCall(c.started_at, c.line, str(OUTCOME_TITLES.get(c.outcome, c.outcome)), c.agent) for c in calls]


def _transfer(call: DeskCall) -> Transfer | None:
    before = db.session.get(DeskCall, call.transferred_from_id) if call.transferred_from_id else None
    if before is None:
        return None
    agent = db.session.get(User, before.agent_id)
    types = all_types() if before.ticket_type else {}
    kind = str(types[before.ticket_type].title) if before.ticket_type in types else before.ticket_type
    return Transfer(agent=(agent.display_name or agent.username) if agent else "", ticket_type=kind,
                    notes=before.notes, resolved=before.resolved, desk_call_id=before.id)


def _panels(call: DeskCall) -> list[Panel]:
    """The plugins' panels; a failing plugin costs its panel, never the pop."""
    try:
        declared: list[ScreenPopPanel] = collect("postline_screen_pop", call=call)
    except PluginError:
        log.exception("screen pop panels of desk call %s", call.id)
        return []
    panels = []
    for item in declared:
        try:
            body = Markup(render_template(item.template, **item.context)) if item.template else Markup("")
        except Exception:  # a plugin's broken template: its panel is left out
            log.exception("screen pop panel %s of %s", item.name, item.plugin)
            continue
        panels.append(Panel(item.name, str(item.title), item.plugin,
                            [(str(label), str(value)) for label, value in item.rows], body))
    return panels
