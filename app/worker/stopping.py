"""How a role is asked to stop: SIGTERM (a supervisor) or SIGINT (Ctrl-C)."""
from __future__ import annotations

import signal
import threading
from typing import Any


def stop_on_signals() -> threading.Event:
    """An event set by SIGTERM or SIGINT: what the worker and ``postline serve`` wait on."""
    stop = threading.Event()

    def request_stop(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    return stop
