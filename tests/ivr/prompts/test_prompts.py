"""Voice prompts: the catalog gathers what the core and the enabled plugins declare through
``postline_prompts``, and start-up refuses bad or twice-declared names; ``build`` speaks
them with the real espeak-ng and sox into 8 kHz mono WAV files, and only again when the
text changed; ``check`` lists the prompts without a file; a missing tool is one clear line.

The tests that run espeak-ng and sox skip when they are not installed, unless
``POSTLINE_REQUIRE_VOICE=1`` (``.ci/run``), which makes their absence a failure. Plugins
are objects declaring prompts, given through ``PLUGIN_OBJECTS``."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import uuid
import wave
from array import array
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.api import Prompt, hookimpl
from app.config import SHIPPED_PLUGINS
from app.ivr import prompts
from app.ivr.commands import LIST_BUILT
from app.ivr.prompts import MANIFEST, ToolMissing, build, catalog, check
from app.pluginhost import PluginError
from app.pluginhost.naming import PROMPT_NAME, PROMPT_NAME_RULE, prompt_problem
from app.testing.pytest_plugin import base_config

ASK_CODE = "请输入六位邮政编码"
UNKNOWN = "没有找到这个邮政编码，请重新输入"
WELCOME = "您好，欢迎致电中国邮政。"
POSTLINE = Path(sys.executable).with_name("postline")


class PromptPlugin:
    """A plugin that declares prompts (name → text; ``None``: it declares none)."""

    def __init__(self, prompts_: dict[Any, Any] | None) -> None:
        self.prompts = prompts_

    @hookimpl
    def postline_prompts(self) -> list[Prompt] | None:
        if self.prompts is None:
            return None
        return [Prompt(name, text) for name, text in self.prompts.items()]


@pytest.fixture
def make_app(tmp_path: Path):
    """``make_app(shop={...})`` → an app (throw-away SQLite, no schema needed) with a plugin
    ``shop`` that declares those prompts."""

    def make(plugins: list[str] | None = None, config: dict[str, Any] | None = None,
             **plugin_prompts: Any) -> Flask:
        objects = {name: PromptPlugin(value) for name, value in plugin_prompts.items()}
        return create_app(base_config(f"sqlite:///{tmp_path / 'prompts.sqlite'}", plugins or [])
                          | {"PLUGIN_OBJECTS": objects} | (config or {}))

    return make


@pytest.fixture
def voice_tools() -> dict[str, str]:
    """The installed espeak-ng and sox; skip without them, fail if they are required."""
    found = {tool: shutil.which(tool) for tool in prompts.TOOLS}
    missing = [tool for tool, path in found.items() if not path]
    if missing:
        reason = f"{' and '.join(missing)} not installed ({prompts.INSTALL_HINT})"
        if os.environ.get("POSTLINE_REQUIRE_VOICE") == "1":
            pytest.fail(reason + "; POSTLINE_REQUIRE_VOICE=1 requires them")
        pytest.skip(reason)
    return {tool: str(path) for tool, path in found.items()}


def _shop_catalog(make_app) -> dict[str, Prompt]:
    app = make_app(shop={"shop/ask-code": ASK_CODE, "shop/unknown": UNKNOWN})
    return {name: p for name, p in catalog(app).items() if p.plugin == "shop"}


def _wav(path: Path) -> tuple[int, int, int, int, int]:
    """(frame rate, channels, sample width, frames, loudest sample) of a WAV file."""
    with wave.open(str(path), "rb") as audio:
        frames = audio.readframes(audio.getnframes())
        samples = array("h", frames)
        return (audio.getframerate(), audio.getnchannels(), audio.getsampwidth(),
                audio.getnframes(), max((abs(s) for s in samples), default=0))


# --- the catalog --------------------------------------------------------------------------

def test_the_catalog_merges_the_core_and_every_plugin_with_prompts(make_app):
    app = make_app(shop={"shop/ask-code": ASK_CODE}, ems={"ems/track": "请输入邮件号码"},
                   quiet=None)  # a plugin that returns None declares none
    found = catalog(app)
    assert list(found) == sorted(found)
    assert {"ems/track", "shop/ask-code", "goodbye", "welcome-11185"} <= set(found)
    assert found["shop/ask-code"] == Prompt("shop/ask-code", ASK_CODE, plugin="shop")
    assert found["ems/track"].plugin == "ems"
    assert found["goodbye"].plugin == "core" and found["goodbye"].text
    assert not any(p.plugin == "quiet" for p in found.values())


def test_a_plugin_that_is_not_enabled_declares_no_prompts(make_app):
    app = make_app(shop={"shop/ask-code": ASK_CODE})
    other = make_app()  # the same kind of site without the plugin
    assert "shop/ask-code" in catalog(app)
    assert not [name for name in catalog(other) if name.startswith("shop/")]


@pytest.mark.parametrize("name", [
    "shop/Ask", "shop/ask code", "shop/../secret", "shop//ask", "shop/-ask", "shop/ask.wav",
    "/shop/ask", "shop/", "shop/问候", "shop/" + "a" * 200, 7,
])
def test_a_bad_prompt_name_is_refused_naming_the_plugin(make_app, name):
    app = make_app(shop={name: ASK_CODE})
    with pytest.raises(PluginError) as caught:
        catalog(app)
    assert f"plugin 'shop': invalid prompt name {name!r}" in str(caught.value)


@pytest.mark.parametrize("name", ["ask-code", "ems/ask-code", "shopping/ask-code", "shop"])
def test_a_plugin_prompt_must_start_with_the_plugin_name(make_app, name):
    app = make_app(shop={name: ASK_CODE})
    with pytest.raises(PluginError, match=f"plugin 'shop': prompt '{name}' must be named 'shop/...'"):
        catalog(app)


def test_bad_core_names_are_refused_too():
    assert prompt_problem(Prompt("Welcome", "您好", plugin="core")).startswith(
        "the core: invalid prompt name 'Welcome'")
    assert prompt_problem(Prompt("welcome", "您好", plugin="core")) is None  # the core has no prefix


@pytest.mark.parametrize("text", ["", "   ", 123])
def test_prompts_without_text_are_refused(make_app, text):
    app = make_app(shop={"shop/ask-code": text})
    with pytest.raises(PluginError) as caught:
        catalog(app)
    assert str(caught.value) == "plugin 'shop': prompt 'shop/ask-code' has no text"


def test_a_name_declared_twice_is_refused_naming_both(make_app):
    app = make_app(shop={"goodbye": "再见"})
    with pytest.raises(PluginError) as caught:
        catalog(app)
    assert str(caught.value) == "postline_prompts: name 'goodbye' is declared by both 'core' and 'shop'"


def test_the_shipped_catalog_is_valid(make_app):
    """The core's prompts and the shipped plugins' prompts together: valid names, each
    plugin's under its own prefix."""
    app = make_app(plugins=list(SHIPPED_PLUGINS))
    for name, prompt in catalog(app).items():
        assert PROMPT_NAME.match(name) and prompt.text
        if prompt.plugin != "core":
            assert name.startswith(prompt.plugin + "/")


