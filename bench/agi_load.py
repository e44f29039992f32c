#!/usr/bin/env python
"""Load benchmark of the FastAGI server. Figures, not a test: run by hand.

    .venv/bin/python bench/agi_load.py --calls 2000 --concurrency 500
    .venv/bin/python bench/agi_load.py --calls 300 --concurrency 50
    .venv/bin/python bench/agi_load.py --database-url postgresql://user@/postline_bench
    .venv/bin/python bench/agi_load.py --burst --calls 300 --concurrency 300

What it does, all on loopback, bounded in calls and time, and stopping by itself:

1. a fresh instance folder in a temp directory (``POSTLINE_INSTANCE_PATH``), ``postline db
   upgrade`` and ``postline demo load`` (the default 11185 flow); the line is then opened
   around the clock, so that the time condition does not send a night run to voicemail;
2. the real server, ``postline agi``, as a subprocess on a free port;
3. the caller's keys taken from the flow definition: main menu → postcode → transfer (the
   key that leads to ``postcode.lookup``, a postcode, then a key that leads to a transfer;
   while the postcode node is not declared that key itself leads to a transfer), or
   ``--keys``;
4. ``--concurrency`` emulated callers (threads running :class:`app.testing.asterisk.FakeAsterisk`,
   which also checks the protocol) place ``--calls`` calls back to back;
5. the same against a bare FastAGI server (a plain ``socketserver`` that reads the
   environment and sends the command sequence of a probe call, nothing else), for the
   our/bare ratio.

"Server time per command" is measured on the client: from the moment the emulator has sent
its reply (or the environment) to the moment the next command line arrives; the server's
work plus the loopback and the client's own scheduling delay. The "close" time is from the
last reply to the server closing the connection (the call record is closed there).

An error is: a connection that failed, a protocol failure seen by the emulator, a call that
did not end with ``POSTLINE_STATUS=OK`` and a queue, a command sequence that differs from the
probe call's, or an ERROR line in the server's log. BUSY refusals (over ``AGI_MAX_CALLS``)
count as errors too and are shown apart.

``--burst`` skips the probe call, so the load meets a server that has served no call yet (300
callers at once right after a start); the command sequence is not compared, and the
postcode lookups counted in the database are checked against the calls that made one.

``--profile FILE`` runs the server with cProfile in every call thread and writes the merged
statistics (``python -m pstats FILE``)."""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import socket
import socketserver
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.testing.asterisk import FakeAsterisk, Step  # noqa: E402

POSTCODE_NODE = "postcode.lookup"
PYTHON = sys.executable


# --- the real server ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


SETUP_SNIPPET = r"""
import json, sys
from app import create_app
from app.extensions import db
from app.ivr import flows
from app.ivr.models import IVRFlow, IVRLine
app = create_app()
with app.app_context():
    line = db.session.query(IVRLine).filter_by(number=sys.argv[1]).one()
    line.calendar.hours = "{}"   # open around the clock: the benchmark must not depend on the hour
    db.session.commit()
    flow = flows.active_flow(db.session.get(IVRFlow, line.flow_id).name)
    steps = {sid: {"type": s.type, "next": dict(s.next), "params": dict(s.params)}
             for sid, s in flow.steps.items()}
    print(json.dumps({"start": flow.start, "steps": steps}))
"""


