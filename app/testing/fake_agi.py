"""A scripted FastAGI server: the IVR reduced to the variables it leaves."""
from __future__ import annotations

import socket
import threading


class ScriptedAGIServer(threading.Thread):
    """A FastAGI server that answers every ``ivr...`` script with the variables of the current
    scenario (``ivr_vars``) and nothing else, and remembers the scripts it was asked for: the
    IVR as the dialplan sees it, for tests of what Asterisk does around it."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.ivr_vars: dict[str, str] = {}
        self.requests: list[str] = []

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.serve, args=(conn,), daemon=True).start()

    def serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rwb") as f:
            env = {}
            for raw in f:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                if not line:
                    break
                key, _, value = line.partition(": ")
                env[key] = value
            script = env.get("agi_network_script", "")
            self.requests.append(script)
            if script.startswith("ivr"):
                for name, value in self.ivr_vars.items():
                    f.write(f'SET VARIABLE {name} "{value}"\n'.encode())
                    f.flush()
                    f.readline()

    def close(self) -> None:
        self.sock.close()
