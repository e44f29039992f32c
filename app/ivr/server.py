"""The FastAGI listener (the ``agi`` role).

Until the IVR engine exists (the IVR issue), every call is answered by reading Asterisk's
environment and setting ``POSTLINE_STATUS=ERROR``, which the dialplan turns into a transfer
to an agent queue: a caller is never left in silence by a half-built IVR."""
from __future__ import annotations

import logging
import signal
import socket
import socketserver
import threading
from typing import Any

import click
from flask import Flask

log = logging.getLogger("postline.agi")

READ_TIMEOUT_SECONDS = 10
MAX_ENV_LINES = 200


class AGIHandler(socketserver.StreamRequestHandler):
    timeout = READ_TIMEOUT_SECONDS

    def handle(self) -> None:
        env = self._read_env()
        if env is None:
            return
        log.info("call %s script=%s: no IVR flow yet, handing to an agent",
                 env.get("agi_uniqueid", "?"), env.get("agi_network_script", ""))
        self.wfile.write(b'SET VARIABLE POSTLINE_STATUS "ERROR"\n')
        self.wfile.flush()
        self.rfile.readline()

    def _read_env(self) -> dict[str, str] | None:
        env: dict[str, str] = {}
        try:
            for _ in range(MAX_ENV_LINES):
                line = self.rfile.readline().decode("utf-8", "replace").rstrip("\r\n")
                if not line:
                    return env
                key, _sep, value = line.partition(":")
                env[key.strip()] = value.strip()
        except (socket.timeout, OSError):
            pass
        log.warning("dropped a connection that sent no complete AGI environment")
        return None


class AGIServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # Asterisk gives up connecting after 2 s: keep a deep backlog


def run_agi(app: Flask, host: str | None, port: int | None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    address = (host or app.config["AGI_HOST"], port or app.config["AGI_PORT"])
    try:
        server = AGIServer(address, AGIHandler)
    except OSError as exc:  # port taken, or not ours to bind: one line, exit 1
        raise click.ClickException(f"FastAGI cannot listen on {address[0]}:{address[1]}: "
                                   f"{exc.strerror or exc}") from exc
    with server:
        stop = threading.Event()

        def request_stop(_signum: int, _frame: Any) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, request_stop)
        signal.signal(signal.SIGINT, request_stop)
        thread = threading.Thread(target=server.serve_forever, name="agi-accept", daemon=True)
        thread.start()
        log.info("FastAGI listening on %s:%s", *server.server_address[:2])
        stop.wait()
        server.shutdown()
    log.info("FastAGI stopped")
