"""The calendars room declares nothing yet (its calendars are edited on the pages of what
uses them, the IVR's lines); importing it puts its tables into the models."""
from __future__ import annotations

from app.calendars import models  # noqa: F401
