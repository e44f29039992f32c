"""Where Asterisk finds the prompts that ``postline prompts build`` writes.

``STREAM FILE name`` with a relative name makes Asterisk look in its own sounds folder
(``/var/lib/asterisk/sounds``, the ``astsoundsdir`` of asterisk.conf); with an absolute
name it opens that file. So the IVR puts :func:`sounds_prefix` before every prompt name:

* ``SOUNDS_PREFIX`` unset (the default): the sounds folder's absolute path. Asterisk on
  the same host reads PostLine's folder directly; it needs only to be allowed to.
* a relative ``SOUNDS_PREFIX`` (``postline``): a folder inside Asterisk's sounds folder,
  usually a link to PostLine's (``ln -s <sounds> /var/lib/asterisk/sounds/postline``);
  ``""`` is Asterisk's sounds folder itself.
* an absolute ``SOUNDS_PREFIX``: the folder as Asterisk sees it (a shared mount on
  another host).

:func:`reach` says whether Asterisk will find the files, for ``postline prompts check``."""
from __future__ import annotations

import grp
import os
import pwd
import stat
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app

from app.ivr.prompts.catalog import sounds_dir

ASTERISK_USER = "asterisk"


def sounds_prefix(app: Flask | None = None) -> str:
    """What goes before a prompt's name in the commands sent to Asterisk ("" for none)."""
    app = app or current_app
    configured = app.config.get("SOUNDS_PREFIX")
    if configured is None:
        return str(sounds_dir(app).absolute())
    return str(configured).rstrip("/")


def asterisk_name(prefix: str, prompt: str) -> str:
    """The name Asterisk is given for ``prompt`` (``/srv/postline/sounds/welcome-11185``)."""
    return f"{prefix}/{prompt}" if prefix else prompt


@dataclass(frozen=True)
class Reach:
    """``ok``: True (Asterisk finds the files), False (it will not: ``text`` says what to
    do), None (this host cannot tell: Asterisk runs elsewhere)."""

    ok: bool | None
    text: str


def reach(folder: Path | None = None, app: Flask | None = None, user: str = ASTERISK_USER) -> Reach:
    """Whether Asterisk, running as ``user`` on this host, will find the prompts of
    ``folder`` under the names the IVR gives it."""
    app = app or current_app
    folder = (folder or sounds_dir(app)).absolute()
    prefix = sounds_prefix(app)
    configured = app.config.get("SOUNDS_PREFIX")
    if configured is None:
        if Path(prefix) != folder and not _same(Path(prefix), folder):
            return Reach(None, f"the IVR gives Asterisk the prompts of {prefix} (SOUNDS_DIR), "
                               f"not those of {folder}")
        return _readable(folder, user)
    if not os.path.isabs(prefix):
        asterisk_sounds = Path(app.config.get("ASTERISK_SOUNDS_DIR") or "/var/lib/asterisk/sounds")
        return _through_asterisk_folder(folder, prefix, asterisk_sounds)
    if _same(Path(prefix), folder):
        return _readable(folder, user)
    return Reach(None, f"Asterisk is told the prompts are in {prefix} (SOUNDS_PREFIX): that must "
                       f"be {folder} as Asterisk's host sees it; not checked from here")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and a.resolve() == b.resolve()
    except OSError:
        return False


def _through_asterisk_folder(folder: Path, prefix: str, asterisk_sounds: Path) -> Reach:
    if not asterisk_sounds.is_dir():
        return Reach(None, f"Asterisk's sounds folder {asterisk_sounds} is not on this host "
                           f"(ASTERISK_SOUNDS_DIR): not checked")
    seen = asterisk_sounds / prefix if prefix else asterisk_sounds
    if _same(seen, folder):
        return Reach(True, f"Asterisk finds them as {prefix or '.'}/<name> in {asterisk_sounds}")
    return Reach(False, f"Asterisk looks for them in {seen}, which is not {folder}: "
                        f"ln -s {folder} {seen}")


def _readable(folder: Path, user: str) -> Reach:
    try:
        account = pwd.getpwnam(user)
    except KeyError:
        return Reach(None, f"Asterisk is given absolute names in {folder}; there is no user "
                           f"{user!r} here, so Asterisk runs elsewhere: set SOUNDS_PREFIX "
                           f"(dialplan/README.md)")
    groups = {account.pw_gid} | {g.gr_gid for g in grp.getgrall() if user in g.gr_mem}
    if not folder.is_dir():
        return Reach(False, f"{folder} does not exist")
    for place in [folder, *folder.parents]:
        if not _allowed(place.stat(), account.pw_uid, groups, search=True):
            return Reach(False, f"Asterisk (user {user}) cannot enter {place}: "
                                f"chmod o+x {place}, or see SOUNDS_PREFIX in dialplan/README.md")
    for path in folder.rglob("*"):
        if path.is_file() and not path.name.startswith(".") and \
                not _allowed(path.stat(), account.pw_uid, groups, search=False):
            return Reach(False, f"Asterisk (user {user}) cannot read {path}: chmod o+r")
    return Reach(True, f"Asterisk (user {user}) reads them from {folder}")


def _allowed(info: os.stat_result, uid: int, groups: set[int], search: bool) -> bool:
    """Unix permission for another user: enter a folder (x) or read a file (r)."""
    if uid == 0:
        return True
    owner, group, other = (stat.S_IXUSR, stat.S_IXGRP, stat.S_IXOTH) if search else \
        (stat.S_IRUSR, stat.S_IRGRP, stat.S_IROTH)
    if info.st_uid == uid:
        return bool(info.st_mode & owner)
    if info.st_gid in groups:
        return bool(info.st_mode & group)
    return bool(info.st_mode & other)