# --- the sounds folder --------------------------------------------------------------------

def test_the_sounds_folder_defaults_to_the_instance_folder(make_app, tmp_path):
    app = make_app()
    assert prompts.sounds_dir(app) == Path(app.instance_path) / "sounds"
    relative = make_app(config={"SOUNDS_DIR": "voice/zh"})
    assert prompts.sounds_dir(relative) == Path(relative.instance_path) / "voice" / "zh"
    absolute = make_app(config={"SOUNDS_DIR": str(tmp_path / "snd")})
    assert prompts.sounds_dir(absolute) == tmp_path / "snd"


def test_check_lists_the_prompts_without_a_file(make_app, tmp_path):
    found = _shop_catalog(make_app)
    sounds = tmp_path / "sounds"
    assert check(sounds, found) == ["shop/ask-code", "shop/unknown"]  # no folder yet
    (sounds / "shop").mkdir(parents=True)
    (sounds / "shop" / "unknown.wav").write_bytes(b"")
    assert check(sounds, found) == ["shop/ask-code"]
    # A studio recording in another format Asterisk plays is the prompt's file too ...
    (sounds / "shop" / "ask-code.ulaw").write_bytes(b"")
    assert check(sounds, found) == []
    # ... but a file of another name, or a folder of the prompt's name, is not.
    (sounds / "shop" / "ask-code.ulaw").unlink()
    (sounds / "shop" / "ask-code.txt").write_bytes(b"")
    (sounds / "shop" / "ask-code").mkdir()
    assert check(sounds, found) == ["shop/ask-code"]


