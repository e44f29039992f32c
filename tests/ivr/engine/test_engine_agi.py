"""The engine behind the real FastAGI server, driven by the Asterisk emulator: the same
promises as on the simulator (transfer variables, one closed record per call whatever
command the caller hangs up in, an apology and an agent on errors, no PIN in the logs),
over the protocol Asterisk speaks. The 11185 line is made open around the clock so that
no result depends on the time the test runs."""
from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from sqlalchemy import select

from app.api import Node, hookimpl
from app.calls.models import CallRecord
from app.declarations import IVRNode
from app.extensions import db
from app.ivr import flows
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRFlow, IVRLine, Voicemail
from app.testing.asterisk import start_agi_server

PIN = "864209"
ACCOUNT = "2024000123456"


class PinThenBoom(Node):
    def run(self, call: Any) -> str:
        call.authenticate("fund", "ask-account", "ask-pin", lambda account, pin: True)
        raise RuntimeError("backend down")


class AgiPlugin:
    def __init__(self) -> None:
        #: Set by a test to make the bookkeeping after a call slow (a statistics service
        #: that takes its time): the call_ended event waits for it.
        self.bookkeeping_done: threading.Event | None = None

    @hookimpl
    def postline_ivr_nodes(self) -> list[IVRNode]:
        return [IVRNode("agiplug.pin", "PIN", PinThenBoom)]

    @hookimpl
    def postline_call_ended(self, call: Any) -> None:
        if self.bookkeeping_done is not None:
            self.bookkeeping_done.wait(10)


@pytest.fixture
def plugin() -> AgiPlugin:
    return AgiPlugin()


@pytest.fixture
def app_config(app_config, tmp_path, plugin):
    return app_config | {"PLUGIN_OBJECTS": {"agiplug": plugin},
                         "IVR_RECORDINGS_DIR": str(tmp_path / "recordings")}


@pytest.fixture
def server(app):
    default_flows.load()
    db.session.scalar(select(IVRLine).where(IVRLine.number == "11185")).calendar.hours = "{}"
    db.session.commit()
    running = start_agi_server(app=app)
    yield running
    running.stop()


def records() -> list[CallRecord]:
    db.session.expire_all()
    return list(db.session.scalars(select(CallRecord).order_by(CallRecord.id)))


def test_a_caller_choosing_a_service_is_queued_there(server):
    transcript = server.call("ivr?line=11185", keys=["4"])
    assert transcript.ok, transcript.failures
    assert transcript.heard[:2] == ["welcome-11185", "menu-11185"]
    (record,) = records()
    assert transcript.variables["POSTLINE_QUEUE"] == "complaint"
    assert transcript.variables["POSTLINE_CALL_ID"] == str(record.id)
    assert transcript.status == "OK"
    assert (record.outcome, record.uniqueid) == ("transferred", dict(transcript.env)["agi_uniqueid"])


def test_asterisk_goes_on_with_the_dialplan_before_the_record_is_written(server, plugin, fake_asterisk):
    """The caller never waits for our database: the connection closes after the last
    reply (the emulator fails a server that keeps it open for a second), and the record and
    the plugins' bookkeeping follow."""
    plugin.bookkeeping_done = threading.Event()
    transcript = fake_asterisk.call(server.address, "ivr?line=11185", keys=["4"])
    assert transcript.ok, transcript.failures
    assert transcript.closed_by_server and transcript.variables["POSTLINE_QUEUE"] == "complaint"
    plugin.bookkeeping_done.set()
    assert server.server.wait_for_call(dict(transcript.env)["agi_uniqueid"], 10)
    (record,) = records()
    assert record.ended_at is not None and record.outcome == "transferred"


def test_a_hangup_during_any_command_leaves_one_closed_record(server):
    full = server.call("ivr?line=11185", keys=["9", "4"])
    assert full.ok and full.status == "OK"
    for n in range(1, len(full.steps) + 1):
        transcript = server.call("ivr?line=11185", keys=["9", "4"], hangup_at=n)
        assert transcript.ok, (n, transcript.failures)
        found = records()
        assert len(found) == n + 1, f"hangup at command {n}"
        assert found[-1].ended_at is not None and found[-1].outcome, f"hangup at command {n}"


