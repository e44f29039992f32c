"""What the IVR pages say about flows and calls, in the reader's language: validation
problems (:class:`~app.ivr.flows.Problem` codes), call outcomes, simulator events."""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.ivr.flows import Problem

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
    "bad_region": _l("%(outcome)s is not a province or city name in Chinese (for example 福建省 or 福州)."),
}

OUTCOME_TITLES = {
    "self_served": _l("Self-served"),
    "transferred": _l("Transferred to an agent"),
    "voicemail": _l("Voice message left"),
    "hung_up": _l("Ended in the IVR"),
    "error": _l("Error"),
    "": _l("Unknown"),
}

#: Why a call left the IVR (``CallResult.reason``), as the engine records it in English.
REASON_TITLES = {
    "caller pressed 0": _l("the caller pressed 0"),
    "retries exhausted": _l("too many wrong entries"),
    "no input": _l("no input"),
    "blacklisted": _l("the caller is blacklisted"),
}

#: The engine's own step outcomes; a node's outcomes (its transitions) are shown as named.
STEP_OUTCOME_TITLES = {
    "timeout": _l("no input"),
    "retries": _l("too many wrong entries"),
    "done": _l("done"),
    "": _l("the call left the IVR here"),
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


def problem_text(problem: Problem) -> str:
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
