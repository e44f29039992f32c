#!/usr/bin/env python
"""Work orders and customers at a centre's scale, on PostgreSQL. Figures, not a test: run by hand.

    .venv/bin/python bench/tickets.py
    .venv/bin/python bench/tickets.py --orders 100000 --customers 50000 --repeat 30 --explain
    .venv/bin/python bench/tickets.py --database-url postgresql+psycopg://user@host/db --keep

What it does:

1. a fresh schema (``--schema``, dropped first and again at the end unless ``--keep``) in
   the database at ``--database-url``, migrated by PostLine's own migrations (the indexes
   measured are the ones a site gets), and the demo staff and departments;
2. ``--customers`` customers (names from common surnames and given names, one mobile each,
   every third a landline too, every second an address) and ``--orders`` work orders over
   the last 180 days: three quarters closed, the rest spread over the open states, a
   deadline on each (some passed), spread over the departments, most with a customer;
   then ``VACUUM ANALYZE`` (what autovacuum does on a site that grew over months; right
   after a bulk load the GIN indexes' pending lists would make the planner skip them);
3. each measured thing ``--repeat`` times after one warm-up, reporting p50 / p95 / max:
   the department queue as the page asks the database (the view's query and its count, the
   first page and a deep one), the queue page as a whole (``GET /tickets/queue`` through the
   test client, the template included), and the customer search by a whole phone number,
   by the last four digits, by a name, and the page ``/customers/?q=…``.

The queries are PostLine's own (``app.customers.records.search``; the queue's statement
is built as ``app.tickets.views.queue`` builds it), so a change there is measured here.
``--explain`` prints PostgreSQL's plan (``EXPLAIN ANALYZE``) of each query once."""
from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pg_schema import bench_schema  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏建国志斌浩宇欣怡子涵梓轩雨桐晨曦思远"
CITIES = [("北京市", "北京市", "东城区", "100010"), ("上海市", "上海市", "黄浦区", "200001"),
          ("广东省", "广州市", "越秀区", "510030"), ("四川省", "成都市", "锦江区", "610021"),
          ("湖北省", "武汉市", "江汉区", "430015"), ("浙江省", "杭州市", "西湖区", "310012")]
OPEN = ["new", "assigned", "processing", "pending", "returned", "resulted", "feedback"]
BATCH = 5000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("POSTLINE_TEST_DATABASE_URL", PG_DEFAULT))
    parser.add_argument("--schema", default="postline_bench_tickets")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--customers", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", action="store_true", help="print the plan of each query once")
    parser.add_argument("--keep", action="store_true", help="leave the schema for a look afterwards")
    args = parser.parse_args()
    with bench_schema(args.database_url, args.schema, keep=args.keep) as url:
        run(url, args)


