"""Voice prompts: every sentence a caller hears has a name and its Mandarin text, and
Asterisk plays it from ``<sounds>/<name>.wav`` (the dialplan and ``STREAM FILE`` name it
without the extension).

**The catalog** is the core's dict ``PROMPTS`` in :mod:`app.ivr.prompt_names` (empty while
that module does not exist) plus, for every enabled plugin, the dict ``PROMPTS`` of the
plugin's module or object when it has one. A name is a file name: lowercase letters,
digits, ``-`` and ``_``, in segments separated by ``/``; a plugin's names start with
``<plugin>/`` (``postcode/ask-code``), the way its IVR nodes start with ``<plugin>.``. A
name declared twice (core and plugin, or two plugins) is refused naming both.

**Building** speaks each text with espeak-ng's Mandarin voice and converts it with sox to
8 kHz mono 16-bit WAV, the format of the telephone. A manifest in the sounds folder
(:data:`MANIFEST`) keeps a hash of what each file was made from, so a second build only
redoes the prompts whose text changed (or all of them with ``force``).

**Checking** lists the catalog's prompts that have no sound file in any format Asterisk
plays (a studio recording ``<name>.ulaw`` counts as much as the generated ``.wav``)."""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app

#: The module where the IVR engine gathers the core's prompts (``PROMPTS = {name: text}``).
CORE_MODULE = "app.ivr.prompt_names"
CORE = "core"
#: Segments of lowercase letters, digits, ``-`` and ``_`` (never starting with ``-`` or
#: ``.``), joined by ``/``: a relative file path that cannot leave the sounds folder.
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*(?:/[a-z0-9][a-z0-9_-]*)*$")
NAME_RULE = "lowercase letters, digits, '-', '_' and '/' between parts (e.g. 'postcode/ask-code')"
MAX_NAME_LENGTH = 120

#: Kept in the sounds folder: prompt name → hash of the voice and text its file was made from.
MANIFEST = ".postline-prompts.json"
TOOLS = ("espeak-ng", "sox")
INSTALL_HINT = "apt-get install espeak-ng sox"
#: espeak-ng's Mandarin voice is ``cmn`` since 1.49.1 (``zh`` in older releases; in newer
#: ones ``zh`` may select an MBROLA voice that is not installed).
VOICES = ("cmn", "zh")
SAMPLE_RATE = 8000
#: Bump when the conversion changes, so that every file is made again.
FORMAT = "8k-mono-s16-v1"
#: Extensions of the sound files Asterisk can play for ``sounds/<name>``.
PLAYABLE = (".wav", ".WAV", ".gsm", ".ulaw", ".alaw", ".sln", ".sln16", ".g722", ".g729", ".ogg")
TOOL_TIMEOUT = 60  # seconds for one prompt


class PromptError(RuntimeError):
    """The catalog is invalid or a prompt could not be made; the message says which."""


class ToolMissing(PromptError):
    """espeak-ng or sox is not installed."""


@dataclass(frozen=True)
class Prompt:
    name: str
    text: str
    #: ``core`` or the name of the plugin that declared it.
    source: str


@dataclass
class BuildResult:
    folder: Path
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


# --- the catalog --------------------------------------------------------------------------

def catalog(app: Flask | None = None, core_module: str | None = CORE_MODULE) -> dict[str, Prompt]:
    """Every prompt of the core and of the enabled plugins, by name (sorted)."""
    from app.plugin_loader import enabled_plugins

    sources: list[tuple[str, Any]] = [(CORE, _core_prompts(core_module))]
    for info in enabled_plugins(app):
        prompts = getattr(info.module, "PROMPTS", None)
        if prompts is not None:
            sources.append((info.name, prompts))

    found: dict[str, Prompt] = {}
    for source, prompts in sources:
        for prompt in _validated(source, prompts):
            if prompt.name in found:
                raise PromptError(f"prompt {prompt.name!r} is declared by both "
                                  f"{found[prompt.name].source!r} and {source!r}")
            found[prompt.name] = prompt
    return dict(sorted(found.items()))


def _core_prompts(module_name: str | None) -> Any:
    if not module_name:
        return {}
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name == module_name:  # not written yet: no core prompts
            return {}
        raise  # the module exists and one of its own imports is missing: say so
    if not hasattr(module, "PROMPTS"):
        raise PromptError(f"{module_name} must define PROMPTS, a dict of prompt name to Mandarin text")
    return module.PROMPTS


def _validated(source: str, prompts: Any) -> Iterable[Prompt]:
    who = "the core" if source == CORE else f"plugin {source!r}"
    if not isinstance(prompts, Mapping):
        raise PromptError(f"{who}: PROMPTS must be a dict of prompt name to Mandarin text, "
                          f"not {type(prompts).__name__}")
    for name, text in prompts.items():
        if not isinstance(name, str) or not NAME.match(name) or len(name) > MAX_NAME_LENGTH:
            raise PromptError(f"{who}: invalid prompt name {name!r}: {NAME_RULE}")
        if source != CORE and not name.startswith(source + "/"):
            raise PromptError(f"{who}: prompt {name!r} must be named '{source}/...'")
        if not isinstance(text, str) or not text.strip():
            raise PromptError(f"{who}: prompt {name!r} has no text")
        yield Prompt(name, text.strip(), source)


# --- the sounds folder --------------------------------------------------------------------

def sounds_dir(app: Flask | None = None) -> Path:
    """``SOUNDS_DIR``; empty means ``<instance>/sounds``, relative means inside the instance."""
    app = app or current_app
    folder = Path(os.path.expanduser(app.config.get("SOUNDS_DIR") or "sounds"))
    return folder if folder.is_absolute() else Path(app.instance_path) / folder


