"""Flows are data: a JSON definition per version, validated before it is saved.

The format (``IVRFlowVersion.definition``)::

    {"start": "welcome",                      # optional: the first step by default
     "steps": [
       {"id": "welcome", "type": "core.play", "params": {"prompt": "welcome-11185"},
        "next": {"done": "menu"}},
       {"id": "menu", "type": "core.menu",
        "params": {"prompt": "menu-11185", "timeout_s": 20, "idle_limit_s": 60},
        "next": {"1": "postcode", "2": "agent", "timeout": "bye"}},
       {"id": "agent", "type": "core.transfer", "params": {"queue": "ems"}},
       {"id": "bye", "type": "core.hangup"}]}

A step has an ``id`` (lowercase letters, digits, ``-``, ``_``), a node ``type`` (a name
declared through ``postline_ivr_nodes``: ``core.menu``, ``postcode.lookup``...), its
``params`` and ``next``: outcome → step id (a menu's outcomes are its keys). Steps may
carry ``note`` and ``position`` for the flow editor.

**Unknown node types are refused**: a flow may only use nodes the core or an enabled
plugin declares, so that what is saved can run. A plugin disabled later leaves its steps
in stored flows; the engine then gives callers reaching such a step an apology and an
agent (see :mod:`app.ivr.engine`) and :func:`check_active_flows` lists them.

Validation also refuses dangling transitions (to a step that does not exist), outcomes a
node does not have and outcomes it has that lead nowhere, menus without keys or with the
reserved keys 0 and *, unreachable steps, and loops with no exit (a cycle in which no
step can end the call or leave the cycle towards one that can). Every problem names its
step."""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.ivr.models import IVRFlow, IVRFlowVersion
from app.ivr.nodes.base import CheckContext, Node, Param, node_facts
from app.ivr.prompts import catalog
from app.pluginhost import collect

