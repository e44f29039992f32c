"""Every hook, end to end: a test plugin (``testplug``, registered through the
``PLUGIN_OBJECTS`` setting) declares one thing through each hook, and each
``test_hook_<hookspec>`` shows what a user sees of it. ``tests/test_hook_contract.py``
fails when a hookspec has no test here (Datasette's rule: every hook documented and tested).

The plugin imports PostLine things from ``app.api`` only, like a real one; the tests
themselves may look inside the core."""
from __future__ import annotations

import io
from datetime import datetime, timedelta
from typing import Any

import click
import pytest
from flask import Blueprint, url_for
from flask.cli import ScriptInfo
from flask_wtf import FlaskForm
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from wtforms import StringField
from wtforms.validators import DataRequired

from app import api, worker
from app.api import (
    AgentForm,
    Article,
    CliCommand,
    Delivery,
    DemoData,
    IVRNode,
    Job,
    NavItem,
    Notifier,
    Outgoing,
    Permission,
    PluginBlueprint,
    Prompt,
    Report,
    ScreenPopPanel,
    Setting,
    TicketType,
    TimelineEntry,
    hookimpl,
    permission_required,
    public,
)
from app.audit.models import AuditLog
from app.auth.permissions import has_permission
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.extensions import db
from app.ivr.prompts import catalog
from app.ivr.simulator import simulate
from app.pluginhost import collect
from app.pluginhost.calls import registry
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD, base_config
from app.tickets.models import TicketCategory, WorkOrder

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PLUGIN = "testplug"
USE = "testplug.use"        # granted to agents by default
REPORT = "testplug.report"  # granted to team leaders by default

# --- the test plugin --------------------------------------------------------------------

bp = Blueprint(PLUGIN, __name__)


@bp.route("/")
@permission_required(USE)
def index() -> str:
    return f"<p id=greeting>{api.get_setting(PLUGIN, 'greeting')}</p>"


@bp.route("/ping")
@public
def ping() -> str:
    return "pong"


class PickupForm(FlaskForm):
    tracking = StringField("Tracking number", validators=[DataRequired()])


class ReportForm(FlaskForm):
    region = StringField("Region", validators=[DataRequired()])


class PickupFields(FlaskForm):
    address = StringField("Pickup address", validators=[DataRequired()])


class Greeting:
    def run(self, call: Any) -> str:
        call.data["testplug.greeted"] = True
        return "menu"


def nightly() -> None:
    """The job: leaves an audit line, which shows it ran in an app context as the job."""
    api.audit("nightly", PLUGIN)
    api.db.session.commit()


@click.command("testplug-hello")
@click.option("--name", default="world")
def hello_command(name: str) -> None:
    """Greets (uses the app: the plugin's setting)."""
    click.echo(f"{api.get_setting(PLUGIN, 'greeting')}, {name}")


