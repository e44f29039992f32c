"""AGIChannel against the traps of pyst2 0.5.1 listed in docs/agi.md (one test class per trap),
and the environment it reads. The test plays Asterisk on the other end of a socket pair."""
from __future__ import annotations

import logging
import signal
import socket
import sys
import threading
import time

import pytest
from asterisk.agi import AGIError, AGIUsageError

from app.ivr.agi.channel import AGIChannel, call_info_from_env
from app.ivr.agi.errors import AGIProtocolError, CallDeadline, ConnectionLost, ServerStopping
from app.ivr.channel import Channel, Hangup, MissingSound
from app.ivr.masking import mask_digits
from app.testing.asterisk import asterisk_env, env_block, parse_args
from app.testing.wire import WAIT, in_thread

PIN = "815274"


def test_agi_channel_has_every_method_of_the_channel_protocol():
    for name in [n for n in Channel.__dict__ if not n.startswith("_") and n != "info"]:
        assert callable(getattr(AGIChannel, name)), name


class TestTrap1NoSighupHandler:
    def test_made_in_a_worker_thread_without_touching_sighup(self):
        before = signal.getsignal(signal.SIGHUP)
        thread, box = in_thread(lambda: AGIChannel(socket.socketpair()[0]))
        thread.join(WAIT)
        assert "error" not in box, box.get("error")  # pyst2's __init__ raises ValueError here
        assert isinstance(box["result"], AGIChannel)
        assert signal.getsignal(signal.SIGHUP) is before


