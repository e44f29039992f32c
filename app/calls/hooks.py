"""The calls room declares nothing yet; importing it puts the call record into the models."""
from __future__ import annotations

from app.calls import models  # noqa: F401
