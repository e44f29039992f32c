"""A real Asterisk for the tests that can have one (the binary on ``PATH``, or
``$POSTLINE_ASTERISK``): a private instance running PostLine's dialplan, calls placed over
Local channels, and what it wrote to queue_log and its log during each call."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from app.testing.fake_agi import ScriptedAGIServer


def asterisk_binary() -> str | None:
    """``$POSTLINE_ASTERISK`` or ``asterisk`` on ``PATH``, if it can be run."""
    candidate = os.environ.get("POSTLINE_ASTERISK") or shutil.which("asterisk")
    if candidate and os.access(candidate, os.X_OK):
        return candidate
    return None


MODULES = ["pbx_config", "app_queue", "res_speech", "res_agi", "res_clioriginate", "app_dial",
           "app_stack", "func_logic", "func_strings", "func_devstate", "func_callerid",
           "func_global", "app_verbose", "bridge_simple", "res_musiconhold"]


class PrivateAsterisk:
    """An Asterisk of its own in a temporary directory (no SIP, no AMI, only a control
    socket) with PostLine's dialplan and queues from ``dialplan_dir``, its FastAGI calls sent
    to ``agi`` (a :class:`~app.testing.fake_agi.ScriptedAGIServer`), and three test agents: ``agent1`` answers, talks a second and hangs up;
    ``agent2`` rings and never answers; ``agent3`` answers and talks until the caller hangs
    up. Shorter waits than production: after-call work on, the preferred agent rung 3 s."""

    def __init__(self, binary: str, agi: ScriptedAGIServer, dialplan_dir: Path) -> None:
        self.binary = binary
        self.agi = agi
        self.root = Path(tempfile.mkdtemp(prefix="pl-ast-"))
        etc = self.root / "etc"
        for sub in ("etc", "var", "run", "log", "spool"):
            (self.root / sub).mkdir()
        self.conf = etc / "asterisk.conf"
        self.conf.write_text(
            "[directories]\n"
            f"astetcdir => {etc}\nastvarlibdir => {self.root}/var\nastdbdir => {self.root}/var\n"
            f"astkeydir => {self.root}/var\n"
            f"astagidir => {self.root}/var\nastspooldir => {self.root}/spool\n"
            f"astrundir => {self.root}/run\nastlogdir => {self.root}/log\n"
            "[options]\nverbose = 3\nnocolor = yes\n")
        (etc / "modules.conf").write_text(
            "[modules]\nautoload = no\n" + "".join(f"load => {m}.so\n" for m in MODULES))
        (etc / "logger.conf").write_text(
            "[general]\nqueue_log = yes\n[logfiles]\nmessages => notice,warning,error,verbose\n")
        dialplan = (dialplan_dir / "extensions_postline.conf").read_text().replace("agi://127.0.0.1:4573",
                                                  f"agi://127.0.0.1:{agi.port}")
        dialplan = dialplan.replace("POSTLINE_ACW_PAUSE=no", "POSTLINE_ACW_PAUSE=yes")
        dialplan = dialplan.replace("POSTLINE_PREFERRED_RING=10", "POSTLINE_PREFERRED_RING=3")
        (etc / "extensions_postline.conf").write_text(dialplan)
        (etc / "extensions.conf").write_text(
            "[general]\nstatic = yes\nwriteprotect = yes\n\n"
            "#include extensions_postline.conf\n\n"
            "[postline-test-agents]\n"
            "; agent1 answers, talks a second and hangs up\n"
            "exten => agent1,1,Answer()\n same => n,Wait(1)\n same => n,Hangup()\n"
            "; agent2 rings and never answers\n"
            "exten => agent2,1,Ringing()\n same => n,Wait(60)\n"
            "; agent3 answers and talks until the caller hangs up\n"
            "exten => agent3,1,Answer()\n same => n,Wait(60)\n")
        shutil.copy(dialplan_dir / "queues.conf.sample", etc / "queues.conf")
        (etc / "musiconhold.conf").write_text("[general]\n")
        self.proc = subprocess.Popen([binary, "-C", str(self.conf), "-f", "-n", "-q"],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("asterisk exited at start-up:\n" + self.log())
            if (self.root / "run" / "asterisk.ctl").exists():
                out = self.rx("core waitfullybooted", check=False)
                if "fully booted" in out.lower():
                    return
            time.sleep(0.2)
        raise RuntimeError("asterisk did not boot:\n" + self.log())

    def rx(self, command: str, check: bool = True) -> str:
        res = subprocess.run([self.binary, "-C", str(self.conf), "-rx", command],
                             capture_output=True, text=True, timeout=30)
        if check:
            assert res.returncode == 0, res.stderr
        return res.stdout

    def log(self) -> str:
        path = self.root / "log" / "messages"
        return path.read_text(errors="replace") if path.exists() else ""

    def log_size(self) -> int:
        return len(self.log())

    def queue_log(self) -> list[list[str]]:
        path = self.root / "log" / "queue_log"
        if not path.exists():
            return []
        return [line.split("|") for line in path.read_text().splitlines()]

    def wait_idle(self, timeout: float = 30) -> None:
        deadline = time.time() + timeout
        time.sleep(0.5)
        while time.time() < deadline:
            if self.rx("core show channels count").startswith("0 active channels"):
                return
            time.sleep(0.3)
        raise AssertionError("calls still up:\n" + self.rx("core show channels"))

    def stop(self) -> None:
        try:
            self.rx("core stop now", check=False)
            self.proc.wait(timeout=15)
        except (subprocess.TimeoutExpired, OSError):
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class PlacedCall:
    requests: list[str]          # AGI scripts PostLine's server was asked for
    rows: list[list[str]]        # queue_log rows written during the call
    log: str                     # Asterisk's log during the call

    def events(self) -> list[str]:
        return [row[4] for row in self.rows]


def place_call(ast: PrivateAsterisk, ivr_vars: dict[str, str], exten: str = "11185",
               caller_seconds: int = 20, members: tuple[tuple[str, str], ...] = ()) -> PlacedCall:
    """A caller dials ``exten``; the fake IVR leaves ``ivr_vars``; the caller hangs up
    after ``caller_seconds`` unless the call ended before. ``members``: (queue, agent)
    pairs logged in for this call only."""
    for queue, agent in members:
        ast.rx(f"queue add member Local/{agent}@postline-test-agents to {queue}")
    try:
        ast.agi.ivr_vars = ivr_vars
        ast.agi.requests.clear()
        rows_before, log_before = len(ast.queue_log()), ast.log_size()
        ast.rx(f"channel originate Local/{exten}@postline-inbound "
               f"application Wait {caller_seconds}")
        ast.wait_idle()
        return PlacedCall(list(ast.agi.requests), ast.queue_log()[rows_before:],
                          ast.log()[log_before:])
    finally:
        for queue, agent in members:
            ast.rx(f"queue remove member Local/{agent}@postline-test-agents from {queue}")
