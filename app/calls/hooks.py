"""The calls room has no pages or commands of its own: importing it puts the call record
into the models; the IVR writes the records, the desk and the statistics read them."""
from __future__ import annotations

from app.calls import models  # noqa: F401
