"""The quality room's declarations."""
from __future__ import annotations
