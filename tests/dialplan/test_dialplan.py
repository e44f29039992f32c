"""The Asterisk configuration in dialplan/.

Without Asterisk (:mod:`app.testing.dialplan`): extensions_postline.conf is parsed as
Asterisk parses extensions.conf, every jump target exists, the AGI URLs and the POSTLINE_*
variables match what the FastAGI server uses, and the call flows are walked by the dialplan
interpreter: anything but POSTLINE_STATUS=OK reaches the queue, VIP priority, preferred
agent, queue_log rows for what Asterisk does not log, survey after the agent.

With Asterisk (the binary on PATH, or $POSTLINE_ASTERISK; :mod:`app.testing.real_asterisk`):
a private instance in a temporary directory loads the three files and runs real calls over
Local channels against a scripted FastAGI server. Skipped when Asterisk is absent (Debian 12
has no asterisk package; build it from source to run it).
"""
from __future__ import annotations

import configparser
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.ivr import handover
from app.testing import dialplan as kit
from app.testing.dialplan import (
    Dialplan,
    DialplanInterpreter,
    balanced,
    jump_targets,
    parse_dialplan,
    scenario,
    split_top,
    strip_comment,
)
from app.testing.fake_agi import ScriptedAGIServer
from app.testing.real_asterisk import MODULES, PrivateAsterisk, asterisk_binary, place_call

DIALPLAN_DIR = Path(__file__).resolve().parents[2] / "dialplan"
EXTENSIONS = DIALPLAN_DIR / "extensions_postline.conf"
QUEUES = DIALPLAN_DIR / "queues.conf.sample"
MANAGER = DIALPLAN_DIR / "manager.conf.sample"
README = DIALPLAN_DIR / "README.md"

ENGINE_VARIABLES = (handover.STATUS, handover.QUEUE, handover.PRIORITY, handover.AGENT,
                    handover.CALL_ID)


@pytest.fixture(scope="module")
def plan() -> Dialplan:
    return parse_dialplan(EXTENSIONS.read_text(encoding="utf-8"))


def read_queues_conf() -> configparser.ConfigParser:
    return kit.read_queues_conf(QUEUES.read_text(encoding="utf-8"))


