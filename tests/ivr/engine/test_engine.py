"""The engine on simulated calls, against the real database: routing, the core nodes'
effects (transfer variables, hours and holidays, blacklist, voice messages, the survey),
and the promises that hold whatever the caller or a node does: one closed call record per
call, an apology and an agent on any error, never a PIN in what is stored or logged."""
from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import func, select

from app.api import Node, hookimpl
from app.calendars.models import BusinessCalendar, CalendarDay
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.declarations import IVRNode
from app.extensions import db
from app.ivr import flows
from app.ivr.engine import MAX_STEPS, run_call
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRFlow, IVRFlowVersion, IVRLine, Voicemail
from app.ivr.simulator import HANGUP, SimulatedChannel, info_for, simulate


@pytest.fixture
def postline_plugins():
    """The core's own behaviour with the first business line only: the default flows and
    demo data then do not depend on which other lines are shipped."""
    return ["postcode"]

MONDAY_10H = datetime(2026, 11, 23, 2, 0, tzinfo=timezone.utc)   # 10:00 in Shanghai
MONDAY_22H = datetime(2026, 11, 23, 14, 0, tzinfo=timezone.utc)  # 22:00 in Shanghai
VIP = "13800000002"
PIN = "864209"
ACCOUNT = "2024000123456"


class Boom(Node):
    """A plugin leaf whose backend fails."""

    def run(self, call: Any) -> str:
        raise RuntimeError("backend down")


class PinThenBoom(Node):
    """Authenticates, then fails with the PIN in its error message (a careless plugin)."""

    def run(self, call: Any) -> str:
        seen = {}

        def check(account: str, pin: str) -> bool:
            seen["pin"] = pin
            return True

        account = call.authenticate("fund", "ask-account", "ask-pin", check)
        call.data["fund.note"] = f"checked {seen['pin']}"
        raise RuntimeError(f"backend refused {account} with PIN {seen['pin']}")


class EnginePlugin:
    @hookimpl
    def postline_ivr_nodes(self) -> list[IVRNode]:
        return [IVRNode("engplug.boom", "Boom", Boom), IVRNode("engplug.pin", "PIN", PinThenBoom)]


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"PLUGIN_OBJECTS": {"engplug": EnginePlugin()},
                         "IVR_RECORDINGS_DIR": str(tmp_path / "recordings")}


@pytest.fixture
def demo(app):
    """The default 11185 and 12329 lines and flows."""
    default_flows.load()


def line(number: str, definition: dict[str, Any], hours: dict[str, str] | None = None,
         queue: str | None = None) -> IVRLine:
    flows.save_version(f"f{number}", definition)
    flow_id = db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == f"f{number}"))
    row = IVRLine(number=number, name=number, queue=queue or number, flow_id=flow_id,
                  calendar=BusinessCalendar(name=number, hours=json.dumps(hours or {})))
    db.session.add(row)
    db.session.commit()
    return row


BYE = {"id": "bye", "type": "core.hangup"}


def steps(*items: dict[str, Any]) -> dict[str, Any]:
    return {"steps": list(items)}


def records() -> list[CallRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CallRecord).order_by(CallRecord.id)))


def run(target: Any = "11185", inputs=(), **kwargs: Any):
    kwargs.setdefault("now", MONDAY_10H)
    kwargs.setdefault("dry_run", False)
    return simulate(current_app._get_current_object(), target, inputs, **kwargs)


# --- routing --------------------------------------------------------------------------------

def _hello(prompt: str) -> dict[str, Any]:
    return steps({"id": "hi", "type": "core.play", "params": {"prompt": prompt}, "next": {"done": "bye"}},
                 {"id": "bye", "type": "core.hangup"})


def test_the_line_in_the_script_query_picks_the_flow(app):
    line("11185", _hello("welcome-11185"))
    line("12329", _hello("welcome-12329"))
    assert run("12329").heard == ["welcome-12329", "goodbye"]
    assert run("11185").heard == ["welcome-11185", "goodbye"]
    assert [r.line for r in records()] == ["12329", "11185"]


def test_without_a_line_the_extension_then_the_dnid_then_the_default(app):
    line("11185", _hello("welcome-11185"))
    line("12329", _hello("welcome-12329"))

    def heard(**fields: Any) -> str:
        channel = SimulatedChannel(info_for("ivr", **fields), dry_run=True)
        run_call(app, channel)
        return channel.events[0].value

    assert heard(extension="12329", dnid="11185") == "welcome-12329"
    assert heard(extension="s", dnid="12329") == "welcome-12329"
    assert heard(extension="s") == "welcome-11185"  # the first line
    app.config["IVR_DEFAULT_LINE"] = "12329"
    assert heard(extension="s", dnid="") == "welcome-12329"


