"""The 12329 line on the agents' screens: after the IVR identified a caller, the agent who
takes the call sees "identified as …" (masked) on the screen pop, opens the member's
public facts and books a branch slot through the web form; form errors are Chinese
messages, not 500s; permissions; the customer timeline; the knowledge articles; the demo."""
from __future__ import annotations

from sqlalchemy import func, select

from app.agents.models import DeskCall
from app.customers.models import Customer
from app.extensions import db
from app.knowledge.models import KnowledgeArticle
from app.testing import submit
from plugins.housingfund import demo, guide
from plugins.housingfund.models import Booking, BookingSlot
from tests.plugins.housingfund_support import PIN, ZHANG, ZHANG_ID, call, records


def english(client, page="/p/housingfund/") -> None:
    submit(client, "/lang", {"lang": "en"}, page=page)


def identified_call(app) -> int:
    demo.load()
    call(app, "balance", ["1", ZHANG, PIN])
    return records()[-1].id


def agent_on(call_id: int, make_user, client_for, *roles: str):
    """A browser of an agent to whom the desk connected the IVR call ``call_id``."""
    agent = make_user(*(roles or ("agent",)))
    db.session.add(DeskCall(agent_id=agent.id, call_id=call_id, caller="13800000001", queue="12329"))
    db.session.commit()
    return client_for(agent)


def first_open_slot(kind: str = "loan", branch: str = "b01") -> BookingSlot:
    return db.session.scalars(select(BookingSlot).where(BookingSlot.kind == kind, BookingSlot.branch == branch)
                              .order_by(BookingSlot.day, BookingSlot.start)).first()


