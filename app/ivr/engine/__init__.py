"""The IVR engine: :func:`run_call` runs one call on a channel (FastAGI or the simulator)
and returns its :class:`CallResult`."""
from __future__ import annotations

from app.ivr.engine.run import MAX_STEPS, CallResult, FlowRuntimeError, run_call

__all__ = ["MAX_STEPS", "CallResult", "FlowRuntimeError", "run_call"]
