"""Transfer to an agent queue, the way a hotline does it: VIP customers first (priority),
the agent who served this caller last asked for by name (首问负责, ``docs/call-centre.md``), the queue
chosen by the service the caller picked, and what the IVR learned on the screen pop.

:func:`transfer_to_agent` is also what "0" and used-up retries lead to, so a VIP who
presses 0 keeps the VIP priority."""
from __future__ import annotations

from typing import NoReturn

from app.calls import callers
from app.ivr.call import Call
from app.ivr.nodes.base import Node, Param
from app.ivr.prompts import texts as p

VIP_PRIORITY = 10


def transfer_to_agent(call: Call, queue: str | None = None, *, service: str = "",
                      priority: int = 0, vip_priority: int = VIP_PRIORITY,
                      preferred_agent: bool = True, prompt: str | None = p.TRANSFER_WAIT,
                      vip_prompt: str | None = p.VIP_WELCOME) -> NoReturn:
    """Look the caller up (short queries), say the waiting prompt, and transfer."""
    who = callers.profile(call.info.caller)
    agent = callers.last_agent(call.info.caller, exclude_call=call.call_id) if preferred_agent else ""
    data: dict[str, object] = {}
    if service:
        data["service"] = service
    if who.customer_id is not None:
        data["customer_id"] = who.customer_id
    if who.vip:
        data["vip"] = True
        priority = max(priority, vip_priority)
    say = vip_prompt if who.vip else prompt
    if say:
        call.play(say)
    call.transfer(queue or None, priority=priority, agent=agent or None, data=data)


class TransferNode(Node):
    """To an agent queue (the line's when ``queue`` is empty)."""

    params_spec = (
        Param("queue", "queue", "", title="Queue (empty: the line's)"),
        Param("service", "str", "", title="Service shown to the agent"),
        Param("priority", "int", 0, title="Priority", minimum=0),
        Param("vip_priority", "int", VIP_PRIORITY, title="Priority of VIP customers", minimum=0),
        Param("preferred_agent", "bool", True, title="Ask for the caller's last agent"),
        Param("prompt", "prompt", p.TRANSFER_WAIT, title="Prompt"),
        Param("vip_prompt", "prompt", p.VIP_WELCOME, title="Prompt for VIP customers"),
    )
    outcomes = ()
    terminal = True

    def run(self, call: Call) -> str:
        params = self.params
        transfer_to_agent(call, params["queue"] or None, service=params["service"],
                          priority=params["priority"], vip_priority=params["vip_priority"],
                          preferred_agent=params["preferred_agent"],
                          prompt=params["prompt"] or None, vip_prompt=params["vip_prompt"] or None)
