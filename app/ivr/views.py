"""The IVR's web pages: flows (list, readable tree, versions, JSON editor), the simulator
that walks a flow in the browser, and the agents' voice mailbox with playback.

Flows and the simulator need ``ivr.flows`` (team leads, admins); voice messages need
``ivr.voicemail`` (agents, team leads). The simulator is a dry run: it writes nothing."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from werkzeug import Response
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.auth.permissions import permission_required
from app.extensions import db
from app.ivr import flows
from app.ivr.call import recording_path
from app.ivr.models import IVRFlow, IVRFlowVersion, IVRLine, Voicemail
from app.ivr.prompts import catalog
from app.timeutil import local

bp = Blueprint("ivr", __name__, url_prefix="/ivr", template_folder="templates")

VOICEMAIL_PAGE_SIZE = 30
HANDLED = "handled"

#: The core nodes' titles are plain English in their declarations; these make them
#: translatable (a plugin's own title is shown as the plugin declares it).
NODE_TITLES = {
    "core.play": _l("Play a prompt"),
    "core.menu": _l("Menu"),
    "core.time_condition": _l("Opening hours"),
    "core.blacklist": _l("Blacklist"),
    "core.transfer": _l("Transfer to an agent"),
    "core.voicemail": _l("Voice message"),
    "core.survey": _l("Satisfaction survey"),
    "core.goto": _l("Go to another flow"),
    "core.hangup": _l("Goodbye"),
}

#: Validation problems (``Problem.code``) in the user's language; ``%(...)s`` come from
#: ``Problem.args`` (plus ``detail``: the English message, ``loop``: a closed loop's path).
PROBLEM_MESSAGES = {
    "bad_json": _l("The definition is not valid JSON (%(detail)s)."),
    "bad_structure": _l("The definition must be a JSON object."),
    "unknown_key": _l("Unknown key %(key)s."),
    "no_steps": _l("The flow has no steps."),
    "bad_step": _l("Step #%(index)s is not a JSON object."),
    "bad_step_id": _l("Step #%(index)s: the id %(id)s must be lowercase letters, digits, '-' or '_'."),
    "duplicate_step": _l("The step is defined twice."),
    "no_type": _l("The step has no node type."),
    "bad_params": _l("\"params\" must be an object."),
    "bad_next": _l("\"next\" must map outcomes to step ids."),
    "bad_start": _l("The start step %(start)s does not exist."),
    "unknown_node": _l("Node type %(type)s is not declared by the core or an enabled plugin."),
    "dangling": _l("Outcome %(outcome)s leads to step %(target)s, which does not exist."),
    "unreachable": _l("The step cannot be reached from the start step."),
    "closed_loop": _l("The step is in a loop with no exit: %(loop)s (no step in it can end the call)."),
    "bad_flow_name": _l("The flow name %(name)s must be lowercase letters, digits, '-' or '_'."),
    "unknown_param": _l("The node has no parameter %(param)s."),
    "missing_param": _l("The parameter %(param)s is required."),
    "bad_param": _l("The parameter %(param)s has an invalid value (%(detail)s)."),
    "bad_prompt": _l("%(value)s is not a prompt name."),
    "unknown_prompt": _l("Prompt %(value)s is not in the prompt catalog."),
    "unknown_flow": _l("Flow %(value)s does not exist."),
    "terminal_has_next": _l("The step ends the call; it cannot lead on with %(outcomes)s."),
    "unknown_outcome": _l("The node has no outcome %(outcome)s."),
    "unwired_outcome": _l("Outcome %(outcome)s leads nowhere."),
    "reserved_key": _l("Key %(outcome)s is reserved (0 reaches an agent, * repeats the menu); it cannot lead to a step."),
    "menu_without_keys": _l("The menu offers no key (give it transitions named 1-9)."),
}

OUTCOME_TITLES = {
    "self_served": _l("Self-served"),
    "transferred": _l("Transferred to an agent"),
    "voicemail": _l("Voice message left"),
    "hung_up": _l("Ended in the IVR"),
    "error": _l("Error"),
    "": _l("Unknown"),
}

EVENT_TITLES = {
    "play": _l("Plays"),
    "prompt": _l("Asks"),
    "input": _l("Caller presses"),
    "silence": _l("Silence (ms)"),
    "say_digits": _l("Says digits"),
    "say_number": _l("Says number"),
    "record": _l("Records"),
    "set": _l("Sets variable"),
    "verbose": _l("Log"),
    "hangup": _l("The IVR hangs up"),
    "caller_hangup": _l("The caller hangs up"),
}


def problem_text(problem: flows.Problem) -> str:
    """One validation problem in the user's language, naming its step."""
    template = PROBLEM_MESSAGES.get(problem.code)
    args: dict[str, Any] = {k: _show(v) for k, v in (problem.args or {}).items()}
    args["detail"] = problem.message.split(": ", 1)[-1] if problem.code == "bad_json" else problem.message
    if problem.code == "closed_loop":
        args["loop"] = " → ".join(list(problem.args.get("steps", [])) + [problem.step])
    try:
        text = str(template) % args if template is not None else problem.message
    except (KeyError, TypeError, ValueError):
        text = problem.message
    return _("Step %(step)s: %(problem)s", step=problem.step, problem=text) if problem.step else text


