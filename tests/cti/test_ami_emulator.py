"""The AMI emulator itself, spoken to over a raw socket as Asterisk's clients do: what the
worker's tests rely on it to do like Asterisk."""
from __future__ import annotations

import socket

import pytest

from app.testing.ami import BANNER, HALF_EVENT, AmiEmulator

WAIT = 5.0


class RawClient:
    def __init__(self, server: AmiEmulator) -> None:
        self.sock = socket.create_connection(server.address, timeout=WAIT)
        self.buffer = b""

    def send(self, **headers: str) -> None:
        self.sock.sendall("".join(f"{k}: {v}\r\n" for k, v in headers.items()).encode() + b"\r\n")

    def line(self) -> str:
        while b"\r\n" not in self.buffer:
            data = self.sock.recv(4096)
            if not data:
                raise EOFError(self.buffer)
            self.buffer += data
        raw, _, self.buffer = self.buffer.partition(b"\r\n")
        return raw.decode()

    def message(self) -> dict[str, str]:
        headers: dict[str, str] = {}
        while line := self.line():
            key, _, value = line.partition(": ")
            headers[key] = value
        return headers

    def closed(self) -> bool:
        try:
            return self.sock.recv(4096) == b""
        except OSError:
            return True

    def login(self, secret: str = "s3cret", **extra: str) -> dict[str, str]:
        self.send(Action="Login", Username="postline", Secret=secret, ActionID="login-1", **extra)
        return self.message()


@pytest.fixture
def client(ami_server):
    raw = RawClient(ami_server)
    assert raw.line() + "\r\n" == BANNER
    yield raw
    raw.sock.close()


def test_login_is_accepted_then_asterisk_is_fully_booted(client):
    assert client.login() == {"Response": "Success", "ActionID": "login-1",
                              "Message": "Authentication accepted"}
    assert client.message()["Event"] == "FullyBooted"


def test_a_wrong_secret_is_refused_and_the_connection_closed(client, ami_server):
    assert client.login("nope") == {"Response": "Error", "ActionID": "login-1",
                                    "Message": "Authentication failed"}
    assert client.closed()
    assert ami_server.refused_logins == 1 and ami_server.logins == 0


def test_actions_before_login_are_refused(client, ami_server):
    client.send(Action="QueuePause", ActionID="a1", Interface="PJSIP/8001")
    assert client.message() == {"Response": "Error", "ActionID": "a1", "Message": "Permission denied"}
    assert ami_server.actions == []


def test_ping_events_and_logoff(client, ami_server):
    client.login(Events="off")
    client.send(Action="Ping", ActionID="p")
    pong = client.message()
    assert pong["Response"] == "Success" and pong["Ping"] == "Pong" and pong["ActionID"] == "p"
    assert ami_server.emit("AgentCalled", Queue="postline-11185") == 0  # events are off
    client.send(Action="Events", EventMask="on", ActionID="e")
    assert client.message() == {"Response": "Success", "ActionID": "e", "Events": "On"}
    assert ami_server.emit("AgentCalled", Queue="postline-11185", Interface="PJSIP/8001") == 1
    assert client.message() == {"Event": "AgentCalled", "Queue": "postline-11185", "Interface": "PJSIP/8001"}
    client.send(Action="Logoff", ActionID="bye")
    assert client.message()["Response"] == "Goodbye"
    assert client.closed()


def test_other_actions_are_recorded_and_answered_as_told(client, ami_server):
    client.login()
    client.message()  # FullyBooted
    ami_server.fail("QueueAdd", "Unable to add interface: Already there")
    client.send(Action="QueueAdd", ActionID="q1", Queue="postline-11185", Interface="PJSIP/8001")
    assert client.message() == {"Response": "Error", "ActionID": "q1",
                                "Message": "Unable to add interface: Already there"}
    client.send(Action="Originate", ActionID="o1", Channel="PJSIP/8002")
    assert client.message() == {"Response": "Success", "ActionID": "o1", "Message": "Originate done"}
    recorded = ami_server.actions_named("queueadd")
    assert recorded == [{"Action": "QueueAdd", "ActionID": "q1", "Queue": "postline-11185",
                         "Interface": "PJSIP/8001"}]


def test_drop_mid_event_sends_half_a_block_then_closes_and_the_port_can_be_reused(client, ami_server):
    client.login()
    client.message()
    ami_server.drop(mid_event=True)
    rest = client.buffer
    while chunk := client.sock.recv(4096):
        rest += chunk
    assert rest.decode() == HALF_EVENT and not rest.endswith(b"\r\n\r\n")
    port = ami_server.port
    ami_server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=WAIT)
    ami_server.start()
    assert ami_server.port == port
    again = RawClient(ami_server)
    assert again.line() + "\r\n" == BANNER
    again.sock.close()
