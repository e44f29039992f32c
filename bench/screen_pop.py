#!/usr/bin/env python
"""The screen pop at a centre's scale, on PostgreSQL. Figures, not a test: run by hand.

    .venv/bin/python bench/screen_pop.py
    .venv/bin/python bench/screen_pop.py --customers 1000000 --calls 5000000 --agents 200 --events 300
    .venv/bin/python bench/screen_pop.py --keep            # leave the schema; --reuse next time

What it measures:

1. **Event → page update.** ``--agents`` agents, each with his desk's live stream open
   (``GET /desk/stream``) on ``postline web --workers 2`` (two gunicorn processes, gthread),
   on PostgreSQL, so a process learns of new events by LISTEN/NOTIFY. This process plays the
   worker: it hands ``AgentConnect`` events to :func:`app.cti.events.dispatch` (what the
   worker's AMI link does with each event Asterisk sends) and commits. Each agent's client
   notes when the ``pop`` frame arrives and when it has fetched the pop's HTML fragment (what
   desk.js does next): "event → frame" and "event → pop on the page".
2. **The desk page** with ``--customers`` customers (one mobile each) and ``--calls`` call
   records over a year, most from known customers: ``GET /desk`` with a call on the screen
   (the caller has history: earlier calls, desk calls, open work orders) and
   ``GET /desk/calls/<id>/pop``, ``--repeat`` times after a warm-up.

Rows are loaded with PostgreSQL's COPY; the schema is PostLine's own migrations (the
indexes measured are a site's). Then ``VACUUM ANALYZE``, as autovacuum would have done."""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pg_schema import bench_schema  # noqa: E402
from sqlalchemy import select, text  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PASSWORD = "bench-password"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志斌浩宇欣怡子涵梓轩雨桐晨曦思远"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("POSTLINE_TEST_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--schema", default="postline_bench_desk")
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--calls", type=int, default=5_000_000)
    parser.add_argument("--agents", type=int, default=200)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--port", type=int, default=5390)
    parser.add_argument("--keep", action="store_true", help="leave the schema for a look or a --reuse")
    parser.add_argument("--reuse", action="store_true", help="measure a schema kept by an earlier --keep")
    args = parser.parse_args()
    with bench_schema(args.database_url, args.schema, fresh=not args.reuse, keep=args.keep) as url:
        run(url, args)


def run(url: str, args: argparse.Namespace) -> None:
    from app import create_app
    from app.extensions import db
    from app.pluginhost.migrations import upgrade_all

    secret = "bench-" + os.urandom(8).hex()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": secret, "TESTING": True, "PLUGINS": "",
                      "SERVER_NAME": "postline.bench"})
    with app.app_context():
        started = time.perf_counter()
        rng = random.Random(20261202)
        if not args.reuse:
            upgrade_all()
            fill(db, args, rng)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
            print(f"filled {args.customers} customers, {args.calls} call records, {args.agents} agents "
                  f"in {time.perf_counter() - started:.0f} s")
        print(machine(db))
        render(app, db, args)
        latency(app, db, url, secret, args, rng)
        db.session.remove()
        db.engine.dispose()


# --- filling ------------------------------------------------------------------------------

def phone_of(n: int) -> str:
    return f"139{n:08d}"