class TestPlugin:
    """One declaration per hook; records the calls of its agent form's ``handle``."""

    __test__ = False  # not a test class, whatever its name

    def __init__(self) -> None:
        self.handled: list[tuple[str, str]] = []
        self.ended: list[tuple[int, str, str]] = []
        self.fail_when_calls_end = False
        self.surveyed: list[tuple[int, int]] = []
        self.ami_events: list[tuple[str, str]] = []
        self.queue_log_rows: list[tuple[str, str]] = []
        self.article_body = "平邮包裹在县城网点也可以寄。"
        self.messages: list[Outgoing] = []
        self.gateway_down = False
        self.tickets: list[tuple[str, str, str]] = []
        self.fail_when_tickets_change = False
        self.voicemails: list[tuple[int, str, int]] = []
        self.fail_when_voicemail_left = False

    def handle_pickup(self, form: Any, user: Any) -> str:
        self.handled.append((form.tracking.data, user.username))
        return f"Pickup {form.tracking.data} booked"

    @staticmethod
    def build_report(params: dict[str, Any]) -> Workbook:
        wb = Workbook()
        ws = wb.active
        ws.title = "Calls"
        ws.append(["Region", "Calls"])
        ws.append([params["region"], 42])
        return wb

    @hookimpl
    def postline_permissions(self) -> list[Permission]:
        return [Permission(USE, "Use the test plugin", roles=("agent",)),
                Permission(REPORT, "Test plugin report", roles=("teamlead",))]

    @hookimpl
    def postline_nav_items(self) -> list[NavItem]:
        return [NavItem("testplug.home", "Testplug home", "testplug.index", USE, "desk", 50)]

    @hookimpl
    def postline_blueprints(self) -> list[PluginBlueprint]:
        return [PluginBlueprint(PLUGIN, bp)]

    @hookimpl
    def postline_agent_forms(self) -> list[AgentForm]:
        return [AgentForm("testplug.pickup", "Book a pickup", PickupForm, self.handle_pickup, USE)]

    @hookimpl
    def postline_reports(self) -> list[Report]:
        return [Report("testplug.calls", "Calls by region", REPORT, self.build_report,
                       form_class=ReportForm, description="Calls per region")]

    @hookimpl
    def postline_ivr_nodes(self) -> list[IVRNode]:
        return [IVRNode("testplug.greeting", "Greet the caller", Greeting)]

    @hookimpl
    def postline_jobs(self) -> list[Job]:
        return [Job("nightly", nightly, "cron", {"hour": 2}, title="Nightly clean-up")]

    @hookimpl
    def postline_settings(self) -> list[Setting]:
        return [Setting("greeting", "Greeting", default="Hello"),
                Setting("max_items", "Most items", default=5, kind="int", minimum=1, maximum=100),
                Setting("loud", "Shout", default=True, kind="bool")]

    @hookimpl
    def postline_customer_timeline(self, customer: Any) -> list[TimelineEntry]:
        if not customer.phone.startswith("139"):
            return []
        base = datetime(2024, 5, 1, 8, 0)
        return [TimelineEntry("testplug.parcel", base, f"Parcel for {customer.name} posted"),
                TimelineEntry("testplug.delivered", base + timedelta(days=2),
                              f"Parcel for {customer.name} delivered", detail="signed by neighbour")]

    @hookimpl
    def postline_cli_commands(self) -> list[CliCommand]:
        return [CliCommand("testplug-hello", hello_command)]

    @hookimpl
    def postline_prompts(self) -> list[Prompt]:
        return [Prompt("testplug/greeting", "您好，这里是测试插件。")]

    @staticmethod
    def load_demo() -> dict[str, int]:
        if api.db.session.scalar(select(Customer).where(Customer.phone == "13900000099")):
            return {"testplug_customers": 0}
        api.db.session.add(Customer(name="演示客户", phone="13900000099"))
        api.db.session.commit()
        return {"testplug_customers": 1}

    @hookimpl
    def postline_demo_data(self) -> list[DemoData]:
        return [DemoData("testplug.customers", self.load_demo)]

    def send_sms(self, outgoing: Outgoing) -> Delivery:
        if self.gateway_down:
            raise ConnectionError("gateway unreachable")
        self.messages.append(outgoing)
        return Delivery.queued(reference=f"gw-{outgoing.id}")

    @hookimpl
    def postline_notifiers(self) -> list[Notifier]:
        return [Notifier("testplug.sms", "sms", self.send_sms, title="Test gateway")]

    @hookimpl
    def postline_knowledge_articles(self) -> list[Article]:
        return [Article("parcel-post", "平邮包裹怎么寄", self.article_body, answer="带身份证到网点交寄。",
                        category="测试业务/包裹", keywords=("平邮", "包裹"))]

    @hookimpl
    def postline_ticket_types(self) -> list[TicketType]:
        return [TicketType("testplug_pickup", "EMS pickup", categories=[("上门揽收", "预约揽收")],
                           form_class=PickupFields, weight=60)]

    @hookimpl
    def postline_ticket_changed(self, order: Any, action: str) -> None:
        self.tickets.append((order.number, action, order.state))
        if self.fail_when_tickets_change:
            raise RuntimeError("the SMS gateway is down")

    @hookimpl
    def postline_postcode_for_address(self, province: str, city: str, county: str) -> api.PostcodeAnswer | None:
        if province == "测试省":
            return api.PostcodeAnswer("999001", f"{province}{city}{county}")
        return None

    @hookimpl
    def postline_call_ended(self, call: Any) -> None:
        self.ended.append((call.id, call.outcome, call.caller))
        if self.fail_when_calls_end:
            raise RuntimeError("the statistics service is down")

    @hookimpl
    def postline_voicemail_left(self, message: Any) -> None:
        self.voicemails.append((message.id, message.caller, message.duration_s))
        if self.fail_when_voicemail_left:
            raise RuntimeError("the supervisor's pager is down")

    @hookimpl
    def postline_voicemail_links(self, message: Any) -> list[TimelineEntry]:
        if not message.caller.startswith("139"):
            return []
        return [TimelineEntry("testplug.callback", message.at, f"Call-back booked for {message.caller}",
                              url=f"/testplug/callbacks/{message.id}")]

    @hookimpl
    def postline_call_surveyed(self, call: Any) -> None:
        self.surveyed.append((call.id, call.survey_score))
        if self.fail_when_calls_end:
            raise RuntimeError("the survey statistics are down")


    @hookimpl
    def postline_screen_pop(self, call: Any) -> list[ScreenPopPanel]:
        if not call.caller.startswith("139"):
            return []
        return [ScreenPopPanel("testplug.parcels", "Parcels in transit",
                               rows=[("EA123456789CN", "<b>out for delivery</b>")], weight=10)]

    @hookimpl
    def postline_queue_log_added(self, rows: list[Any]) -> None:
        self.queue_log_rows.extend((row.callid, row.event) for row in rows)
        if any(row.event == "BROKEN" for row in rows):
            raise RuntimeError("the plugin's own statistics are down")

    @hookimpl
    def postline_ami_event(self, event: Any) -> None:
        self.ami_events.append((event.name, event.get("Queue")))
        if self.fail_when_calls_end:
            raise RuntimeError("the wallboard feed is down")