def run(url: str, args: argparse.Namespace) -> None:
    from app import create_app
    from app.extensions import db
    from app.pluginhost.migrations import upgrade_all

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + os.urandom(8).hex(), "TESTING": True,
                      "PLUGINS": "", "SERVER_NAME": "postline.bench"})
    with app.app_context():
        started = time.perf_counter()
        upgrade_all()
        from app.auth import demo as staff

        staff.load()
        print(f"migrated, demo staff: {time.perf_counter() - started:.0f} s")
        rng = random.Random(20261201)
        phones = fill_customers(db, args.customers, rng)
        print(f"customers: {time.perf_counter() - started:.0f} s")
        fill_orders(db, args.orders, args.customers, rng)
        db.session.commit()
        # what autovacuum does on a site that grew over months: statistics, the visibility map
        # (counts from the index alone) and the GIN indexes' pending lists merged in
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        print(f"filled {args.customers} customers and {args.orders} work orders in "
              f"{time.perf_counter() - started:.0f} s")
        print(machine(db))
        print(f"load average before measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        measure(app, db, args, phones, rng)
        db.session.remove()
        db.engine.dispose()


# --- filling ------------------------------------------------------------------------------

def fill_customers(db: Any, count: int, rng: random.Random) -> list[str]:
    """Customers with one mobile each (every third also a landline), every second with an
    address; returns the mobiles in customer order."""
    from app.customers.models import Customer, CustomerAddress, CustomerPhone

    mobiles = [f"1{rng.choice('3456789')}{n:09d}" for n in rng.sample(range(10**9), count)]
    first_id = (db.session.scalar(select(func.max(Customer.id))) or 0) + 1
    for start in range(0, count, BATCH):
        ids = range(first_id + start, first_id + min(start + BATCH, count))
        db.session.execute(insert(Customer), [
            {"id": i, "name": rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2)))),
             "kind": "person", "tags": "", "account": "", "id_number": ""} for i in ids])
        phone_rows, address_rows = [], []
        for i in ids:
            mobile = mobiles[i - first_id]
            phone_rows.append({"customer_id": i, "number": mobile, "digits": mobile, "position": 0, "label": ""})
            if i % 3 == 0:
                landline = f"0{rng.randint(10, 99)}{rng.randint(10**7, 10**8 - 1)}"
                phone_rows.append({"customer_id": i, "number": landline, "digits": landline, "position": 1,
                                   "label": ""})
            if i % 2 == 0:
                province, city, county, postcode = rng.choice(CITIES)
                address_rows.append({"customer_id": i, "province": province, "city": city, "county": county,
                                     "detail": f"{rng.randint(1, 300)}号", "postcode": postcode, "position": 0})
        db.session.execute(insert(CustomerPhone), phone_rows)
        db.session.execute(insert(CustomerAddress), address_rows)
        db.session.commit()
    db.session.execute(text("SELECT setval(pg_get_serial_sequence('customer', 'id'), "
                            "(SELECT max(id) FROM customer))"))
    return mobiles


def fill_orders(db: Any, count: int, customers: int, rng: random.Random) -> None:
    """Orders over 180 days, numbered per day as the counter would number them."""
    from app.auth.models import Department
    from app.tickets.models import WorkOrder
    from app.timeutil import utcnow

    departments = list(db.session.scalars(select(Department.id)))
    now = utcnow()
    per_day: dict[str, int] = {}
    first_customer = db.session.scalar(select(func.min(text("id"))).select_from(text("customer")))
    rows = []
    for n in range(count):
        created = now - timedelta(minutes=rng.randint(0, 180 * 24 * 60))
        day = created.strftime("%Y%m%d")
        per_day[day] = per_day.get(day, 0) + 1
        state = "closed" if rng.random() < 0.75 else rng.choice(OPEN)
        department = None if state == "new" else rng.choice(departments)
        rows.append({
            "number": f"{day}-{per_day[day]:05d}", "type_code": rng.choice(("consult", "query", "complaint",
                                                                            "suggestion", "service")),
            "channel": "phone", "priority": rng.choice(("low", "normal", "normal", "high", "urgent")),
            "state": state, "subject": f"工单 {n}", "description": "", "extra": "{}",
            "customer_id": first_customer + rng.randrange(customers) if rng.random() < 0.9 else None,
            "department_id": department, "result": "", "feedback": "", "satisfaction": "",
            "created_at": created, "closed_at": created + timedelta(days=2) if state == "closed" else None,
            "due_at": created + timedelta(days=rng.choice((1, 3, 5))), "row_version": 1, "updated_by": "",
        })
        if len(rows) == BATCH:
            db.session.execute(insert(WorkOrder), rows)
            db.session.commit()
            rows = []
    if rows:
        db.session.execute(insert(WorkOrder), rows)
        db.session.commit()


# --- measuring ----------------------------------------------------------------------------