def copy(db: Any, table: str, columns: list[str], rows: Any) -> None:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table``."""
    raw = db.engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
            for row in rows:
                out.write_row(row)
        raw.commit()
    finally:
        raw.close()


def fill(db: Any, args: argparse.Namespace, rng: random.Random) -> None:
    now = datetime.utcnow().replace(microsecond=0)
    copy(db, "customer", ["id", "name", "kind", "account", "email", "id_number", "vip", "blacklisted", "tags",
                          "created_at", "row_version", "updated_by"],
         ((i, rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN), "person", "", "", "", i % 50 == 0,
           False, "", now, 1, "") for i in range(1, args.customers + 1)))
    copy(db, "customer_phone", ["id", "customer_id", "number", "digits", "label", "position"],
         ((i, i, phone_of(i), phone_of(i), "mobile", 0) for i in range(1, args.customers + 1)))

    def calls() -> Any:
        for i in range(1, args.calls + 1):
            known = rng.random() < 0.8
            caller = phone_of(rng.randint(1, args.customers)) if known else f"0{rng.randint(10**9, 10**10 - 1)}"
            start = now - timedelta(seconds=rng.randint(0, 365 * 86400))
            yield (i, f"{int(start.timestamp())}.{i}", rng.choice(("11185", "12329")), caller, "11185", "", "",
                   "ivr", start, start + timedelta(seconds=90), 90, "transferred", "", '[]',
                   json.dumps({"ems.tracking": f"EA{i:09d}CN"}), "postline-11185", 0, "", "")
    copy(db, "ivr_call", ["id", "uniqueid", "line", "caller", "dnid", "channel", "entry", "flow", "started_at",
                          "ended_at", "duration_s", "outcome", "reason", "path", "data", "queue", "priority",
                          "preferred_agent", "agent"], calls())
    for table in ("customer", "customer_phone", "ivr_call"):
        db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT max(id) FROM {table}))"))
    db.session.commit()
    make_agents(db, args.agents)


def make_agents(db: Any, count: int) -> None:
    from app.agents.models import AgentProfile, AgentSkill
    from app.auth.models import User

    template = User(username="bench-template", display_name="")
    template.set_password(PASSWORD)  # one hash for all: logging in checks it as usual
    for k in range(count):
        user = User(username=f"agent{k:03d}", display_name=f"座席{k:03d}", password_hash=template.password_hash)
        user.set_roles({"agent"})
        db.session.add(user)
        db.session.flush()
        db.session.add(AgentProfile(user_id=user.id, interface=f"PJSIP/9{k:03d}", extension=f"9{k:03d}"))
        db.session.flush()
        db.session.add(AgentSkill(user_id=user.id, queue="postline-11185", penalty=0))
    db.session.commit()


# --- the desk page ------------------------------------------------------------------------

def render(app: Any, db: Any, args: argparse.Namespace) -> None:
    from app.agents.models import ON_CALL, AgentStatus, DeskCall
    from app.auth.models import User
    from app.calls.models import CallRecord
    from app.testing import submit
    from app.tickets.register import register

    agent = db.session.scalar(select(User).where(User.username == "agent000"))
    busiest = db.session.execute(text(
        "SELECT caller, count(*) FROM ivr_call WHERE caller LIKE '139%' GROUP BY caller "
        "ORDER BY count(*) DESC LIMIT 1")).one()
    caller = busiest[0]
    record = db.session.scalar(select(CallRecord).where(CallRecord.caller == caller)
                               .order_by(CallRecord.started_at.desc()).limit(1))
    customer_id = int(caller[3:])
    for n in range(3):  # his history: earlier desk calls and open orders
        db.session.add(DeskCall(agent_id=agent.id, call_id=record.id, uniqueid=f"old.{n}", caller=caller,
                                customer_id=customer_id, answered_at=record.started_at,
                                ended_at=record.ended_at, summarised_at=record.ended_at, notes="上次来电"))
        register(agent, type_code="complaint", subject="包裹延误", customer_id=customer_id, call_id=record.id)
    call = DeskCall(agent_id=agent.id, call_id=record.id, uniqueid=record.uniqueid, caller=caller,
                    customer_id=customer_id, answered_at=datetime.utcnow(), queue="postline-11185")
    db.session.add(call)
    db.session.flush()
    status = db.session.get(AgentStatus, agent.id) or AgentStatus(user_id=agent.id)
    status.state, status.desk_call_id, status.uniqueid = ON_CALL, call.id, record.uniqueid
    db.session.add(status)
    db.session.commit()
    client = app.test_client()
    assert submit(client, "/auth/login", {"username": agent.username, "password": PASSWORD}).status_code == 302
    print(f"\nthe caller on the screen: {busiest[1]} earlier calls among {args.calls}")
    print(f"{'':40} {'p50':>8} {'p95':>8} {'max':>8}  (ms, {args.repeat} runs after a warm-up)")
    for title, path in (("page GET /desk", "/desk"), ("fragment GET /desk/calls/<id>/pop", f"/desk/calls/{call.id}/pop")):
        times = timed(lambda p=path: _ok(client.get(p)), args.repeat)
        print(f"{title:40} {statistics.median(times):8.1f} {pct(times, 95):8.1f} {times[-1]:8.1f}")


def timed(action: Any, repeat: int) -> list[float]:
    action()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return sorted(times)


def pct(values: list[float], p: int) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p / 100))]


def _ok(response: Any) -> None:
    if response.status_code != 200:
        raise SystemExit(f"page answered {response.status_code}")


# --- event → page update ------------------------------------------------------------------

class Desk(threading.Thread):
    """One agent's browser: logged in, his live stream open; on a ``pop`` frame it notes
    the time and fetches the pop's fragment, as desk.js does."""

    def __init__(self, port: int, username: str, user_id: int) -> None:
        super().__init__(daemon=True)
        self.port, self.username, self.user_id = port, username, user_id
        self.cookie = ""
        self.connected = threading.Event()
        self.frames: dict[int, float] = {}
        self.shown: dict[int, float] = {}

    def request(self, method: str, path: str, body: str = "") -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        data = response.read().decode()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie" and value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        conn.close()
        return response.status, data

    def log_in(self) -> None:
        _, page = self.request("GET", "/auth/login")
        token = CSRF.search(page).group(1)
        status, _ = self.request("POST", "/auth/login", urlencode(
            {"username": self.username, "password": PASSWORD, "csrf_token": token}))
        if status != 302:
            raise SystemExit(f"{self.username} could not log in ({status})")

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        conn.request("GET", f"/desk/stream?topics=agent:{self.user_id}", headers={"Cookie": self.cookie})
        response = conn.getresponse()
        self.connected.set()
        kind = ""
        while True:
            line = response.fp.readline()
            if not line:
                return
            line = line.decode().rstrip("\r\n")
            if line.startswith("event:"):
                kind = line[6:].strip()
            elif line.startswith("data:") and kind == "pop":
                arrived = time.perf_counter()
                payload = json.loads(line[5:])
                call_id = int(payload["desk_call_id"])
                self.frames[call_id] = arrived
                self.request("GET", payload["url"])
                self.shown[call_id] = time.perf_counter()
            elif not line:
                kind = ""


