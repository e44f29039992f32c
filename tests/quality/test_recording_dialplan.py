"""The dialplan records answered calls where PostLine looks for them: off by default; when a
site switches POSTLINE_RECORD on, MixMonitor runs on the agent's channel once he answers
(Queue()'s gosub, the preferred agent's U() routine) and writes
``POSTLINE_RECORDINGS/YYYY/MM/DD/<caller uniqueid>.wav`` — the path
:func:`app.quality.recordings.recording_file` reads."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from app.quality import recordings as recs
from app.testing.dialplan import parse_dialplan, scenario, split_top

EXTENSIONS = Path(__file__).resolve().parents[2] / "dialplan" / "extensions_postline.conf"
QUEUES = {"postline-11185", "postline-12329"}
CALLER = "1796176847.18"


def _plan(record: bool):
    text = EXTENSIONS.read_text(encoding="utf-8")
    if record:
        text = text.replace("Set(POSTLINE_RECORD=no)", "Set(POSTLINE_RECORD=yes)")
    return parse_dialplan(text)


def _asterisk_functions(ast) -> None:
    """CUT, FIELDQTY and STRFTIME as Asterisk computes them."""
    def cut(args):
        parts = ast.variables.get(args[0], "").split(args[1])
        return parts[int(args[2]) - 1] if 0 < int(args[2]) <= len(parts) else ""

    def strftime(args):
        when = datetime.fromtimestamp(int(args[0]), tz=timezone.utc).astimezone(ZoneInfo(args[1]))
        return when.strftime(args[2])

    ast.functions.update({"CUT": cut, "STRFTIME": strftime,
                          "FIELDQTY": lambda a: str(len(ast.variables.get(a[0], "").split(a[1])))})


def test_the_queue_runs_the_recording_routine_on_the_agents_channel():
    ast = scenario(_plan(record=False), QUEUES, queue="postline-11185")
    ast.variables["UNIQUEID"] = CALLER
    ast.call("11185")
    queue_args = split_top(ast.apps("Queue")[0], ",")
    assert queue_args[6] == "postline-record"
    assert ast.variables["POSTLINE_CALLER_UNIQUEID"] == CALLER
    assert ast.apps("MixMonitor") == []  # off unless the site switches it on


def test_switched_on_the_file_lands_where_postline_looks(app, recordings):
    ast = scenario(_plan(record=True), QUEUES)
    _asterisk_functions(ast)
    ast.variables["POSTLINE_CALLER_UNIQUEID"] = CALLER
    assert ast.run("postline-record") == "Return"  # what Queue()'s gosub does once connected
    target, options = split_top(ast.apps("MixMonitor")[0], ",")
    assert "a" in options and "b" in options
    folder = ast.variables["POSTLINE_RECORDINGS"]
    relative = target.removeprefix(folder + "/")
    assert relative == f"{recs.day_folder(CALLER)}/{CALLER}.wav" == f"2026/12/02/{CALLER}.wav"
    (recordings / relative).parent.mkdir(parents=True)
    (recordings / relative).write_bytes(b"RIFF")
    assert recs.recording_file(CALLER) == recordings / relative


def test_a_systemname_prefix_is_cut_off_for_the_day():
    ast = scenario(_plan(record=True), QUEUES)
    _asterisk_functions(ast)
    ast.variables["POSTLINE_CALLER_UNIQUEID"] = "pbx-1-1796176847.18"
    ast.run("postline-record")
    assert "/2026/12/02/pbx-1-1796176847.18.wav" in ast.apps("MixMonitor")[0]


def test_the_preferred_agents_direct_call_is_recorded_too():
    ast = scenario(_plan(record=True), QUEUES, queue="postline-11185", agent="PJSIP/1002", members="PJSIP/1001,PJSIP/1002",
                   dial_result="ANSWER")
    _asterisk_functions(ast)
    ast.variables["UNIQUEID"] = CALLER
    ast.call("11185")
    assert not ast.apps("Queue") and len(ast.apps("MixMonitor")) == 1
    assert ast.apps("MixMonitor")[0].split(",")[0].endswith(f"/2026/12/02/{CALLER}.wav")
