"""The AGI script paths the engine answers, by name (``agi://host/<name>[/...]?<query>``):

* ``ivr?line=11185``: the active version of that line's flow (read for every call, so a
  saved version applies to the next call). Without ``line``: the extension, then the
  dialled number, then ``IVR_DEFAULT_LINE``, then the first active line. A path that names
  no entry runs this one too.
* ``node/<name>?param=value``: one node, then back to the dialplan with
  ``POSTLINE_OUTCOME`` (dialplan shortcuts and tests).
* ``survey?call=<POSTLINE_CALL_ID>``: the satisfaction survey after the agent; it scores
  the original call's record and makes no record of its own.

A new entry (a callback, a call-back survey...) is one more line in :data:`ENTRIES`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from app.ivr.engine.run import CallRun
    from app.ivr.flows import Flow

SURVEY_NODE = "core.survey"


@dataclass(frozen=True)
class Entry:
    name: str
    #: What runs, given the call and the flow :attr:`runs_flow` loaded (else ``None``).
    run: Callable[[CallRun, Flow | None], None]
    #: The line's active flow (or the simulator's draft) is loaded for it.
    runs_flow: bool = False
    #: The call gets a call record of its own.
    records_call: bool = True


def _flow(run: CallRun, flow: Flow | None) -> None:
    run.walk(flow)


def _node(run: CallRun, _flow: Flow | None) -> None:
    run.single_node(run.target, run.query)


def _survey(run: CallRun, _flow: Flow | None) -> None:
    run.single_node(SURVEY_NODE, {"call": run.query.get("call", "")})


ENTRIES: dict[str, Entry] = {entry.name: entry for entry in (
    Entry("ivr", _flow, runs_flow=True),
    Entry("node", _node),
    Entry("survey", _survey, records_call=False),
)}
DEFAULT_ENTRY = "ivr"


def entry_of(script: str) -> tuple[Entry, str]:
    """The entry a script path names, and the rest of the path (``node/postcode.lookup``
    → the node entry, ``postcode.lookup``)."""
    name, _, rest = (script or "").strip("/").partition("/")
    entry = ENTRIES.get(name)
    return (entry, rest) if entry is not None else (ENTRIES[DEFAULT_ENTRY], "")
