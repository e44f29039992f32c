"""The audit room declares nothing: importing it puts the trail's table into the models."""
from __future__ import annotations

from app.audit import models  # noqa: F401