def prepare_instance(env: dict[str, str], line: str) -> dict:
    """Migrated database with the demo flows; returns the line's active flow."""
    postline = str(Path(PYTHON).with_name("postline"))
    for args in (["db", "upgrade"], ["demo", "load"]):
        subprocess.run([postline, *args], env=env, check=True, cwd=ROOT,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=300)
    out = subprocess.run([PYTHON, "-c", SETUP_SNIPPET, line], env=env, check=True, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    return json.loads(out.stdout.strip().splitlines()[-1])


COUNT_SNIPPET = r"""
from app import create_app
from app.extensions import db
from sqlalchemy import text
app = create_app()
with app.app_context():
    print(db.session.execute(text("SELECT count(*) FROM postcode_lookup")).scalar())
"""


def lookups_counted(env: dict[str, str]) -> int:
    """Rows in ``postcode_lookup`` (after ``postline agi`` stopped and flushed its counts)."""
    out = subprocess.run([PYTHON, "-c", COUNT_SNIPPET], env=env, check=True, cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    return int(out.stdout.strip().splitlines()[-1])


def keys_from_flow(flow: dict, postcode: str) -> list[str]:
    """Main menu → postcode → transfer, read from the flow definition."""
    steps = flow["steps"]
    menu = next((s for s in steps.values() if s["type"] == "core.menu"), None)
    if menu is None:
        raise SystemExit("the flow has no core.menu step; give --keys")
    by_key = {k: v for k, v in menu["next"].items() if k.isdigit()}
    transfer_keys = sorted(k for k, v in by_key.items() if steps[v]["type"] == "core.transfer")
    postcode_keys = sorted(k for k, v in by_key.items() if steps[v]["type"] == POSTCODE_NODE)
    if postcode_keys:  # the node's outcomes lead back to the menu; then a transfer
        rest = [k for k in transfer_keys if k not in postcode_keys]
        return [postcode_keys[0], postcode, rest[0]]
    # without the postcode plugin: the postcode key leads to an agent (step "postcode-agent")
    key = next((k for k, v in by_key.items() if "postcode" in v), transfer_keys[0])
    return [key]


class Server:
    """``postline agi`` (or the profiled variant) as a subprocess."""

    def __init__(self, env: dict[str, str], port: int, workdir: Path,
                 profile: str | None = None) -> None:
        self.log_path = workdir / "agi.log"
        self.log = open(self.log_path, "w")
        if profile:
            cmd = [PYTHON, __file__, "_serve-profiled", profile, str(port)]
        else:
            cmd = [str(Path(PYTHON).with_name("postline")), "agi", "--host", "127.0.0.1",
                   "--port", str(port)]
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        end = time.monotonic() + 60
        while "FastAGI listening" not in self.log_path.read_text(errors="replace"):
            if self.proc.poll() is not None or time.monotonic() > end:
                self.stop()
                raise SystemExit("postline agi did not start:\n" + self.log_path.read_text())
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far (Linux)."""
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return float("nan")

    def error_lines(self) -> list[str]:
        return [line for line in self.log_path.read_text(errors="replace").splitlines()
                if " ERROR " in line or "Traceback" in line]


def serve_profiled(out: str, port: int) -> None:
    """``postline agi`` with a cProfile profiler in every call thread (merged at stop)."""
    import cProfile
    import pstats

    from app import create_app
    from app.ivr import commands
    from app.ivr.agi import server as agi_server

    profiles: list[cProfile.Profile] = []
    lock = threading.Lock()
    original = agi_server.AGIServer._serve_call

    def profiled(self, request):  # type: ignore[no-untyped-def]
        prof = cProfile.Profile()
        prof.enable()
        try:
            original(self, request)
        finally:
            prof.disable()
            with lock:
                profiles.append(prof)

    agi_server.AGIServer._serve_call = profiled  # type: ignore[method-assign]
    app = create_app()
    try:
        commands.run_agi(app, "127.0.0.1", port)
    finally:
        with lock:
            if profiles:
                stats = pstats.Stats(profiles[0])
                for prof in profiles[1:]:
                    stats.add(prof)
                stats.dump_stats(out)


# --- the bare server ------------------------------------------------------------------------

class BareServer(socketserver.ThreadingTCPServer):
    """A minimal FastAGI server: environment in, the probe call's commands out, one reply
    line read per command (an unsolicited HANGUP line skipped), close."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512

    def __init__(self, commands: list[str]) -> None:
        self.commands = [c.encode("utf-8") + b"\n" for c in commands]
        super().__init__(("127.0.0.1", 0), BareHandler)


class BareHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.request.settimeout(30)
        while self.rfile.readline().strip():  # the environment, up to the blank line
            pass
        for command in self.server.commands:  # type: ignore[attr-defined]
            self.wfile.write(command)
            reply = self.rfile.readline()
            while reply.startswith(b"HANGUP"):
                reply = self.rfile.readline()
            if not reply:
                return


# --- the callers ---------------------------------------------------------------------------

class TimedAsterisk(FakeAsterisk):
    """The emulator, timing each wait for the server (``last_sent`` is set by ``_send``)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.waits: list[float] = []
        self.close_wait: float | None = None

    def _next_line(self) -> str | None:
        line = super()._next_line()
        gap = time.monotonic() - self.last_sent
        if line:
            self.waits.append(gap)
        elif line is None:
            self.close_wait = gap
        return line


@dataclass
class Results:
    started: float = 0.0
    finished: float = 0.0
    done: list[float] = field(default_factory=list)         # completion times
    first: list[float] = field(default_factory=list)        # environment → first command
    waits: list[float] = field(default_factory=list)        # every command
    closes: list[float] = field(default_factory=list)       # last reply → close
    errors: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    open_now: int = 0
    open_max: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, kind: str, example: str) -> None:
        with self.lock:
            self.errors[kind] += 1
            self.examples.setdefault(kind, example[:300])


def verbs(steps: list[Step]) -> list[str]:
    return [s.verb for s in steps]


def load(address: tuple[str, int], script: str, keys: list[str], calls: int, concurrency: int,
         expected: list[str] | None, think: float, patience: float, limit: float,
         rate: float | None = None) -> Results:
    from app.testing.asterisk import Press

    res = Results()
    counter = iter(range(calls))
    take = threading.Lock()
    deadline = time.monotonic() + limit
    presses = [Press(k, after=think) for k in keys]

    def worker(wid: int) -> None:
        while time.monotonic() < deadline:
            with take:
                n = next(counter, None)
            if n is None:
                return
            if rate:  # open loop: call n starts n/rate seconds after the first
                delay = res.started + n / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            caller = f"139{(n % 10_000_000):08d}"  # distinct callers: no VIP, no history
            emu = TimedAsterisk(address, script, keys=presses, patience=patience,
                                env={"agi_callerid": caller, "agi_uniqueid": f"{time.time():.0f}.{n}"})
            with res.lock:
                res.open_now += 1
                res.open_max = max(res.open_max, res.open_now)
            try:
                t = emu.run()
            except OSError as exc:
                res.error("connection", f"{type(exc).__name__}: {exc}")
                continue
            finally:
                with res.lock:
                    res.open_now -= 1
            ok = True
            if t.failures:
                res.error("protocol", "; ".join(t.failures))
                ok = False
            if t.status == "BUSY":
                res.error("busy (over AGI_MAX_CALLS)", str(t.variables))
                ok = False
            elif t.status != "OK" or not t.variables.get("POSTLINE_QUEUE"):
                res.error("not transferred OK", f"{t.variables} {t.commands[-3:]}")
                ok = False
            elif expected is not None and verbs(t.steps) != expected:
                res.error("unexpected commands", " | ".join(t.commands))
                ok = False
            with res.lock:
                if ok:
                    res.done.append(time.monotonic())
                if emu.waits:
                    res.first.append(emu.waits[0])
                    res.waits.extend(emu.waits)
                if emu.close_wait is not None:
                    res.closes.append(emu.close_wait)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(concurrency)]
    res.started = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join(max(0.1, deadline - time.monotonic() + patience + 5))
    res.finished = time.monotonic()
    left = calls - len(res.done) - sum(res.errors.values())
    if left > 0:
        res.error("not placed or unfinished (time limit)", f"{left} calls")
        res.errors["not placed or unfinished (time limit)"] = left
    return res


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def summary(name: str, res: Results, calls: int) -> dict:
    wall = res.finished - res.started
    done = sorted(res.done)
    sustained = float("nan")
    if len(done) >= 20:  # the middle 80 % of completions, without ramp-up and tail
        a, b = done[len(done) // 10], done[len(done) * 9 // 10]
        if b > a:
            sustained = (len(done) * 9 // 10 - len(done) // 10) / (b - a)
    ms = 1000.0
    out = {
        "name": name, "calls": calls, "ok": len(done), "errors": sum(res.errors.values()),
        "wall_s": wall, "calls_per_s": len(done) / wall if wall else float("nan"),
        "sustained_calls_per_s": sustained, "open_max": res.open_max,
        "commands": len(res.waits),
        "cmd_p50_ms": pct(res.waits, 50) * ms, "cmd_p90_ms": pct(res.waits, 90) * ms,
        "cmd_p99_ms": pct(res.waits, 99) * ms, "cmd_max_ms": max(res.waits, default=float("nan")) * ms,
        "cmd_mean_ms": statistics.fmean(res.waits) * ms if res.waits else float("nan"),
        "first_p50_ms": pct(res.first, 50) * ms, "first_p99_ms": pct(res.first, 99) * ms,
        "close_p50_ms": pct(res.closes, 50) * ms, "close_p99_ms": pct(res.closes, 99) * ms,
        "error_kinds": dict(res.errors), "error_examples": res.examples,
    }
    return out


def show(s: dict) -> None:
    print(f"\n== {s['name']}: {s['ok']}/{s['calls']} calls OK, {s['errors']} errors, "
          f"{s['wall_s']:.1f} s, at most {s['open_max']} calls open at once")
    print(f"   new calls/s: {s['calls_per_s']:.1f} overall, {s['sustained_calls_per_s']:.1f} "
          "sustained (middle 80 % of completions)")
    print(f"   server time per command ({s['commands']} commands): p50 {s['cmd_p50_ms']:.2f} ms, "
          f"p90 {s['cmd_p90_ms']:.2f} ms, p99 {s['cmd_p99_ms']:.2f} ms, max {s['cmd_max_ms']:.1f} ms, "
          f"mean {s['cmd_mean_ms']:.2f} ms")
    print(f"   first command (env → 1st command): p50 {s['first_p50_ms']:.2f} ms, "
          f"p99 {s['first_p99_ms']:.2f} ms; close after last reply: p50 {s['close_p50_ms']:.2f} ms, "
          f"p99 {s['close_p99_ms']:.2f} ms")
    for kind, count in s["error_kinds"].items():
        print(f"   ERROR {kind}: {count}  e.g. {s['error_examples'].get(kind, '')}")


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{os.cpu_count()} CPU(s) ({model or platform.processor()}), "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_serve-profiled"]:
        serve_profiled(argv[1], int(argv[2]))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=1000, help="calls in all (default 1000)")
    ap.add_argument("--concurrency", type=int, default=500, help="callers at once (default 500)")
    ap.add_argument("--line", default="11185")
    ap.add_argument("--keys", help="comma-separated keys instead of the flow's path, e.g. 1,100000,2")
    ap.add_argument("--postcode", default="100000", help="postcode typed at the postcode node")
    ap.add_argument("--think", type=float, default=0.0,
                    help="seconds the caller waits before each key (not counted as server time)")
    ap.add_argument("--rate", type=float,
                    help="new calls per second (open loop); default: as fast as the server goes")
    ap.add_argument("--database-url", help="e.g. postgresql://user@/db (default: a fresh SQLite)")
    ap.add_argument("--max-calls", type=int, help="AGI_MAX_CALLS of the server (default: its own, 500)")
    ap.add_argument("--time-limit", type=float, default=600, help="seconds for each run (default 600)")
    ap.add_argument("--patience", type=float, default=30, help="seconds a caller waits for a command")
    ap.add_argument("--no-bare", action="store_true", help="skip the bare-server run")
    ap.add_argument("--burst", action="store_true",
                    help="no probe call first: the callers meet a fresh server (implies --no-bare)")
    ap.add_argument("--profile", help="cProfile the server's call threads into this file")
    ap.add_argument("--json", help="also write the figures as JSON here")
    opts = ap.parse_args(argv)

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    threading.stack_size(512 * 1024)
    print("machine:", machine())
    print("command:", " ".join([Path(sys.argv[0]).name, *argv]))

    workdir = Path(tempfile.mkdtemp(prefix="postline-bench-"))
    port = free_port()
    env = {**os.environ, "POSTLINE_INSTANCE_PATH": str(workdir / "instance"),
           "POSTLINE_SECRET_KEY": "bench-" + os.urandom(16).hex(), "POSTLINE_AGI_PORT": str(port),
           "PYTHONUNBUFFERED": "1"}
    env.pop("POSTLINE_DATABASE_URL", None)
    if opts.database_url:
        env["POSTLINE_DATABASE_URL"] = opts.database_url
    if opts.max_calls:
        env["POSTLINE_AGI_MAX_CALLS"] = str(opts.max_calls)
    (workdir / "instance").mkdir()
    print("instance:", workdir / "instance", "| database:", opts.database_url or "SQLite (fresh)")
    flow = prepare_instance(env, opts.line)
    keys = opts.keys.split(",") if opts.keys else keys_from_flow(flow, opts.postcode)
    print(f"keys: {keys} (postcode node {'declared' if any(s['type'] == POSTCODE_NODE for s in flow['steps'].values()) else 'not declared: the postcode key leads to an agent'})")
    script = f"ivr?line={opts.line}"

    results = []
    server = Server(env, port, workdir, opts.profile)
    try:
        address = ("127.0.0.1", port)
        expected = None
        if not opts.burst:
            probe = TimedAsterisk(address, script, keys=keys, patience=opts.patience).run()
            if probe.failures or probe.status != "OK":
                raise SystemExit(f"the probe call failed: {probe.failures} {probe.variables}\n"
                                 + "\n".join(f"  {s.command} -> {s.reply}" for s in probe.steps))
            print("probe call:", " | ".join(probe.commands))
            expected = verbs(probe.steps)
        cpu_before = server.cpu_seconds()
        res = load(address, script, keys, opts.calls, opts.concurrency, expected, opts.think,
                   opts.patience, opts.time_limit, opts.rate)
        cpu = server.cpu_seconds() - cpu_before
    finally:
        server.stop()
    ours = summary("PostLine (postline agi)", res, opts.calls)
    ours["server_cpu_s"] = cpu
    ours["server_cpu_ms_per_call"] = 1000 * cpu / max(1, len(res.done))
    print(f"\nserver process CPU: {cpu:.1f} s for the run, {ours['server_cpu_ms_per_call']:.1f} ms per call "
          f"({100 * cpu / (res.finished - res.started):.0f} % of one core)")
    errors = server.error_lines()
    if errors:
        ours["errors"] += len(errors)
        ours["error_kinds"]["ERROR lines in the server log"] = len(errors)
        ours["error_examples"]["ERROR lines in the server log"] = errors[0][:300]
    if opts.burst:
        counted = lookups_counted(env)
        ours["postcode_lookups_counted"] = counted
        print(f"postcode lookups counted: {counted} for {opts.calls} calls placed "
              f"({len(res.done)} without any error)")
        if counted < len(res.done) and len(keys) > 1:  # every call that went right typed one
            ours["errors"] += 1
            ours["error_kinds"]["lookup counts missing"] = len(res.done) - counted
    show(ours)
    results.append(ours)

    if not opts.no_bare and not opts.burst:
        bare = BareServer(probe.commands)
        thread = threading.Thread(target=bare.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        thread.start()
        try:
            res = load(bare.server_address[:2], script, keys, opts.calls, opts.concurrency, expected,
                       opts.think, opts.patience, opts.time_limit, opts.rate)
        finally:
            bare.shutdown()
            bare.server_close()
        base = summary("bare FastAGI server", res, opts.calls)
        show(base)
        results.append(base)
        print(f"\n== our/bare: p50 per command x{ours['cmd_p50_ms'] / base['cmd_p50_ms']:.1f}, "
              f"p99 x{ours['cmd_p99_ms'] / base['cmd_p99_ms']:.1f}, "
              f"calls/s x{ours['calls_per_s'] / base['calls_per_s']:.2f}")
    if opts.json:
        Path(opts.json).write_text(json.dumps({"machine": machine(), "argv": argv, "keys": keys,
                                               "results": results}, indent=2, default=str))
    print(f"(server log: {server.log_path})")
    return 1 if ours["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
