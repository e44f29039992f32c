"""One call, from the environment Asterisk sent to the closed call record: the entry named
by the AGI script path (:mod:`.entries`) decides what runs, and exactly one record is left
closed whatever happens.

Every step runs in its own app context, so its database session (and pooled connection)
lives no longer than the step, and :mod:`app.ivr.sessions` returns it even sooner, before
the call waits for the caller. Control signals from the call verbs (:mod:`app.ivr.control`)
end or redirect the walk; a caller's hangup (:class:`~app.ivr.channel.Hangup`) ends it;
anything else is an error: the caller hears an apology and goes to the line's queue with
``POSTLINE_STATUS=ERROR``. Never silence."""
from __future__ import annotations

import json
import logging
import traceback
from dataclasses import dataclass, field
from typing import Any, NoReturn

from flask import Flask

from app.calls.models import ERROR, HUNG_UP, SELF_SERVED, TRANSFERRED, CallRecord
from app.extensions import db
from app.ivr import flows, handover
from app.ivr.call import MENU_KEYS, Call, PathEntry
from app.ivr.channel import Channel, Hangup, MissingSound
from app.ivr.control import (
    AgentRequested,
    BackToMenu,
    CallControl,
    CallEnded,
    GotoFlow,
    NoInput,
    RetriesExhausted,
    Transferred,
)
from app.ivr.engine.entries import entry_of
from app.ivr.handover import Handover, hand_over
from app.ivr.incidents import active_for
from app.ivr.lines import LineInfo, resolve_line
from app.ivr.masking import mask_digits
from app.ivr.nodes.base import RETRIES, TIMEOUT, coerce_params, make_node
from app.ivr.nodes.registry import node_types
from app.ivr.nodes.transfer import transfer_to_agent
from app.ivr.prompts import texts as p
from app.pluginhost import notify
from app.timeutil import utcnow

log = logging.getLogger("postline.ivr")

#: The node of a welcome: an incident announcement plays after it.
WELCOME_NODE = "core.play"
MENU_NODE = "core.menu"
#: Steps one call may take (a caller going round a menu a few dozen times is fine; a flow
#: that jumps between flows forever is not).
MAX_STEPS = 200


class FlowRuntimeError(RuntimeError):
    """The flow cannot go on (no active flow, unknown node, an outcome with no transition)."""