@pytest.fixture
def plugin() -> TestPlugin:
    return TestPlugin()


@pytest.fixture
def postline_plugins() -> list[str]:
    """No entry-point plugin: what these tests see comes from the test plugin alone."""
    return []


@pytest.fixture
def app_config(postline_database: str, postline_plugins: list[str], plugin: TestPlugin) -> dict[str, Any]:
    return base_config(postline_database, postline_plugins) | {"PLUGIN_OBJECTS": {PLUGIN: plugin}}


def _html(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def client_as(app, make_user):
    """``client_as("agent")`` → a new test client, logged in as a new user with that role."""

    def log_in(*roles: str):
        client = app.test_client()
        user = make_user(*roles)
        response = submit(client, "/auth/login", {"username": user.username, "password": TEST_PASSWORD})
        assert response.status_code == 302, _html(response)
        client.username = user.username
        return client

    return log_in


# --- one test per hook ------------------------------------------------------------------

def test_hook_postline_permissions(app, make_user, client_as):
    agent, backoffice, admin = make_user("agent"), make_user("backoffice"), make_user("admin")
    assert has_permission(agent, USE) and not has_permission(agent, REPORT)
    assert not has_permission(backoffice, USE)
    assert has_permission(admin, USE) and has_permission(admin, REPORT)  # admin holds all
    # ... and the views guarded by it obey the default roles.
    assert client_as("agent").get("/p/testplug/").status_code == 200
    assert client_as("backoffice").get("/p/testplug/").status_code == 403


def test_hook_postline_nav_items(app, client_as):
    html = _html(client_as("agent").get("/"))
    assert 'data-nav="testplug.home"' in html
    assert 'href="/p/testplug/"' in html
    html = _html(client_as("backoffice").get("/"))
    assert 'data-nav="customers"' in html  # the menu is there ...
    assert 'data-nav="testplug.home"' not in html  # ... without the item
    assert "Testplug home" not in html


def test_hook_postline_blueprints(app, client, client_as):
    with app.test_request_context():
        assert url_for("testplug.index") == "/p/testplug/"
    assert client.get("/p/testplug/ping").get_data(as_text=True) == "pong"  # a public view
    anonymous = client.get("/p/testplug/")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]
    assert client.get("/testplug/").status_code == 404  # mounted under /p/ only
    assert client_as("backoffice").get("/p/testplug/").status_code == 403
    response = client_as("agent").get("/p/testplug/")
    assert response.status_code == 200
    assert "<p id=greeting>Hello</p>" in _html(response)


