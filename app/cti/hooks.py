"""The CTI room's declarations."""
from __future__ import annotations

from app.cti import models  # noqa: F401
