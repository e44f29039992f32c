"""The Asterisk emulator follows docs/agi.md: checked against a server side the test scripts by
hand (a bare socket), so that a mistake in the emulator cannot hide behind our server."""
from __future__ import annotations

import socket
import time

import pytest

from app.testing.asterisk import (
    ENV_ORDER,
    HANGUP,
    R510,
    R511,
    SILENCE,
    Press,
    Step,
    parse_args,
    run_call,
)
from app.testing.wire import WAIT


def converse(raw_server, background, commands, **options):
    """Run an emulated call; the server side sends ``commands`` one at a time and keeps
    every reply (all lines until the next command's turn). Returns (env, replies, transcript)."""
    thread, box = background(run_call, raw_server.address, "ivr?line=11185", **options)
    peer = raw_server.accept()
    env = raw_server.env(peer)
    replies = []
    for command in commands:
        peer.send(command + "\n")
        replies.append(read_reply(peer))
    peer.close()
    thread.join(WAIT)
    if "error" in box:
        raise box["error"]
    return env, replies, box["result"]


def read_reply(peer) -> str:
    """One reply: its lines, unsolicited HANGUP lines and a whole 520 block included."""
    lines = [peer.line()]
    while lines[-1] == "HANGUP" or lines[-1].startswith("520-") or (
            lines[-1].startswith(" ") and lines[0].startswith("520-")):
        line = peer.line()
        if not line:
            break
        lines.append(line)
        if line.startswith("520 "):
            break
    peer.sock.settimeout(0.05)  # a HANGUP sent right after the reply
    try:
        while True:
            more = peer.line()
            if not more:
                break
            lines.append(more)
    except (TimeoutError, socket.timeout):
        pass
    finally:
        peer.sock.settimeout(WAIT)
    return "\n".join(lines)


class TestEnvironment:
    def test_sent_in_asterisks_order_with_odd_values(self, raw_server, background):
        env, _, transcript = converse(raw_server, background, [], args=["zh_CN", "second arg"])
        keys = [line.split(":", 1)[0] for line in env]
        assert keys == list(ENV_ORDER) + ["agi_arg_1", "agi_arg_2"]
        assert "agi_accountcode: " in env  # the space after the colon stays
        assert "agi_calleridname: 王芳" in env and "agi_dnid: unknown" in env
        assert "agi_network_script: ivr?line=11185" in env
        assert "agi_arg_2: second arg" in env
        assert not any("\r" in line for line in env)  # LF only
        assert transcript.env[0] == ("agi_network", "yes")

    def test_overrides_replace_remove_and_add(self, raw_server, background):
        env, _, _ = converse(raw_server, background, [], env={
            "agi_dnid": "12329", "agi_rdnis": None, "agi_x_custom": "a:b:c"})
        assert "agi_dnid: 12329" in env and not any(l.startswith("agi_rdnis") for l in env)
        assert env[-1] == "agi_x_custom: a:b:c"


