"""The channel variables through which the IVR hands a call back to the dialplan
(``dialplan/extensions_postline.conf`` reads them), and the order they are written in.

``POSTLINE_STATUS`` is written last and is what the dialplan decides on: anything but
``OK`` (an error, the server over its call limit, no status at all because the FastAGI
server was unreachable) sends the caller to an agent queue. So the other variables are in
place before the status says they may be used."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

STATUS = "POSTLINE_STATUS"
QUEUE = "POSTLINE_QUEUE"
PRIORITY = "POSTLINE_PRIORITY"
AGENT = "POSTLINE_AGENT"
CALL_ID = "POSTLINE_CALL_ID"
OUTCOME = "POSTLINE_OUTCOME"

OK = "OK"
ERROR = "ERROR"
BUSY = "BUSY"


@dataclass(frozen=True)
class Handover:
    """What the dialplan is told. A field left ``None`` is not written."""

    status: str
    queue: str | None = None
    priority: int | None = None
    agent: str | None = None
    call_id: str | None = None
    outcome: str | None = None

    def variables(self) -> list[tuple[str, str]]:
        """(name, value) in the order they must be written: the status last."""
        values = [(OUTCOME, self.outcome), (QUEUE, self.queue),
                  (PRIORITY, None if self.priority is None else str(self.priority)),
                  (AGENT, self.agent), (CALL_ID, self.call_id)]
        return [(name, value) for name, value in values if value is not None] + [(STATUS, self.status)]


def hand_over(set_variable: Callable[[str, str], None], handover: Handover) -> None:
    """Write ``handover`` with ``set_variable`` (a channel's ``set_variable``)."""
    for name, value in handover.variables():
        set_variable(name, value)