def _show(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(map(_show, value))
    return f"“{value}”" if isinstance(value, str) else str(value)


def node_title(name: str, declared: str = "") -> str:
    title = NODE_TITLES.get(name)
    return str(title) if title is not None else (declared or name)


# --- forms -------------------------------------------------------------------------------------

class FlowForm(FlaskForm):
    name = StringField(_l("Flow name"), validators=[Optional(), Length(max=64),
                                                     Regexp(flows.FLOW_NAME.pattern, message=_l(
                                                         "Lowercase letters, digits, '-' or '_'."))])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    definition = TextAreaField(_l("Definition (JSON)"), validators=[DataRequired()],
                               render_kw={"rows": 28, "spellcheck": "false", "class": "code"})
    note = StringField(_l("Note"), validators=[Optional(), Length(max=255)])
    activate = BooleanField(_l("New calls use this version"), default=True)


class SimulatorForm(FlaskForm):
    line = SelectField(_l("Line"), validators=[Optional()])
    definition = TextAreaField(_l("Flow definition to try (JSON; empty: the line's active flow)"),
                               validators=[Optional()], render_kw={"rows": 8, "spellcheck": "false",
                                                                   "class": "code"})
    inputs = StringField(_l("Caller input"), validators=[Optional(), Length(max=500)],
                         description=_l("Entries separated by spaces: digits, “_” for silence, "
                                        "“h” to hang up. Example: 1 100010 0"))
    caller = StringField(_l("Caller number"), default="13800000001",
                         validators=[Optional(), Length(max=32)])
    when = StringField(_l("Date and time (local, empty: now)"), validators=[Optional()],
                       render_kw={"type": "datetime-local"})


class ActionForm(FlaskForm):
    """Just the CSRF token, for POST buttons."""


# --- flows -------------------------------------------------------------------------------------

def _flow_or_404(name: str) -> IVRFlow:
    flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == name))
    if flow is None:
        abort(404)
    return flow


def _version(flow: IVRFlow, number: int | None) -> IVRFlowVersion | None:
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
    specs = {spec.name: spec for spec in flows.node_specs()}
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
                             node_title(str(step.get("type")), spec.title if spec else ""),
                             step.get("id") == start, shown, nxt, str(step.get("note") or "")))
    return tree


@bp.route("/flows/<name>")
@permission_required("ivr.flows")
def flow_detail(name: str) -> str:
    flow = _flow_or_404(name)
    number = request.args.get("version", type=int) or flow.active_version
    version = _version(flow, number)
    if request.args.get("version") and version is None:
        abort(404)
    versions = db.session.scalars(select(IVRFlowVersion).where(IVRFlowVersion.flow_id == flow.id)
                                  .order_by(IVRFlowVersion.number.desc())).all()
    definition = flows.parse(version.definition) if version else {}
    lines = db.session.scalars(select(IVRLine).where(IVRLine.flow_id == flow.id)
                               .order_by(IVRLine.number)).all()
    return render_template("ivr/flow.html", flow=flow, version=version, versions=versions,
                           tree=flow_tree(definition), lines=lines, action_form=ActionForm())


def _pretty(definition: str | dict[str, Any]) -> str:
    data = json.loads(definition) if isinstance(definition, str) else definition
    return json.dumps(data, ensure_ascii=False, indent=2)


@bp.route("/flows/new", methods=["GET", "POST"], endpoint="flow_new")
@bp.route("/flows/<name>/edit", methods=["GET", "POST"])
@permission_required("ivr.flows")
def flow_edit(name: str | None = None) -> str | Response:
    flow = _flow_or_404(name) if name else None
    form = FlowForm()
    if request.method == "GET":
        base = _version(flow, request.args.get("version", type=int) or flow.active_version) if flow else None
        if flow:
            form.title.data = flow.title
        form.definition.data = _pretty(base.definition) if base else _pretty(
            {"steps": [{"id": "welcome", "type": "core.play", "params": {"prompt": "welcome-11185"},
                        "next": {"done": "bye"}}, {"id": "bye", "type": "core.hangup"}]})
    if form.validate_on_submit():
        flow_name = flow.name if flow else (form.name.data or "")
        if flow is None and not flow_name:
            form.name.errors.append(_("A new flow needs a name."))
        elif flow is None and db.session.scalar(select(IVRFlow.id).where(IVRFlow.name == flow_name)):
            form.name.errors.append(_("A flow with this name exists already."))
        else:
            try:
                version = flows.save_version(
                    flow_name, form.definition.data, title=form.title.data or None,
                    author=current_user.username, note=form.note.data or "",
                    activate=bool(form.activate.data))
            except flows.FlowError as exc:
                db.session.rollback()
                form.definition.errors.extend(problem_text(p) for p in exc.problems)
            else:
                if form.activate.data:
                    flash(_("Version %(number)s saved; new calls use it.", number=version.number), "info")
                else:
                    flash(_("Version %(number)s saved (not active).", number=version.number), "info")
                return redirect(url_for("ivr.flow_detail", name=flow_name))
    if flow is not None:
        del form.name
    specs = flows.node_specs()
    return render_template("ivr/edit.html", flow=flow, form=form,
                           specs=[(s, node_title(s.name, s.title)) for s in specs])


