"""Chinese first: every message the code and templates show has a zh_CN translation, and
the compiled catalog that Flask-Babel reads is the one in the source. A plugin with its own
catalog (``plugins/<name>/translations``) is checked against that one."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "app" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "_lp": ((1, "c"), 2)}
METHODS = [("**.py", "python"), ("templates/**.html", "jinja2"), ("**/templates/**.html", "jinja2")]


def _source_messages() -> dict[tuple[str, str | None], str]:
    """(msgid, context) → where it is used."""
    found = {}
    for folder in ("app", "plugins"):
        for filename, _line, message, _comments, context in extract_from_dir(
                ROOT / folder, METHODS, keywords=KEYWORDS):
            msgid = message[0] if isinstance(message, tuple) else message
            found.setdefault((msgid, context), f"{folder}/{filename}")
    return found


def _po(folder: Path = CATALOG):
    with open(folder / "messages.po", "rb") as handle:
        return read_po(handle)


#: Plugins that bring their own catalog (``plugins/<name>/translations``): their messages
#: are looked up there, not in the core's.
PLUGIN_CATALOGS = {path.parent.parent.parent.parent.name: path.parent
                   for path in sorted((ROOT / "plugins").glob("*/translations/zh_Hans_CN/LC_MESSAGES/messages.po"))}


def _catalog_for(where: str, catalogs: dict):
    parts = where.split("/")
    if parts[0] == "plugins" and len(parts) > 2 and parts[1] in catalogs:
        return catalogs[parts[1]]
    return catalogs[""]


def test_every_message_shown_has_a_chinese_translation():
    catalogs = {"": _po(), **{name: _po(folder) for name, folder in PLUGIN_CATALOGS.items()}}
    missing = []
    for (msgid, context), where in _source_messages().items():
        found = _catalog_for(where, catalogs).get(msgid, context=context)
        if not (found and found.string and not found.fuzzy):   # a plugin may use the core's
            found = catalogs[""].get(msgid, context=context)
        if not (found and found.string) or found.fuzzy:
            missing.append(f"{msgid!r} ({where})")
    assert missing == [], "run `make translations` and translate:\n" + "\n".join(missing)


def _placeholders(text: str | tuple[str, ...]) -> set[str]:
    texts = text if isinstance(text, tuple) else (text,)
    return {name for t in texts for name in re.findall(r"%\(\w+\)s", t)}


@pytest.mark.parametrize("folder", [CATALOG, *PLUGIN_CATALOGS.values()], ids=str)
def test_placeholders_survive_translation(folder):
    for message in _po(folder):
        if message.id and message.string:
            assert _placeholders(message.id) == _placeholders(message.string), message.id


def _key(value: str | tuple | list) -> str | tuple[str, ...]:
    """Plural messages come as tuples from the .po and as lists from the .mo."""
    return tuple(value) if isinstance(value, (tuple, list)) else value


@pytest.mark.parametrize("folder", [CATALOG, *PLUGIN_CATALOGS.values()], ids=str)
def test_compiled_catalog_matches_the_source(folder):
    with open(folder / "messages.mo", "rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in _po(folder) if m.id and m.string and not m.fuzzy}
    assert compiled == source, "run `make translations` (pybabel compile) and commit the .mo"


@pytest.mark.parametrize("folder", PLUGIN_CATALOGS.values(), ids=str)
def test_a_plugin_never_retranslates_a_core_message(folder):
    """Flask-Babel merges every catalog into one: a plugin's other translation of a core
    message would change the core's pages too ("closed" on the lines page)."""
    core = {m.id: m.string for m in _po() if m.id and m.string}
    clashes = [m.id for m in _po(folder) if m.id in core and m.string and m.string != core[m.id]]
    assert clashes == [], "give these another msgid (or use the core's translation):\n" + "\n".join(map(str, clashes))
