"""The simulator page: "a call from this number to this line at this date and time, pressing
these keys", on the line's active flow or on a draft, as a dry run (nothing is stored)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.permissions import permission_required
from app.extensions import db
from app.ivr import flows
from app.ivr.models import IVRFlow, IVRLine
from app.ivr.nodes.registry import node_specs
from app.ivr.prompts import catalog
from app.ivr.simulator import parse_inputs, simulate
from app.ivr.web.blueprint import bp
from app.ivr.web.flows import pretty, version_of
from app.ivr.web.forms import SimulatorForm
from app.ivr.web.texts import EVENT_TITLES, OUTCOME_TITLES, REASON_TITLES, STEP_OUTCOME_TITLES, problem_text


@dataclass
class Simulation:
    heard: list[tuple[str, str, str]]        # event title, value, prompt text
    steps: list[tuple[str, str, str, str]]   # step, node title, outcome title, outcome
    variables: dict[str, str]
    data: dict[str, Any]
    outcome: str
    reason: str


def run_simulation(definition: dict[str, Any] | None, line: str, inputs: str, caller: str,
                   when: datetime | None) -> Simulation:
    """A dry-run call through the engine, as the page shows it."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    transcript = simulate(app, definition if definition is not None else line, parse_inputs(inputs),
                          line=line, caller=caller or "13800000001", now=when)
    prompts = catalog()
    titles = {spec.name: str(spec.title) for spec in node_specs()}
    heard = []
    for event in transcript.events:
        value, text = event.value, ""
        if event.kind in ("play", "prompt") and value in prompts:
            text = prompts[value].text
        elif event.kind == "record":  # the value is a file on the server: not for the page
            value, text = "", _("the caller leaves a message (a dry run keeps nothing)")
        heard.append((str(EVENT_TITLES.get(event.kind, event.kind)), value, text))
    result = transcript.result
    steps = [(entry.step, titles.get(entry.node, entry.node),
              str(STEP_OUTCOME_TITLES.get(entry.outcome, "")), entry.outcome) for entry in result.path]
    return Simulation(heard, steps, dict(transcript.variables), dict(result.data),
                      str(OUTCOME_TITLES.get(result.outcome, result.outcome)),
                      str(REASON_TITLES.get(result.reason, result.reason)))


@bp.route("/simulator", methods=["GET", "POST"])
@permission_required("ivr.flows")
def simulator() -> str:
    form = SimulatorForm()
    numbers = db.session.scalars(select(IVRLine).order_by(IVRLine.number)).all()
    form.line.choices = [("", _("(no line)"))] + [(l.number, f"{l.number} {l.name}") for l in numbers]
    if request.method == "GET":
        if request.args.get("line"):
            form.line.data = request.args["line"]
        flow_name, number = request.args.get("flow"), request.args.get("version", type=int)
        if flow_name and number:
            flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == flow_name))
            version = version_of(flow, number) if flow else None
            if version is not None:
                form.definition.data = pretty(version.definition)
    result = None
    if form.validate_on_submit():
        when = None
        if form.when.data:
            try:
                when = datetime.fromisoformat(form.when.data).replace(
                    tzinfo=ZoneInfo(current_app.config["TIMEZONE"]))
            except ValueError:
                form.when.errors.append(_("Not a date and time."))
        definition = None
        if (form.definition.data or "").strip():
            try:
                definition = flows.parse(form.definition.data)
            except flows.FlowError as exc:
                form.definition.errors.extend(problem_text(p) for p in exc.problems)
        if not form.errors and not form.when.errors and not form.definition.errors:
            try:
                result = run_simulation(definition, form.line.data or "", form.inputs.data or "",
                                        form.caller.data or "", when)
            except flows.FlowError as exc:
                form.definition.errors.extend(problem_text(p) for p in exc.problems)
    return render_template("ivr/simulator.html", form=form, result=result)