@dataclass(frozen=True)
class CallResult:
    """How a call left the IVR, with what the engine kept of it: the steps it went through
    (``path``) and what the agent sees (``data``, secrets masked)."""

    call_id: int | None
    outcome: str
    reason: str
    path: tuple[PathEntry, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


def run_call(app: Flask, channel: Channel, definition: Any = None) -> CallResult:
    """Run the IVR for one call on ``channel`` until it leaves the IVR. Never raises for
    anything the call does (the AGI server calls it once per connection).

    ``definition`` runs an unsaved flow definition instead of the line's (the flow
    editor's simulator)."""
    return CallRun(app, channel, definition).run()


class CallRun:
    """One call. The entry (:mod:`.entries`) calls :meth:`walk` or :meth:`single_node`."""

    def __init__(self, app: Flask, channel: Channel, definition: Any) -> None:
        self.app = app
        self.channel = channel
        self.definition = definition
        self.entry, self.target = entry_of(channel.info.script)
        self.query = dict(channel.info.query or {})
        self.line_number = self.query.pop("line", "")
        self.call = Call(channel)
        self.record_id: int | None = None
        self.node_types: dict[str, type] = {}
        #: The incident announcement on for the line when the call came (its prompt), or "".
        self.announcement = ""
        #: The menus the call came through, first to last (flow, step id): where an answer's
        #: "previous menu" and "main menu" lead.
        self.menus: list[tuple[flows.Flow, str]] = []

    # --- the whole call -------------------------------------------------------------------

    def run(self) -> CallResult:
        call = self.call
        try:
            self.entry.run(self, self._begin())
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
            self._let_go()
            data = call.screen_data()
            self._close(data)
        return CallResult(self.record_id, call.outcome, call.reason, tuple(call.path), data)

    def _ended(self, outcome: str, reason: str) -> None:
        self.call.outcome, self.call.reason = outcome, reason or self.call.reason

    def _begin(self) -> flows.Flow | None:
        """Line, flow (for an entry that runs one) and call record, in one short session."""
        info, call = self.channel.info, self.call
        with self.app.app_context():
            self.node_types = node_types(self.app)
            line = resolve_line([self.line_number, info.extension, info.dnid])
            number = line.number if line else (self.line_number or info.dnid or info.extension)
            call.line = line or LineInfo(number=number, queue=number)
            flow = None
            if self.entry.runs_flow:
                if self.definition is not None:
                    flow = flows.to_flow(flows.parse(self.definition), "(draft)")
                elif call.line.flow:
                    flow = flows.active_flow(call.line.flow)
            incident = active_for(call.line.id, call.now()) if self.entry.runs_flow else None
            self.announcement = incident.prompt if incident else ""
            if self.entry.records_call and not call.dry_run:
                record = CallRecord(uniqueid=info.uniqueid[:64], line=call.line.number[:32],
                                    caller=info.caller[:64], dnid=info.dnid[:64],
                                    channel=info.channel[:128], started_at=utcnow(),
                                    entry=(info.script or "ivr")[:128],
                                    flow=flow.name[:64] if flow else "",
                                    flow_version=flow.version if flow else None,
                                    incident_id=incident.id if incident else None)
                db.session.add(record)
                db.session.commit()
                self.record_id = call.call_id = record.id
        call.log.info("call from %s on line %s (%s)", mask_digits(info.caller) or "unknown",
                      call.line.number or "?", info.script or "ivr")
        return flow

    # --- walking a flow ---------------------------------------------------------------------

    def walk(self, flow: flows.Flow | None) -> None:
        """The flow from its start step until the call leaves the IVR. An incident
        announcement plays once, after the start step when that is the welcome (a
        ``core.play``), else before it."""
        if flow is None:
            raise FlowRuntimeError(f"line {self.call.line.number or '?'} has no active flow")
        step_id = flow.start
        start = flow.steps.get(step_id)
        if self.announcement and start is not None and start.type != WELCOME_NODE:
            self._announce()
        for _ in range(MAX_STEPS):
            step = flow.steps.get(step_id)
            if step is None:
                raise FlowRuntimeError(f"flow {flow.name}: step {step_id!r} does not exist")
            if self.announcement and step is not start:
                self._announce()
            self._before(flow, step)
            try:
                outcome = self._step(step.id, step.type, step.params, step.next)
            except GotoFlow as jump:
                flow = self._load(jump.flow)
                step_id = flow.start
                continue
            except BackToMenu as back:
                if self.menus:
                    self.call.left("main" if back.main else "back")
                    flow, step_id = self.menus[0] if back.main else self.menus[-1]
                    continue
                outcome = "done"
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

    def _before(self, flow: flows.Flow, step: flows.Step) -> None:
        """Barge-in and the way back: the keys a prompt of this step may be cut short with
        (:func:`keys_ahead`); a key typed ahead is dropped at a step that cannot use it;
        a menu joins the menus the call came through (back to one: those after it go)."""
        call = self.call
        call.keys_ahead = keys_ahead(flow, step.id, self.node_types)
        if step.type == MENU_NODE:
            known = [index for index, (f, s) in enumerate(self.menus) if f.name == flow.name and s == step.id]
            del self.menus[known[0] if known else len(self.menus):]
            self.menus.append((flow, step.id))
        elif not _passes_keys(step.type, self.node_types):
            call.typeahead = ""

    def _announce(self) -> None:
        prompt, self.announcement = self.announcement, ""
        self.call.play(prompt)

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

    def single_node(self, node: str, params: dict[str, str]) -> None:
        """One node (its parameters as text, from the script's query); its outcome goes back
        to the dialplan."""
        try:
            outcome = self._step(node, node, params, (), from_query=True)
        except NoInput:
            self._no_input()
        except RetriesExhausted:
            self._to_agent("retries exhausted")
        except AgentRequested:
            self._to_agent("caller pressed 0")
        except GotoFlow as jump:
            self.walk(self._load(jump.flow))
            return
        except BackToMenu:
            outcome = "done"   # no menu here: the dialplan goes on
        self.call.left(outcome)
        hand_over(self.channel.set_variable,
                  Handover(handover.OK, outcome=outcome, call_id=str(self.record_id or "")))
        self._ended(self.call.outcome or SELF_SERVED, f"node {node}: {outcome}")

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
        if isinstance(exc, (FlowRuntimeError, flows.FlowError, MissingSound)):  # one line says it
            detail = call.scrub(f"{type(exc).__name__}: {exc}")
        else:
            detail = call.scrub("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        call.log.error("IVR error, handing the caller to an agent: %s", detail.rstrip())
        call.outcome, call.reason = ERROR, call.scrub(f"{type(exc).__name__}: {exc}")[:120]
        queue = call.line.queue or self.line_number
        try:
            self.channel.stream_file(p.SORRY_ERROR, "")
        except Exception:  # the caller may be gone; the variables below matter more
            pass
        try:
            hand_over(self.channel.set_variable,
                      Handover(handover.ERROR, queue=queue, priority=0, agent="",
                               call_id=str(self.record_id or "")))
        except Exception:
            call.log.warning("could not set the error variables (caller gone?)")
        call.queue = queue

    def _let_go(self) -> None:
        """Asterisk goes on with the dialplan before the record is written."""
        try:
            self.channel.finish()
        except Exception:  # a connection already gone is let go already
            self.call.log.debug("could not close the connection", exc_info=True)

    def _close(self, data: dict[str, Any]) -> None:
        """Close the record with ``data`` (the call's, masked); never raises (the caller's
        call is over, whatever we failed)."""
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
                record.data = json.dumps(data, ensure_ascii=False, default=str)
                record.queue, record.priority = call.queue[:64], call.priority
                record.preferred_agent = call.agent[:64]
                db.session.commit()
                notify("postline_call_ended", self.app, call=record)
        except Exception:
            call.log.exception("could not close call record %s", self.record_id)
        call.log.info("call ended: %s%s", call.outcome, f" ({call.reason})" if call.reason else "")


def _passes_keys(node_type: str, types: dict[str, type]) -> bool:
    """A step a key typed ahead survives: a prompt (it may be skipped) or a routing node."""
    return node_type == WELCOME_NODE or bool(getattr(types.get(node_type), "silent", False))


def keys_ahead(flow: flows.Flow, step_id: str, types: dict[str, type]) -> str:
    """The keys that may cut a prompt of this step short: those of the menus that follow it
    past prompts and routing nodes (the 11185 welcome: the main menu's 1-4, through the
    blacklist and the hours), and 0; "" when no menu follows."""
    keys: set[str] = set()
    seen = {step_id}
    todo = list(flow.steps[step_id].next.values()) if step_id in flow.steps else []
    while todo:
        sid = todo.pop()
        step = flow.steps.get(sid)
        if step is None or sid in seen:
            continue
        seen.add(sid)
        if step.type == MENU_NODE:
            keys.update(k for k in step.next if k in MENU_KEYS)
        elif _passes_keys(step.type, types):
            todo.extend(step.next.values())
    return "".join(sorted(keys)) + "0" if keys else ""
