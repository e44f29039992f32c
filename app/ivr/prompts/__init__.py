"""Voice prompts: every sentence a caller hears has a name and its Mandarin text
(:mod:`.texts` for the core's), gathered into one catalog (:mod:`.catalog`) and spoken into
8 kHz sound files (:mod:`.build`)."""
from __future__ import annotations

from app.ivr.prompts.build import INSTALL_HINT, MANIFEST, TOOLS, PromptError, ToolMissing, build
from app.ivr.prompts.catalog import catalog, check, sounds_dir
from app.ivr.prompts.location import Reach, asterisk_name, reach, sounds_prefix

__all__ = ["INSTALL_HINT", "MANIFEST", "TOOLS", "PromptError", "Reach", "ToolMissing", "asterisk_name",
           "build", "catalog", "check", "reach", "sounds_dir", "sounds_prefix"]
