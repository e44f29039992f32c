"""What a node is: a small class with parameters (set in the flow editor) and
``run(call) -> outcome``; the flow maps each outcome to the next step.

A node class says what the flow editor and the validator need to know about it:
``params_spec`` (its parameters, with defaults), ``outcomes`` (what ``run`` may return),
``terminal`` (it always ends the IVR's part: transfer, hangup, goto) and ``may_end`` (it
may end it: it asks the caller, who can press 0 or stay silent). Two outcomes need no
declaration and are optional on any step: ``timeout`` (the caller pressed nothing,
:class:`~app.ivr.control.NoInput`) and ``retries`` (wrong keys until the tries ran out,
:class:`~app.ivr.control.RetriesExhausted`); without them the engine says goodbye, or
transfers to an agent.

A plugin's node may subclass :class:`Node` (recommended: its parameters are then checked)
or be any class with ``run(call)``; such a class is built without arguments, its outcomes
are not checked, and it counts as a node that may end the call."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from app.pluginhost.naming import PROMPT_NAME

if TYPE_CHECKING:
    from app.ivr.call import Call

TIMEOUT = "timeout"
RETRIES = "retries"
GENERIC_OUTCOMES = (TIMEOUT, RETRIES)
PARAM_KINDS = ("str", "int", "bool", "prompt", "queue", "flow")


@dataclass(frozen=True)
class Param:
    """A parameter of a node. ``kind``: ``str``, ``int``, ``bool``, ``prompt`` (a prompt
    name), ``queue`` (an agent queue) or ``flow`` (a flow name); ``minimum`` for ints."""

    name: str
    kind: str = "str"
    default: Any = None
    required: bool = False
    title: str = ""
    minimum: int | None = None


@dataclass(frozen=True)
class Issue:
    """Something wrong with a step, for the validator (which adds the step's id).
    ``code`` and ``args`` let the flow editor translate ``message``."""

    code: str
    message: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckContext:
    """What a node's check may compare against: known prompt and flow names (``None``:
    not checked)."""

    prompts: frozenset[str] | None = None
    flows: frozenset[str] | None = None


class Node:
    """Base class of IVR nodes. ``self.params`` holds the step's parameters over the
    declared defaults; ``self.exits`` the outcomes the flow wired to a next step (a menu
    offers exactly those keys)."""

    params_spec: ClassVar[tuple[Param, ...]] = ()
    outcomes: ClassVar[tuple[str, ...]] = ("done",)
    terminal: ClassVar[bool] = False
    may_end: ClassVar[bool] = True
    #: Says and asks nothing on its usual way (a routing node): a prompt before it may be
    #: cut short with the keys of the menu after it (barge-in looks past it).
    silent: ClassVar[bool] = False

    def __init__(self, params: Mapping[str, Any] | None = None, exits: Any = ()) -> None:
        self.params: dict[str, Any] = {p.name: p.default for p in self.params_spec}
        self.params.update(params or {})
        self.exits: frozenset[str] = frozenset(exits)

    def run(self, call: Call) -> str:
        raise NotImplementedError

    # --- validation (class-level: no instance is needed to check a flow) -------------------

    @classmethod
    def check(cls, params: Mapping[str, Any], exits: Mapping[str, str],
              context: CheckContext) -> list[Issue]:
        return cls.check_params(params, context) + cls.check_outcomes(params, exits)

    @classmethod
    def check_params(cls, params: Mapping[str, Any], context: CheckContext) -> list[Issue]:
        issues: list[Issue] = []
        spec = {p.name: p for p in cls.params_spec}
        for name in params:
            if name not in spec:
                issues.append(Issue("unknown_param", f"has no parameter {name!r}", {"param": name}))
        for param in cls.params_spec:
            value = params.get(param.name, param.default)
            if param.required and (value is None or value == ""):
                issues.append(Issue("missing_param", f"needs the parameter {param.name!r}",
                                    {"param": param.name}))
                continue
            if value is None or (value == "" and param.kind != "bool"):
                continue
            issues += _check_value(param, value, context)
        return issues

    @classmethod
    def check_outcomes(cls, params: Mapping[str, Any], exits: Mapping[str, str]) -> list[Issue]:
        issues: list[Issue] = []
        if cls.terminal:
            extra = [o for o in exits if o not in GENERIC_OUTCOMES]
            if extra:
                issues.append(Issue("terminal_has_next", "ends the call; it cannot lead on with "
                                    f"{', '.join(map(repr, extra))}", {"outcomes": extra}))
            return issues
        for outcome in exits:
            if outcome not in cls.outcomes and outcome not in GENERIC_OUTCOMES:
                issues.append(Issue("unknown_outcome", f"has no outcome {outcome!r} (it has: "
                                    f"{', '.join(cls.outcomes)})", {"outcome": outcome}))
        for outcome in cls.outcomes:
            if outcome not in exits:
                issues.append(Issue("unwired_outcome", f"outcome {outcome!r} leads nowhere",
                                    {"outcome": outcome}))
        return issues


def _check_value(param: Param, value: Any, context: CheckContext) -> list[Issue]:
    args = {"param": param.name, "value": value}
    if param.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return [Issue("bad_param", f"parameter {param.name!r} must be a whole number", args)]
        if param.minimum is not None and value < param.minimum:
            return [Issue("bad_param", f"parameter {param.name!r} must be at least {param.minimum}",
                          args | {"minimum": param.minimum})]
        return []
    if param.kind == "bool":
        if not isinstance(value, bool):
            return [Issue("bad_param", f"parameter {param.name!r} must be true or false", args)]
        return []
    if not isinstance(value, str):
        return [Issue("bad_param", f"parameter {param.name!r} must be text", args)]
    if param.kind == "prompt":
        if not PROMPT_NAME.match(value):
            return [Issue("bad_prompt", f"{value!r} is not a prompt name", args)]
        if context.prompts is not None and value not in context.prompts:
            return [Issue("unknown_prompt", f"prompt {value!r} is not in the prompt catalog", args)]
    if param.kind == "flow" and context.flows is not None and value not in context.flows:
        return [Issue("unknown_flow", f"flow {value!r} does not exist", args)]
    return []


def node_facts(node_class: type) -> tuple[bool, bool]:
    """(terminal, may_end) of any node class, :class:`Node` or not."""
    if isinstance(node_class, type) and issubclass(node_class, Node):
        return node_class.terminal, node_class.may_end or node_class.terminal
    return bool(getattr(node_class, "terminal", False)), True


def coerce_params(node_class: type, params: Mapping[str, str]) -> dict[str, Any]:
    """Text parameters (from an AGI script query, ``node/core.play?prompt=goodbye``) as the
    node declares them: ``int`` and ``bool`` parameters converted, the rest kept."""
    spec = {p.name: p for p in getattr(node_class, "params_spec", ())}
    out: dict[str, Any] = {}
    for name, value in params.items():
        kind = spec[name].kind if name in spec else "str"
        if kind == "int":
            out[name] = int(value)
        elif kind == "bool":
            out[name] = str(value).strip().lower() in ("1", "true", "yes", "on")
        else:
            out[name] = value
    return out


def make_node(node_class: type, params: Mapping[str, Any], exits: Any) -> Any:
    """An instance for one step: :class:`Node` subclasses get their parameters; other
    classes are built without arguments (the plugin API's simplest shape)."""
    if isinstance(node_class, type) and issubclass(node_class, Node):
        return node_class(params, exits)
    return node_class()