# --- building -----------------------------------------------------------------------------

def test_build_makes_8khz_mono_16bit_wav_files_of_mandarin_speech(make_app, tmp_path, voice_tools):
    found = _shop_catalog(make_app)
    sounds = tmp_path / "sounds"
    result = build(sounds, prompts=found)
    assert (result.folder, result.built, result.unchanged) == (sounds, ["shop/ask-code", "shop/unknown"], [])
    for name in found:
        path = sounds / f"{name}.wav"
        rate, channels, width, frames, loudest = _wav(path)
        assert (rate, channels, width) == (8000, 1, 2)
        assert frames > 8000  # more than a second: nine syllables were spoken
        assert loudest > 1000  # speech, not silence
        header = path.read_bytes()[:22]
        assert header[20:22] == b"\x01\x00"  # plain PCM, the WAV Asterisk reads
        assert path.stat().st_mode & 0o777 == 0o644  # Asterisk's own user reads it
    assert check(sounds, found) == []
    # Only the sound files and the manifest: no temporary files left behind.
    left = sorted(str(p.relative_to(sounds)) for p in sounds.rglob("*") if p.is_file())
    assert left == [MANIFEST, "shop/ask-code.wav", "shop/unknown.wav"]


def test_a_second_build_redoes_only_changed_or_missing_prompts(make_app, tmp_path, voice_tools):
    sounds = tmp_path / "sounds"
    first = _shop_catalog(make_app)
    build(sounds, prompts=first)
    before = {name: (sounds / f"{name}.wav").read_bytes() for name in first}

    again = build(sounds, prompts=first)
    assert (again.built, again.unchanged) == ([], ["shop/ask-code", "shop/unknown"])

    changed = dict(first, **{"shop/unknown": Prompt("shop/unknown", "查无此邮编", plugin="shop")})
    redone = build(sounds, prompts=changed)
    assert (redone.built, redone.unchanged) == (["shop/unknown"], ["shop/ask-code"])
    assert (sounds / "shop/ask-code.wav").read_bytes() == before["shop/ask-code"]
    assert (sounds / "shop/unknown.wav").read_bytes() != before["shop/unknown"]

    (sounds / "shop/ask-code.wav").unlink()  # the manifest alone does not count as built
    assert build(sounds, prompts=changed).built == ["shop/ask-code"]

    forced = build(sounds, prompts=changed, force=True)
    assert (forced.built, forced.unchanged) == (["shop/ask-code", "shop/unknown"], [])

    (sounds / MANIFEST).write_text("{damaged", encoding="utf-8")  # a damaged manifest: all again
    assert build(sounds, prompts=changed).built == ["shop/ask-code", "shop/unknown"]


def test_build_only_some_names_and_refuse_unknown_ones(make_app, tmp_path, voice_tools):
    found = _shop_catalog(make_app)
    sounds = tmp_path / "sounds"
    assert build(sounds, names=["shop/unknown"], prompts=found).built == ["shop/unknown"]
    assert check(sounds, found) == ["shop/ask-code"]
    with pytest.raises(LookupError, match="unknown prompts: nope, shop/nope"):
        build(sounds, names=["shop/nope", "nope", "shop/ask-code"], prompts=found)
    assert check(sounds, found) == ["shop/ask-code"]  # nothing was built


