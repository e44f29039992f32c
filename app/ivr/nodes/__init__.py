"""IVR nodes: the base class plugins build on (:mod:`.base`) and the core's own nodes,
declared through the core's ``postline_ivr_nodes`` hook as ``core.<node>``."""
from __future__ import annotations

from app.declarations import IVRNode
from app.ivr.nodes.base import CheckContext, Issue, Node, Param, make_node, node_facts

__all__ = ["CheckContext", "Issue", "Node", "Param", "core_nodes", "make_node", "node_facts"]


def core_nodes() -> list[IVRNode]:
    """Titles are plain English for now: the flow editor (a later web task) shows them and
    will translate them with the rest of its page."""
    from app.ivr.nodes.basic import GotoNode, HangupNode, MenuNode, PlayNode
    from app.ivr.nodes.blacklist import BlacklistNode
    from app.ivr.nodes.calendar import TimeConditionNode
    from app.ivr.nodes.survey import SurveyNode
    from app.ivr.nodes.transfer import TransferNode
    from app.ivr.nodes.voicemail import VoicemailNode

    return [
        IVRNode("core.play", "Play a prompt", PlayNode, weight=10),
        IVRNode("core.menu", "Menu", MenuNode, weight=11),
        IVRNode("core.time_condition", "Opening hours", TimeConditionNode, weight=12),
        IVRNode("core.blacklist", "Blacklist", BlacklistNode, weight=13),
        IVRNode("core.transfer", "Transfer to an agent", TransferNode, weight=14),
        IVRNode("core.voicemail", "Voice message", VoicemailNode, weight=15),
        IVRNode("core.survey", "Satisfaction survey", SurveyNode, weight=16),
        IVRNode("core.goto", "Go to another flow", GotoNode, weight=17),
        IVRNode("core.hangup", "Goodbye", HangupNode, weight=18),
    ]