class TestAnswers:
    def test_stream_file(self, raw_server, background):
        _, replies, transcript = converse(raw_server, background, [
            'STREAM FILE "welcome" "123" 0',   # ">1", pressed during it, interrupts
            'STREAM FILE "menu" "" 0',         # no escape digits: ">2" is lost
            'STREAM FILE "menu" "123" 0',      # ">9" is not an escape digit: lost too
            'STREAM FILE "menu" "123" 0',      # "3" answers a question, not a prompt
            'STREAM FILE "gone" "1" 0',        # missing file
            'GET DATA "menu" 1000 1',          # "3" is heard here
        ], keys=[">1", ">2", ">9", "3"], missing={"gone"})
        assert replies == ["200 result=49 endpos=4000", "200 result=0 endpos=16000",
                           "200 result=0 endpos=16000", "200 result=0 endpos=16000",
                           "200 result=-1 endpos=0", "200 result=3"]
        assert transcript.heard == ["welcome", "menu", "menu", "menu", "menu"]
        assert transcript.lost_keys == ["2", "9"]
        assert transcript.agistatus == "FAILURE"  # a missing file leaves FAILURE behind

    @pytest.mark.parametrize("key, reply", [
        ("12", "200 result=12 (timeout)"),
        (SILENCE, "200 result= (timeout)"),
        ("#", "200 result="),
        ("12#", "200 result=12"),
        ("110000", "200 result=110000"),
        ("1100009", "200 result=110000"),
        (Press("*"), "200 result=* (timeout)"),
    ])
    def test_get_data(self, raw_server, background, key, reply):
        _, replies, _ = converse(raw_server, background, ['GET DATA "postcode" 5000 6'],
                                 keys=[key])
        assert replies == [reply]

    def test_get_data_with_a_missing_prompt(self, raw_server, background):
        _, replies, _ = converse(raw_server, background, ['GET DATA "gone" 5000 6'],
                                 sounds={"welcome"}, keys=["1"])
        assert replies == ["200 result=-1"]

    def test_digits_numbers_and_waiting(self, raw_server, background):
        _, replies, transcript = converse(raw_server, background, [
            "WAIT FOR DIGIT 3000", "WAIT FOR DIGIT 3000",
            'SAY DIGITS "110000" ""', 'SAY NUMBER "42" "#"', 'SAY NUMBER "x" ""',
        ], keys=["5", SILENCE, ">", ">#"])
        assert replies[:4] == ["200 result=53", "200 result=0", "200 result=0", "200 result=35"]
        assert replies[4].startswith("520-")
        assert transcript.heard == ["digits:110000", "number:42"]

    def test_variables_verbose_exec(self, raw_server, background):
        _, replies, transcript = converse(raw_server, background, [
            'GET VARIABLE "LINE"', 'GET VARIABLE "NOPE"', 'SET VARIABLE "POSTLINE_STATUS" "OK"',
            'VERBOSE "hello" 1', 'EXEC "Playback" "beep"', 'EXEC "NoSuchApp" ""', "NOOP",
        ], variables={"LINE": "12329 (housing)"})
        assert replies == ["200 result=1 (12329 (housing))", "200 result=0", "200 result=1",
                           "200 result=1", "200 result=0", "200 result=-2", "200 result=0"]
        assert transcript.variables["POSTLINE_STATUS"] == "OK" == transcript.status
        assert transcript.executed == ["Playback", "NoSuchApp"]

    def test_record_file(self, raw_server, background):
        _, replies, transcript = converse(raw_server, background, [
            'RECORD FILE "vm/1" "wav" "#" 60000 0 BEEP s=5',
            'RECORD FILE "vm/2" "wav" "#" 60000',
            'RECORD FILE "vm/3" "wav" "#" 60000',
        ], keys=["#", SILENCE, HANGUP])
        assert replies == ["200 result=35 (dtmf) endpos=16000",
                           "200 result=0 (timeout) endpos=16000",
                           "200 result=-1 (hangup) endpos=16000\nHANGUP"]
        assert transcript.recordings == ["vm/1.wav", "vm/2.wav", "vm/3.wav"]

    def test_unknown_command_and_bad_syntax(self, raw_server, background):
        _, replies, _ = converse(raw_server, background, [
            "FLY ME TO THE MOON", "SET VARIABLE X two words", 'SET CALLERID "Zed" <123>'])
        assert replies[0] == R510
        usage = replies[1].split("\n")
        assert usage[0] == "520-Invalid command syntax.  Proper usage follows:"
        assert usage[-1] == "520 End of proper usage." and len(usage) >= 3
        assert replies[2] == R510  # not emulated: treated as unknown

    def test_keys_story_and_what_is_left(self, raw_server, background):
        _, replies, transcript = converse(raw_server, background, [
            'GET DATA "menu" 5000 1', 'GET DATA "postcode" 5000 6'],
            keys=["2", "100000#", "9"])
        assert replies == ["200 result=2", "200 result=100000"]
        assert transcript.keys_left == [Press("9")]


class TestHangups:
    def test_hangup_during_a_prompt_then_511_but_dead_channel_commands_work(
            self, raw_server, background):
        _, replies, transcript = converse(raw_server, background, [
            'STREAM FILE "welcome" "" 0', 'STREAM FILE "menu" "1" 0',
            'GET DATA "x" 1000 1', 'SET VARIABLE "A" "1"', 'GET VARIABLE "A"',
            'VERBOSE "bye" 1', "NOOP", 'EXEC "NoOp" ""', "ANSWER",
        ], hangup_at=2)
        assert replies[0] == "200 result=0 endpos=16000"
        assert replies[1] == "200 result=-1 endpos=4000\nHANGUP"
        assert replies[2] == R511
        assert replies[3:8] == ["200 result=1", "200 result=1 (1)", "200 result=1",
                                "200 result=0", "200 result=-1"]
        assert replies[8] == R511
        assert transcript.hung_up and transcript.agistatus == "HANGUP"

    def test_the_hangup_line_can_come_before_the_reply(self, raw_server, background):
        _, replies, _ = converse(raw_server, background, ['GET DATA "x" 1000 6'],
                                 keys=[HANGUP], hangup_line_first=True)
        assert replies == ["HANGUP\n200 result=-1"]

    def test_hangup_between_commands(self, raw_server, background):
        _, replies, _ = converse(raw_server, background, [
            'SET VARIABLE "A" "1"', 'STREAM FILE "menu" "" 0'], hangup_after=1)
        assert replies == ["200 result=1\nHANGUP", R511]

    def test_hangup_before_the_first_command(self, raw_server, background):
        thread, box = background(run_call, raw_server.address, hangup_after=0)
        peer = raw_server.accept()
        raw_server.env(peer)
        assert peer.line() == "HANGUP"
        peer.close()
        thread.join(WAIT)
        assert box["result"].hung_up

    def test_the_servers_hangup_and_the_last_hangup_of_the_session(self, raw_server, background):
        thread, box = background(run_call, raw_server.address)
        peer = raw_server.accept()
        raw_server.env(peer)
        peer.send("HANGUP\n")
        assert peer.line() == "200 result=1"
        assert peer.line() == "HANGUP"
        peer.sock.shutdown(socket.SHUT_WR)  # we are done: Asterisk says HANGUP once more
        assert peer.rest() == b"HANGUP\n"
        thread.join(WAIT)
        assert box["result"].ok and box["result"].closed_by_server