def test_the_agent_sees_the_identified_member_masked_never_the_numbers(app, make_user, client_for):
    call_id = identified_call(app)
    client = agent_on(call_id, make_user, client_for)
    page = client.get(f"/p/housingfund/call/{call_id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "张三" in html and "********0001" in html
    assert ZHANG not in html and ZHANG_ID not in html and "password" not in html.lower().replace("csrf", "")
    assert 'data-balance>56832.05<' in html and 'data-deposit>1860.00<' in html
    assert 'data-loan="GJJ2021000001"' in html
    assert "正常缴存" in html  # Chinese by default


def test_a_call_nobody_was_identified_on_shows_nothing_of_anybody(app, login):
    demo.load()
    call(app, "policy", ["1"])
    html = login("agent").get(f"/p/housingfund/call/{records()[-1].id}").get_data(as_text=True)
    assert "data-unidentified" in html and "张三" not in html


def test_the_lookup_form_refuses_a_bad_call_number_in_chinese(app, login):
    client = login("agent")
    response = submit(client, "/p/housingfund/", {"call_id": "abc"})
    assert response.status_code == 400
    assert "呼叫编号是一个正整数。" in response.get_data(as_text=True) \
        or "请输入来电弹屏上的呼叫编号。" in response.get_data(as_text=True)
    response = submit(client, "/p/housingfund/", {"call_id": "7"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/p/housingfund/call/7")


def test_the_agent_books_a_slot_for_the_identified_caller(app, make_user, client_for):
    call_id = identified_call(app)
    client = agent_on(call_id, make_user, client_for)
    slot = first_open_slot("repay", "b03")
    page = f"/p/housingfund/call/{call_id}?kind=repay&branch=b03"
    assert f'value="{slot.id}"' in client.get(page).get_data(as_text=True)
    response = submit(client, f"/p/housingfund/call/{call_id}/book",
                      {"kind": "repay", "branch": "b03", "slot": str(slot.id)}, page=page)
    assert response.status_code == 302
    (booking,) = db.session.scalars(select(Booking)).all()
    assert (booking.slot_id, booking.channel, booking.call_id) == (slot.id, "agent", call_id)
    db.session.expire_all()
    assert db.session.get(BookingSlot, slot.id).booked == 1
    html = client.get(f"/p/housingfund/call/{call_id}").get_data(as_text=True)
    assert f'data-booking="{booking.id}"' in html and f"{booking.id:06d}" in html


def test_a_full_slot_is_a_form_error_not_a_500(app, make_user, client_for):
    call_id = identified_call(app)
    client = agent_on(call_id, make_user, client_for)
    slot = first_open_slot()
    page = f"/p/housingfund/call/{call_id}?kind=loan&branch=b01"
    client.get(page)
    slot.booked = slot.capacity
    db.session.commit()
    response = submit(client, f"/p/housingfund/call/{call_id}/book",
                      {"kind": "loan", "branch": "b01", "slot": str(slot.id)}, page=page)
    assert response.status_code == 400
    assert "该时段已不可预约，请另选。" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_booking_needs_an_identified_caller_and_the_permission(app, login, make_user, client_for):
    call_id = identified_call(app)
    slot = first_open_slot()
    qa = client_for(make_user("qa"))
    assert qa.get(f"/p/housingfund/call/{call_id}").status_code == 403
    backoffice = client_for(make_user("backoffice"))
    html = backoffice.get(f"/p/housingfund/call/{call_id}").get_data(as_text=True)
    assert "张三" in html and "/book" not in html  # may look, may not book
    agent = agent_on(call_id, make_user, client_for)
    call(app, "policy", ["1"])
    other = records()[-1].id
    agent_on(other, make_user, client_for)
    response = submit(agent, f"/p/housingfund/call/{other}/book", {"kind": "loan", "branch": "b01",
                                                                   "slot": str(slot.id)},
                      page=f"/p/housingfund/call/{call_id}")
    assert response.status_code == 404


def test_another_agent_does_not_see_the_member_by_typing_the_call_number(app, make_user, client_for):
    call_id = identified_call(app)
    agent_on(call_id, make_user, client_for)
    stranger = client_for(make_user("agent"))
    html = stranger.get(f"/p/housingfund/call/{call_id}").get_data(as_text=True)
    assert "张三" not in html and "data-unidentified" in html
    assert f'data-call="{call_id}"' not in stranger.get("/p/housingfund/").get_data(as_text=True)
    response = submit(stranger, f"/p/housingfund/call/{call_id}/book",
                      {"kind": "loan", "branch": "b01", "slot": str(first_open_slot().id)},
                      page=f"/p/housingfund/call/{call_id}")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_the_screen_pop_says_identified_as_masked_with_a_link(app, make_user, client_for):
    call_id = identified_call(app)
    agent = make_user("agent")
    desk_call = DeskCall(agent_id=agent.id, call_id=call_id, caller="13800000001", queue="12329")
    db.session.add(desk_call)
    db.session.commit()
    html = client_for(agent).get(f"/desk/calls/{desk_call.id}/pop").get_data(as_text=True)
    assert "张* ********0001" in html
    assert f"/p/housingfund/call/{call_id}" in html
    assert ZHANG not in html and PIN not in html


def test_the_customer_timeline_shows_the_members_bookings(app, login):
    call_id = identified_call(app)
    customer = Customer(name="张三")
    customer.phone = "138 0000 0001"
    db.session.add(customer)
    db.session.commit()
    from plugins.housingfund.centre import centre
    from plugins.housingfund.identity import identified_on

    slot = first_open_slot("withdraw", "b05")
    booking_id = centre().book(identified_on(call_id).ref, slot.id, "ivr").booking_id
    html = login("agent").get(f"/customers/{customer.id}").get_data(as_text=True)
    assert f"{booking_id:06d}" in html and guide.branch_name("b05") in html


def test_knowledge_sync_brings_the_policy_guide_and_branch_directory(app):
    result = app.test_cli_runner().invoke(args=["knowledge", "sync"])
    assert result.exit_code == 0, result.output
    titles = set(db.session.scalars(select(KnowledgeArticle.title)))
    assert {p.title for p in guide.POLICIES} <= titles
    assert {f"住房公积金业务网点（{d.name}）" for d in guide.DISTRICTS} <= titles


def test_demo_load_twice_adds_nothing_the_second_time(app):
    first = demo.load()
    assert first["housingfund_members"] == 3 and first["housingfund_slots"] > 0
    assert set(demo.load().values()) == {0}


def test_the_nav_link_and_page_in_english(app, login):
    client = login("agent")
    english(client)
    html = client.get("/p/housingfund/").get_data(as_text=True)
    assert "12329 caller lookup" in html
    assert 'data-nav="housingfund.index"' in client.get("/").get_data(as_text=True)


# --- the agent desk's service form ----------------------------------------------------------

FORM = "/desk/forms/housingfund.booking"


def desk_values(call_id: int, slot: BookingSlot, **changes: str) -> dict[str, str]:
    return {"call_id": str(call_id), "kind": slot.kind, "branch": slot.branch, "day": slot.day.isoformat(),
            "start": slot.start.strftime("%H:%M"), **changes}


def test_the_desk_form_books_for_the_identified_caller(app, make_user, client_for):
    call_id = identified_call(app)
    client = agent_on(call_id, make_user, client_for)
    assert "housingfund.booking" in client.get("/desk/forms").get_data(as_text=True)
    slot = first_open_slot("withdraw", "b04")
    response = submit(client, FORM, desk_values(call_id, slot))
    assert response.status_code == 302
    (booking,) = db.session.scalars(select(Booking)).all()
    assert (booking.slot_id, booking.channel, booking.call_id) == (slot.id, "agent", call_id)
    assert f"预约成功，预约号 {booking.id:06d}。" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_desk_form_refuses_wrong_input_in_chinese(app, make_user, client_for):
    call_id = identified_call(app)
    client = agent_on(call_id, make_user, client_for)
    slot = first_open_slot()
    cases = [
        (desk_values(call_id, slot, start="9点"), "时间格式如 09:00。"),
        (desk_values(call_id, slot, start="08:15"), "该网点没有这个业务的这个时段。"),
        (desk_values(call_id + 1000, slot), "IVR 没有在您的这个呼叫中验证到缴存职工。"),
        (desk_values(call_id, slot, day=""), "请输入预约日期。"),
    ]
    for values, message in cases:
        response = submit(client, FORM, values)
        assert response.status_code == 200, values
        assert message in response.get_data(as_text=True), values
    slot.booked = slot.capacity
    db.session.commit()
    response = submit(client, FORM, desk_values(call_id, slot))
    assert "该时段已约满，请另选。" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0


def test_the_desk_form_is_not_for_another_agents_call(app, make_user, client_for):
    call_id = identified_call(app)
    agent_on(call_id, make_user, client_for)
    stranger = client_for(make_user("agent"))
    response = submit(stranger, FORM, desk_values(call_id, first_open_slot()))
    assert "IVR 没有在您的这个呼叫中验证到缴存职工。" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