def queue_names() -> set[str]:
    """Queues defined in queues.conf.sample (templates "(!)" are not queues)."""
    return kit.queue_names(QUEUES.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------
# Static checks
# ---------------------------------------------------------------------------------------

def test_dialplan_parses_with_the_expected_contexts(plan: Dialplan):
    for context in ("postline-settings", "postline-inbound", "postline-ivr", "postline-queue",
                    "postline-preferred-answer", "postline-acw", "postline-survey"):
        assert context in plan.contexts, context
    for exten in ("11185", "185", "12329"):
        assert exten in plan.contexts["postline-inbound"]
    assert "h" in plan.contexts["postline-queue"]
    # A [globals] or [general] here would fight the host's extensions.conf.
    assert not {"globals", "general"} & set(plan.contexts)


def test_brackets_balance_on_every_line(plan: Dialplan):
    for prio in plan.all():
        assert balanced(prio.args), f"line {prio.lineno}: unbalanced ()[]{{}} in {prio.args!r}"
        assert prio.args.count('"') % 2 == 0, f"line {prio.lineno}: odd number of quotes"
    for line in QUEUES.read_text().splitlines() + MANAGER.read_text().splitlines():
        assert balanced(strip_comment(line)), line


def test_no_stray_semicolon_inside_application_data():
    """An unescaped ';' starts a comment: text after it silently vanishes."""
    for lineno, raw in enumerate(EXTENSIONS.read_text().splitlines(), 1):
        code = strip_comment(raw)
        if code.startswith(("exten", "same")):
            assert code.endswith(")") or re.search(r",\w+$", code), \
                f"line {lineno}: application data cut short: {raw!r}"


def test_every_jump_target_exists(plan: Dialplan):
    jumps = 0
    for prio in plan.all():
        for context, exten, target in jump_targets(prio):
            jumps += 1
            assert "$" not in context + exten + target, f"line {prio.lineno}: computed jump"
            assert context in plan.contexts, f"line {prio.lineno}: no context {context}"
            assert exten in plan.contexts[context], f"line {prio.lineno}: no {exten}@{context}"
            prios = plan.contexts[context][exten]
            if target.isdigit():
                assert 1 <= int(target) <= len(prios), f"line {prio.lineno}: no priority {target}"
            else:
                assert target in {p.label for p in prios}, \
                    f"line {prio.lineno}: no label {target} in {exten}@{context}"
    assert jumps > 20


def test_every_label_is_used(plan: Dialplan):
    used = {(c, e, t) for prio in plan.all() for c, e, t in jump_targets(prio)}
    for prio in plan.all():
        if prio.label:
            assert (prio.context, prio.exten, prio.label) in used, \
                f"line {prio.lineno}: label {prio.label} is never jumped to"


def test_every_engine_variable_is_read(plan: Dialplan):
    reads = {name: 0 for name in ENGINE_VARIABLES}
    for prio in plan.all():
        args = prio.args
        if prio.app == "Set":  # the left-hand side is a write, not a read
            args = args.partition("=")[2]
        for name in ENGINE_VARIABLES:
            reads[name] += len(re.findall(r"\$\{" + name + r"[}:]", args))
    assert all(reads.values()), reads


def test_agi_urls_use_the_server_paths(plan: Dialplan):
    agi = [p for p in plan.all() if p.app == "AGI"]
    urls = {p.context: p.args for p in agi}
    for prio in agi:
        assert prio.args.startswith("${POSTLINE_AGI}/"), prio.args
    assert urls["postline-ivr"] == "${POSTLINE_AGI}/ivr?line=${POSTLINE_LINE}"
    assert urls["postline-survey"] == "${POSTLINE_AGI}/survey?call=${POSTLINE_CALL_ID}"
    servers = [p.args.partition("=")[2] for p in plan.all()
               if p.app == "Set" and p.args.startswith("POSTLINE_AGI=")]
    assert servers == ["agi://127.0.0.1:4573"]
    text = EXTENSIONS.read_text()
    assert "hagi://" in text and "_agi._tcp." in text  # the failover set-up is explained


def test_queues_named_in_the_dialplan_exist():
    names = queue_names()
    assert {"postline-11185", "postline-12329", "postline-ems", "postline-press",
            "postline-complaint", "postline-12329-loan"} <= names
    text = EXTENSIONS.read_text()
    for literal in re.findall(r"postline-[\w-]+", text):
        if literal.startswith(("postline-settings", "postline-inbound", "postline-ivr",
                               "postline-queue", "postline-preferred", "postline-acw",
                               "postline-survey",
                               "postline-transfer", "postline-consult", "postline-conference",
                               "postline-click-to-call", "postline-outbound", "postline-record")):
            continue
        if literal.endswith("-"):  # postline-${POSTLINE_LINE}
            continue
        assert literal in names, literal
    # postline-${POSTLINE_LINE} for each line the inbound context names
    for line in ("11185", "12329"):
        assert f"postline-{line}" in names


def test_queues_the_ivr_flows_name_exist():
    """The IVR's default flows name queues without the prefix ("ems"): the dialplan
    tries the name, then postline-<name>; each must resolve to a queue here."""
    flows = Path(__file__).resolve().parents[2] / "app" / "ivr" / "flows" / "defaults.py"
    text = flows.read_text(encoding="utf-8")
    named = set(re.findall(r'"queue": "([\w-]+)"', text))
    lines = re.findall(r'^\s*\("(\d+)", "[^"]*", "([\w-]+)"', text, flags=re.M)
    named |= {queue for _number, queue in lines}
    assert named
    names = queue_names()
    for queue in named:
        assert queue in names or f"postline-{queue}" in names, queue


KNOWN_QUEUE_OPTIONS = {
    # app_queue.c queue_set_param() and [general] in Asterisk 20 and 22
    "general": {"persistentmembers", "autofill", "shared_lastcall", "log_membername_as_agent",
                "monitor-type", "negative_penalty_invalid", "log-caller-id-name",
                "force_longest_waiting_caller", "log_unpause_on_reason_change",
                "updatecdr", "keepstats"},
    "queue": {"strategy", "timeout", "retry", "wrapuptime", "servicelevel", "maxlen",
              "joinempty", "leavewhenempty", "ringinuse", "autopause", "autopausedelay",
              "autopausebusy", "autopauseunavail", "announce-frequency",
              "min-announce-frequency", "announce-holdtime", "announce-position",
              "announce-position-limit", "announce-round-seconds", "reportholdtime",
              "setinterfacevar", "setqueueentryvar", "setqueuevar", "musicclass", "member",
              "weight", "timeoutrestart", "timeoutpriority", "memberdelay", "context",
              "periodic-announce", "periodic-announce-frequency", "monitor-format",
              "log-restricted-caller-id", "defaultrule", "penaltymemberslimit",
              "announce", "membergosub", "autofill"},
}


def test_queues_conf_sample_uses_real_options():
    cp = read_queues_conf()
    assert set(cp.sections()) == queue_names() | {"general", "postline-defaults"}
    for section in cp.sections():
        known = KNOWN_QUEUE_OPTIONS["general" if section == "general" else "queue"]
        for option in cp[section]:
            assert option in known, f"[{section}] {option}"
    defaults = cp["postline-defaults"]
    assert defaults["servicelevel"] == "20"
    assert defaults["ringinuse"] == "no"
    assert defaults["setinterfacevar"] == "yes"  # MEMBERINTERFACE for after-call work
    for empty in ("joinempty", "leavewhenempty"):
        for word in defaults[empty].split(","):
            assert word.strip() in {"paused", "penalty", "inuse", "ringing", "unavailable",
                                    "invalid", "unknown", "wrapup", "yes", "no", "strict",
                                    "loose"}
    assert defaults["strategy"] in {"ringall", "leastrecent", "fewestcalls", "random",
                                    "rrmemory", "rrordered", "linear", "wrandom"}


def test_manager_conf_sample_is_local_and_minimal():
    cp = configparser.ConfigParser(strict=True, interpolation=None, delimiters=("=",),
                                   comment_prefixes=(";",), inline_comment_prefixes=(";",))
    cp.read_string(MANAGER.read_text())
    assert cp["general"]["bindaddr"] == "127.0.0.1"
    user = cp["postline"]
    assert "CHANGE" in user["secret"]
    assert user["deny"] == "0.0.0.0/0.0.0.0"
    assert user["permit"].startswith("127.0.0.1/")
    assert set(user["read"].split(",")) == {"agent", "call", "system"}  # docs/cti.md says why
    assert set(user["write"].split(",")) == {"agent", "call", "originate"}


def test_readme_covers_the_integration():
    text = README.read_text()
    for needle in ("#include", "postline-inbound", "4573", "hagi://", "queue_log",
                   "POSTLINE_STATUS", "POSTLINE_CALL_ID", "survey?call=",
                   "channel originate Local/11185@postline-inbound", "QUEUE_PRIO"):
        assert needle in text, needle


def make(plan: Dialplan, **options: Any) -> DialplanInterpreter:
    """:func:`scenario` with the queues of queues.conf.sample."""
    return scenario(plan, options.pop("queues", queue_names()), **options)


# ---------------------------------------------------------------------------------------
# Flows
# ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["ERROR", "BUSY", "HANGUP", "", None, "ok", "garbage"])
def test_anything_but_ok_goes_to_the_queue(plan: Dialplan, status):
    ast = make(plan, status=status)
    ast.call("11185")
    assert ast.apps("Queue"), f"POSTLINE_STATUS={status!r} did not reach an agent"
    assert ast.apps("Queue")[0].startswith("postline-11185,")


def test_ok_without_transfer_ends_the_call(plan: Dialplan):
    ast = make(plan, status="OK", queue="")
    assert ast.call("11185") == "Hangup"
    assert not ast.apps("Queue") and len(ast.apps("AGI")) == 1


def test_ok_with_transfer_goes_to_the_queue_the_ivr_chose(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems")
    ast.call("11185")
    assert ast.apps("Queue")[0].split(",")[0] == "postline-ems"


@pytest.mark.parametrize("exten, line", [("11185", "11185"), ("185", "11185"),
                                          ("12329", "12329")])
def test_each_line_names_itself_to_the_ivr_and_its_queue(plan: Dialplan, exten, line):
    ast = make(plan, status="ERROR")
    ast.call(exten)
    assert ast.apps("AGI")[0] == f"agi://127.0.0.1:4573/ivr?line={line}"
    assert ast.apps("Queue")[0].startswith(f"postline-{line},")


def test_agisstatus_is_not_what_decides(plan: Dialplan):
    """A missing sound file leaves AGISTATUS=FAILURE; the IVR's OK still counts."""
    ast = make(plan, status="OK")
    ast.agi = lambda url, inner=ast.agi: {**inner(url), "AGISTATUS": "FAILURE"}
    assert ast.call("11185") == "Hangup" and not ast.apps("Queue")


@pytest.mark.parametrize("named, queue", [("ems", "postline-ems"),
                                          ("postline-ems", "postline-ems"),
                                          ("12329-loan", "postline-12329-loan"),
                                          ("11185", "postline-11185")])
def test_queue_names_with_or_without_the_prefix(plan: Dialplan, named, queue):
    ast = make(plan, status="OK", queue=named)
    ast.call("11185")
    assert ast.apps("Queue")[0].split(",")[0] == queue
    assert ast.apps("Log") == []


def test_unknown_queue_falls_back_to_the_lines_queue(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-nosuch")
    ast.call("12329")
    assert ast.apps("Queue")[0].startswith("postline-12329,")
    assert any("postline-nosuch" in log for log in ast.apps("Log"))


@pytest.mark.parametrize("priority, expected", [("10", "10"), ("", "0"), ("-1", "-1"),
                                                ("VIP", "0"), ("5;x", "0")])
def test_vip_priority_reaches_queue_prio(plan: Dialplan, priority, expected):
    ast = make(plan, status="OK", queue="postline-11185", priority=priority)
    ast.call("11185")
    assert ast.variables["QUEUE_PRIO"] == expected


def test_queue_options_continue_to_the_survey_after_the_agent(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-11185", queue_result="CONTINUE")
    assert ast.call("11185") == "Hangup"
    options = ast.apps("Queue")[0].split(",")[1]
    assert "c" in options and "F" not in options
    assert ast.apps("AGI")[-1] == "agi://127.0.0.1:4573/survey?call=42"


def test_no_survey_without_a_call_record(plan: Dialplan):
    ast = make(plan, status=None, queue_result="CONTINUE")
    ast.call("11185")
    assert [url for url in ast.apps("AGI") if "survey" in url] == []


@pytest.mark.parametrize("status, logged, event", [("FULL", "3", "FULL"),
                                                    ("JOINEMPTY", "2", "JOINEMPTY"),
                                                    ("JOINEMPTY", "0", "CLOSED"),
                                                    ("JOINUNAVAIL", "0", "CLOSED")])
def test_queue_log_rows_for_what_asterisk_does_not_log(plan: Dialplan, status, logged, event):
    ast = make(plan, status="ERROR", queue_result=status, logged=logged)
    ast.variables["CALLERID(num)"] = "13800138000"
    ast.call("11185")
    rows = [split_top(r, ",") for r in ast.apps("QueueLog")]
    assert rows == [["postline-11185", "1700000000.1", "NONE", event,
                     f"13800138000|{status}|42"]]
    # ... then the voice-message node, not silence
    assert ast.apps("AGI")[-1] == "agi://127.0.0.1:4573/node/core.voicemail?line=11185"


@pytest.mark.parametrize("status", ["TIMEOUT", "LEAVEEMPTY", "LEAVEUNAVAIL"])
def test_no_duplicate_rows_for_what_asterisk_logs(plan: Dialplan, status):
    ast = make(plan, status="ERROR", queue_result=status)
    ast.call("11185")
    assert ast.apps("QueueLog") == []
    assert "/node/" in ast.apps("AGI")[-1]


def test_preferred_agent_is_rung_first_and_logged_like_a_queue_call(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems", agent="PJSIP/1002",
               members="PJSIP/1001,PJSIP/1002", dial_result="ANSWER")
    assert ast.call("11185") == "Hangup"
    assert ast.apps("Dial")[0].startswith("PJSIP/1002,10,g")
    assert not ast.apps("Queue")
    events = [split_top(r, ",")[3] for r in ast.apps("QueueLog")]
    assert events == ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT"]
    assert ast.apps("AGI")[-1].endswith("/survey?call=42")


@pytest.mark.parametrize("members, paused, device", [
    ("PJSIP/1001", "0", "NOT_INUSE"),           # not a member of this queue
    ("PJSIP/1001,PJSIP/1002", "1", "NOT_INUSE"),  # paused (on a break, in ACW)
    ("PJSIP/1001,PJSIP/1002", "0", "INUSE"),      # on another call
    ("PJSIP/1001,PJSIP/1002", "0", "UNAVAILABLE"),
])
def test_preferred_agent_skipped_when_he_cannot_answer(plan: Dialplan, members, paused, device):
    ast = make(plan, status="OK", queue="postline-ems", agent="PJSIP/1002", members=members,
               paused=paused, device=device)
    ast.call("11185")
    assert not ast.apps("Dial") and ast.apps("Queue")


def test_preferred_agent_not_answering_falls_back_to_the_queue(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems", agent="PJSIP/1002",
               members="PJSIP/1002", dial_result="NOANSWER")
    ast.call("11185")
    assert ast.apps("Dial") and ast.apps("Queue")
    # RINGNOANSWER only; Queue() writes the call's one ENTERQUEUE itself
    assert [split_top(r, ",")[3] for r in ast.apps("QueueLog")] == ["RINGNOANSWER"]


def test_caller_hanging_up_during_the_preferred_ring_is_an_abandon(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems", agent="PJSIP/1002",
               members="PJSIP/1002", dial_result="HANGUP")
    assert ast.call("11185") == "caller hung up"
    ast.run("postline-queue", "h")
    assert [split_top(r, ",")[3] for r in ast.apps("QueueLog")] == ["ENTERQUEUE", "ABANDON"]


def test_after_call_work_pause_is_optional(plan: Dialplan):
    ast = make(plan, status="OK", queue="postline-ems")
    ast.call("11185")
    assert ast.apps("PauseQueueMember") == []
    text = EXTENSIONS.read_text().replace("POSTLINE_ACW_PAUSE=no", "POSTLINE_ACW_PAUSE=yes")
    ast = make(parse_dialplan(text), status="OK", queue="postline-ems")
    ast.call("11185")
    assert ast.apps("PauseQueueMember") == [",PJSIP/1002,,ACW"]


# ---------------------------------------------------------------------------------------
# Optional: a real Asterisk
# ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module", name="pbx")
def private_asterisk() -> Iterator[PrivateAsterisk]:
    """A private Asterisk with the dialplan, and the scripted FastAGI server it calls."""
    binary = asterisk_binary()
    if not binary:
        pytest.skip("no asterisk binary (set POSTLINE_ASTERISK or put asterisk on PATH)")
    agi = ScriptedAGIServer()
    agi.start()
    instance = PrivateAsterisk(binary, agi, DIALPLAN_DIR)
    yield instance
    instance.stop()
    agi.close()


def test_asterisk_loads_everything_without_warnings(pbx):
    for context in ("postline-inbound", "postline-ivr", "postline-queue", "postline-survey",
                    "postline-settings", "postline-preferred-answer", "postline-acw"):
        out = pbx.rx(f"dialplan show {context}")
        assert f"'{context}'" in out, out
    queues = pbx.rx("queue show")
    for name in queue_names():
        assert name in queues
    assert "postline-defaults" not in queues
    problems = [line for line in pbx.log().splitlines()
                if ("WARNING" in line or "ERROR" in line)
                and any(where in line for where in ("app_queue.c", "pbx_config.c", "config.c",
                                                    "loader.c", "pbx.c", "extensions"))]
    assert problems == []
    modules = pbx.rx("module show")
    for module in MODULES:
        assert f"{module}.so" in modules, module


def test_asterisk_error_status_goes_to_the_queue_and_logs_closed(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "ERROR", "POSTLINE_CALL_ID": "7"})
    assert call.requests == ["ivr?line=11185", "node/core.voicemail?line=11185"]
    assert [row[2:] for row in call.rows] == [["postline-11185", "NONE", "CLOSED",
                                               "", "JOINEMPTY", "7"]]


def test_asterisk_unreachable_agi_server_still_reaches_an_agent_queue(pbx):
    call = place_call(pbx, {})  # the server says nothing: POSTLINE_STATUS stays empty
    assert call.events() == ["CLOSED"]
    assert "AGISTATUS=SUCCESS" in call.log


def test_asterisk_ok_without_queue_just_ends(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_CALL_ID": "44"})
    assert call.requests == ["ivr?line=11185"]
    assert call.rows == []


def test_asterisk_queue_call_then_survey_and_after_call_work(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "ems",
                                 "POSTLINE_PRIORITY": "5", "POSTLINE_CALL_ID": "42"},
                      exten="12329", members=(("postline-ems", "agent1"),))
    assert call.requests == ["ivr?line=12329", "survey?call=42"]
    events = call.events()
    assert events[:2] == ["ENTERQUEUE", "CONNECT"] and "COMPLETEAGENT" in events
    assert "PAUSEALL" in events  # ACW, with POSTLINE_ACW_PAUSE=yes in this instance
    assert next(r for r in call.rows if r[4] == "PAUSEALL")[5] == "ACW"
    assert "QUEUE_PRIO=5" in call.log
    assert "postline-preferred-answer" not in call.log


def test_asterisk_full_queue_is_logged(pbx):
    pbx.rx("queue add member Local/agent2@postline-test-agents to postline-12329-loan")
    try:
        # a caller already waiting (agent2 never answers) fills a queue of maxlen 1
        pbx.agi.ivr_vars = {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-12329-loan"}
        pbx.rx("channel originate Local/12329@postline-inbound application Wait 8")
        time.sleep(1)
        queues = Path(pbx.root / "etc" / "queues.conf")
        original = queues.read_text()
        queues.write_text(original.replace("maxlen = 50", "maxlen = 1"))
        pbx.rx("queue reload parameters postline-12329-loan")
        try:
            call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_CALL_ID": "45",
                                         "POSTLINE_QUEUE": "postline-12329-loan"}, "12329")
        finally:
            queues.write_text(original)
            pbx.rx("queue reload parameters postline-12329-loan")
    finally:
        pbx.rx("queue remove member Local/agent2@postline-test-agents "
                    "from postline-12329-loan")
    assert [r[4:] for r in call.rows if r[1] != "NONE" and r[4] == "FULL"] == \
        [["FULL", "", "FULL", "45"]]
    assert call.requests[-1] == "node/core.voicemail?line=12329"


def test_asterisk_preferred_agent_answers_then_survey(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-press",
                                 "POSTLINE_AGENT": "Local/agent1@postline-test-agents",
                                 "POSTLINE_CALL_ID": "43"},
                      members=(("postline-press", "agent1"),))
    assert call.requests == ["ivr?line=11185", "survey?call=43"]
    assert "Executing [s@postline-preferred-answer:1]" in call.log
    assert "Queue(" not in call.log
    rows = [r for r in call.rows if r[1] != "NONE"]
    assert [r[4] for r in rows] == ["ENTERQUEUE", "CONNECT", "COMPLETEAGENT"]
    assert {r[2] for r in rows} == {"postline-press"}
    assert rows[1][3] == "Local/agent1@postline-test-agents"
    holdtime, calltime, origpos = rows[2][5:8]
    assert int(holdtime) <= 2 and 1 <= int(calltime) <= 4 and origpos == "1"


def test_asterisk_caller_hangs_up_talking_to_the_preferred_agent(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-press",
                                 "POSTLINE_AGENT": "Local/agent3@postline-test-agents",
                                 "POSTLINE_CALL_ID": "46"},
                      caller_seconds=3, members=(("postline-press", "agent3"),))
    rows = [r for r in call.rows if r[1] != "NONE"]
    assert [r[4] for r in rows] == ["ENTERQUEUE", "CONNECT", "COMPLETECALLER"]
    assert "PAUSEALL" in call.events()
    assert "survey" not in " ".join(call.requests)


