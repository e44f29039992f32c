"""The prompt catalog: every sentence the IVR can say, by name, with its Mandarin text, as
the core's rooms and the enabled plugins declare them (``postline_prompts``). Names and
texts are checked here, when the catalog is first read (:mod:`app.pluginhost.naming`), not
at every start: a plugin may declare thousands. Asterisk plays a prompt from
``<sounds>/<name>.<format>``; :func:`check` lists the prompts that have no such file."""
from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, current_app

from app.declarations import Prompt
from app.pluginhost import PluginError, collect
from app.pluginhost.naming import prompt_problem

#: Extensions of the sound files Asterisk can play for ``sounds/<name>``.
PLAYABLE = (".wav", ".WAV", ".gsm", ".ulaw", ".alaw", ".sln", ".sln16", ".g722", ".g729", ".ogg")


def catalog(app: Flask | None = None) -> dict[str, Prompt]:
    """Every prompt of the core and of the enabled plugins, by name (sorted); a
    :class:`~app.pluginhost.PluginError` names the plugin of an invalid one."""
    prompts = collect("postline_prompts", app)
    for prompt in prompts:
        problem = prompt_problem(prompt)
        if problem:
            raise PluginError(problem)
    return dict(sorted((prompt.name, prompt) for prompt in prompts))


def sounds_dir(app: Flask | None = None) -> Path:
    """``SOUNDS_DIR``; empty means ``<instance>/sounds``, relative means inside the instance."""
    app = app or current_app
    folder = Path(os.path.expanduser(app.config.get("SOUNDS_DIR") or "sounds"))
    return folder if folder.is_absolute() else Path(app.instance_path) / folder


def sound_file(folder: Path, name: str) -> Path:
    return folder / f"{name}.wav"


def check(sounds: str | os.PathLike[str] | None = None,
          prompts: Mapping[str, Prompt] | None = None) -> list[str]:
    """Names of the catalog's prompts that have no sound file in the folder (sorted); a
    studio recording in any format Asterisk plays counts as much as a generated WAV."""
    folder = Path(sounds) if sounds else sounds_dir()
    prompts = catalog() if prompts is None else prompts
    return [name for name in sorted(prompts)
            if not any((folder / (name + ext)).is_file() for ext in PLAYABLE)]
