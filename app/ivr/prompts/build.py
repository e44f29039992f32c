"""Building the prompts' sound files: each text is spoken with espeak-ng's Mandarin voice and
converted with sox to 8 kHz mono 16-bit WAV, the format of the telephone. A manifest in the
sounds folder (:data:`MANIFEST`) keeps a hash of what each file was made from, so a second
build only redoes the prompts whose text changed (or all of them with ``force``).

Speed (the ~3,150 prompts of the core and the postcode plugin): an espeak-ng process loads
its Mandarin dictionary every time, which made a full build take minutes. So the text is
spoken by espeak-ng's own library (``libespeak-ng``, installed with the command), loaded
once per build, one prompt at a time (it is not thread-safe), while sox converts the
previous ones in :data:`WORKERS` threads. Without the library the command is run, as
before."""
from __future__ import annotations

import array
import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import threading
import wave
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.declarations import Prompt
from app.ivr.prompts.catalog import catalog, sound_file, sounds_dir

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
TOOL_TIMEOUT = 60  # seconds for one prompt
#: Prompts made at once: the tools wait more than they compute.
WORKERS = min(32, 8 * (os.cpu_count() or 1))

#: ``progress(done, total)``: called once with ``done == 0`` when the number of prompts to
#: make is known, then after each one made.
Progress = Callable[[int, int], None]


class PromptError(RuntimeError):
    """A prompt could not be made; the message says which and why."""


class ToolMissing(PromptError):
    """espeak-ng or sox is not installed."""


@dataclass
class BuildResult:
    folder: Path
    built: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def build(sounds: str | os.PathLike[str] | None = None, names: Iterable[str] | None = None,
          force: bool = False, prompts: Mapping[str, Prompt] | None = None,
          progress: Progress | None = None, workers: int = WORKERS) -> BuildResult:
    """Make ``<name>.wav`` for the prompts ``names`` (default: all of the catalog) whose
    text changed since the last build or whose file is gone, or for all of them with
    ``force``.

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
    speaker = LibraryVoice.load(voice)
    folder.mkdir(parents=True, exist_ok=True)
    manifest = _read_manifest(folder)
    result = BuildResult(folder=folder)
    todo: list[tuple[str, str]] = []
    for name in wanted:
        digest = _digest(voice, prompts[name].text)
        if not force and manifest.get(name) == digest and sound_file(folder, name).is_file():
            result.unchanged.append(name)
        else:
            todo.append((name, digest))
    report = progress or (lambda done, total: None)
    report(0, len(todo))
    try:
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            running = {pool.submit(_synthesise, tools, voice, prompts[name], sound_file(folder, name),
                                   speaker):
                       (name, digest) for name, digest in todo}
            while running:
                finished, _ = wait(running, return_when=FIRST_EXCEPTION)
                for future in finished:
                    name, digest = running.pop(future)
                    if future.exception() is not None:
                        for other in running:
                            other.cancel()
                        raise future.exception()  # type: ignore[misc]
                    manifest[name] = digest
                    result.built.append(name)
                    report(len(result.built), len(todo))
    finally:
        if result.built:
            result.built.sort()
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


class LibraryVoice:
    """espeak-ng's library with the Mandarin voice, for one build; one text at a time."""

    SYNCHRONOUS = 2   # AUDIO_OUTPUT_SYNCHRONOUS: samples come to the callback
    CHARS_UTF8 = 1    # espeakCHARS_UTF8
    POS_CHARACTER = 1
    CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int,
                                ctypes.c_void_p)

    def __init__(self, library: ctypes.CDLL, rate: int) -> None:
        self.library, self.rate = library, rate
        self.lock = threading.Lock()
        self.samples = array.array("h")

        def heard(wav: Any, count: int, events: Any) -> int:
            if wav and count > 0:
                self.samples.frombytes(ctypes.string_at(wav, count * 2))
            return 0

        self.callback = self.CALLBACK(heard)  # kept: the library holds only a pointer
        library.espeak_SetSynthCallback(self.callback)

    @classmethod
    def load(cls, voice: str) -> LibraryVoice | None:
        """The library with ``voice`` set; ``None`` when it cannot be had (then the
        espeak-ng command speaks)."""
        found = ctypes.util.find_library("espeak-ng")
        try:
            library = ctypes.CDLL(found or "libespeak-ng.so.1")
            library.espeak_Initialize.restype = ctypes.c_int
            rate = library.espeak_Initialize(cls.SYNCHRONOUS, 0, None, 0)
            if rate <= 0 or library.espeak_SetVoiceByName(voice.encode("ascii")) != 0:
                return None
        except (OSError, AttributeError):
            return None
        return cls(library, rate)

    def speak(self, text: str, target: Path) -> None:
        """``text`` as a WAV file at espeak-ng's own rate (22,050 Hz)."""
        data = text.encode("utf-8") + b"\0"
        with self.lock:
            self.samples = array.array("h")
            self.library.espeak_Synth(data, ctypes.c_size_t(len(data)), 0, self.POS_CHARACTER, 0,
                                      self.CHARS_UTF8, None, None)
            samples = self.samples.tobytes()
        with wave.open(str(target), "wb") as audio:
            audio.setnchannels(1)
            audio.setsampwidth(2)
            audio.setframerate(self.rate)
            audio.writeframes(samples)


def _synthesise(tools: dict[str, str], voice: str, prompt: Prompt, target: Path,
                speaker: LibraryVoice | None = None) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="postline-prompt-") as work:
        spoken = Path(work) / "espeak.wav"
        if speaker is not None:
            speaker.speak(prompt.text, spoken)
        else:
            # The text goes through standard input (UTF-8), never as an argument that
            # could look like an option.
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