def _path_with(tmp_path: Path, tools: dict[str, str]) -> str:
    """A PATH folder holding only these tools (links to the installed ones)."""
    folder = tmp_path / ("bin-" + "-".join(sorted(tools)) if tools else "bin-empty")
    folder.mkdir()
    for tool, path in tools.items():
        (folder / tool).symlink_to(path)
    return str(folder)


def test_without_espeak_ng_and_sox_build_says_how_to_install_them(make_app, tmp_path, monkeypatch):
    found = _shop_catalog(make_app)
    monkeypatch.setenv("PATH", _path_with(tmp_path, {}))
    with pytest.raises(ToolMissing) as caught:
        build(tmp_path / "sounds", prompts=found)
    message = str(caught.value)
    assert message == ("espeak-ng and sox are not installed (not found on PATH); building "
                       "prompts needs espeak-ng and sox: apt-get install espeak-ng sox")
    assert not (tmp_path / "sounds").exists()  # refused before touching anything


@pytest.mark.parametrize("present, missing", [("sox", "espeak-ng"), ("espeak-ng", "sox")])
def test_one_missing_tool_is_named(make_app, tmp_path, monkeypatch, voice_tools, present, missing):
    found = _shop_catalog(make_app)
    monkeypatch.setenv("PATH", _path_with(tmp_path, {present: voice_tools[present]}))
    with pytest.raises(ToolMissing) as caught:
        build(tmp_path / "sounds", prompts=found)
    assert str(caught.value).startswith(f"{missing} is not installed (not found on PATH)")
    assert "apt-get install espeak-ng sox" in str(caught.value)


def _postline(tmp_path: Path, *args: str, path: str) -> subprocess.CompletedProcess[str]:
    """The real console script, as an administrator runs it, with this PATH."""
    if not POSTLINE.exists():
        pytest.skip(f"no console script at {POSTLINE} (install the package with pip -e .)")
    env = {
        "PATH": path,
        "HOME": str(tmp_path),
        "POSTLINE_INSTANCE_PATH": str(tmp_path / "instance"),
        "POSTLINE_SECRET_KEY": "test-" + uuid.uuid4().hex,
        "POSTLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
        "POSTLINE_PLUGINS": ",".join(SHIPPED_PLUGINS),
        # the code under test, as the suite imports it (a checkout ahead of an installed copy)
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }
    return subprocess.run([str(POSTLINE), "prompts", *args], env=env, capture_output=True,
                          text=True, timeout=60)


def test_the_postline_command_prints_one_line_when_the_tools_are_missing(tmp_path):
    done = _postline(tmp_path, "build", "--sounds", str(tmp_path / "snd"),
                     path=_path_with(tmp_path, {}))
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr == ("postline: error: espeak-ng and sox are not installed (not found on "
                           "PATH); building prompts needs espeak-ng and sox: apt-get install "
                           "espeak-ng sox\n")


def test_the_postline_command_check_exits_1_while_a_prompt_has_no_file(make_app, tmp_path):
    """Through ``postline`` itself (its ``main`` runs click without standalone mode)."""
    sounds = tmp_path / "snd"
    every = catalog(make_app(plugins=list(SHIPPED_PLUGINS)))
    done = _postline(tmp_path, "check", "--sounds", str(sounds), path=os.environ.get("PATH", ""))
    assert done.returncode == (1 if every else 0), done.stderr
    assert done.stdout.splitlines() == (sorted(every) or [f"all 0 prompts have a sound file in {sounds}"])
    for name in every:  # recordings of any kind, without espeak-ng or sox
        (sounds / name).parent.mkdir(parents=True, exist_ok=True)
        (sounds / f"{name}.sln").write_bytes(b"")
    done = _postline(tmp_path, "check", "--sounds", str(sounds), path=os.environ.get("PATH", ""))
    assert done.returncode == 0, done.stderr
    assert "no sound file" not in done.stderr and "will NOT find" not in done.stderr
    assert done.stdout == f"all {len(every)} prompts have a sound file in {sounds}\n"


