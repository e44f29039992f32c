"""The desk's main path in a real browser, end to end: an agent logs in and goes ready; Asterisk
(the AMI emulator, through the worker's real AMI link) connects a queued caller to him, and
his desk pops the caller with what the IVR collected; he writes the call summary and
registers a complaint from it, and assigns it; the back office writes the result; the agent
records the customer's feedback and closes the order. Screenshots of every step are kept
(``test-artefacts/``)."""
from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from app.agents.models import READY, AgentProfile, AgentSkill, AgentStatus, DeskCall
from app.auth.models import Department
from app.calls.models import TRANSFERRED, CallRecord
from app.cti.ami import AmiLink
from app.cti.models import CtiAction
from app.customers.models import Customer, CustomerPhone
from app.extensions import db
from app.tickets.models import WorkOrder
from app.timeutil import utcnow

CALLER = "13800138001"
UNIQUEID = "1796154447.18"
PARCEL = "EA123456789CN"


@pytest.fixture
def app_config(app_config: dict[str, Any], ami_server: Any) -> dict[str, Any]:
    return {**app_config, "AMI_HOST": "127.0.0.1", "AMI_PORT": ami_server.port,
            "AMI_USERNAME": "postline", "AMI_SECRET": "s3cret", "AMI_RETRY_MIN": 0.05,
            "AMI_RETRY_MAX": 0.2, "AMI_POLL_SECONDS": 0.05, "AMI_RESPONSE_TIMEOUT": 2.0,
            "LIVE_POLL_SECONDS": 0.2}


@pytest.fixture
def ami_link(app: Any) -> Any:
    link = AmiLink(app).start()
    yield link
    link.stop()


def _act(page: Any, action: str, **fields: str) -> None:
    """Fill and send the order page's form of ``action`` (assign, accept, resolve...)."""
    form = page.locator(f"form[action$='/act/{action}']")
    for name, value in fields.items():
        control = form.locator(f"[name={name}]")
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_call_from_the_screen_pop_to_a_closed_complaint(live_server, log_in, new_page, make_user,
                                                           ami_server, ami_link, artefacts):
    ems = Department(code="ems", name="速递物流部")
    db.session.add(ems)
    customer = Customer(name="王芳")
    db.session.add(customer)
    db.session.flush()
    db.session.add(CustomerPhone(customer_id=customer.id, number=CALLER, digits=CALLER))
    db.session.add(CallRecord(uniqueid=UNIQUEID, line="11185", caller=CALLER, outcome=TRANSFERRED,
                              queue="postline-11185", ended_at=utcnow(),
                              path=json.dumps([{"step": 1, "node": "menu", "at": 0, "outcome": "3"}]),
                              data=json.dumps({"ems.tracking": PARCEL, "pin": "908172"})))
    agent = make_user("agent")
    db.session.add(AgentProfile(user_id=agent.id, interface="PJSIP/8001", extension="8001"))
    db.session.flush()
    db.session.add(AgentSkill(user_id=agent.id, queue="postline-11185", penalty=0))
    clerk = make_user("backoffice")
    clerk.department_id = ems.id
    db.session.commit()
    ami_server.wait_for(ami_server.listening_clients)  # the worker's link is up

    desk = new_page(1024, 768)
    log_in(desk, agent.username)
    desk.goto(f"{live_server}/desk")
    with desk.expect_navigation():
        desk.keyboard.press("Alt+r")  # the state control: log in to the queues, ready
    desk.screenshot(path=str(artefacts / "1-ready.png"))
    db.session.expire_all()
    assert db.session.get(AgentStatus, agent.id).state == READY
    ami_server.wait_for(lambda: ami_server.actions_named("QueueAdd"))  # the worker sent it to Asterisk
    assert ami_server.actions_named("QueueAdd")[0]["Interface"] == "PJSIP/8001"

    ami_server.emit("AgentConnect", Queue="postline-11185", Interface="PJSIP/8001", MemberName="PJSIP/8001",
                    HoldTime="12", RingTime="3", Channel="PJSIP/trunk-00000011", Uniqueid=UNIQUEID,
                    DestChannel="PJSIP/8001-00000012", DestUniqueid="1796154447.20",
                    CallerIDNum=CALLER, CallerIDName="")
    pop = desk.locator("#pop")
    pop.wait_for(timeout=10_000)  # pushed: the page was not reloaded
    desk.screenshot(path=str(artefacts / "2-screen-pop.png"))
    text = pop.inner_text()
    assert CALLER in text and "王芳" in text and PARCEL in text
    assert "908172" not in text  # the PIN never reaches the agent

    with desk.expect_navigation():
        desk.keyboard.press("Alt+s")  # the call's page, the cursor in the summary
    values = desk.eval_on_selector_all("select[name=what] option", "os => os.map(o => o.value)")
    complaint = next(v for v in values if v.startswith("complaint"))  # the type (no categories here)
    desk.select_option("select[name=what]", value=complaint)
    desk.fill("textarea[name=notes]", f"客户投诉包裹 {PARCEL} 外包装破损")
    desk.screenshot(path=str(artefacts / "3-summary.png"))
    desk.keyboard.press("Alt+n")  # save the summary and register a work order from it
    desk.wait_for_url("**/tickets/**")
    order = db.session.scalar(select(WorkOrder))
    assert (order.type_code, order.customer_id) == ("complaint", customer.id)
    call = db.session.scalar(select(DeskCall))
    assert call.summarised_at is not None and call.work_order_id == order.id

    _act(desk, "assign", department_id="速递物流部")
    desk.screenshot(path=str(artefacts / "4-assigned.png"))

    back = new_page(1280, 800)
    log_in(back, clerk.username)
    back.goto(f"{live_server}/tickets/{order.number}")
    _act(back, "accept")
    _act(back, "resolve", result="已联系揽投部，补偿 20 元")
    back.screenshot(path=str(artefacts / "5-result.png"))

    desk.goto(f"{live_server}/tickets/{order.number}")
    _act(desk, "feedback", feedback="客户已收到补偿", satisfaction="满意")
    _act(desk, "close")
    desk.screenshot(path=str(artefacts / "6-closed.png"), full_page=True)
    db.session.expire_all()
    order = db.session.get(WorkOrder, order.id)
    assert order.state == "closed" and order.result == "已联系揽投部，补偿 20 元"
    assert "已结案" in desk.content()
    assert db.session.scalar(select(CtiAction).where(CtiAction.action == "QueueAdd")).state == "done"
