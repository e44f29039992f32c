"""The agent's desk (``/desk``): his state, the call he is on with its pop (rendered on
load, so a reload shows it; replaced live on a ``pop`` event), the shortcuts, the customer
search, the "new call" button and his recent calls. Also the pop fragment and the "new
call" form."""
from __future__ import annotations

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug import Response
from werkzeug.exceptions import HTTPException

from app.agents import pop as pops
from app.agents import summary
from app.agents.desk_forms import NewCallForm
from app.agents.models import MANUAL, AgentStatus, DeskCall
from app.agents.views import bp
from app.audit.listener import record as audit
from app.auth.permissions import has_permission, permission_required
from app.calls.callers import profile
from app.cti import live
from app.extensions import db
from app.timeutil import utcnow

RECENT_CALLS = 10


@bp.route("")
@permission_required("desk.use")
def desk() -> str:
    current = current_call(current_user.id)
    recent = db.session.scalars(
        select(DeskCall).where(DeskCall.agent_id == current_user.id, DeskCall.answered_at.is_not(None))
        .order_by(DeskCall.answered_at.desc(), DeskCall.id.desc()).limit(RECENT_CALLS)).all()
    return render_template("agents/desk.html", pop=pops.build(current) if current else None, current=current,
                           recent=recent, call_page=call_page, new_order_url=new_order_url,
                           unsummarised=summary.unsummarised_count(current_user.id),
                           topics=live.agent_topic(current_user.id),
                           agent_status=db.session.get(AgentStatus, current_user.id))


@bp.route("/calls/<int:call_id>/pop")
@permission_required("desk.use")
def pop_fragment(call_id: int) -> str:
    """The pop as an HTML fragment, for the desk's script (and D's call page)."""
    call = db.get_or_404(DeskCall, call_id)
    if call.agent_id != current_user.id and not has_permission(current_user, "desk.team"):
        abort(404)
    return render_template("agents/_pop.html", pop=pops.build(call), call_page=call_page,
                           new_order_url=new_order_url)


@bp.route("/new-call", methods=["GET", "POST"])
@permission_required("desk.use")
def new_call() -> str | Response:
    form = NewCallForm()
    if form.validate_on_submit():
        caller = form.caller.data.strip()
        now = utcnow()
        call = DeskCall(agent_id=current_user.id, direction=MANUAL, caller=caller, offered_at=now,
                        answered_at=now, customer_id=form.customer_id.data or profile(caller).customer_id,
                        updated_by=current_user.username)
        db.session.add(call)
        db.session.flush()
        # A desk call is not an audited table (Asterisk writes most of them); one typed in
        # by a person is recorded in the audit trail all the same.
        audit("create", "desk_call", str(call.id), {"caller": caller, "customer_id": call.customer_id,
                                                     "direction": MANUAL})
        db.session.commit()
        return redirect(call_page(call.id) or url_for("agents.desk", call=call.id))
    return render_template("agents/new_call.html", form=form)


def current_call(user_id: int) -> DeskCall | None:
    """The call the desk shows: ``?call=<id>`` (one of his own), the call Asterisk says he
    is on, else his latest call still open and not summarised (a "new call" one)."""
    asked = request.args.get("call", "")
    if asked.isdigit() and len(asked) < 10:
        call = db.session.get(DeskCall, int(asked))
        if call is not None and call.agent_id == user_id:
            return call
    status = db.session.get(AgentStatus, user_id)
    if status is not None and status.desk_call_id:
        call = db.session.get(DeskCall, status.desk_call_id)
        if call is not None and call.summarised_at is None:
            return call
    return db.session.scalar(select(DeskCall).where(
        DeskCall.agent_id == user_id, DeskCall.answered_at.is_not(None), DeskCall.ended_at.is_(None),
        DeskCall.summarised_at.is_(None)).order_by(DeskCall.answered_at.desc(), DeskCall.id.desc()).limit(1))


def call_page(call_id: int) -> str | None:
    """The call's own page (summary, transfers: ``/desk/calls/<id>``), when one is served."""
    path = f"{bp.url_prefix}/calls/{call_id}"
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except HTTPException:  # 404, 405, or a redirect (RequestRedirect is one too)
        return None
    return request.script_root + path


def new_order_url(call: DeskCall) -> str:
    """Register a work order from this call (the work order pages take it from there)."""
    args = {k: v for k, v in (("call_id", call.call_id), ("customer_id", call.customer_id)) if v}
    return url_for("tickets.new", **args)
