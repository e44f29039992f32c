"""A plugin that cannot be imported (a missing dependency, a syntax error...)."""
from __future__ import annotations

raise ImportError("needs the frobnicator library, which is not installed")