class TestTrap2TextOnTheWire:
    def test_a_gbk_caller_name_does_not_crash_the_call(self, wire):
        env = asterisk_env(script="ivr")
        wire.asterisk.send(env_block(env, encoding="gbk"))
        info = wire.channel.read_environment()
        assert info.caller_name == "王芳"

    def test_bytes_that_are_neither_utf8_nor_gbk_are_replaced(self, wire):
        block = env_block(asterisk_env(script="ivr")).replace("王芳".encode(), b"\xff\xfe\xfa")
        wire.asterisk.send(block)
        info = wire.channel.read_environment()
        assert info.uniqueid and "\ufffd" in info.caller_name

    def test_commands_are_utf8_and_written_through(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=1\n")
        channel.set_variable("POSTLINE_NOTE", "邮编查询")
        assert wire.command() == 'SET VARIABLE "POSTLINE_NOTE" "邮编查询"'


class TestTrap3LogsNotStderr:
    def test_nothing_reaches_stderr_and_the_protocol_is_logged_at_debug(self, wire, capfd, caplog):
        caplog.set_level(logging.DEBUG, logger="postline.agi")
        channel = wire.start()
        wire.asterisk.send("200 result=0 endpos=100\n")
        channel.stream_file("welcome")
        out, err = capfd.readouterr()
        assert err == "" and out == ""
        messages = [r.getMessage() for r in caplog.records if r.name == "postline.agi"]
        assert '-> STREAM FILE "welcome" "" 0' in messages
        assert "<- 200 result=0 endpos=100" in messages
        assert all(r.levelno == logging.DEBUG for r in caplog.records if r.name == "postline.agi")

    def test_digits_typed_inside_secret_are_never_logged(self, wire, caplog):
        caplog.set_level(logging.DEBUG, logger="postline.agi")
        channel = wire.start()
        wire.asterisk.send(f"200 result={PIN}\n")
        with channel.secret():
            assert channel.get_data("auth/pin", 5000, 6) == (PIN, False)
        assert PIN not in caplog.text
        assert "GET DATA ***" in caplog.text and "200 ***" in caplog.text

    def test_long_numbers_keep_only_their_last_four_digits(self, wire, caplog):
        caplog.set_level(logging.DEBUG, logger="postline.agi")
        channel = wire.start(agi_callerid="13912345678")
        wire.asterisk.send("200 result=110105198001011234\n")
        channel.get_data("account", 5000, 18)
        assert "13912345678" not in caplog.text and "*******5678" in caplog.text
        assert "110105198001011234" not in caplog.text and "1234" in caplog.text
        assert mask_digits("0123456789") == "0123456789"  # escape digits stay readable


class TestTrap4OurOwnServer:
    def test_python2_fastagi_is_never_imported(self):
        import app.ivr.agi.server  # noqa: F401

        assert "asterisk.fastagi" not in sys.modules


class TestTrap5HangupsAndClosedConnections:
    def test_eof_is_a_hangup_not_a_value_error(self, wire):
        channel = wire.start()
        wire.asterisk.close()
        with pytest.raises(ConnectionLost):
            channel.stream_file("welcome")
        assert channel.closed and not channel.usable

    def test_an_unsolicited_hangup_line_is_swallowed_and_remembered(self, wire):
        channel = wire.start()
        wire.asterisk.send("HANGUP\n200 result=1\n")
        channel.set_variable("POSTLINE_STATUS", "OK")  # allowed on a dead channel
        assert channel.hung_up

    def test_511_is_a_hangup(self, wire):
        channel = wire.start()
        wire.asterisk.send("511 Command Not Permitted on a dead channel or intercept routine\n")
        with pytest.raises(Hangup):
            channel.stream_file("welcome")
        assert channel.hung_up

    def test_no_reply_within_the_command_timeout_is_a_lost_connection(self, wire):
        channel = wire.start()
        channel.command_timeout = 0.2
        with pytest.raises(ConnectionLost):
            channel.wait_for_digit(0)
        assert wire.command() == "WAIT FOR DIGIT 0"

    def test_garbage_instead_of_a_reply(self, wire):
        channel = wire.start()
        wire.asterisk.send("hello there\n")
        with pytest.raises(AGIProtocolError):
            channel.noop()


class TestTrap6MinusOne:
    def test_minus_one_then_hangup_is_a_hangup(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=-1 endpos=4000\nHANGUP\n")
        with pytest.raises(Hangup):
            channel.stream_file("welcome", "123")

    def test_hangup_between_the_command_and_its_reply(self, wire):
        channel = wire.start()
        wire.asterisk.send("HANGUP\n200 result=-1 endpos=4000\n")
        with pytest.raises(Hangup):
            channel.stream_file("welcome")

    def test_minus_one_alone_is_a_missing_sound_file_and_the_channel_stays_usable(self, wire, caplog):
        channel = wire.start()
        wire.asterisk.send("200 result=-1 endpos=0\n")
        with pytest.raises(MissingSound) as caught:
            channel.stream_file("no-such-prompt", "1")
        assert caught.value.prompt == "no-such-prompt" and not channel.hung_up
        assert any("no-such-prompt" in r.getMessage() and r.levelno == logging.ERROR
                   for r in caplog.records)
        wire.asterisk.send("200 result=1\n")
        channel.set_variable("POSTLINE_STATUS", "ERROR")  # the engine can still hand over

    def test_a_late_hangup_shows_as_511_at_the_next_command(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=-1 endpos=0\n")
        with pytest.raises(MissingSound):
            channel.stream_file("welcome")
        wire.asterisk.send("511 Command Not Permitted on a dead channel or intercept routine\n")
        with pytest.raises(Hangup):
            channel.stream_file("menu")

    def test_get_data_with_a_missing_prompt_is_a_missing_sound_not_silence(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=-1\n")
        with pytest.raises(MissingSound) as caught:
            channel.get_data("no-such-prompt", 3000, 6)
        assert caught.value.prompt == "no-such-prompt"

    def test_say_digits_minus_one_then_hangup(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=-1\nHANGUP\n")
        with pytest.raises(Hangup):
            channel.say_digits("110000")

    def test_wait_for_digit_minus_one_is_always_a_hangup(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=-1\n")
        with pytest.raises(Hangup):
            channel.wait_for_digit(1000)


class TestTrap7UsageBlock:
    def test_a_whole_520_block_is_a_usage_error(self, wire):
        channel = wire.start()
        wire.asterisk.send("520-Invalid command syntax.  Proper usage follows:\n"
                           " Usage: SET VARIABLE <variablename> <value>\n"
                           "520 End of proper usage.\n200 result=0\n")
        with pytest.raises(AGIUsageError, match="Usage: SET VARIABLE"):
            channel.execute("SET VARIABLE", "X")
        channel.noop()  # the next reply is read in step

    def test_a_connection_closed_inside_a_520_block_does_not_spin(self, wire):
        channel = wire.start()
        wire.asterisk.send("520-Invalid command syntax.  Proper usage follows:\n"
                           " Usage: SET VARIABLE <variablename> <value>\n")
        wire.asterisk.close()
        thread, box = in_thread(channel.execute, "SET VARIABLE", "X")
        thread.join(WAIT)
        assert not thread.is_alive(), "pyst2's usage loop spins on ''"
        assert isinstance(box.get("error"), ConnectionLost)


class TestTrap8Quoting:
    @pytest.mark.parametrize("value", ['a"b', "a\\b", "two\nSET VARIABLE Y 1", 'Zed" <123>',
                                       "x\r\ny", "trailing\\"])
    def test_a_value_reaches_asterisk_as_one_argument(self, wire, value):
        channel = wire.start()
        wire.asterisk.send("200 result=1\n")
        channel.set_variable("X", value)
        line = wire.command()
        args = parse_args(line)  # Asterisk's own parsing rules
        assert args == ["SET", "VARIABLE", "X", value.replace("\r", "").replace("\n", "")]

    def test_prompt_names_are_quoted_too(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=0 endpos=1\n")
        channel.stream_file('odd "name"\nHANGUP', "1")
        assert parse_args(wire.command()) == ["STREAM", "FILE", 'odd "name"HANGUP', "1", "0"]


class TestTrap9Results:
    @pytest.mark.parametrize("reply, expected", [
        ("200 result=12 (timeout)", ("12", True)),
        ("200 result= (timeout)", ("", True)),
        ("200 result=", ("", False)),          # '#' alone
        ("200 result=110000", ("110000", False)),
        ("200 result=1*2", ("1*2", False)),
    ])
    def test_get_data_keeps_the_timeout_flag(self, wire, reply, expected):
        channel = wire.start()
        wire.asterisk.send(reply + "\n")
        assert channel.get_data("postcode/enter", 5000, 6) == expected
        assert wire.command() == 'GET DATA "postcode/enter" 5000 6'

    @pytest.mark.parametrize("reply, expected", [
        ("200 result=0 (timeout) endpos=16000", ("", True)),
        ("200 result=35 (dtmf) endpos=4000", ("#", False)),
        ("200 result=49 (randomerror) endpos=0", ("1", False)),  # pressed during the beep
    ])
    def test_record_file_timeout_is_not_chr0(self, wire, reply, expected):
        channel = wire.start()
        wire.asterisk.send(reply + "\n")
        assert channel.record_file("/var/spool/vm/1", "wav", "#", 60000, 5) == expected
        assert parse_args(wire.command()) == ["RECORD", "FILE", "/var/spool/vm/1", "wav", "#",
                                              "60000", "0", "BEEP", "s=5"]

    def test_record_file_hangup(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=-1 (hangup) endpos=4000\n")
        with pytest.raises(Hangup):
            channel.record_file("/tmp/vm", "wav", "#", 1000)

    def test_record_file_that_cannot_be_written_is_an_error(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=-1 (writefile)\n")
        with pytest.raises(AGIError, match="writefile"):
            channel.record_file("/nope/vm", "wav", "#", 1000, beep=False)
        assert parse_args(wire.command())[-1] == "0"  # no BEEP, no s=

    def test_digits_and_variables(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=50 endpos=4000\n200 result=0\n200 result=35\n"
                           "200 result=0\n200 result=1 (a (b) c)\n200 result=0\n"
                           "200 result=1 (hangup)\n200 result=-2\n")
        assert channel.stream_file("menu", "123") == "2"
        assert channel.wait_for_digit(1000) == ""
        assert channel.say_number(42, "#") == "#"
        assert channel.say_digits("007") == ""
        assert channel.get_variable("A") == "a (b) c"
        assert channel.get_variable("UNSET") is None
        assert channel.get_variable("ODD") == "hangup"  # pyst2 takes it for a hangup
        with pytest.raises(AGIError, match="no application"):
            channel.appexec("Nope")


class TestEnvironment:
    def test_script_query_args_and_unknowns(self, wire):
        wire.asterisk.send(env_block(asterisk_env(
            ("127.0.0.1", 4573), "args/menu?lang=en&x=1", ["1", "first", "second arg", "3"])))
        info = wire.channel.read_environment()
        assert info.script == "args/menu" and info.query == {"lang": "en", "x": "1"}
        assert info.args == ["1", "first", "second arg", "3"]
        assert info.dnid == "" and info.extension == "s" and info.caller == "13800000002"
        assert info.env["agi_accountcode"] == ""
        assert info.env["agi_request"] == "agi://127.0.0.1:4573/args/menu?lang=en&x=1"

    def test_call_info_from_a_bare_environment(self):
        info = call_info_from_env({"agi_callerid": "unknown", "agi_calleridname": "unknown",
                                   "agi_network_script": "node/postcode.lookup",
                                   "agi_arg_2": "skipped without arg_1"})
        assert (info.caller, info.caller_name, info.script, info.query, info.args) == \
            ("", "", "node/postcode.lookup", {}, [])
        assert info.language == "zh"

    @pytest.mark.parametrize("data, error", [
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", AGIProtocolError),
        (b"agi_network: yes\nagi_uniqueid: 1.2\n\n", AGIProtocolError),   # incomplete
        (b"agi_network: yes\nagi_channel: PJSIP/x\n", ConnectionLost),    # then EOF
        (b"x" * 20000, AGIProtocolError),                                 # no newline
    ])
    def test_not_an_environment(self, wire, data, error):
        wire.asterisk.send(data)
        if not data.endswith(b"\n\n"):
            wire.asterisk.sock.shutdown(socket.SHUT_WR)
        with pytest.raises(error):
            wire.channel.read_environment()
        assert wire.channel.closed

    def test_a_silent_peer_times_out(self, wire):
        wire.channel.command_timeout = 0.2
        with pytest.raises(ConnectionLost):
            wire.channel.read_environment()


class TestEndingCalls:
    def test_past_the_deadline_the_caller_is_handed_to_an_agent(self, wire):
        channel = wire.start()
        channel.stdin.deadline = time.monotonic() - 1
        wire.asterisk.send("200 result=1\n")
        with pytest.raises(CallDeadline):
            channel.stream_file("menu")
        assert wire.command() == 'SET VARIABLE "POSTLINE_STATUS" "ERROR"'
        assert wire.asterisk.rest() == b""  # and the connection is closed
        assert channel.closed

    def test_a_handover_request_takes_effect_at_the_next_command(self, wire):
        channel = wire.start()
        channel.request_handover()
        wire.asterisk.send("200 result=1\n")
        with pytest.raises(ServerStopping):
            channel.get_data("menu", 1000, 1)
        assert wire.command() == 'SET VARIABLE "POSTLINE_STATUS" "ERROR"'
        assert wire.asterisk.rest() == b""

    def test_fail_safe_never_raises_and_says_whether_it_worked(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=1\n")
        assert channel.fail_safe("ERROR") is True
        wire.asterisk.close()
        assert channel.fail_safe("ERROR") is False

    def test_abort_ends_a_blocked_read(self, wire):
        channel = wire.start()
        thread, box = in_thread(channel.get_data, "menu", 60000, 1)
        assert wire.command() == 'GET DATA "menu" 60000 1'
        channel.abort()
        thread.join(WAIT)
        assert isinstance(box.get("error"), ConnectionLost)

    def test_hangup_command_marks_the_channel(self, wire):
        channel = wire.start()
        wire.asterisk.send("200 result=1\nHANGUP\n")
        channel.hangup()
        assert channel.hung_up and wire.command() == "HANGUP"


def test_threads_do_not_share_state():
    """Two channels in two threads: each reads its own replies (no module-level state)."""
    results = {}

    def call(name: str, digit: str) -> None:
        ours, theirs = socket.socketpair()
        theirs.sendall(env_block(asterisk_env(script=name)) + f"200 result={ord(digit)} endpos=1\n".encode())
        channel = AGIChannel(ours, command_timeout=WAIT)
        channel.read_environment()
        results[name] = channel.stream_file("menu", "0123456789")
        ours.close()
        theirs.close()

    threads = [threading.Thread(target=call, args=(f"s{i}", str(i))) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert results == {f"s{i}": str(i) for i in range(10)}
