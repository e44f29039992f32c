"""Runs one call: picks the entry from the AGI script path, walks the flow step by step,
and leaves exactly one closed call record whatever happens.

Entries (``channel.info.script`` and ``query``):

* ``ivr?line=11185``: the active version of that line's flow (read for every call, so a
  saved version applies to the next call). Without ``line``: the extension, then the
  dialled number, then ``IVR_DEFAULT_LINE``, then the first active line.
* ``node/<name>?param=value``: one node, then back to the dialplan with
  ``POSTLINE_OUTCOME`` (dialplan shortcuts and tests).
* ``survey?call=<POSTLINE_CALL_ID>``: the satisfaction survey after the agent; it scores
  the original call's record and makes no record of its own.

Every step runs in its own app context, so its database session (and pooled connection)
lives no longer than the step, and :mod:`app.ivr.sessions` returns it even sooner, before
the call waits for the caller. Control signals from the call verbs
(:mod:`app.ivr.signals`) end or redirect the walk; a caller's hangup
(:class:`~app.ivr.channel.Hangup`) ends it; anything else is an error: the caller hears an
apology and goes to the line's queue with ``POSTLINE_STATUS=ERROR``. Never silence."""
from __future__ import annotations

import json
import logging
import traceback
from dataclasses import dataclass
from typing import Any, NoReturn

from flask import Flask

from app.extensions import db
from app.ivr import flows
from app.ivr.prompts import texts as p
from app.ivr.call import Call
from app.ivr.channel import Channel, Hangup
from app.ivr.lines import LineInfo, resolve_line
from app.calls.models import ERROR, HUNG_UP, SELF_SERVED, TRANSFERRED, CallRecord
from app.ivr.nodes.base import RETRIES, TIMEOUT, coerce_params, make_node
from app.ivr.nodes.transfer import transfer_to_agent
from app.ivr.signals import (
    AgentRequested,
    CallControl,
    CallEnded,
    GotoFlow,
    NoInput,
    RetriesExhausted,
    Transferred,
)
from app.pluginhost import notify
from app.timeutil import utcnow

log = logging.getLogger("postline.ivr")

#: Steps one call may take (a caller going round a menu a few dozen times is fine; a flow
#: that jumps between flows forever is not).
MAX_STEPS = 200
SURVEY_NODE = "core.survey"


class FlowRuntimeError(RuntimeError):
    """The flow cannot go on (no active flow, unknown node, an outcome with no transition)."""


@dataclass(frozen=True)
class CallResult:
    call_id: int | None
    outcome: str
    reason: str


@dataclass(frozen=True)
class Route:
    kind: str          # "flow" | "node" | "survey"
    line: str = ""
    node: str = ""
    params: dict[str, Any] | None = None


def route_of(info: Any) -> Route:
    """The entry named by the AGI script path and query (``agi://host/<script>?<query>``)."""
    script = (info.script or "").strip("/")
    query = dict(info.query or {})
    line = query.pop("line", "")
    if script.startswith("node/"):
        return Route("node", line, script[len("node/"):], query)
    if script == "survey":
        return Route("survey", line, SURVEY_NODE, {"call": query.get("call", "")})
    return Route("flow", line)


def run_call(app: Flask, channel: Channel, definition: Any = None) -> CallResult:
    """Run the IVR for one call on ``channel`` until it leaves the IVR. Never raises for
    anything the call does (the AGI server calls it once per connection).

    ``definition`` runs an unsaved flow definition instead of the line's (the flow
    editor's simulator)."""
    return _CallRun(app, channel, definition).run()