class TestProtocolChecks:
    def test_a_command_before_the_previous_reply_is_flagged(self, raw_server, background):
        thread, box = background(run_call, raw_server.address)
        peer = raw_server.accept()
        raw_server.env(peer)
        peer.send("NOOP\nNOOP\n")
        assert peer.line() == peer.line() == "200 result=0"
        peer.close()
        thread.join(WAIT)
        assert any("before the previous reply" in f for f in box["result"].failures)

    def test_a_server_that_closes_late_is_flagged(self, raw_server, background):
        thread, box = background(run_call, raw_server.address)
        peer = raw_server.accept()
        raw_server.env(peer)
        peer.send("NOOP\n")
        peer.line()
        time.sleep(1.3)  # provoking the failure: the server holds the line after its work
        peer.close()
        thread.join(WAIT)
        assert any("closed" in f and "within 1 s" in f for f in box["result"].failures)

    def test_a_server_that_closes_at_once_passes(self, raw_server, background):
        _, _, transcript = converse(raw_server, background, ["NOOP"])
        assert transcript.ok and transcript.closed_by_server

    def test_a_silent_server_is_flagged_and_dropped(self, raw_server, background):
        thread, box = background(run_call, raw_server.address, patience=0.3)
        peer = raw_server.accept()
        raw_server.env(peer)
        assert peer.rest() == b"HANGUP\n"  # the emulator gave up and hung up
        thread.join(WAIT)
        assert any("neither sent a command nor closed" in f for f in box["result"].failures)

    def test_close_in_the_middle_of_a_usage_block(self, raw_server, background):
        thread, box = background(run_call, raw_server.address, close_in_usage=True)
        peer = raw_server.accept()
        raw_server.env(peer)
        peer.send("SET VARIABLE X\n")
        data = peer.rest()
        assert data.startswith(b"520-Invalid command syntax.") and b"520 End" not in data
        thread.join(WAIT)
        assert box["result"].steps[0].verb == "SET VARIABLE"

    def test_the_failure_line(self, raw_server, background):
        thread, box = background(run_call, raw_server.address)
        peer = raw_server.accept()
        raw_server.env(peer)
        peer.send("failure\n")
        assert peer.rest() == b"HANGUP\n"
        thread.join(WAIT)
        assert box["result"].failure_sent and box["result"].agistatus == "FAILURE"

    def test_runaway_servers_are_stopped(self, raw_server, background):
        thread, box = background(run_call, raw_server.address, max_commands=3)
        peer = raw_server.accept()
        raw_server.env(peer)
        for _ in range(3):
            peer.send("NOOP\n")
            peer.line()
        peer.send("NOOP\n")
        assert peer.rest() == b"HANGUP\n"
        thread.join(WAIT)
        assert any("more than 3 commands" in f for f in box["result"].failures)


@pytest.mark.parametrize("line, args", [
    ('STREAM FILE "welcome" "" 0', ["STREAM", "FILE", "welcome", "", "0"]),
    ('SET VARIABLE X "a b"', ["SET", "VARIABLE", "X", "a b"]),
    ('SET VARIABLE X "say \\"hi\\""', ["SET", "VARIABLE", "X", 'say "hi"']),
    ("SET VARIABLE X a\\ b", ["SET", "VARIABLE", "X", "a b"]),
    ('SET VARIABLE X "C:\\\\dir"', ["SET", "VARIABLE", "X", "C:\\dir"]),
    ('SET CALLERID "Zed" <123>', ["SET", "CALLERID", "Zed", "<123>"]),
])
def test_commands_are_split_as_asterisk_splits_them(line, args):
    assert parse_args(line) == args


def test_step_verbs():
    assert Step('GET DATA "x" 1 1', "").verb == "GET DATA"
    assert Step("wait for digit 5", "").verb == "WAIT FOR DIGIT"
    assert Step("FLY", "").verb == "FLY"