def test_a_node_entered_directly_returns_to_the_dialplan(app):
    line("11185", _hello("welcome-11185"))
    transcript = run("11185", script="node/core.play?prompt=goodbye&line=11185")
    assert transcript.heard == ["goodbye"]
    assert transcript.variables["POSTLINE_OUTCOME"] == "done"
    assert transcript.variables["POSTLINE_STATUS"] == "OK"
    (record,) = records()
    assert (record.entry, record.outcome, record.line) == ("node/core.play", "self_served", "11185")
    assert transcript.variables["POSTLINE_CALL_ID"] == str(record.id)


def test_no_line_configured_means_an_agent(app):
    transcript = run("11185")
    assert transcript.heard == ["sorry-error"]
    assert transcript.variables["POSTLINE_STATUS"] == "ERROR"
    assert records()[0].outcome == "error"


# --- transfers --------------------------------------------------------------------------------

def _old_call(caller: str, agent: str, minutes_ago: int) -> None:
    db.session.add(CallRecord(caller=caller, agent=agent, outcome="transferred", line="11185",
                              started_at=datetime(2026, 11, 20, 8, 0) - timedelta(minutes=minutes_ago)))


def test_a_vip_gets_priority_and_the_agent_who_served_them_last(app, demo):
    db.session.add(Customer(name="王芳", phone=VIP, vip=True))
    _old_call(VIP, "agent-zhou", 90)
    _old_call(VIP, "agent-li", 30)
    _old_call(VIP, "", 10)  # hung up in the IVR: no agent
    _old_call("13900000000", "agent-wu", 5)
    db.session.commit()
    customer_id = db.session.scalar(select(Customer.id))

    transcript = run("11185", ["4"], caller="+86" + VIP)
    assert transcript.variables == {"POSTLINE_QUEUE": "complaint", "POSTLINE_PRIORITY": "10",
                                    "POSTLINE_AGENT": "agent-li",
                                    "POSTLINE_CALL_ID": str(transcript.result.call_id),
                                    "POSTLINE_STATUS": "OK"}
    assert transcript.heard[-1] == "vip-welcome"
    record = records()[-1]
    assert (record.outcome, record.queue, record.priority, record.preferred_agent) == \
        ("transferred", "complaint", 10, "agent-li")
    assert json.loads(record.data) == {"service": "投诉与建议", "customer_id": customer_id, "vip": True}


def test_an_unknown_caller_gets_no_priority_and_no_preferred_agent(app, demo):
    # key 3, then 0 at the newspaper menu when the newspaper plugin is enabled: the press queue
    transcript = run("11185", ["3", "0"], caller="13700000000")
    assert transcript.variables["POSTLINE_QUEUE"] == "press"
    assert (transcript.variables["POSTLINE_PRIORITY"], transcript.variables["POSTLINE_AGENT"]) == ("0", "")
    assert transcript.heard[-1] == "transfer-wait"


def test_zero_at_the_main_menu_reaches_the_lines_queue_keeping_vip_priority(app, demo):
    db.session.add(Customer(name="王芳", phone=VIP, vip=True))
    db.session.commit()
    transcript = run("12329", ["0"], caller=VIP)
    assert (transcript.variables["POSTLINE_QUEUE"], transcript.variables["POSTLINE_PRIORITY"]) == ("12329", "10")
    assert records()[-1].reason == "caller pressed 0"


def test_wrong_keys_until_the_tries_run_out_reach_an_agent(app, demo):
    transcript = run("11185", ["7", "8", "9"])
    assert transcript.variables["POSTLINE_QUEUE"] == "11185"
    assert transcript.heard.count("invalid-input") == 2
    record = records()[-1]
    assert (record.outcome, record.reason) == ("transferred", "retries exhausted")


def test_sixty_silent_seconds_at_the_main_menu_end_the_call_politely(app, demo):
    transcript = run("11185", [])
    assert transcript.heard[-1] == "goodbye-no-input"
    assert transcript.events[-1].kind == "hangup"
    assert sum(int(e.value) for e in transcript.events if e.kind == "silence") == 60_000
    record = records()[-1]
    assert (record.outcome, record.reason) == ("hung_up", "no input")


def test_the_record_holds_the_path_with_times_and_outcomes(app, demo):
    run("11185", ["4"])
    path = json.loads(records()[-1].path)
    assert [(e["step"], e["node"], e["outcome"]) for e in path] == [
        ("welcome", "core.play", "done"), ("blacklist", "core.blacklist", "allowed"),
        ("hours", "core.time_condition", "open"), ("menu", "core.menu", "4"),
        ("complaint", "core.transfer", "")]
    assert all(e["at"].startswith("2026-11-23T02:00") for e in path)


