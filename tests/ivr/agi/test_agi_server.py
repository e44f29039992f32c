"""The FastAGI server under what Asterisk and the network do to it: the call cap, clients
that misbehave, our own bugs, 200 calls at once, stopping with calls in progress, timeouts,
and its logs. Every call is made by the emulator, which also checks the protocol (one
command at a time, the socket closed within 1 s of the end)."""
from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from types import SimpleNamespace

import click
import pytest

import app.ivr.agi.server as server_module
import app.ivr.commands as commands_module
from app.ivr.agi.errors import CallDeadline, ConnectionLost, ServerStopping
from app.ivr.agi.server import AGIServer, hand_to_agent
from app.ivr.calllog import CallIdFilter
from app.ivr.channel import Hangup
from app.ivr.commands import run_agi
from app.testing.asterisk import Press, asterisk_env, env_block, run_call
from app.testing.wire import WAIT, Peer

PIN = "815274"


def wait_for(predicate, what: str, seconds: float = WAIT):
    """Poll until ``predicate()`` is true (bounded); the value it returned."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError(f"timed out waiting for {what}")


def serve_ok(channel) -> None:
    channel.stream_file("welcome")
    channel.set_variable("POSTLINE_STATUS", "OK")


def test_a_call_reaches_the_handler_and_is_closed_when_it_returns(agi_server):
    seen = []

    def handler(channel):
        seen.append((channel.info.script, channel.info.query, channel.info.args))
        serve_ok(channel)

    server = agi_server(handler)
    transcript = server.call("node/postcode.lookup?line=12329", args=["zh_CN"])
    assert seen == [("node/postcode.lookup", {"line": "12329"}, ["zh_CN"])]
    assert transcript.status == "OK" and transcript.heard == ["welcome"]
    assert transcript.ok and transcript.closed_by_server  # closed within 1 s, in step


def test_a_handler_that_sends_nothing_still_closes_at_once(agi_server):
    transcript = agi_server(lambda channel: None).call()
    assert transcript.commands == [] and transcript.ok and transcript.closed_by_server


def test_without_an_engine_every_caller_goes_to_an_agent(agi_server):
    transcript = agi_server(hand_to_agent).call()
    assert transcript.commands == ['SET VARIABLE "POSTLINE_STATUS" "ERROR"'] and transcript.ok


def test_the_backlog_is_deep_enough_for_asterisk():
    assert AGIServer.request_queue_size >= 128 and AGIServer.daemon_threads


class TestCallCap:
    def test_a_call_over_the_cap_is_refused_with_a_status_and_failure(self, agi_server,
                                                                      background):
        entered, release = threading.Event(), threading.Event()

        def handler(channel):
            entered.set()
            release.wait(WAIT)
            channel.set_variable("POSTLINE_STATUS", "OK")

        server = agi_server(handler, max_calls=1)
        first, box = background(server.call)
        assert entered.wait(WAIT)
        refused = server.call()
        assert refused.commands == ['SET VARIABLE "POSTLINE_STATUS" "BUSY"']
        assert refused.status == "BUSY" and refused.failure_sent and refused.ok
        release.set()
        first.join(WAIT)
        assert box["result"].status == "OK"
        wait_for(lambda: server.server.active_calls == 0, "the slot to be free")
        assert server.call().status == "OK"  # the slot is free again


    def test_idle_connections_take_no_slot_and_are_closed_after_the_env_timeout(self, agi_server):
        server = agi_server(serve_ok, max_calls=3, env_timeout=1.0)
        idle = [socket.create_connection(server.address, timeout=WAIT) for _ in range(20)]
        try:
            calls = [server.call() for _ in range(3)]  # with 20 idle connections open
            assert all(t.status == "OK" and t.ok for t in calls)
            for sock in idle:  # closed by the server, without a word
                assert Peer(sock).rest() == b""
        finally:
            for sock in idle:
                sock.close()


class TestMisbehavingClients:
    def test_garbage_partial_environment_and_silence_are_dropped_while_calls_go_on(
            self, agi_server, fake_asterisk, background, caplog):
        server = agi_server(serve_ok, command_timeout=2.0, env_timeout=1.0)
        bad = [background(fake_asterisk.garbage, server.address),
               background(fake_asterisk.partial_environment, server.address),
               background(fake_asterisk.partial_environment, server.address, then_close=True),
               background(fake_asterisk.silent, server.address)]
        good = [fake_asterisk.call(server.address, keys=["1"]) for _ in range(5)]
        assert all(t.status == "OK" and t.ok for t in good)
        for thread, box in bad:
            thread.join(WAIT)
            assert box["result"].closed and box["result"].received == b"", box
        assert caplog.text.count("dropped a connection that sent no valid AGI environment") == 4

    def test_no_reply_within_the_command_timeout_ends_the_call(self, agi_server):
        outcome = []

        def handler(channel):
            try:
                channel.get_data("menu", 1000, 1)
            except Hangup as exc:
                outcome.append(exc)
                raise

        server = agi_server(handler, command_timeout=0.3)
        with socket.create_connection(server.address, timeout=WAIT) as sock:
            peer = Peer(sock)
            peer.send(env_block(asterisk_env(server.address)))
            assert peer.line() == 'GET DATA "menu" 1000 1'
            assert peer.rest() == b""  # never answered: the server gave up and closed
        assert isinstance(outcome[0], ConnectionLost)


class TestOurBugs:
    def test_an_exception_in_the_handler_hands_the_caller_to_an_agent(self, agi_server, caplog):
        def handler(channel):
            channel.stream_file("welcome")
            raise RuntimeError("bug in a plugin node")

        transcript = agi_server(handler).call()
        assert transcript.status == "ERROR" and transcript.ok
        assert transcript.commands[-1] == 'SET VARIABLE "POSTLINE_STATUS" "ERROR"'
        assert not any(c.startswith("VERBOSE") for c in transcript.commands)
        failed = [r for r in caplog.records if r.exc_info and "bug in a plugin node" in str(r.exc_info[1])]
        assert failed and failed[0].name == "postline.agi"

    def test_an_exception_after_the_caller_hung_up(self, agi_server):
        def handler(channel):
            try:
                channel.stream_file("welcome", "1")
            except Hangup:
                pass
            raise KeyError("oops")

        transcript = agi_server(handler).call(keys=[Press(hangup=True, during=True)])
        assert transcript.hung_up and transcript.status == "ERROR" and transcript.ok

    def test_a_protocol_error_of_ours_is_an_error_too(self, agi_server):
        transcript = agi_server(lambda channel: channel.execute("FLY TO THE MOON")).call()
        assert transcript.status == "ERROR" and transcript.steps[0].reply.startswith("510")


def test_200_simultaneous_connections_succeed(agi_server, background):
    def handler(channel):
        digit, _ = channel.get_data("menu", 1000, 1)
        channel.set_variable("POSTLINE_STATUS", "OK")
        channel.set_variable("N", channel.info.query["n"] + digit)

    server = agi_server(handler)
    start = threading.Barrier(200)

    def one(n: int):
        start.wait(WAIT)
        return run_call(server.address, f"ivr?n={n}", keys=["7"])

    calls = [background(one, n) for n in range(200)]
    for thread, _ in calls:
        thread.join(WAIT * 3)
    transcripts = [box.get("result") or box.get("error") for _, box in calls]
    assert all(t.ok and t.status == "OK" for t in transcripts), transcripts
    assert sorted(t.variables["N"] for t in transcripts) == sorted(f"{n}7" for n in range(200))


class TestStopping:
    def test_stop_stops_accepting_and_a_call_in_progress_finishes(self, agi_server, background):
        entered, release = threading.Event(), threading.Event()

        def handler(channel):
            channel.stream_file("welcome")
            entered.set()
            release.wait(WAIT)
            channel.stream_file("goodbye")
            channel.set_variable("POSTLINE_STATUS", "OK")

        server = agi_server(handler, stop_grace=WAIT)
        call, box = background(server.call)
        assert entered.wait(WAIT)
        stopping, _ = background(server.stop)
        wait_for(lambda: server.server.socket.fileno() == -1, "the listener to close")
        with pytest.raises(OSError):
            socket.create_connection(server.address, timeout=1)
        release.set()
        call.join(WAIT)
        stopping.join(WAIT)
        assert not stopping.is_alive()
        transcript = box["result"]
        assert transcript.heard == ["welcome", "goodbye"] and transcript.status == "OK"
        assert transcript.ok

    def test_after_the_grace_a_call_is_handed_to_an_agent(self, agi_server, background):
        outcome = []

        def handler(channel):
            channel.stream_file("welcome")
            wait_for(lambda: channel.handover_requested, "the handover request")
            try:
                channel.stream_file("menu")
            except Hangup as exc:
                outcome.append(exc)
                raise

        server = agi_server(handler, stop_grace=0.1)
        call, box = background(server.call)
        wait_for(lambda: server.server.active_calls, "the call to start")
        stopping, _ = background(server.stop)
        call.join(WAIT)
        stopping.join(WAIT)
        transcript = box["result"]
        assert transcript.heard == ["welcome"] and transcript.status == "ERROR"
        assert transcript.ok and isinstance(outcome[0], ServerStopping)

    def test_a_call_stuck_in_a_command_is_cut(self, agi_server, monkeypatch):
        monkeypatch.setattr(server_module, "HANDOVER_WAIT_SECONDS", 0.2)
        outcome = []

        def handler(channel):
            try:
                channel.get_data("menu", 60000, 1)
            except Hangup as exc:
                outcome.append(exc)
                raise

        server = agi_server(handler, stop_grace=0.1, command_timeout=WAIT)
        with socket.create_connection(server.address, timeout=WAIT) as sock:
            peer = Peer(sock)
            peer.send(env_block(asterisk_env(server.address)))
            assert peer.line() == 'GET DATA "menu" 60000 1'
            server.stop()
            assert peer.rest() == b""  # cut: the dialplan sees no OK status
        assert isinstance(outcome[0], ConnectionLost)

    @pytest.mark.parametrize("grace, expected", [(WAIT, "OK"), (0.1, "ERROR")])
    def test_sigterm_with_a_call_in_progress(self, monkeypatch, background, caplog, grace,
                                             expected):
        """``postline agi``'s own stop path (run_agi in the main thread, a real SIGTERM):
        the call finishes within the grace, or is handed to an agent after it."""
        caplog.set_level(logging.INFO, logger="postline.agi")
        entered, release = threading.Event(), threading.Event()

        def handler(channel):
            channel.stream_file("welcome")
            entered.set()
            wait_for(lambda: release.is_set() or channel.handover_requested, "release")
            channel.set_variable("POSTLINE_STATUS", "OK")

        monkeypatch.setattr(commands_module, "build_handler", lambda app: handler)
        monkeypatch.setattr(commands_module, "start_up", lambda app: None)  # no database here
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        app = SimpleNamespace(config={"AGI_HOST": "127.0.0.1", "AGI_PORT": port,
                                      "AGI_STOP_GRACE": grace, "AGI_COMMAND_TIMEOUT": 5})

        def drive():
            wait_for(lambda: "FastAGI listening" in caplog.text, "the server")
            call, box = background(run_call, ("127.0.0.1", port))
            assert entered.wait(WAIT)
            os.kill(os.getpid(), signal.SIGTERM)
            wait_for(lambda: "stopping: no new calls" in caplog.text, "the stop")
            if expected == "OK":
                release.set()
            call.join(WAIT)
            return box["result"]

        saved = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
        driver, box = background(drive)
        try:
            run_agi(app, None, None)
        finally:
            for signum, old in saved.items():
                signal.signal(signum, old)
            release.set()
        driver.join(WAIT)
        transcript = box["result"]
        assert transcript.status == expected and transcript.ok
        assert "FastAGI stopped" in caplog.text


class TestDeadline:
    def test_past_the_deadline_between_commands_the_caller_goes_to_an_agent(self, agi_server):
        outcome = []

        def handler(channel):
            left = channel.stdin.deadline - time.monotonic()
            outcome.append(0 < left <= 30)  # AGI_CALL_DEADLINE counts from the connection
            channel.stream_file("welcome")
            channel.stdin.deadline = time.monotonic()  # the call outlives its deadline
            try:
                channel.stream_file("menu")
            except Hangup as exc:
                outcome.append(exc)
                raise

        transcript = agi_server(handler, call_deadline=30).call()
        assert transcript.heard == ["welcome"] and transcript.status == "ERROR"
        wait_for(lambda: len(outcome) == 2, "the handler to see the end")  # it closes first
        assert outcome[0] is True and isinstance(outcome[1], CallDeadline)
        assert transcript.ok

    def test_the_deadline_also_ends_a_command_that_takes_too_long(self, agi_server):
        outcome = []

        def handler(channel):
            channel.stdin.deadline = time.monotonic() + 0.2
            try:
                channel.get_data("menu", 60000, 1)
            except Hangup as exc:
                outcome.append(exc)
                raise

        transcript = agi_server(handler).call(keys=[Press("1", after=1.0)])
        assert isinstance(outcome[0], CallDeadline)
        # Cut while a reply was due: no status can be set; the dialplan sees "not OK".
        assert transcript.closed_by_server and transcript.status is None


class TestLogs:
    def test_every_line_of_a_call_carries_its_uniqueid_and_never_the_pin(self, agi_server,
                                                                        caplog):
        caplog.set_level(logging.DEBUG)
        caplog.set_level(logging.DEBUG, logger="postline.agi")
        caplog.handler.addFilter(CallIdFilter())
        engine_log = logging.getLogger("postline.ivr.test_engine")

        def handler(channel):
            engine_log.info("entering auth")
            with channel.secret():
                pin, _ = channel.get_data("auth/pin", 5000, 6)
            channel.set_variable("POSTLINE_STATUS", "OK" if pin == PIN else "ERROR")

        transcript = agi_server(handler).call(keys=[PIN], env={"agi_uniqueid": "1700000000.99"})
        assert transcript.status == "OK"
        assert PIN not in caplog.text
        call_records = [r for r in caplog.records if r.name.startswith("postline")
                        and "env " not in r.getMessage()]
        assert len(call_records) >= 6
        assert {r.uniqueid for r in call_records} == {"1700000000.99"}, [
            (r.name, r.getMessage()) for r in call_records if r.uniqueid != "1700000000.99"]
        assert "call 1700000000.99 script=ivr" in caplog.text
        formatter = logging.Formatter("%(name)s [%(uniqueid)s] %(message)s")
        assert formatter.format(call_records[0]).startswith("postline")
        assert "[1700000000.99]" in formatter.format(call_records[0])


class TestStartUp:
    def test_a_taken_port_is_one_line(self, caplog, monkeypatch):
        monkeypatch.setattr(commands_module, "start_up", lambda app: None)  # no database here
        caplog.set_level(logging.INFO, logger="postline.agi")  # restored after the test
        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", 0))
            squatter.listen()
            port = squatter.getsockname()[1]
            app = SimpleNamespace(config={"AGI_HOST": "127.0.0.1", "AGI_PORT": port})
            with pytest.raises(click.ClickException) as error:
                run_agi(app, None, None)
        message = error.value.format_message()
        assert message.startswith(f"FastAGI cannot listen on 127.0.0.1:{port}:")
        assert "\n" not in message

    def test_settings_come_from_the_config(self):
        settings = server_module.AGISettings.from_config(
            {"AGI_MAX_CALLS": "20", "AGI_COMMAND_TIMEOUT": 3, "AGI_CALL_DEADLINE": 60,
             "AGI_STOP_GRACE": 1, "AGI_ENV_TIMEOUT": 2})
        assert (settings.max_calls, settings.command_timeout, settings.call_deadline,
                settings.stop_grace, settings.env_timeout) == (20, 3.0, 60.0, 1.0, 2.0)
        assert server_module.AGISettings.from_config({}).max_calls == 500