STEP_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
FLOW_NAME = STEP_ID
TOP_KEYS = {"start", "steps", "title", "note"}
STEP_KEYS = {"id", "type", "params", "next", "note", "position"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition. ``step`` is "" for the flow as a whole; ``code``
    and ``args`` let the flow editor show the message in the user's language."""

    step: str
    code: str
    message: str
    args: dict[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"step {self.step!r}: {self.message}" if self.step else self.message


class FlowError(ValueError):
    """A definition that cannot be saved or run; ``problems`` says why, step by step."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class Step:
    id: str
    type: str
    params: dict[str, Any]
    next: dict[str, str]


@dataclass(frozen=True)
class Flow:
    """A definition ready to run."""

    name: str
    version: int | None
    start: str
    steps: dict[str, Step]


# --- reading -------------------------------------------------------------------------------

def parse(definition: str | Mapping[str, Any]) -> dict[str, Any]:
    """A definition from JSON text (or a dict, copied)."""
    if isinstance(definition, (str, bytes)):
        try:
            definition = json.loads(definition)
        except ValueError as exc:
            raise FlowError([Problem("", "bad_json", f"the definition is not JSON: {exc}")]) from exc
    if not isinstance(definition, Mapping):
        raise FlowError([Problem("", "bad_structure", "the definition must be a JSON object")])
    return json.loads(json.dumps(definition))


def _structure(definition: Mapping[str, Any]) -> list[Problem]:
    problems = []
    for key in sorted(set(definition) - TOP_KEYS):
        problems.append(Problem("", "unknown_key", f"unknown key {key!r}", {"key": key}))
    steps = definition.get("steps")
    if not isinstance(steps, list) or not steps:
        return problems + [Problem("", "no_steps", "the flow has no steps")]
    seen: set[str] = set()
    for index, step in enumerate(steps, 1):
        if not isinstance(step, Mapping):
            problems.append(Problem("", "bad_step", f"step #{index} is not an object", {"index": index}))
            continue
        sid = step.get("id")
        if not isinstance(sid, str) or not STEP_ID.match(sid):
            problems.append(Problem("", "bad_step_id", f"step #{index}: id {sid!r} must be lowercase "
                                    "letters, digits, '-' or '_'", {"index": index, "id": sid}))
            continue
        if sid in seen:
            problems.append(Problem(sid, "duplicate_step", "is defined twice"))
        seen.add(sid)
        for key in sorted(set(step) - STEP_KEYS):
            problems.append(Problem(sid, "unknown_key", f"unknown key {key!r}", {"key": key}))
        if not isinstance(step.get("type"), str) or not step.get("type"):
            problems.append(Problem(sid, "no_type", "has no node type"))
        if not isinstance(step.get("params", {}), Mapping):
            problems.append(Problem(sid, "bad_params", "params must be an object"))
        nxt = step.get("next", {})
        if not isinstance(nxt, Mapping) or not all(
                isinstance(k, str) and isinstance(v, str) for k, v in nxt.items()):
            problems.append(Problem(sid, "bad_next", "next must map outcomes to step ids"))
    start = definition.get("start")
    if start is not None and (not isinstance(start, str) or start not in seen):
        problems.append(Problem("", "bad_start", f"the start step {start!r} does not exist",
                                {"start": start}))
    return problems


def to_flow(definition: Mapping[str, Any], name: str = "", version: int | None = None) -> Flow:
    problems = _structure(definition)
    if problems:
        raise FlowError(problems)
    steps = {s["id"]: Step(s["id"], s["type"], dict(s.get("params") or {}), dict(s.get("next") or {}))
             for s in definition["steps"]}
    return Flow(name, version, definition.get("start") or definition["steps"][0]["id"], steps)


# --- validating ------------------------------------------------------------------------------

def validate(definition: str | Mapping[str, Any], node_types: Mapping[str, type],
             context: CheckContext | None = None) -> list[Problem]:
    """Every problem of ``definition`` against the declared ``node_types`` (name → class);
    [] when it can be saved."""
    try:
        definition = parse(definition)
    except FlowError as exc:
        return exc.problems
    problems = _structure(definition)
    if problems:
        return problems
    flow = to_flow(definition)
    context = context or CheckContext()
    for step in flow.steps.values():
        node_class = node_types.get(step.type)
        if node_class is None:
            problems.append(Problem(step.id, "unknown_node", f"node type {step.type!r} is not "
                                    "declared by the core or an enabled plugin", {"type": step.type}))
        elif isinstance(node_class, type) and issubclass(node_class, Node):
            problems += [Problem(step.id, i.code, i.message, i.args)
                         for i in node_class.check(step.params, step.next, context)]
        for outcome, target in step.next.items():
            if target not in flow.steps:
                problems.append(Problem(step.id, "dangling", f"{outcome!r} leads to step {target!r}, "
                                        "which does not exist", {"outcome": outcome, "target": target}))
    problems += _unreachable(flow) + _closed_loops(flow, node_types)
    return problems


def _successors(flow: Flow, sid: str) -> list[str]:
    return [t for t in flow.steps[sid].next.values() if t in flow.steps]


def _unreachable(flow: Flow) -> list[Problem]:
    seen, todo = {flow.start}, [flow.start]
    while todo:
        for target in _successors(flow, todo.pop()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return [Problem(sid, "unreachable", "cannot be reached from the start step")
            for sid in flow.steps if sid not in seen]


def _closed_loops(flow: Flow, node_types: Mapping[str, type]) -> list[Problem]:
    """Cycles in which no step can end the call and none leads out to one that can."""
    can_end = {}
    for sid, step in flow.steps.items():
        node_class = node_types.get(step.type)
        can_end[sid] = node_class is None or any(node_facts(node_class))
    changed = True
    while changed:
        changed = False
        for sid in flow.steps:
            if not can_end[sid] and any(can_end[t] for t in _successors(flow, sid)):
                can_end[sid] = changed = True
    stuck = {sid for sid, ok in can_end.items() if not ok}
    problems, reported = [], set()
    for sid in flow.steps:
        if sid in stuck and sid not in reported:
            loop = _cycle_through(flow, sid, stuck)
            if loop:
                reported |= set(loop)
                problems.append(Problem(sid, "closed_loop", "is in a loop with no exit: "
                                        + " → ".join(loop + [sid]) + " (no step in it can end the call)",
                                        {"steps": loop}))
    return problems


def _cycle_through(flow: Flow, start: str, within: set[str]) -> list[str]:
    """A path start → ... → start inside ``within`` (as a list without the final start), or []."""
    parents: dict[str, str] = {}
    todo = [start]
    while todo:
        current = todo.pop(0)
        for target in _successors(flow, current):
            if target == start:
                path = [current]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return list(reversed(path))
            if target in within and target not in parents:
                parents[target] = current
                todo.append(target)
    return []


def referenced_prompts(definition: Mapping[str, Any], node_types: Mapping[str, type]) -> set[str]:
    """Prompt names a definition plays through its steps' parameters (defaults included),
    for ``postline prompts check``."""
    found = set()
    for step in definition.get("steps") or []:
        node_class = node_types.get(step.get("type", ""))
        if isinstance(node_class, type) and issubclass(node_class, Node):
            params = {p.name: p.default for p in node_class.params_spec} | dict(step.get("params") or {})
            found |= {params[p.name] for p in node_class.params_spec
                      if p.kind == "prompt" and isinstance(params.get(p.name), str) and params[p.name]}
    return found


# --- the site's nodes, prompts and flows (inside an app context) -------------------------------

def node_types(app: Flask | None = None) -> dict[str, type]:
    """Node name → class, from the core and the enabled plugins."""
    return {node.name: node.node_class for node in collect("postline_ivr_nodes", app)}


@dataclass(frozen=True)
class NodeSpec:
    """What the flow editor shows of a node type: its parameters, and the outcomes it can
    lead on with (``None``: not declared, any name; a menu's are its keys 1-9; every step
    may also have ``timeout`` and ``retries``)."""

    name: str
    title: Any  # str or a lazy_gettext string: rendered in the reader's language
    plugin: str
    params: tuple[Param, ...]
    outcomes: tuple[str, ...] | None
    terminal: bool
    may_end: bool


def node_specs(app: Flask | None = None) -> list[NodeSpec]:
    """The declared node types, in the declarations' order."""
    specs = []
    for node in collect("postline_ivr_nodes", app):
        cls = node.node_class
        declared = isinstance(cls, type) and issubclass(cls, Node)
        terminal, may_end = node_facts(cls)
        specs.append(NodeSpec(node.name, node.title, node.plugin,
                              tuple(cls.params_spec) if declared else (),
                              tuple(cls.outcomes) if declared else None, terminal, may_end))
    return specs


def check_context(extra_flows: set[str] = frozenset()) -> CheckContext:
    flows = set(db.session.scalars(select(IVRFlow.name))) | set(extra_flows)
    return CheckContext(prompts=frozenset(catalog()), flows=frozenset(flows))


def validate_here(definition: str | Mapping[str, Any], flow_name: str = "") -> list[Problem]:
    """:func:`validate` against this site's nodes, prompt catalog and flows."""
    return validate(definition, node_types(), check_context({flow_name} if flow_name else set()))


# --- versions -------------------------------------------------------------------------------

def save_version(name: str, definition: str | Mapping[str, Any], *, title: str | None = None,
                 author: str = "", note: str = "", activate: bool = True) -> IVRFlowVersion:
    """Validate and store ``definition`` as the flow's next version (creating the flow if
    need be); ``activate``: new calls use it from now on. Raises :class:`FlowError`."""
    if not FLOW_NAME.match(name or ""):
        raise FlowError([Problem("", "bad_flow_name", f"flow name {name!r} must be lowercase "
                                 "letters, digits, '-' or '_'", {"name": name})])
    definition = parse(definition)
    problems = validate_here(definition, name)
    if problems:
        raise FlowError(problems)
    flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == name))
    if flow is None:
        flow = IVRFlow(name=name, title=title or name)
        db.session.add(flow)
        db.session.flush()
    elif title is not None:
        flow.title = title
    number = (db.session.scalar(select(func.max(IVRFlowVersion.number))
                                .where(IVRFlowVersion.flow_id == flow.id)) or 0) + 1
    version = IVRFlowVersion(flow_id=flow.id, number=number, created_by=author, note=note,
                             definition=json.dumps(definition, ensure_ascii=False, indent=1))
    db.session.add(version)
    if activate:
        flow.active_version = number
    db.session.commit()
    return version