def latency(app: Any, db: Any, url: str, secret: str, args: argparse.Namespace, rng: random.Random) -> None:
    from app.agents.models import DeskCall
    from app.auth.models import User
    from app.cti.events import dispatch

    env = {**os.environ, "POSTLINE_DATABASE_URL": url, "POSTLINE_SECRET_KEY": secret, "POSTLINE_PLUGINS": "",
           "POSTLINE_WEB_THREADS": str(args.agents + 40)}
    web = subprocess.Popen([str(ROOT / ".venv" / "bin" / "postline"), "web", "--workers", "2",
                            "--port", str(args.port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_until_up(args.port)
        users = db.session.execute(select(User.id, User.username).where(User.username.like("agent%"))
                                   .order_by(User.username).limit(args.agents)).all()
        desks = [Desk(args.port, username, user_id) for user_id, username in users]
        for desk in desks:
            desk.log_in()
            desk.start()
        for desk in desks:
            desk.connected.wait(30)
        time.sleep(2)  # every stream past its first read
        sent: dict[int, tuple[Desk, float]] = {}
        for n in range(args.events):
            desk = rng.choice(desks)
            k = int(desk.username[5:])
            started = time.perf_counter()
            dispatch({"Event": "AgentConnect", "Queue": "postline-11185", "Interface": f"PJSIP/9{k:03d}",
                      "MemberName": f"PJSIP/9{k:03d}", "HoldTime": "8", "RingTime": "2",
                      "Channel": f"PJSIP/trunk-{n:08x}", "Uniqueid": f"1796200000.{n}",
                      "DestChannel": f"PJSIP/9{k:03d}-{n:08x}", "DestUniqueid": f"1796200000.{n}b",
                      "CallerIDNum": phone_of(rng.randint(1, args.customers)), "CallerIDName": ""})
            db.session.commit()
            call_id = db.session.scalar(select(DeskCall.id).where(DeskCall.uniqueid == f"1796200000.{n}"))
            sent[call_id] = (desk, started)
            time.sleep(0.05)
        time.sleep(3)
        frames = [(d.frames[c] - t) * 1000 for c, (d, t) in sent.items() if c in d.frames]
        shown = [(d.shown[c] - t) * 1000 for c, (d, t) in sent.items() if c in d.shown]
        print(f"\n{len(desks)} desks on 2 web processes (PostgreSQL LISTEN/NOTIFY), {args.events} AgentConnect "
              f"events, one every 50 ms; {len(frames)} frames arrived")
        print(f"{'':40} {'p50':>8} {'p95':>8} {'max':>8}  (ms)")
        for title, values in (("event → pop frame in the browser", frames),
                              ("event → pop fragment fetched", shown)):
            if values:
                print(f"{title:40} {statistics.median(values):8.1f} {pct(values, 95):8.1f} {max(values):8.1f}")
        if len(frames) < len(sent):
            print(f"MISSING: {len(sent) - len(frames)} events never reached their desk")
    finally:
        web.terminate()
        web.wait(30)


def wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("postline web did not start")


def machine(db: Any) -> str:
    import platform

    version = db.session.scalar(text("SHOW server_version"))
    return (f"machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, PostgreSQL {version}, "
            f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