def test_hook_postline_agent_forms(app, plugin, client_as):
    teamlead = client_as("teamlead")  # holds desk.forms but not the form's own permission
    assert "Book a pickup" not in _html(teamlead.get("/desk/forms"))
    assert teamlead.get("/desk/forms/testplug.pickup").status_code == 404

    agent = client_as("agent")
    assert 'href="/desk/forms/testplug.pickup"' in _html(agent.get("/desk/forms"))
    page = agent.get("/desk/forms/testplug.pickup")
    assert page.status_code == 200
    assert "Book a pickup" in _html(page) and 'name="tracking"' in _html(page)

    # No CSRF token, or an invalid form: handle() is not called.
    assert agent.post("/desk/forms/testplug.pickup", data={"tracking": "EA1"}).status_code == 302
    invalid = submit(agent, "/desk/forms/testplug.pickup", {"tracking": ""})
    assert invalid.status_code == 200
    assert plugin.handled == []

    done = submit(agent, "/desk/forms/testplug.pickup", {"tracking": "EA123456789CN"},
                  follow_redirects=True)
    assert done.status_code == 200
    assert "Pickup EA123456789CN booked" in _html(done)  # handle()'s confirmation
    assert plugin.handled == [("EA123456789CN", agent.username)]  # with the logged-in user


def test_hook_postline_reports(app, client_as):
    manager = client_as("manager")  # may open reports, but not this one
    assert 'data-report="testplug.calls"' not in _html(manager.get("/reports/"))
    assert manager.get("/reports/testplug.calls").status_code == 404

    teamlead = client_as("teamlead")
    listing = _html(teamlead.get("/reports/"))
    assert 'data-report="testplug.calls"' in listing and "Calls by region" in listing
    form = teamlead.get("/reports/testplug.calls")
    assert form.status_code == 200 and 'name="region"' in _html(form)
    response = submit(teamlead, "/reports/testplug.calls", {"region": "江苏"})
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.get_data()))["Calls"]
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["Region", "Calls"], ["江苏", 42]]
    downloads = db.session.scalars(select(AuditLog).where(AuditLog.action == "download")).all()
    assert [(a.object_type, a.object_id, a.actor) for a in downloads] == \
        [("report", "testplug.calls", teamlead.username)]


def test_hook_postline_ivr_nodes(app):
    nodes = {node.name: node for node in collect("postline_ivr_nodes")}
    node = nodes["testplug.greeting"]
    assert node.plugin == PLUGIN  # tagged by collect(), not by the plugin
    assert node.title == "Greet the caller"

    class Call:
        def __init__(self) -> None:
            self.data: dict[str, Any] = {}

    call = Call()
    assert node.node_class().run(call) == "menu"
    assert call.data == {"testplug.greeted": True}


def test_hook_postline_jobs(app, monkeypatch):
    jobs = worker.declared_jobs(app)
    job = jobs["testplug.nightly"]  # the id is <plugin>.<name>
    assert (job.plugin, job.trigger, job.trigger_args) == (PLUGIN, "cron", {"hour": 2})

    # The worker persists it in the database's job store ...
    scheduler = worker.make_scheduler(app)
    scheduler.start(paused=True)
    try:
        worker.sync_jobs(scheduler, jobs)
        stored = scheduler.get_job("testplug.nightly")
        assert stored is not None and stored.name == "Nightly clean-up"
        assert stored.next_run_time.hour == 2
    finally:
        scheduler.shutdown(wait=False)

    # ... and runs it by name, in an app context, as the job.
    monkeypatch.setattr(worker, "_worker_app", app)
    worker.run_job("testplug.nightly")
    db.session.rollback()
    ran = db.session.scalars(select(AuditLog).where(AuditLog.action == "nightly")).all()
    assert [(a.object_type, a.actor) for a in ran] == [(PLUGIN, "job:testplug.nightly")]