def test_asterisk_caller_hangs_up_while_the_preferred_agent_rings(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-press",
                                 "POSTLINE_AGENT": "Local/agent2@postline-test-agents",
                                 "POSTLINE_CALL_ID": "47"},
                      caller_seconds=1, members=(("postline-press", "agent2"),))
    rows = [r for r in call.rows if r[1] != "NONE"]
    assert [r[4] for r in rows] == ["ENTERQUEUE", "ABANDON"]
    assert rows[1][5:7] == ["1", "1"]


def test_asterisk_preferred_agent_not_answering_then_the_queue(pbx):
    call = place_call(pbx, {"POSTLINE_STATUS": "OK", "POSTLINE_QUEUE": "postline-press",
                                 "POSTLINE_AGENT": "Local/agent2@postline-test-agents",
                                 "POSTLINE_CALL_ID": "48"},
                      caller_seconds=5, members=(("postline-press", "agent2"),))
    rows = [r for r in call.rows if r[1] != "NONE"]
    assert [r[4] for r in rows][:2] == ["RINGNOANSWER", "ENTERQUEUE"]
    assert 3000 <= int(rows[0][5]) <= 4000  # ms, as Asterisk logs it
    assert rows[-1][4] == "ABANDON"  # the caller gave up in the queue
    assert [r[4] for r in rows].count("ENTERQUEUE") == 1



@pytest.mark.parametrize("status", ["TIMEOUT", "FULL", "JOINEMPTY", "LEAVEEMPTY"])
def test_an_unanswered_queue_call_is_told_to_postline_for_a_callback(plan: Dialplan, status):
    """The AMI UserEvent PostLineQueueExit carries QUEUESTATUS (app/agents/callback_events.py)."""
    ast = make(plan, status="ERROR", queue_result=status)
    ast.variables["CALLERID(num)"] = "13800138000"
    ast.call("11185")
    (event,) = ast.apps("UserEvent")
    assert split_top(event, ",") == ["PostLineQueueExit", "Queue: postline-11185", f"Status: {status}",
                                     "CallerIDNum: 13800138000", "Uniqueid: 1700000000.1", "PostLineCallId: 42"]


def test_click_to_call_rings_national_numbers_through_the_trunk(plan: Dialplan):
    context = plan.contexts["postline-click-to-call"]
    assert set(context) == {"_1[3-9]XXXXXXXXX", "_0[1-9]XXXXXXXX."}
    dial = [p.args for p in plan.contexts["postline-outbound"]["s"] if p.app == "Dial"]
    assert dial == ["PJSIP/${ARG1}@${POSTLINE_TRUNK},60"]