def sound_file(folder: Path, name: str) -> Path:
    return folder / f"{name}.wav"


def check(sounds: str | os.PathLike[str] | None = None,
          prompts: Mapping[str, Prompt] | None = None) -> list[str]:
    """Names of the catalog's prompts that have no sound file in the folder (sorted)."""
    folder = Path(sounds) if sounds else sounds_dir()
    prompts = catalog() if prompts is None else prompts
    return [name for name in sorted(prompts)
            if not any((folder / (name + ext)).is_file() for ext in PLAYABLE)]


# --- building -----------------------------------------------------------------------------

def build(sounds: str | os.PathLike[str] | None = None, names: Iterable[str] | None = None,
          force: bool = False, prompts: Mapping[str, Prompt] | None = None) -> BuildResult:
    """Make ``<name>.wav`` for the prompts ``names`` (default: all of the catalog) whose
    text changed since the last build, or for all of them with ``force``.

    An unknown name is a ``LookupError``; a missing tool a :class:`ToolMissing`; a tool
    that fails a :class:`PromptError` naming the prompt (the files made before it are kept
    and recorded)."""
    folder = Path(sounds) if sounds else sounds_dir()
    prompts = catalog() if prompts is None else prompts
    wanted = sorted(set(names)) if names else sorted(prompts)
    unknown = [name for name in wanted if name not in prompts]
    if unknown:
        raise LookupError(f"unknown prompt{'s' if len(unknown) > 1 else ''}: {', '.join(unknown)}")

    tools = find_tools()
    voice = mandarin_voice(tools["espeak-ng"])
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder)
    result = BuildResult(folder=folder)
    try:
        for name in wanted:
            prompt = prompts[name]
            digest = _digest(voice, prompt.text)
            target = sound_file(folder, name)
            if not force and manifest.get(name) == digest and target.is_file():
                result.unchanged.append(name)
                continue
            _synthesise(tools, voice, prompt, target)
            manifest[name] = digest
            result.built.append(name)
    finally:
        if result.built:
            _write_manifest(folder, manifest)
    return result


def find_tools() -> dict[str, str]:
    """The paths of espeak-ng and sox on ``PATH``; :class:`ToolMissing` names what is not."""
    paths = {tool: shutil.which(tool) for tool in TOOLS}
    missing = [tool for tool, path in paths.items() if not path]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise ToolMissing(f"{' and '.join(missing)} {verb} not installed (not found on PATH); "
                          f"building prompts needs espeak-ng and sox: {INSTALL_HINT}")
    return {tool: str(path) for tool, path in paths.items()}


def mandarin_voice(espeak: str) -> str:
    """The name of espeak-ng's Mandarin voice (``cmn``, or ``zh`` in old releases)."""
    listing = _run([espeak, "--voices=zh"], "espeak-ng --voices=zh")
    languages = {}
    for line in listing.decode("utf-8", "replace").splitlines()[1:]:
        columns = line.split()
        if len(columns) >= 5:
            languages.setdefault(columns[1], columns[4])  # language → voice file
    for voice in VOICES:
        if voice in languages and not languages[voice].startswith("mb/"):  # MBROLA: separate
            return voice
    raise ToolMissing(f"espeak-ng has no Mandarin voice ({' or '.join(VOICES)}); "
                      f"install its data: apt-get install espeak-ng-data")


def _digest(voice: str, text: str) -> str:
    return hashlib.sha256(json.dumps([FORMAT, voice, text]).encode("utf-8")).hexdigest()


def _synthesise(tools: dict[str, str], voice: str, prompt: Prompt, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="postline-prompt-") as work:
        spoken = Path(work) / "espeak.wav"
        # The text goes through standard input (UTF-8), never as an argument that could
        # look like an option.
        _run([tools["espeak-ng"], "-v", voice, "-b", "1", "-w", str(spoken), "--stdin"],
             f"espeak-ng on prompt {prompt.name!r}", stdin=prompt.text.encode("utf-8"))
        if not spoken.is_file() or spoken.stat().st_size <= 44:  # a bare WAV header
            raise PromptError(f"espeak-ng made no sound for prompt {prompt.name!r}")
        fd, partial = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".wav", dir=target.parent)
        os.close(fd)
        try:
            _run([tools["sox"], "-q", "-G", str(spoken), "-t", "wav", "-r", str(SAMPLE_RATE),
                  "-c", "1", "-b", "16", "-e", "signed-integer", partial],
                 f"sox on prompt {prompt.name!r}")
            os.chmod(partial, 0o644)  # Asterisk runs as another user and must read it
            os.replace(partial, target)
        finally:
            if os.path.exists(partial):
                os.unlink(partial)


def _run(command: list[str], what: str, stdin: bytes | None = None) -> bytes:
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=TOOL_TIMEOUT,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise PromptError(f"{what}: no answer within {TOOL_TIMEOUT} s") from exc
    except OSError as exc:
        raise PromptError(f"{what}: {exc}") from exc
    if done.returncode != 0:
        reason = next((line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines()
                       if line.strip()), f"exit status {done.returncode}")
        raise PromptError(f"{what} failed: {reason}")
    return done.stdout


def _read_manifest(folder: Path) -> dict[str, str]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or damaged: every prompt is made again
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def _write_manifest(folder: Path, manifest: dict[str, str]) -> None:
    fd, partial = tempfile.mkstemp(prefix=".manifest-", suffix=".json", dir=folder)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(dict(sorted(manifest.items())), handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    os.chmod(partial, 0o644)
    os.replace(partial, folder / MANIFEST)
