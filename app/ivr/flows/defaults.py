"""The flows a new site starts with (``postline demo load``): the 11185 postal hotline and
the 12329 housing-fund hotline on one server, their lines, opening hours and holidays.

They use core nodes only, plus ``postcode.lookup`` when the postcode plugin declares it
and the newspaper menu (key 3) when the newspaper plugin declares its nodes
(flows may only use declared nodes: see :mod:`app.ivr.flows.validation`); the lookup's outcomes all
lead back to the main menu. Likewise ``ems.track`` on key 2 when the EMS plugin declares it:
back to the menu once heard, to the EMS agents when nothing was found."""
from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import select

from app.calendars.models import BusinessCalendar, CalendarDay
from app.extensions import db
from app.ivr.flows.versions import save_version
from app.ivr.models import IVRFlow, IVRLine
from app.ivr.nodes.base import Node
from app.ivr.nodes.registry import node_types

POSTCODE_NODE = "postcode.lookup"
EMS_NODE = "ems.track"
NEWSPAPER_NODES = ("newspaper.menu", "newspaper.subscribe", "newspaper.change_address", "newspaper.cancel")

LINES = [
    # number, name, queue, weekly hours
    ("11185", "中国邮政客户服务热线", "11185", {d: "08:00-20:00" for d in
                                      ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}),
    ("12329", "住房公积金服务热线", "12329", {d: "08:30-17:30" for d in ("mon", "tue", "wed", "thu", "fri")}),
]

HOLIDAYS = {
    "12329": [(date(2026, 10, d), "国庆节", "") for d in range(1, 8)] + [(date(2027, 1, 1), "元旦", "")],
}


def _step(sid: str, node: str, params: dict[str, Any] | None = None,
          next_: dict[str, str] | None = None) -> dict[str, Any]:
    step: dict[str, Any] = {"id": sid, "type": node}
    if params:
        step["params"] = params
    if next_:
        step["next"] = next_
    return step


def _outcomes(node_class: type) -> tuple[str, ...]:
    if isinstance(node_class, type) and issubclass(node_class, Node):
        return node_class.outcomes
    return ("done",)


def flow_11185(node_types: dict[str, type]) -> dict[str, Any]:
    """Welcome, blacklist, hours; a main menu by service (60 s of silence: the engine says
    goodbye-no-input and ends the call, recorded as hung up for "no input");
    after hours a recorded message."""
    menu = {"2": "ems", "3": "press", "4": "complaint"}
    steps = [
        _step("welcome", "core.play", {"prompt": "welcome-11185"}, {"done": "blacklist"}),
        _step("blacklist", "core.blacklist", None, {"allowed": "hours"}),
        _step("hours", "core.time_condition", None, {"open": "menu", "closed": "closed"}),
        _step("menu", "core.menu", {"prompt": "menu-11185", "timeout_s": 20, "idle_limit_s": 60}, menu),
        _step("ems", "core.transfer", {"queue": "ems", "service": "邮件查询与速递"}),
        _step("press", "core.transfer", {"queue": "press", "service": "报刊订阅"}),
        _step("complaint", "core.transfer", {"queue": "complaint", "service": "投诉与建议"}),
        _step("closed", "core.hours", None, {"done": "voicemail"}),
        _step("voicemail", "core.voicemail", None, {"done": "bye"}),
        _step("bye", "core.hangup"),
    ]
    if POSTCODE_NODE in node_types:
        menu["1"] = "postcode"
        steps.append(_step("postcode", POSTCODE_NODE, None,
                           {o: "menu" for o in _outcomes(node_types[POSTCODE_NODE])}))
    else:
        menu["1"] = "postcode-agent"
        steps.append(_step("postcode-agent", "core.transfer", {"service": "邮政编码查询"}))
    if EMS_NODE in node_types:  # the EMS line's tracking: back to the menu, or the EMS agents
        menu["2"] = "ems-track"
        steps.append(_step("ems-track", EMS_NODE, None, {"done": "menu", "unknown": "ems"}))
    if all(node in node_types for node in NEWSPAPER_NODES):
        menu["3"] = "press-menu"
        steps.extend(_newspaper_steps())
    return {"title": "11185 中国邮政客服", "start": "welcome", "steps": steps}


