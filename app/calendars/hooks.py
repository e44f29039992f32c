"""The calendars room has no pages of its own (a calendar is edited on the page of what uses
it: a hotline's hours on its line's page): importing it puts its tables into the models."""
from __future__ import annotations

from app.calendars import models  # noqa: F401