def test_hook_postline_settings(app, client_as):
    assert api.get_setting(PLUGIN, "greeting") == "Hello"
    assert api.get_setting(PLUGIN, "max_items") == 5
    assert api.get_setting(PLUGIN, "loud") is True

    assert client_as("manager").get("/admin/plugins/testplug/settings").status_code == 403

    admin = client_as("admin")
    assert 'href="/admin/plugins/testplug/settings"' in _html(admin.get("/admin/plugins"))
    page = _html(admin.get("/admin/plugins/testplug/settings"))
    assert 'value="Hello"' in page and 'value="5"' in page
    bad = submit(admin, "/admin/plugins/testplug/settings",
                 {"greeting": "Hi", "max_items": "many", "loud": "y"})
    assert bad.status_code == 200  # refused: not a number
    for outside in ("0", "-1", "101", "99999999999999999999"):
        refused = submit(admin, "/admin/plugins/testplug/settings",
                         {"greeting": "Hi", "max_items": outside, "loud": "y"})
        assert refused.status_code == 200, outside
        assert "1 to 100" in _html(refused) or "1 到 100" in _html(refused), outside
    db.session.rollback()
    assert api.get_setting(PLUGIN, "greeting") == "Hello"
    assert api.get_setting(PLUGIN, "max_items") == 5

    saved = submit(admin, "/admin/plugins/testplug/settings",
                   {"greeting": "您好", "max_items": "12"})  # "loud" unticked
    assert saved.status_code == 302
    db.session.rollback()
    assert api.get_setting(PLUGIN, "greeting") == "您好"
    assert api.get_setting(PLUGIN, "max_items") == 12
    assert api.get_setting(PLUGIN, "loud") is False
    assert "<p id=greeting>您好</p>" in _html(admin.get("/p/testplug/"))  # the plugin sees it

    trail = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "plugin_setting")).all()
    assert len(trail) == 3
    assert {a.actor for a in trail} == {admin.username}
    assert any("您好" in (a.after or "") for a in trail)


def test_hook_postline_customer_timeline(app, client_as):
    with_parcels = Customer(name="张三", phone="13912345678")
    without = Customer(name="李四", phone="13800000000")
    db.session.add_all([with_parcels, without])
    db.session.commit()
    ids = with_parcels.id, without.id

    client = client_as("agent")
    html = _html(client.get(f"/customers/{ids[0]}"))
    assert "Parcel for 张三 posted" in html and "signed by neighbour" in html
    assert html.index("delivered") < html.index("posted")  # newest first
    assert "2024-05-03 16:00" in html  # shown in the centre's time (UTC+8)
    other = _html(client.get(f"/customers/{ids[1]}"))
    assert "Parcel for" not in other