# --- the commands -------------------------------------------------------------------------

def test_prompts_check_and_build_commands(make_app, tmp_path, voice_tools):
    sounds = tmp_path / "sounds"
    app = make_app(shop={"shop/ask-code": ASK_CODE, "shop/unknown": UNKNOWN},
                   config={"SOUNDS_DIR": str(sounds)})
    runner = app.test_cli_runner()
    every = catalog(app)  # the shop's prompts and the core's, whatever they are by now

    result = runner.invoke(args=["prompts", "check"])
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == sorted(every)
    assert f"{len(every)} of {len(every)} prompts have no sound file in {sounds}" in result.stderr

    result = runner.invoke(args=["prompts", "build", "--only", "shop/ask-code"])
    assert result.exit_code == 0, result.output
    assert result.output == f"built shop/ask-code\nprompts: 1 built, 0 unchanged in {sounds}\n"
    assert _wav(sounds / "shop/ask-code.wav")[:3] == (8000, 1, 2)

    made = (sounds / "shop/ask-code.wav").stat().st_mtime_ns
    result = runner.invoke(args=["prompts", "build"])
    assert result.exit_code == 0, result.output
    assert (sounds / "shop/ask-code.wav").stat().st_mtime_ns == made  # up to date: not made again
    assert _wav(sounds / "shop/unknown.wav")[:3] == (8000, 1, 2)
    if len(every) - 1 > LIST_BUILT:  # many prompts: a progress bar, not a list of names
        assert "building prompts" in result.stderr and "built shop/unknown" not in result.stdout
    else:
        assert "built shop/unknown" in result.stdout
    assert result.output.endswith(f"prompts: {len(every) - 1} built, 1 unchanged in {sounds}\n")

    result = runner.invoke(args=["prompts", "check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == f"all {len(every)} prompts have a sound file in {sounds}\n"

    result = runner.invoke(args=["prompts", "build", "--force", "--only", "shop/unknown",
                                 "--only", "shop/ask-code"])
    assert result.exit_code == 0, result.output
    assert result.output == ("built shop/ask-code\nbuilt shop/unknown\n"
                             f"prompts: 2 built, 0 unchanged in {sounds}\n")

    other = tmp_path / "elsewhere"  # --sounds wins over SOUNDS_DIR
    result = runner.invoke(args=["prompts", "check", "--sounds", str(other)])
    assert result.exit_code == 1 and "shop/ask-code" in result.stdout.splitlines()


def test_prompts_commands_report_errors_in_one_line(make_app, tmp_path, monkeypatch):
    sounds = str(tmp_path / "sounds")
    runner = make_app(shop={"shop/ask-code": ASK_CODE}).test_cli_runner()

    result = runner.invoke(args=["prompts", "build", "--only", "shop/nope", "--sounds", sounds])
    assert result.exit_code == 2  # a mistake in the call
    assert "unknown prompt: shop/nope" in result.output

    broken = make_app(shop={"shop/Ask": ASK_CODE}).test_cli_runner()
    for command in ("build", "check"):
        result = broken.invoke(args=["prompts", command, "--sounds", sounds])
        assert result.exit_code == 1
        assert result.output == (f"Error: plugin 'shop': invalid prompt name 'shop/Ask': "
                                 f"{PROMPT_NAME_RULE}\n")

    monkeypatch.setenv("PATH", _path_with(tmp_path, {}))
    result = runner.invoke(args=["prompts", "build", "--sounds", sounds])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert "espeak-ng and sox are not installed" in result.output
