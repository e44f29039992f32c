"""The audit room has no pages of its own (the site's administration shows the trail):
importing it puts the trail's table into the models."""
from __future__ import annotations

from app.audit import models  # noqa: F401
