"""Where Asterisk finds the prompts: the names the IVR gives it (``SOUNDS_PREFIX``) and
``postline prompts check`` saying whether Asterisk, as its own user, will find the files."""
from __future__ import annotations

import os
import pwd
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from app import create_app
from app.ivr import prompts
from app.testing.pytest_plugin import base_config

OTHER_USER = "nobody"  # an account that is not the one running the tests


def make_app(tmp_path: Path, **config: Any) -> Flask:
    return create_app(base_config(f"sqlite:///{tmp_path / 'p.sqlite'}", []) | config)


@pytest.fixture
def shared_folder():
    """A sounds folder every user may enter (pytest's own tmp folders are 0700)."""
    folder = Path(tempfile.mkdtemp(prefix="postline-sounds-"))
    folder.chmod(0o755)
    (folder / "welcome.wav").write_bytes(b"RIFF")
    (folder / "welcome.wav").chmod(0o644)
    yield folder
    shutil.rmtree(folder)


@pytest.fixture
def other_user() -> str:
    try:
        pwd.getpwnam(OTHER_USER)
    except KeyError:
        pytest.skip(f"no user {OTHER_USER!r} on this host")
    return OTHER_USER


def test_by_default_asterisk_is_given_the_folders_absolute_path(tmp_path):
    app = make_app(tmp_path, SOUNDS_PREFIX=None, SOUNDS_DIR="snd")
    with app.app_context():
        assert prompts.sounds_prefix() == str(Path(app.instance_path) / "snd")
        assert prompts.asterisk_name(prompts.sounds_prefix(), "welcome") == \
            str(Path(app.instance_path) / "snd" / "welcome")


def test_a_folder_asterisk_may_read_is_found(tmp_path, shared_folder, other_user):
    app = make_app(tmp_path, SOUNDS_PREFIX=None, SOUNDS_DIR=str(shared_folder))
    with app.app_context():
        assert prompts.reach(user=other_user).ok is True


def test_a_file_or_folder_asterisk_may_not_read_is_named(tmp_path, shared_folder, other_user):
    app = make_app(tmp_path, SOUNDS_PREFIX=None, SOUNDS_DIR=str(shared_folder))
    with app.app_context():
        (shared_folder / "welcome.wav").chmod(0o600)
        found = prompts.reach(user=other_user)
        assert found.ok is False and "welcome.wav" in found.text and "chmod o+r" in found.text
        shared_folder.chmod(0o700)
        found = prompts.reach(user=other_user)
        assert found.ok is False and f"cannot enter {shared_folder}" in found.text


def test_without_an_asterisk_user_here_the_check_cannot_tell(tmp_path):
    app = make_app(tmp_path, SOUNDS_PREFIX=None, SOUNDS_DIR=str(tmp_path / "snd"))
    with app.app_context():
        found = prompts.reach(user="no-such-user-here")
        assert found.ok is None and "SOUNDS_PREFIX" in found.text


def test_a_relative_prefix_needs_the_link_in_asterisks_sounds_folder(tmp_path):
    asterisk_sounds = tmp_path / "asterisk-sounds"
    asterisk_sounds.mkdir()
    sounds = tmp_path / "sounds"
    sounds.mkdir()
    app = make_app(tmp_path, SOUNDS_PREFIX="postline", SOUNDS_DIR=str(sounds),
                   ASTERISK_SOUNDS_DIR=str(asterisk_sounds))
    result = app.test_cli_runner().invoke(args=["prompts", "check"])
    assert result.exit_code == 1
    assert "Asterisk will NOT find them" in result.stderr
    assert f"ln -s {sounds} {asterisk_sounds / 'postline'}" in result.stderr
    os.symlink(sounds, asterisk_sounds / "postline")
    with app.app_context():
        found = prompts.reach()
    assert found.ok is True and "postline/<name>" in found.text