# --- hours, holidays, blacklist, voice messages, survey ------------------------------------------

def _hours_flow() -> dict[str, Any]:
    return steps(
        {"id": "hours", "type": "core.time_condition", "next": {"open": "open", "closed": "closed"}},
        {"id": "open", "type": "core.hangup", "params": {"prompt": "welcome-12329"}},
        {"id": "closed", "type": "core.hangup", "params": {"prompt": "closed-12329"}})


def test_opening_hours_and_the_holiday_calendar(app):
    row = line("12329", _hours_flow(), hours={d: "08:30-17:30" for d in ("mon", "tue", "wed", "thu", "fri")})

    def heard(when: datetime) -> str:
        return run("12329", now=when).heard[0]

    assert heard(MONDAY_10H) == "welcome-12329"
    assert heard(MONDAY_22H) == "closed-12329"
    saturday = MONDAY_10H - timedelta(days=2)
    assert heard(saturday) == "closed-12329"
    db.session.add_all([CalendarDay(calendar_id=row.calendar_id, day=date(2026, 11, 23), name="假日"),
                        CalendarDay(calendar_id=row.calendar_id, day=date(2026, 11, 21), name="调休上班",
                                    hours="09:00-12:00")])
    db.session.commit()
    assert heard(MONDAY_10H) == "closed-12329"   # a holiday on a Monday
    assert heard(saturday) == "welcome-12329"     # a Saturday made a working day
    assert heard(MONDAY_10H + timedelta(days=1)) == "welcome-12329"


def test_a_blacklisted_caller_hears_a_polite_refusal(app, demo):
    db.session.add(Customer(name="骚扰", phone="13100000000", blacklisted=True))
    db.session.commit()
    transcript = run("11185", ["1"], caller="13100000000")
    assert transcript.heard == ["welcome-11185", "blacklist-refusal"]
    assert transcript.events[-1].kind == "hangup"
    assert "POSTLINE_STATUS" not in transcript.variables
    record = records()[-1]
    assert (record.outcome, record.reason) == ("hung_up", "blacklisted")


def test_after_hours_the_caller_leaves_a_voice_message(app, demo, tmp_path):
    transcript = run("11185", [], now=MONDAY_22H, caller="13800000005", record_seconds=17)
    assert transcript.heard == ["welcome-11185", "hours-intro", "hours-every-day", "number:8",
                                "hours-oclock", "hours-to", "number:20", "hours-oclock",
                                "voicemail-intro", "voicemail-thanks", "goodbye"]
    (message,) = db.session.scalars(select(Voicemail))
    record = records()[-1]
    assert (message.caller, message.line, message.duration_s, message.call_id, message.status) == \
        ("13800000005", "11185", 17, record.id, "new")
    assert 0 < (message.at - MONDAY_22H.replace(tzinfo=None)).total_seconds() < 10
    assert message.path.startswith("2026/11/23/") and message.path.endswith(".wav")
    recorded = [e.value for e in transcript.events if e.kind == "record"][0]
    assert recorded == str(tmp_path / "recordings" / message.path)
    assert record.outcome == "voicemail"


def test_a_caller_who_hangs_up_after_speaking_has_left_a_message(app, demo):
    run("12329", [HANGUP], now=MONDAY_22H)
    assert db.session.scalar(select(func.count()).select_from(Voicemail)) == 1
    assert records()[-1].outcome == "voicemail"


def test_the_survey_after_the_agent_scores_the_call(app, demo):
    transferred = run("11185", ["4"])
    call_id = transferred.result.call_id
    survey = run(script=f"survey?call={call_id}", inputs=["0", "4"])
    assert survey.heard == ["survey-ask", "invalid-input", "survey-ask", "survey-thanks"]
    (record,) = records()  # the survey leg makes no record of its own
    assert (record.survey_score, record.outcome) == (4, "transferred")
    run(script=f"survey?call={call_id}", inputs=["1"])
    assert records()[0].survey_score == 4  # one score per call


# --- robustness ------------------------------------------------------------------------------------

