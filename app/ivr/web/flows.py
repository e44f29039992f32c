"""The flow pages: the list of flows and lines, a flow as a readable tree with its versions,
the JSON editor (every problem shown in the reader's language, nothing saved while there is
one), and activating a version."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug import Response

from app.auth.permissions import permission_required
from app.extensions import db
from app.ivr import flows
from app.ivr.models import IVRFlow, IVRFlowVersion, IVRLine
from app.ivr.nodes.registry import node_specs
from app.ivr.prompts import catalog
from app.ivr.web.blueprint import bp
from app.ivr.web.forms import ActionForm, FlowForm
from app.ivr.web.texts import problem_text
from app.timeutil import local


def _flow_or_404(name: str) -> IVRFlow:
    flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == name))
    if flow is None:
        abort(404)
    return flow


def version_of(flow: IVRFlow, number: int | None) -> IVRFlowVersion | None:
    if number is None:
        return None
    return db.session.scalar(select(IVRFlowVersion).where(
        IVRFlowVersion.flow_id == flow.id, IVRFlowVersion.number == number))


@bp.route("/flows")
@permission_required("ivr.flows")
def flow_list() -> str:
    lines = db.session.execute(
        select(IVRLine, IVRFlow).outerjoin(IVRFlow, IVRFlow.id == IVRLine.flow_id).order_by(IVRLine.number)
    ).all()
    counts = dict(db.session.execute(
        select(IVRFlowVersion.flow_id, func.count()).group_by(IVRFlowVersion.flow_id)).all())
    all_flows = db.session.scalars(select(IVRFlow).order_by(IVRFlow.name)).all()
    broken = flows.check_active_flows()
    return render_template("ivr/flows.html", lines=lines, flows=all_flows, counts=counts,
                           broken={name: [problem_text(p) for p in problems]
                                   for name, problems in broken.items()})


@dataclass
class TreeStep:
    id: str
    type: str
    title: str
    start: bool
    params: list[tuple[str, Any, str]] = field(default_factory=list)  # name, value, prompt text
    next: list[tuple[str, str, bool]] = field(default_factory=list)   # outcome, target, exists
    note: str = ""


def flow_tree(definition: dict[str, Any]) -> list[TreeStep]:
    """The steps of a definition as the flow page shows them."""
    specs = {spec.name: spec for spec in node_specs()}
    prompts = catalog()
    steps = [s for s in definition.get("steps") or [] if isinstance(s, dict)]
    ids = {s.get("id") for s in steps}
    start = definition.get("start") or (steps[0].get("id") if steps else "")
    tree = []
    for step in steps:
        spec = specs.get(step.get("type", ""))
        params = dict(step.get("params") or {})
        shown: list[tuple[str, Any, str]] = []
        kinds = {p.name: p for p in spec.params} if spec else {}
        for name, param in kinds.items():  # prompts played by default are heard too
            if name not in params and param.kind == "prompt" and param.default:
                params[name] = param.default
        for name, value in params.items():
            text = ""
            if name in kinds and kinds[name].kind == "prompt" and isinstance(value, str):
                text = prompts[value].text if value in prompts else _("(not in the prompt catalog)")
            shown.append((name, value, text))
        nxt = [(str(k), str(v), v in ids) for k, v in (step.get("next") or {}).items()]
        tree.append(TreeStep(str(step.get("id")), str(step.get("type")),
                             str(spec.title) if spec else str(step.get("type")),
                             step.get("id") == start, shown, nxt, str(step.get("note") or "")))
    return tree


@bp.route("/flows/<name>")
@permission_required("ivr.flows")
def flow_detail(name: str) -> str:
    flow = _flow_or_404(name)
    number = request.args.get("version", type=int) or flow.active_version
    version = version_of(flow, number)
    if request.args.get("version") and version is None:
        abort(404)
    versions = db.session.scalars(select(IVRFlowVersion).where(IVRFlowVersion.flow_id == flow.id)
                                  .order_by(IVRFlowVersion.number.desc())).all()
    definition = flows.parse(version.definition) if version else {}
    lines = db.session.scalars(select(IVRLine).where(IVRLine.flow_id == flow.id)
                               .order_by(IVRLine.number)).all()
    return render_template("ivr/flow.html", flow=flow, version=version, versions=versions,
                           tree=flow_tree(definition), lines=lines, action_form=ActionForm())


def pretty(definition: str | dict[str, Any]) -> str:
    data = json.loads(definition) if isinstance(definition, str) else definition
    return json.dumps(data, ensure_ascii=False, indent=2)


def latest_number(flow: IVRFlow | None) -> int:
    if flow is None:
        return 0
    return db.session.scalar(select(func.max(IVRFlowVersion.number))
                             .where(IVRFlowVersion.flow_id == flow.id)) or 0


def _based_on(form: FlowForm) -> int | None:
    """The version the editor was opened on; ``None`` (no check) for a form without it."""
    text = (form.based_on.data or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else None


def changed_since(exc: flows.FlowChanged) -> str:
    when = local(exc.at).strftime("%Y-%m-%d %H:%M") if exc.at else "?"
    return _("Not saved: %(who)s saved version %(number)s at %(when)s since you opened this flow. "
             "Open the flow again to see their version, then make your changes there.",
             who=exc.author or "?", number=exc.number, when=when)


@bp.route("/flows/new", methods=["GET", "POST"], endpoint="flow_new")
@bp.route("/flows/<name>/edit", methods=["GET", "POST"])
@permission_required("ivr.flows")
def flow_edit(name: str | None = None) -> str | Response:
    flow = _flow_or_404(name) if name else None
    form = FlowForm()
    if request.method == "GET":
        base = version_of(flow, request.args.get("version", type=int) or flow.active_version) if flow else None
        if flow:
            form.title.data = flow.title
        form.based_on.data = str(latest_number(flow))
        form.definition.data = pretty(base.definition) if base else pretty(
            {"steps": [{"id": "welcome", "type": "core.play", "params": {"prompt": "welcome-11185"},
                        "next": {"done": "bye"}}, {"id": "bye", "type": "core.hangup"}]})
    if form.validate_on_submit():
        flow_name = flow.name if flow else (form.name.data or "")
        based_on = _based_on(form)
        if flow is None and not flow_name:
            form.name.errors.append(_("A new flow needs a name."))
        elif flow is None and db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == flow_name)):
            form.name.errors.append(_("A flow with this name exists already."))
        else:
            try:
                version = flows.save_version(
                    flow_name, form.definition.data, title=form.title.data or None,
                    author=current_user.username, note=form.note.data or "",
                    activate=bool(form.activate.data), based_on=0 if flow is None else based_on)
            except flows.FlowError as exc:
                db.session.rollback()
                form.definition.errors.extend(problem_text(p) for p in exc.problems)
            except flows.FlowChanged as exc:
                form.definition.errors.append(changed_since(exc))
            except flows.NothingChanged as exc:
                form.definition.errors.append(_(
                    "Nothing changed: this is the definition of version %(number)s, so no new version "
                    "was saved. To use an older version again, activate it on the flow's page.",
                    number=exc.number))
            else:
                if based_on is not None and version.number == based_on:
                    flash(_("Title saved; the definition is that of version %(number)s.",
                            number=version.number), "info")
                elif form.activate.data:
                    flash(_("Version %(number)s saved; new calls use it.", number=version.number), "info")
                else:
                    flash(_("Version %(number)s saved (not active).", number=version.number), "info")
                return redirect(url_for("ivr.flow_detail", name=flow_name))
    if flow is not None:
        del form.name
    specs = node_specs()
    return render_template("ivr/edit.html", flow=flow, form=form,
                           specs=[(s, str(s.title)) for s in specs])


@bp.route("/flows/<name>/versions/<int:number>/activate", methods=["POST"])
@permission_required("ivr.flows")
def flow_activate(name: str, number: int) -> Response:
    flow = _flow_or_404(name)
    if version_of(flow, number) is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    flows.activate(flow.name, number)
    flash(_("Version %(number)s is now active.", number=number), "info")
    return redirect(url_for("ivr.flow_detail", name=flow.name))