class _CallRun:
    def __init__(self, app: Flask, channel: Channel, definition: Any) -> None:
        self.app = app
        self.channel = channel
        self.definition = definition
        self.route = route_of(channel.info)
        self.call = Call(channel)
        self.record_id: int | None = None
        self.node_types: dict[str, type] = {}

    # --- the whole call -------------------------------------------------------------------

    def run(self) -> CallResult:
        call = self.call
        try:
            flow = self._begin()
            if self.route.kind == "flow":
                self._walk(flow)
            else:
                self._single_node()
        except Hangup as exc:  # the caller, or the AGI side giving up on the connection
            self._ended(call.outcome or getattr(exc, "outcome", "") or HUNG_UP,
                        call.scrub(str(exc))[:120] or "caller hung up")
        except Transferred:
            self._ended(TRANSFERRED, call.reason)
        except CallEnded as end:
            self._ended(end.outcome, end.reason)
        except (CallControl, Exception) as exc:  # a signal no step handled, or a failure
            self._fail(exc)
        finally:
            self._close()
        return CallResult(self.record_id, call.outcome, call.reason)

    def _ended(self, outcome: str, reason: str) -> None:
        self.call.outcome, self.call.reason = outcome, reason or self.call.reason

    def _begin(self) -> flows.Flow | None:
        """Line, flow and call record, in one short session."""
        info, call = self.channel.info, self.call
        with self.app.app_context():
            self.node_types = flows.node_types(self.app)
            line = resolve_line([self.route.line, info.extension, info.dnid])
            number = line.number if line else (self.route.line or info.dnid or info.extension)
            call.line = line or LineInfo(number=number, queue=number)
            flow = None
            if self.route.kind == "flow":
                if self.definition is not None:
                    flow = flows.to_flow(flows.parse(self.definition), "(draft)")
                elif call.line.flow:
                    flow = flows.active_flow(call.line.flow)
            if self.route.kind != "survey" and not call.dry_run:
                record = CallRecord(uniqueid=info.uniqueid[:64], line=call.line.number[:32],
                                    caller=info.caller[:64], dnid=info.dnid[:64],
                                    channel=info.channel[:128], started_at=utcnow(),
                                    entry=(info.script or "ivr")[:128],
                                    flow=flow.name[:64] if flow else "",
                                    flow_version=flow.version if flow else None)
                db.session.add(record)
                db.session.commit()
                self.record_id = call.call_id = record.id
        call.log.info("call from %s on line %s (%s)", info.caller or "unknown",
                      call.line.number or "?", info.script or "ivr")
        if self.route.kind == "flow" and flow is None:
            raise FlowRuntimeError(f"line {call.line.number or '?'} has no active flow")
        return flow

    # --- walking a flow ---------------------------------------------------------------------

    def _walk(self, flow: flows.Flow) -> None:
        step_id = flow.start
        for _ in range(MAX_STEPS):
            step = flow.steps.get(step_id)
            if step is None:
                raise FlowRuntimeError(f"flow {flow.name}: step {step_id!r} does not exist")
            try:
                outcome = self._step(step.id, step.type, step.params, step.next)
            except GotoFlow as jump:
                flow = self._load(jump.flow)
                step_id = flow.start
                continue
            except NoInput:
                if TIMEOUT not in step.next:
                    self._no_input()
                outcome = TIMEOUT
            except RetriesExhausted:
                if RETRIES not in step.next:
                    self._to_agent("retries exhausted")
                outcome = RETRIES
            except AgentRequested:
                self._to_agent("caller pressed 0")
            self.call.left(outcome)
            if outcome not in step.next:
                raise FlowRuntimeError(f"flow {flow.name}: step {step.id!r} ended with {outcome!r}, "
                                       "which leads nowhere")
            step_id = step.next[outcome]
        raise FlowRuntimeError(f"more than {MAX_STEPS} steps in one call")

    def _step(self, step_id: str, node_type: str, params: dict[str, Any], exits: Any,
              from_query: bool = False) -> str:
        """One node, in its own app context (its own short database session)."""
        with self.app.app_context():
            self.call.enter(step_id, node_type)
            node_class = self.node_types.get(node_type)
            if node_class is None:
                raise FlowRuntimeError(f"step {step_id!r}: node type {node_type!r} is not declared "
                                       "(is its plugin disabled?)")
            if from_query:
                params = coerce_params(node_class, params)
            outcome = make_node(node_class, params, exits).run(self.call)
            return str(outcome or "done")

    def _load(self, name: str) -> flows.Flow:
        with self.app.app_context():
            flow = flows.active_flow(name)
        if flow is None:
            raise FlowRuntimeError(f"goto: flow {name!r} has no active version")
        return flow

    def _single_node(self) -> None:
        """``node/<name>`` and ``survey``: one node; its outcome goes back to the dialplan."""
        route = self.route
        try:
            outcome = self._step(route.node, route.node, route.params or {}, (), from_query=True)
        except NoInput:
            self._no_input()
        except RetriesExhausted:
            self._to_agent("retries exhausted")
        except AgentRequested:
            self._to_agent("caller pressed 0")
        except GotoFlow as jump:
            self._walk(self._load(jump.flow))
            return
        self.call.left(outcome)
        for name, value in (("POSTLINE_OUTCOME", outcome), ("POSTLINE_CALL_ID", str(self.record_id or "")),
                            ("POSTLINE_STATUS", "OK")):
            self.channel.set_variable(name, value)
        self._ended(self.call.outcome or SELF_SERVED, f"node {route.node}: {outcome}")

    def _no_input(self) -> NoReturn:
        self.call.hangup(p.GOODBYE_NO_INPUT, outcome=HUNG_UP, reason="no input")

    def _to_agent(self, reason: str) -> NoReturn:
        self.call.reason = reason
        with self.app.app_context():
            transfer_to_agent(self.call)

    # --- failures and the record --------------------------------------------------------------

    def _fail(self, exc: BaseException) -> None:
        """Apology, then the dialplan hands the call to the line's queue. The log gets the
        traceback with every secret of the call masked; the caller and Asterisk get none."""
        call = self.call
        if isinstance(exc, (FlowRuntimeError, flows.FlowError)):  # configuration: one line says it
            detail = call.scrub(f"{type(exc).__name__}: {exc}")
        else:
            detail = call.scrub("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        call.log.error("IVR error, handing the caller to an agent: %s", detail.rstrip())
        call.outcome, call.reason = ERROR, call.scrub(f"{type(exc).__name__}: {exc}")[:120]
        queue = call.line.queue or self.route.line
        try:
            self.channel.stream_file(p.SORRY_ERROR, "")
        except Exception:  # the caller may be gone; the variables below matter more
            pass
        try:
            for name, value in (("POSTLINE_QUEUE", queue), ("POSTLINE_PRIORITY", "0"),
                                ("POSTLINE_AGENT", ""), ("POSTLINE_CALL_ID", str(self.record_id or "")),
                                ("POSTLINE_STATUS", "ERROR")):
                self.channel.set_variable(name, value)
        except Exception:
            call.log.warning("could not set the error variables (caller gone?)")
        call.queue = queue

    def _close(self) -> None:
        """Close the record; never raises (the caller's call is over, whatever we failed)."""
        call = self.call
        if self.record_id is None:
            return
        try:
            with self.app.app_context():
                record = db.session.get(CallRecord, self.record_id)
                record.ended_at = utcnow()
                record.duration_s = int(round(call.elapsed()))
                record.outcome = call.outcome or HUNG_UP
                record.reason = call.reason[:120]
                record.path = json.dumps([e.as_dict() for e in call.path], ensure_ascii=False)
                record.data = json.dumps(call.screen_data(), ensure_ascii=False, default=str)
                record.queue, record.priority = call.queue[:64], call.priority
                record.preferred_agent = call.agent[:64]
                db.session.commit()
                notify("postline_call_ended", self.app, call=record)
        except Exception:
            call.log.exception("could not close call record %s", self.record_id)
        call.log.info("call ended: %s%s", call.outcome, f" ({call.reason})" if call.reason else "")