def measure(app: Any, db: Any, args: argparse.Namespace, phones: list[str], rng: random.Random) -> None:
    from app.auth.models import Department, User
    from app.customers import records
    from app.testing import submit
    from app.tickets.models import WorkOrder
    from app.tickets.states import OPEN_STATES

    busiest = db.session.execute(
        select(WorkOrder.department_id, func.count()).where(WorkOrder.state.in_(OPEN_STATES),
                                                            WorkOrder.department_id.is_not(None))
        .group_by(WorkOrder.department_id).order_by(func.count().desc()).limit(1)).one()
    department = db.session.get(Department, busiest[0])
    print(f"queue of {department.name}: {busiest[1]} open orders of "
          f"{db.session.scalar(select(func.count()).select_from(WorkOrder).where(WorkOrder.department_id == department.id))}")

    def queue_statement():
        query = select(WorkOrder).where(WorkOrder.department_id == department.id,
                                        WorkOrder.state.in_(OPEN_STATES))
        return query.order_by(WorkOrder.due_at.asc().nulls_last(), WorkOrder.id)

    def paginate(query: Any, page: int) -> Any:
        result = db.paginate(query, page=page, per_page=50, error_out=False)
        db.session.rollback()
        return result

    def search_page(query: Any) -> Any:
        """What the customer search page reads: 50 rows and whether more follow."""
        result = records.search_page(query, 1, 50)
        db.session.rollback()
        return result

    surname_given = db.session.scalar(select(text("name")).select_from(text("customer")).offset(1234 % len(phones)).limit(1))
    tail = phones[4321 % len(phones)][-4:]
    whole = phones[rng.randrange(len(phones))]
    deep_page = max(1, busiest[1] // 50 // 2)
    cases: list[tuple[str, Callable[[], Any], Any]] = [
        ("queue: first page (50) + count", lambda: paginate(queue_statement(), 1), queue_statement()),
        (f"queue: page {deep_page} + count", lambda: paginate(queue_statement(), deep_page), None),
        ("customer by whole phone", lambda: search_page(records.search(whole, "phone")),
         records.search(whole, "phone")),
        (f"customer by last 4 digits ({tail})", lambda: search_page(records.search(tail, "phone")),
         records.search(tail, "phone")),
        (f"customer by name ({surname_given})", lambda: search_page(records.search(surname_given, "name")),
         records.search(surname_given, "name")),
        (f"customer search box, all fields ({surname_given})",
         lambda: search_page(records.search(surname_given, "all")), records.search(surname_given, "all")),
    ]
    worker = User(username="bench-back", display_name="后台", department_id=department.id)
    worker.set_password("bench-password")
    worker.set_roles({"backoffice"})
    agent = User(username="bench-agent", display_name="话务员")
    agent.set_password("bench-password")
    agent.set_roles({"agent"})
    db.session.add_all([worker, agent])
    db.session.commit()
    back, desk = app.test_client(), app.test_client()
    for client, user in ((back, worker), (desk, agent)):
        assert submit(client, "/auth/login", {"username": user.username, "password": "bench-password"}
                      ).status_code == 302
    cases += [
        ("page GET /tickets/queue", lambda: _ok(back.get("/tickets/queue")), None),
        (f"page GET /customers/?q={whole}", lambda: _ok(desk.get(f"/customers/?q={whole}")), None),
        (f"page GET /customers/?q={surname_given}", lambda: _ok(desk.get(f"/customers/?q={surname_given}")), None),
    ]
    print(f"\n{'':52} {'p50':>8} {'p95':>8} {'max':>8}  (ms, {args.repeat} runs after a warm-up)")
    for title, action, statement in cases:
        action()
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            action()
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"{title:52} {statistics.median(times):8.1f} {p95:8.1f} {times[-1]:8.1f}")
        if args.explain and statement is not None:
            explain(db, statement)
    print(f"load average after measuring: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def _ok(response: Any) -> None:
    if response.status_code != 200:
        raise SystemExit(f"page answered {response.status_code}")


def explain(db: Any, statement: Any) -> None:
    compiled = statement.limit(50).compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS OFF) {compiled}")).scalars().all()
    db.session.rollback()
    print("    " + "\n    ".join(plan))


def machine(db: Any) -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    version = db.session.scalar(text("SHOW server_version"))
    return (f"machine: {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}, "
            f"PostgreSQL {version}, {platform.system()} {platform.release()}")


if __name__ == "__main__":
    main()
