"""Every voice message becomes work: a caller leaves a message on the real FastAGI server
(driven by the Asterisk emulator) and the order is there, of the line's type, at the line's
department, with the caller's customer record and the recording; a conversion that fails
leaves the message to the worker's sweep, which makes its order once and only once."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.auth.models import Department
from app.calls.models import CallRecord
from app.customers.models import Customer
from app.extensions import db
from app.ivr.flows import defaults as default_flows
from app.ivr.models import IVRLine, Voicemail
from app.testing import submit
from app.testing.asterisk import start_agi_server
from app.tickets import voicemail
from app.tickets.attachments import attachments_dir
from app.tickets.models import TicketCategory, TicketEntry, VoicemailRoute, WorkOrder
from app.tickets.types import all_types, ensure_categories

CALLER = "13800138000"


@pytest.fixture
def app_config(app_config, tmp_path):
    return app_config | {"IVR_RECORDINGS_DIR": str(tmp_path / "recordings"),
                         "TICKET_ATTACHMENTS_DIR": str(tmp_path / "attachments")}


@pytest.fixture
def line(app) -> IVRLine:
    default_flows.load()
    found = db.session.scalar(select(IVRLine).where(IVRLine.number == "11185"))
    found.calendar.hours = "{}"  # open around the clock: nothing depends on the hour
    db.session.commit()
    return found


@pytest.fixture
def server(app, line):
    running = start_agi_server(app=app)
    yield running
    running.stop()


def _leave_message(server, caller: str = CALLER, seconds: int = 7):
    transcript = server.call("node/core.voicemail?line=11185", keys=["#"], record_seconds=seconds,
                             env={"agi_callerid": caller})
    assert transcript.ok, transcript.failures
    db.session.expire_all()
    return db.session.scalars(select(Voicemail).order_by(Voicemail.id.desc())).first()


def _route(line: IVRLine, department: Department | None = None, type_code: str = "complaint") -> TicketCategory:
    ensure_categories(all_types()[type_code])
    category = TicketCategory(type_code=type_code, name="邮件延误")
    db.session.add(category)
    db.session.flush()
    db.session.add(VoicemailRoute(line_id=line.id, type_code=type_code, category_id=category.id,
                                  department_id=department.id if department else None, priority="high"))
    db.session.commit()
    return category


def test_a_voice_message_becomes_an_order_of_the_lines_route(app, server, line, tmp_path):
    ems = Department(code="ems", name="速递物流部")
    customer = Customer(name="王女士", phone="138 0013 8000")
    db.session.add_all([ems, customer])
    db.session.commit()
    category = _route(line, ems)

    message = _leave_message(server)
    order = db.session.scalar(select(WorkOrder).where(WorkOrder.voicemail_id == message.id))
    assert order is not None
    call = db.session.get(CallRecord, message.call_id)
    assert (order.type_code, order.category_id, order.priority, order.channel) == (
        "complaint", category.id, "high", "phone")
    assert (order.department_id, order.state) == (ems.id, "assigned")
    assert (order.customer_id, order.call_id) == (customer.id, call.id)
    assert CALLER in order.subject and "11185" in order.description
    (attachment,) = order.attachments
    recording = (tmp_path / "recordings" / message.path).read_bytes()
    assert attachment.content_type == "audio/wav" and attachment.voicemail_id == message.id
    assert (attachments_dir(app) / attachment.stored_name).read_bytes() == recording
    actions = [(e.actor, e.kind, e.action or e.field) for e in order.entries]
    assert actions == [("ivr", "state", "register"), ("ivr", "assignment", "department_id"),
                       ("ivr", "state", "assign"), ("ivr", "attachment", "attach")]


def test_a_line_without_a_route_leaves_a_consultation_at_the_desk(app, server):
    message = _leave_message(server, caller="02161234567")
    order = db.session.scalar(select(WorkOrder).where(WorkOrder.voicemail_id == message.id))
    assert (order.type_code, order.state, order.department_id, order.customer_id) == ("consult", "new",
                                                                                      None, None)
    assert len(order.attachments) == 1


def test_a_failed_conversion_loses_no_message_and_the_sweep_makes_one_order(app, server, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(voicemail, "attach", broken)
    message = _leave_message(server)
    assert message is not None  # the message itself is kept
    assert db.session.scalar(select(WorkOrder)) is None  # nothing half-made
    monkeypatch.undo()

    assert voicemail.convert_waiting() == 1
    assert voicemail.convert_waiting() == 0  # idempotent: one order per message
    order = db.session.scalar(select(WorkOrder))
    assert order.voicemail_id == message.id and len(order.attachments) == 1
    assert voicemail.order_for(message).id == order.id
    assert len(db.session.scalars(select(WorkOrder)).all()) == 1


def test_the_sweep_leaves_handled_messages_alone_and_notes_a_missing_recording(app, line):
    handled = Voicemail(line="11185", caller=CALLER, duration_s=5, path="2026/01/01/x-voicemail.wav",
                        status="handled")
    lost = Voicemail(line="11185", caller=CALLER, duration_s=5, path="2026/01/01/gone-voicemail.wav")
    db.session.add_all([handled, lost])
    db.session.commit()
    assert voicemail.convert_waiting() == 1
    order = db.session.scalar(select(WorkOrder))
    assert order.voicemail_id == lost.id and order.attachments == []
    note = db.session.scalar(select(TicketEntry).where(TicketEntry.kind == "comment"))
    assert "gone-voicemail.wav" in note.text and note.public is False


def test_a_route_that_no_longer_fits_gives_way_to_the_default(app, line):
    department = Department(code="old", name="已撤销部门", active=False)
    db.session.add(department)
    db.session.commit()
    category = _route(line, department, type_code="complaint")
    category.active = False
    db.session.commit()
    message = Voicemail(line="11185", caller=CALLER, duration_s=5, path="missing.wav")
    db.session.add(message)
    db.session.commit()
    order = voicemail.order_for(message)
    assert (order.type_code, order.category_id, order.department_id, order.state) == ("complaint", None,
                                                                                      None, "new")


def test_the_voice_messages_page_shows_each_messages_order(app, server, login):
    message = _leave_message(server)
    order = db.session.scalar(select(WorkOrder))
    page = login("agent").get("/ivr/voicemail").get_data(as_text=True)
    assert f'href="/tickets/{order.number}"' in page and f"工单 {order.number}" in page
    assert message.caller in page


def test_the_routes_page_sets_what_a_lines_messages_become(app, line, make_user, client_for):
    ems = Department(code="ems", name="速递物流部")
    db.session.add(ems)
    db.session.commit()
    teamlead = client_for(make_user("teamlead"))
    page = teamlead.get("/tickets/voicemail-routes").get_data(as_text=True)
    assert "语音留言转工单" in page and "11185" in page
    complaint_category = TicketCategory(type_code="complaint", name="投递服务")
    db.session.add(complaint_category)
    db.session.commit()

    wrong = submit(teamlead, "/tickets/voicemail-routes/11185",
                   {"route-type_code": "query", "route-category_id": str(complaint_category.id),
                    "route-priority": "normal", "route-department_id": ""}, page="/tickets/voicemail-routes")
    assert "不属于所选的工单类型" in teamlead.get(wrong.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(VoicemailRoute)) is None

    saved = submit(teamlead, "/tickets/voicemail-routes/11185",
                   {"route-type_code": "complaint", "route-category_id": str(complaint_category.id),
                    "route-priority": "urgent", "route-department_id": str(ems.id)},
                   page="/tickets/voicemail-routes")
    assert saved.status_code == 302
    route = db.session.scalar(select(VoicemailRoute))
    assert (route.type_code, route.category_id, route.priority, route.department_id, route.call_back) == (
        "complaint", complaint_category.id, "urgent", ems.id, False)
    submit(teamlead, "/tickets/voicemail-routes/11185",
           {"route-type_code": "complaint", "route-priority": "normal", "route-call_back": "y"},
           page="/tickets/voicemail-routes")
    db.session.refresh(route)
    assert route.call_back  # messages of this line are called back (tests/agents/test_callbacks.py)
    assert "回拨来电者" in teamlead.get("/tickets/voicemail-routes").get_data(as_text=True)

    assert client_for(make_user("agent")).get("/tickets/voicemail-routes").status_code == 403
