"""Call flows as data (:mod:`.definition`), their validation (:mod:`.validation`), the site's
versions of them (:mod:`.versions`) and the flows a new site starts with (:mod:`.defaults`)."""
from __future__ import annotations

from app.ivr.flows.definition import (
    FLOW_NAME,
    STEP_ID,
    Flow,
    FlowError,
    Problem,
    Step,
    parse,
    to_flow,
)
from app.ivr.flows.validation import referenced_prompts, validate
from app.ivr.flows.versions import (
    FlowChanged,
    NothingChanged,
    activate,
    active_flow,
    check_active_flows,
    check_context,
    save_version,
    validate_here,
)

__all__ = [
    "FLOW_NAME", "STEP_ID", "Flow", "FlowChanged", "FlowError", "NothingChanged", "Problem", "Step", "activate", "active_flow",
    "check_active_flows", "check_context", "parse", "referenced_prompts", "save_version", "to_flow",
    "validate", "validate_here",
]