def _newspaper_steps() -> list[dict[str, Any]]:
    """Key 3's small menu when the newspaper plugin declares its nodes: subscribe, change
    the address, cancel, 0 to the press queue; each order goes back to the main menu, and a
    caller whose account does not open (or who has no other address) reaches an agent."""
    back = {"done": "menu", "declined": "menu", "not_found": "menu", "failed": "press"}
    return [
        _step("press-menu", "newspaper.menu", None, {"subscribe": "press-subscribe",
                                                     "change_address": "press-change",
                                                     "cancel": "press-cancel", "agent": "press"}),
        _step("press-subscribe", "newspaper.subscribe", None, back),
        _step("press-change", "newspaper.change_address", None, {**back, "no_address": "press"}),
        _step("press-cancel", "newspaper.cancel", None, back),
    ]


def flow_12329(node_types: dict[str, type]) -> dict[str, Any]:
    """Working days only; personal accounts, loans, a policy message. With the housingfund
    plugin's nodes declared: personal (identify, then a balance / loan / booking menu),
    company, booking, policy guide and branch directory; without them, transfers."""
    steps = [
        _step("welcome", "core.play", {"prompt": "welcome-12329"}, {"done": "blacklist"}),
        _step("blacklist", "core.blacklist", None, {"allowed": "hours"}),
        _step("hours", "core.time_condition", None, {"open": "menu", "closed": "closed"}),
        _step("personal", "core.transfer", {"service": "个人公积金业务"}),
        _step("loan", "core.transfer", {"queue": "12329-loan", "service": "公积金贷款"}),
        _step("closed", "core.hours", {"prompt": "closed-intro-12329"}, {"done": "voicemail"}),
        _step("voicemail", "core.voicemail", None, {"done": "bye"}),
        _step("bye", "core.hangup"),
    ]
    fund_nodes = ("housingfund.identify", "housingfund.balance", "housingfund.loan", "housingfund.company",
                  "housingfund.booking", "housingfund.policy", "housingfund.branches")
    if not all(name in node_types for name in fund_nodes):
        return {"title": "12329 住房公积金", "start": "welcome", "steps": steps + [
            _step("menu", "core.menu", {"prompt": "menu-12329", "timeout_s": 20, "idle_limit_s": 60},
                  {"1": "personal", "2": "loan", "3": "policy"}),
            _step("policy", "core.play", {"prompt": "policy-12329"}, {"done": "menu"}),
        ]}

    def fund(sid: str, node: str, wiring: dict[str, str]) -> dict[str, Any]:
        return _step(sid, node, None, {o: wiring.get(o, "menu") for o in _outcomes(node_types[node])})

    return {"title": "12329 住房公积金", "start": "welcome", "steps": steps + [
        _step("menu", "core.menu", {"prompt": "housingfund/menu-main", "timeout_s": 20, "idle_limit_s": 60},
              {"1": "identify", "2": "fund-company", "3": "fund-booking", "4": "fund-policy", "5": "fund-branches"}),
        fund("identify", "housingfund.identify", {"identified": "personal-menu", "failed": "personal"}),
        _step("personal-menu", "core.menu", {"prompt": "housingfund/menu-personal", "timeout_s": 10},
              {"1": "fund-balance", "2": "fund-loan", "3": "fund-booking", "9": "menu"}),
        fund("fund-balance", "housingfund.balance", {"done": "personal-menu", "failed": "personal"}),
        fund("fund-loan", "housingfund.loan", {"done": "personal-menu", "none": "personal-menu", "failed": "loan"}),
        fund("fund-company", "housingfund.company", {"failed": "personal"}),
        fund("fund-booking", "housingfund.booking", {"failed": "personal"}),
        fund("fund-policy", "housingfund.policy", {}),
        fund("fund-branches", "housingfund.branches", {}),
    ]}


FLOWS = {"11185": flow_11185, "12329": flow_12329}


def load() -> dict[str, int]:
    """Adds the lines and flows that are missing; a second run adds nothing."""
    counts = {"ivr_flows": 0, "ivr_lines": 0}
    types = node_types()
    for name, build in FLOWS.items():
        if db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == name)) is None:
            definition = build(types)
            save_version(name, definition, title=definition["title"], author="demo",
                               note="default flow")
            counts["ivr_flows"] += 1
    for number, title, queue, hours in LINES:
        if db.session.scalar(select(IVRLine.id).where(IVRLine.number == number)) is not None:
            continue
        flow_id = db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == number))
        calendar = BusinessCalendar(name=f"{number} {title}", hours=json.dumps(hours, ensure_ascii=False))
        db.session.add(IVRLine(number=number, name=title, queue=queue, flow_id=flow_id,
                               calendar=calendar))
        db.session.flush()
        for day, holiday, hours_text in HOLIDAYS.get(number, []):
            db.session.add(CalendarDay(calendar_id=calendar.id, day=day, name=holiday, hours=hours_text))
        counts["ivr_lines"] += 1
    db.session.commit()
    return counts
