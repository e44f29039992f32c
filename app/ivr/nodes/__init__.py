"""IVR nodes: the base class plugins build on (:mod:`.base`), the site's node types
(:mod:`.registry`) and the core's own nodes, declared through the IVR room's
``postline_ivr_nodes`` hook as ``core.<node>``."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.declarations import IVRNode
from app.ivr.nodes.base import CheckContext, Issue, Node, Param, make_node, node_facts
from app.ivr.nodes.basic import GotoNode, HangupNode, MenuNode, PlayNode
from app.ivr.nodes.blacklist import BlacklistNode
from app.ivr.nodes.callback import CallbackRequestNode
from app.ivr.nodes.hours import HoursNode
from app.ivr.nodes.region import RegionNode
from app.ivr.nodes.survey import SurveyNode
from app.ivr.nodes.time_condition import TimeConditionNode
from app.ivr.nodes.transfer import TransferNode
from app.ivr.nodes.voicemail import VoicemailNode

__all__ = ["CheckContext", "Issue", "Node", "Param", "core_nodes", "make_node", "node_facts"]


def core_nodes() -> list[IVRNode]:
    return [
        IVRNode("core.play", _l("Play a prompt"), PlayNode, weight=10),
        IVRNode("core.menu", _l("Menu"), MenuNode, weight=11),
        IVRNode("core.time_condition", _l("Opening hours"), TimeConditionNode, weight=12),
        IVRNode("core.hours", _l("Say the opening hours"), HoursNode, weight=12),
        IVRNode("core.blacklist", _l("Blacklist"), BlacklistNode, weight=13),
        IVRNode("core.region", _l("Route by the caller's region"), RegionNode, weight=13),
        IVRNode("core.transfer", _l("Transfer to an agent"), TransferNode, weight=14),
        IVRNode("core.voicemail", _l("Voice message"), VoicemailNode, weight=15),
        IVRNode("core.callback_request", _l("Call me back"), CallbackRequestNode, weight=15),
        IVRNode("core.survey", _l("Satisfaction survey"), SurveyNode, weight=16),
        IVRNode("core.goto", _l("Go to another flow"), GotoNode, weight=17),
        IVRNode("core.hangup", _l("Goodbye"), HangupNode, weight=18),
    ]