@bp.route("/flows/<name>/versions/<int:number>/activate", methods=["POST"])
@permission_required("ivr.flows")
def flow_activate(name: str, number: int) -> Response:
    flow = _flow_or_404(name)
    if _version(flow, number) is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    flows.activate(flow.name, number)
    flash(_("Version %(number)s is now active.", number=number), "info")
    return redirect(url_for("ivr.flow_detail", name=flow.name))


# --- simulator ---------------------------------------------------------------------------------

@dataclass
class Simulation:
    heard: list[tuple[str, str, str]]        # event title, value, prompt text
    steps: list[tuple[str, str, str]]        # step, node title, outcome
    variables: dict[str, str]
    data: dict[str, Any]
    outcome: str
    reason: str


def run_simulation(definition: dict[str, Any] | None, line: str, inputs: str, caller: str,
                   when: datetime | None) -> Simulation:
    """A dry-run call, as :func:`app.ivr.simulator.simulate` makes it, keeping the steps
    entered too (the engine's run object holds them; a dry run stores no call record)."""
    from app.ivr.engine import _CallRun
    from app.ivr.simulator import SimulatedChannel, info_for, parse_inputs

    if definition is not None:
        problems = flows.validate_here(definition)
        if problems:
            raise flows.FlowError(problems)
    entry = f"ivr?line={line}" if line else "ivr"
    channel = SimulatedChannel(info_for(entry, caller=caller or "13800000001"), parse_inputs(inputs),
                               now=when, dry_run=True)
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    run = _CallRun(app, channel, definition)
    result = run.run()
    prompts = catalog()
    titles = {s.name: node_title(s.name, s.title) for s in flows.node_specs()}
    heard = []
    for event in channel.events:
        text = prompts[event.value].text if event.kind in ("play", "prompt") and event.value in prompts else ""
        heard.append((str(EVENT_TITLES.get(event.kind, event.kind)), event.value, text))
    steps = [(entry.step, titles.get(entry.node, entry.node), entry.outcome) for entry in run.call.path]
    return Simulation(heard, steps, dict(channel.variables), dict(run.call.data),
                      str(OUTCOME_TITLES.get(result.outcome, result.outcome)), result.reason)


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
            version = _version(flow, number) if flow else None
            if version is not None:
                form.definition.data = _pretty(version.definition)
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


# --- voice messages ----------------------------------------------------------------------------

@bp.route("/voicemail")
@permission_required("ivr.voicemail")
def voicemail_list() -> str:
    page = max(request.args.get("page", 1, type=int), 1)
    only_new = request.args.get("new") == "1"
    query = select(Voicemail)
    counting = select(func.count()).select_from(Voicemail)
    if only_new:
        query = query.where(Voicemail.status != HANDLED)
        counting = counting.where(Voicemail.status != HANDLED)
    total = db.session.scalar(counting) or 0
    rows = db.session.scalars(query.order_by(Voicemail.at.desc(), Voicemail.id.desc())
                              .limit(VOICEMAIL_PAGE_SIZE).offset((page - 1) * VOICEMAIL_PAGE_SIZE)).all()
    pages = max((total + VOICEMAIL_PAGE_SIZE - 1) // VOICEMAIL_PAGE_SIZE, 1)
    return render_template("ivr/voicemail.html", messages=rows, page=page, pages=pages, total=total,
                           only_new=only_new, local=local, action_form=ActionForm(), HANDLED=HANDLED)


@bp.route("/voicemail/<int:message_id>/audio")
@permission_required("ivr.voicemail")
def voicemail_audio(message_id: int) -> Response:
    message = db.session.get(Voicemail, message_id)
    if message is None or not message.path:
        abort(404)
    try:
        path = recording_path(message.path)
    except ValueError:
        current_app.logger.warning("voice message %s: path outside the recordings folder refused",
                                   message_id)
        abort(404)
    if not path.is_file():
        abort(404)
    return send_file(path, mimetype="audio/wav", conditional=True, max_age=0,
                     download_name=f"voicemail-{message.id}.wav")


@bp.route("/voicemail/<int:message_id>/handled", methods=["POST"])
@permission_required("ivr.voicemail")
def voicemail_handled(message_id: int) -> Response:
    message = db.session.get(Voicemail, message_id)
    if message is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    if message.status != HANDLED:
        message.status = HANDLED
        db.session.commit()
        flash(_("The voice message from %(caller)s is marked as handled.", caller=message.caller), "info")
    return redirect(url_for("ivr.voicemail_list", page=request.args.get("page", 1, type=int)))


from app.ivr import lines_views  # noqa: E402,F401  (the lines pages: routes on this blueprint)
