"""Flows are data: a JSON definition per version, validated before it is saved (this module
reads a definition; :mod:`.validation` checks it; :mod:`.versions` stores it).

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
agent (see :mod:`app.ivr.engine`) and :func:`~app.ivr.flows.versions.check_active_flows`
lists them.

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


def structure_problems(definition: Mapping[str, Any]) -> list[Problem]:
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
    problems = structure_problems(definition)
    if problems:
        raise FlowError(problems)
    steps = {s["id"]: Step(s["id"], s["type"], dict(s.get("params") or {}), dict(s.get("next") or {}))
             for s in definition["steps"]}
    return Flow(name, version, definition.get("start") or definition["steps"][0]["id"], steps)