def test_hook_postline_cli_commands(app):
    from app.commands import cli

    assert "testplug-hello" in app.cli.commands
    runner = app.test_cli_runner()
    # Through the real ``postline`` group, with this test's app.
    result = runner.invoke(cli, ["testplug-hello", "--name", "Li"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert result.output == "Hello, Li\n"
    listing = runner.invoke(cli, ["--help"], obj=ScriptInfo(create_app=lambda: app))
    assert "testplug-hello" in listing.output


def test_hook_postline_prompts(app, tmp_path):
    found = catalog()
    assert found["testplug/greeting"].plugin == PLUGIN
    assert found["testplug/greeting"].text == "您好，这里是测试插件。"
    # ... so the operator's check lists it until its sound file exists.
    sounds = tmp_path / "sounds"
    result = app.test_cli_runner().invoke(args=["prompts", "check", "--sounds", str(sounds)])
    assert result.exit_code == 1 and "testplug/greeting" in result.stdout.splitlines()
    (sounds / "testplug").mkdir(parents=True)
    (sounds / "testplug" / "greeting.wav").write_bytes(b"")
    result = app.test_cli_runner().invoke(args=["prompts", "check", "--sounds", str(sounds)])
    assert "testplug/greeting" not in result.stdout.splitlines()


def test_hook_postline_demo_data(app):
    from app.commands import cli

    runner = app.test_cli_runner()
    first = runner.invoke(cli, ["demo", "load"], obj=ScriptInfo(create_app=lambda: app))
    assert first.exit_code == 0, first.output
    assert "testplug_customers +1" in first.output and "users +6" in first.output
    second = runner.invoke(cli, ["demo", "load"], obj=ScriptInfo(create_app=lambda: app))
    assert "testplug_customers +0" in second.output
    db.session.rollback()
    assert db.session.scalar(select(Customer).where(Customer.phone == "13900000099")).name == "演示客户"


def test_hook_postline_call_ended(app, plugin, caplog):
    transcript = simulate(app, "", [], script="node/testplug.greeting", caller="13912345678",
                          dry_run=False)
    record = db.session.get(CallRecord, transcript.result.call_id)
    assert plugin.ended == [(record.id, record.outcome, "13912345678")]  # closed, then told
    assert record.ended_at is not None

    simulate(app, "", [], script="node/testplug.greeting")  # a dry run is no call
    assert len(plugin.ended) == 1

    plugin.fail_when_calls_end = True  # a broken plugin does not disturb the call
    transcript = simulate(app, "", [], script="node/testplug.greeting", dry_run=False)
    assert transcript.variables["POSTLINE_STATUS"] == "OK"
    assert len(plugin.ended) == 2
    assert "testplug" in caplog.text and "the statistics service is down" in caplog.text


def test_hook_postline_call_surveyed(app, plugin, caplog):
    call = simulate(app, "", [], script="node/testplug.greeting", dry_run=False).result.call_id
    simulate(app, "", ["4"], script=f"survey?call={call}", dry_run=False)
    assert plugin.surveyed == [(call, 4)]  # saved, then told
    assert db.session.get(CallRecord, call).survey_score == 4

    simulate(app, "", ["1"], script=f"survey?call={call}", dry_run=False)  # one score per call
    other = simulate(app, "", [], script="node/testplug.greeting", dry_run=False).result.call_id
    simulate(app, "", ["5"], script=f"survey?call={other}")  # a dry run scores nothing
    assert plugin.surveyed == [(call, 4)]

    plugin.fail_when_calls_end = True  # a broken plugin does not disturb the caller
    transcript = simulate(app, "", ["2"], script=f"survey?call={other}", dry_run=False)
    assert transcript.heard[-1] == "survey-thanks" and plugin.surveyed[-1] == (other, 2)
    assert "the survey statistics are down" in caplog.text


def test_hook_postline_ami_event(app, plugin, caplog):
    from app.cti.events import dispatch

    event = dispatch({"Event": "QueueCallerJoin", "Queue": "postline-11185", "Uniqueid": "1796154447.18"})
    assert plugin.ami_events == [("QueueCallerJoin", "postline-11185")]
    assert event.get("Uniqueid") == "1796154447.18" and event.get("Missing") == ""

    plugin.fail_when_calls_end = True  # a broken listener does not stop the events
    dispatch({"Event": "AgentConnect", "Queue": "postline-ems"})
    assert plugin.ami_events[-1] == ("AgentConnect", "postline-ems")
    assert "the wallboard feed is down" in caplog.text


def test_hook_postline_queue_log_added(app, plugin):
    from app.cti.models import QueueLogEntry
    from app.cti.queue_log import store_lines
    from app.pluginhost import PluginError

    lines = ["1796154447|1796154447.18|q-test|NONE|ENTERQUEUE||13800138001|1",
             "1796154448|1796154447.18|q-test|Agent 8002|CONNECT|1|1796154447.20|1"]
    store_lines(lines, "test")
    store_lines(lines, "test")  # already stored: nobody is told again
    assert plugin.queue_log_rows == [("1796154447.18", "ENTERQUEUE"), ("1796154447.18", "CONNECT")]

    with pytest.raises(PluginError, match="statistics are down"):  # a failing listener fails the import
        store_lines(["1796154450|1796154447.19|q-test|NONE|BROKEN"], "test")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(QueueLogEntry)) == 2


def test_hook_postline_knowledge_articles(app, plugin, client_as):
    from app.commands import cli
    from app.knowledge.models import KnowledgeArticle

    runner = app.test_cli_runner()
    obj = ScriptInfo(create_app=lambda: app)
    first = runner.invoke(cli, ["knowledge", "sync"], obj=obj)
    assert first.exit_code == 0, first.output
    assert "+1 new, 0 updated" in first.output
    assert "+0 new, 0 updated" in runner.invoke(cli, ["knowledge", "sync"], obj=obj).output  # idempotent
    db.session.rollback()
    article = db.session.scalar(select(KnowledgeArticle).where(KnowledgeArticle.slug == "parcel-post"))
    assert (article.plugin, article.state, article.version) == (PLUGIN, "published", 1)
    assert article.category.path == "测试业务 › 包裹" and article.tags == ["平邮", "包裹"]

    # An agent finds it by a short query, and its answer is the declared one.
    agent = client_as("agent")
    assert f'data-article="{article.id}"' in _html(agent.get("/knowledge/?q=平邮"))
    assert "带身份证到网点交寄。" in _html(agent.get(f"/knowledge/{article.id}"))

    plugin.article_body = "平邮包裹可在任一网点交寄，时限7至15天。"  # the plugin's next release ...
    registry(app).cache.clear()  # ... is a restart: declarations are read again
    assert "+0 new, 1 updated" in runner.invoke(cli, ["knowledge", "sync"], obj=obj).output
    db.session.expire_all()
    article = db.session.get(KnowledgeArticle, article.id)
    assert article.version == 2 and article.current().body == plugin.article_body
    assert article.current().created_by == f"plugin:{PLUGIN}"


def test_hook_postline_notifiers(app, plugin, client_as):
    notifiers = {n.name: n for n in collect("postline_notifiers")}
    assert (notifiers["testplug.sms"].plugin, notifiers["testplug.sms"].channel) == (PLUGIN, "sms")
    app.config["NOTIFY_SMS"] = "testplug.sms"  # the site chooses it for the channel

    message = api.send_message("sms", "138 0013 8000", "您的工单已办结。", about=("ticket", 42))
    assert plugin.messages == [Outgoing(message.id, "sms", "13800138000", "您的工单已办结。")]
    assert (message.status, message.notifier, message.reference) == ("queued", "testplug.sms",
                                                                      f"gw-{message.id}")
    assert (message.subject_type, message.subject_id, message.attempts) == ("ticket", "42", 1)

    plugin.gateway_down = True  # a notifier that raises does not reach the sender
    failed = api.send_message("sms", "13900139000", "第二条")
    assert failed.status == "failed" and "gateway unreachable" in failed.error
    assert failed.retry_at is not None

    page = _html(client_as("teamlead").get("/notify/messages"))
    assert f'data-message-id="{message.id}"' in page and "testplug.sms" in page


def test_hook_postline_ticket_types(app, client_as):
    agent = client_as("agent")
    assert "EMS pickup" in _html(agent.get("/tickets/new"))
    page = _html(agent.get("/tickets/new?type=testplug_pickup"))
    assert "上门揽收 › 预约揽收" in page and "Pickup address" in page
    category = db.session.scalar(select(TicketCategory).where(TicketCategory.name == "预约揽收"))

    missing = submit(agent, "/tickets/new?type=testplug_pickup",
                     {"subject": "预约揽收", "category_id": str(category.id), "channel": "phone",
                      "priority": "normal"})
    assert missing.status_code == 200 and db.session.scalar(select(WorkOrder)) is None  # its field is required

    response = submit(agent, "/tickets/new?type=testplug_pickup",
                      {"subject": "预约揽收", "category_id": str(category.id), "channel": "phone",
                       "priority": "normal", "extra-address": "北京市西城区金融大街1号"})
    assert response.status_code == 302
    order = db.session.scalar(select(WorkOrder))
    assert (order.type_code, order.category.path) == ("testplug_pickup", "上门揽收 › 预约揽收")
    assert "北京市西城区金融大街1号" in _html(agent.get(f"/tickets/{order.number}"))


def test_hook_postline_ticket_changed(app, plugin, client_as, caplog):
    agent = client_as("agent")
    response = submit(agent, "/tickets/new?type=query", {"subject": "查询邮件", "channel": "phone",
                                                         "priority": "normal"})
    order = db.session.scalar(select(WorkOrder))
    assert response.status_code == 302 and plugin.tickets == [(order.number, "register", "new")]

    plugin.fail_when_tickets_change = True  # a broken plugin does not undo the change
    note = submit(agent, f"/tickets/{order.number}/note", {"text": "客户来电催办"},
                  page=f"/tickets/{order.number}")
    assert note.status_code == 302 and plugin.tickets[-1] == (order.number, "note", "new")
    assert "客户来电催办" in _html(agent.get(f"/tickets/{order.number}"))
    assert "testplug" in caplog.text and "the SMS gateway is down" in caplog.text


def test_hook_postline_postcode_for_address(app, client_as):
    client = client_as("agent")
    response = submit(client, "/customers/new", {
        "name": "孙明", "kind": "person", "phones": "13700000001", "province": "测试省", "city": "样例市",
        "county": "某县", "detail": "人民路1号", "postcode": ""}, page="/customers/new")
    assert response.status_code == 302
    customer = db.session.scalar(select(Customer).where(Customer.name == "孙明"))
    assert customer.addresses[0].postcode == "999001"  # filled in by the plugin that knew it
    assert "999001" in _html(client.get(f"/customers/{customer.id}"))
    # Nobody knows the place: the address is kept, without a postcode.
    submit(client, "/customers/new", {"name": "无邮编", "kind": "person", "province": "无名省",
                                      "detail": "某路"}, page="/customers/new")
    nowhere = db.session.scalar(select(Customer).where(Customer.name == "无邮编"))
    assert nowhere.addresses[0].postcode == "" and nowhere.addresses[0].detail == "某路"


def test_hook_postline_voicemail_left(app, plugin, caplog):
    from app.ivr.models import Voicemail

    transcript = simulate(app, "", [], script="node/core.voicemail", caller="13912345678",
                          dry_run=False, record_seconds=6)
    message = db.session.scalar(select(Voicemail))
    assert plugin.voicemails == [(message.id, "13912345678", 6)]  # saved, then told
    assert transcript.variables["POSTLINE_STATUS"] == "OK"

    simulate(app, "", [], script="node/core.voicemail", dry_run=True)  # a dry run leaves no message
    assert len(plugin.voicemails) == 1

    plugin.fail_when_voicemail_left = True  # a broken plugin does not disturb the call
    transcript = simulate(app, "", [], script="node/core.voicemail", dry_run=False)
    assert transcript.variables["POSTLINE_STATUS"] == "OK"
    assert len(db.session.scalars(select(Voicemail)).all()) == 2 and len(plugin.voicemails) == 2
    assert "testplug" in caplog.text and "the supervisor's pager is down" in caplog.text
    # The work orders room was told too: each message is an order.
    assert len(db.session.scalars(select(WorkOrder).where(WorkOrder.voicemail_id.is_not(None))).all()) == 2


def test_hook_postline_voicemail_links(app, client_as):
    from app.ivr.models import Voicemail

    simulate(app, "", [], script="node/core.voicemail", caller="13912345678", dry_run=False)
    simulate(app, "", [], script="node/core.voicemail", caller="13800000001", dry_run=False)
    db.session.expire_all()
    first, second = db.session.scalars(select(Voicemail).order_by(Voicemail.id)).all()
    page = _html(client_as("agent").get("/ivr/voicemail"))
    assert f'href="/testplug/callbacks/{first.id}"' in page and "Call-back booked for 13912345678" in page
    assert f"/testplug/callbacks/{second.id}" not in page  # the plugin links only what it knows
    order = db.session.scalar(select(WorkOrder).where(WorkOrder.voicemail_id == first.id))
    assert f'href="/tickets/{order.number}"' in page  # and the core links each message's order


def test_hook_postline_screen_pop(app, client_as):
    from app.agents.models import DeskCall
    from app.auth.models import User

    client = client_as("agent")
    agent = db.session.scalar(select(User).where(User.username == client.username))
    known = DeskCall(agent_id=agent.id, caller="13912345678", direction="manual", answered_at=api.utcnow())
    unknown = DeskCall(agent_id=agent.id, caller="13800000001", direction="manual", answered_at=api.utcnow())
    db.session.add_all([known, unknown])
    db.session.commit()
    page = _html(client.get(f"/desk/calls/{known.id}/pop"))
    assert 'data-panel="testplug.parcels"' in page and "Parcels in transit" in page and "EA123456789CN" in page
    assert "&lt;b&gt;out for delivery&lt;/b&gt;" in page and "<b>out" not in page  # plugin text is escaped
    assert "testplug.parcels" not in _html(client.get(f"/desk/calls/{unknown.id}/pop"))