@pytest.mark.parametrize("number, inputs, when", [
    ("11185", ["9", "4"], MONDAY_10H),   # a wrong key, then complaints
    ("11185", [], MONDAY_22H),           # after hours: a voice message
    ("12329", ["3", "*", "1"], MONDAY_10H),  # policy, repeat, personal accounts
])
def test_a_hangup_at_every_step_leaves_exactly_one_closed_record(app, demo, number, inputs, when):
    full = run(number, inputs, now=when)
    assert full.result.outcome in ("transferred", "voicemail")
    for n in range(full.commands + 1):
        before = len(records())
        transcript = run(number, inputs, now=when, hangup_after=n)
        after = records()
        assert len(after) == before + 1, f"hangup after {n} commands"
        record = after[-1]
        assert record.ended_at is not None and record.outcome, f"hangup after {n} commands"
        assert record.duration_s is not None
        assert transcript.result.outcome == record.outcome
    assert {r.outcome for r in records()} >= {"hung_up"}


def test_an_exception_in_a_node_gives_an_apology_and_an_agent(app, caplog):
    line("12329", steps({"id": "boom", "type": "engplug.boom", "next": {"done": "bye"}}, BYE), queue="fund")
    transcript = run("12329", [])
    assert transcript.heard == ["sorry-error"]
    assert transcript.variables["POSTLINE_STATUS"] == "ERROR"
    assert transcript.variables["POSTLINE_QUEUE"] == "fund"
    record = records()[-1]
    assert (record.outcome, record.reason) == ("error", "RuntimeError: backend down")
    assert "backend down" in caplog.text
    assert not any("Traceback" in e.value for e in transcript.events)  # nothing to Asterisk


def test_a_pin_never_reaches_records_logs_or_the_screen_pop(app, caplog):
    caplog.set_level(logging.DEBUG)
    line("12329", steps({"id": "fund", "type": "engplug.pin", "next": {"done": "bye"}}, BYE))
    transcript = run("12329", [ACCOUNT, PIN])
    assert transcript.variables["POSTLINE_STATUS"] == "ERROR"
    record = records()[-1]
    stored = " ".join(str(v) for v in (record.data, record.reason, record.path))
    assert "******" in record.reason and "******" in caplog.text  # the error was logged, masked
    heard = " ".join(map(str, transcript.events))
    for secret in (PIN, ACCOUNT):
        assert secret not in stored
        assert secret not in caplog.text
        assert secret not in heard
    assert json.loads(record.data)["fund.account"] == "*********3456"


def test_a_node_type_that_disappeared_is_an_error_not_silence(app):
    line("11185", steps({"id": "x", "type": "engplug.boom", "next": {"done": "bye"}}, BYE))
    version = db.session.scalar(select(IVRFlowVersion))
    version.definition = version.definition.replace("engplug.boom", "gone.node")
    db.session.commit()
    transcript = run("11185")
    assert transcript.variables["POSTLINE_STATUS"] == "ERROR"
    assert "gone.node" in records()[-1].reason


def test_steps_per_call_are_bounded(app):
    line("11185", steps(
        {"id": "menu", "type": "core.menu", "params": {"prompt": "menu-11185"}, "next": {"1": "again"}},
        {"id": "again", "type": "core.play", "params": {"prompt": "goodbye"}, "next": {"done": "menu"}}))
    transcript = run("11185", ["1"] * MAX_STEPS)
    assert transcript.variables["POSTLINE_STATUS"] == "ERROR"
    assert len(json.loads(records()[-1].path)) == MAX_STEPS


def test_goto_continues_in_another_flow(app):
    flows.save_version("shared", _hello("policy-12329"))
    line("12329", steps({"id": "hi", "type": "core.play", "params": {"prompt": "welcome-12329"},
                         "next": {"done": "go"}},
                        {"id": "go", "type": "core.goto", "params": {"flow": "shared"}}))
    assert run("12329").heard == ["welcome-12329", "policy-12329", "goodbye"]


def test_a_dry_run_stores_nothing(app, demo):
    db.session.add(Customer(name="王芳", phone=VIP, vip=True))
    db.session.commit()
    transcript = run("11185", ["4"], caller=VIP, dry_run=True)
    assert transcript.variables["POSTLINE_PRIORITY"] == "10"
    run("11185", [], now=MONDAY_22H, dry_run=True)
    assert records() == []
    assert db.session.scalar(select(func.count()).select_from(Voicemail)) == 0


def test_a_node_entered_directly_takes_typed_parameters_from_the_query(app):
    line("11185", _hello("welcome-11185"))
    transcript = run("11185", [HANGUP], script="node/core.voicemail?max_s=10&thanks=&line=11185",
                     record_seconds=30)
    assert transcript.heard == ["voicemail-intro"]
    (message,) = db.session.scalars(select(Voicemail))
    assert message.duration_s == 10  # max_s arrived as a number
    assert records()[-1].outcome == "voicemail"
