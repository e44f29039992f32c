"""Checking a flow definition against the declared node types: every problem, named by its
step, so that what is saved can run."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.ivr.flows.definition import Flow, FlowError, Problem, parse, structure_problems, to_flow
from app.ivr.nodes.base import CheckContext, Node, node_facts


def validate(definition: str | Mapping[str, Any], node_types: Mapping[str, type],
             context: CheckContext | None = None) -> list[Problem]:
    """Every problem of ``definition`` against the declared ``node_types`` (name → class);
    [] when it can be saved."""
    try:
        definition = parse(definition)
    except FlowError as exc:
        return exc.problems
    problems = structure_problems(definition)
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