def test_an_error_in_a_node_hands_the_caller_over_and_logs_no_pin(server, caplog):
    caplog.set_level(logging.DEBUG)
    flows.save_version("fund", {"steps": [{"id": "fund", "type": "agiplug.pin", "next": {"done": "bye"}},
                                          {"id": "bye", "type": "core.hangup"}]})
    line = db.session.scalar(select(IVRLine).where(IVRLine.number == "12329"))
    line.flow_id, line.calendar.hours = db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == "fund")), "{}"
    db.session.commit()

    transcript = server.call("ivr?line=12329", keys=[ACCOUNT + "#", PIN])
    assert transcript.ok, transcript.failures
    assert transcript.heard[-1] == "sorry-error"
    assert transcript.status == "ERROR" and transcript.variables["POSTLINE_QUEUE"] == "12329"
    assert records()[-1].outcome == "error"
    assert "backend down" in caplog.text
    assert PIN not in caplog.text and ACCOUNT not in caplog.text


def test_a_missing_prompt_is_an_apology_and_an_agent_not_silence(server):
    transcript = server.call("ivr?line=11185", missing={"menu-11185"})
    assert transcript.ok, transcript.failures
    assert transcript.heard == ["welcome-11185", "sorry-error"]
    assert transcript.status == "ERROR" and transcript.variables["POSTLINE_QUEUE"] == "11185"
    (record,) = records()
    assert record.outcome == "error" and "menu-11185" in record.reason


def test_a_missing_apology_still_hands_the_caller_to_an_agent(server):
    transcript = server.call("ivr?line=11185", missing={"welcome-11185", "sorry-error"})
    assert transcript.ok, transcript.failures
    assert transcript.status == "ERROR" and transcript.variables["POSTLINE_QUEUE"] == "11185"
    assert "welcome-11185" in records()[-1].reason


def test_a_voice_message_keeps_its_length_whatever_the_uniqueid(server, tmp_path):
    """Real uniqueids are ``epoch.seq``: the dot is no file suffix."""
    transcript = server.call("node/core.voicemail?line=11185", env={"agi_uniqueid": "1733097600.42"},
                             keys=["#"], record_seconds=7)
    assert transcript.ok, transcript.failures
    (written,) = transcript.recordings
    assert written.endswith("/1733097600.42-voicemail.wav")
    (message,) = db.session.scalars(select(Voicemail)).all()
    assert message.duration_s == 7 and message.path.endswith("1733097600.42-voicemail.wav")
    assert (tmp_path / "recordings" / message.path).is_file()


def test_asterisk_is_given_the_prompts_absolute_path_by_default(app, tmp_path):
    """A relative name would be looked up in Asterisk's own sounds folder."""
    default_flows.load()
    db.session.scalar(select(IVRLine).where(IVRLine.number == "11185")).calendar.hours = "{}"
    db.session.commit()
    app.config.update(SOUNDS_PREFIX=None, SOUNDS_DIR=str(tmp_path / "sounds"))
    running = start_agi_server(app=app)
    try:
        transcript = running.call("ivr?line=11185", keys=["4"])
    finally:
        running.stop()
    assert transcript.ok, transcript.failures
    assert transcript.heard[:2] == [str(tmp_path / "sounds" / "welcome-11185"),
                                    str(tmp_path / "sounds" / "menu-11185")]


@pytest.mark.parametrize("level", [logging.INFO, logging.DEBUG])
def test_the_callers_number_is_masked_in_the_log_at_every_level(server, caplog, level):
    caplog.set_level(level)
    transcript = server.call("ivr?line=11185", keys=["4"], env={"agi_callerid": "13800138000"})
    assert transcript.ok, transcript.failures
    assert "call from *******8000 on line 11185" in caplog.text
    assert "13800138000" not in caplog.text
