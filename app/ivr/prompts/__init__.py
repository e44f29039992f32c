"""Voice prompts: every sentence a caller hears has a name and its Mandarin text
(:mod:`.texts` for the core's), gathered into one catalog (:mod:`.catalog`) and spoken into
8 kHz sound files (:mod:`.build`)."""
from __future__ import annotations

from app.declarations import Prompt
from app.ivr.prompts.build import (
    FORMAT,
    INSTALL_HINT,
    MANIFEST,
    SAMPLE_RATE,
    TOOLS,
    BuildResult,
    PromptError,
    ToolMissing,
    build,
    find_tools,
    mandarin_voice,
)
from app.ivr.prompts.catalog import PLAYABLE, catalog, check, sound_file, sounds_dir

__all__ = [
    "FORMAT", "INSTALL_HINT", "MANIFEST", "PLAYABLE", "SAMPLE_RATE", "TOOLS", "BuildResult", "Prompt",
    "PromptError", "ToolMissing", "build", "catalog", "check", "find_tools", "mandarin_voice",
    "sound_file", "sounds_dir",
]