def activate(name: str, number: int) -> None:
    """Make an existing version the one new calls use (a roll-back is the same)."""
    flow = db.session.scalar(select(IVRFlow).where(IVRFlow.name == name))
    if flow is None:
        raise LookupError(f"no flow named {name!r}")
    exists = db.session.scalar(select(IVRFlowVersion.id).where(
        IVRFlowVersion.flow_id == flow.id, IVRFlowVersion.number == number))
    if exists is None:
        raise LookupError(f"flow {name!r} has no version {number}")
    flow.active_version = number
    db.session.commit()


def active_flow(name: str) -> Flow | None:
    """The flow new calls run, parsed; ``None`` if there is no such flow or version."""
    row = db.session.execute(
        select(IVRFlowVersion.definition, IVRFlowVersion.number)
        .join(IVRFlow, IVRFlow.id == IVRFlowVersion.flow_id)
        .where(IVRFlow.name == name, IVRFlowVersion.number == IVRFlow.active_version)
    ).first()
    if row is None:
        return None
    return to_flow(parse(row.definition), name, row.number)


def check_active_flows() -> dict[str, list[Problem]]:
    """The active flows that would no longer be saved as they are (a plugin they use was
    disabled, a prompt removed): flow name → problems. For an admin page or a start-up log."""
    found = {}
    for name in db.session.scalars(select(IVRFlow.name).where(IVRFlow.active_version.is_not(None))):
        row = db.session.scalar(
            select(IVRFlowVersion.definition).join(IVRFlow, IVRFlow.id == IVRFlowVersion.flow_id)
            .where(IVRFlow.name == name, IVRFlowVersion.number == IVRFlow.active_version))
        problems = validate_here(row, name) if row else []
        if problems:
            found[name] = problems
    return found
