"""Chinese first: every message the code and templates show has a zh_CN translation, and
the compiled catalog that Flask-Babel reads is the one in the source."""
from __future__ import annotations

import re
from pathlib import Path

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


def _po():
    with open(CATALOG / "messages.po", "rb") as handle:
        return read_po(handle)


def test_every_message_shown_has_a_chinese_translation():
    catalog = _po()
    missing = [f"{msgid!r} ({where})" for (msgid, context), where in _source_messages().items()
               if not (catalog.get(msgid, context=context) and catalog.get(msgid, context=context).string)
               or catalog.get(msgid, context=context).fuzzy]
    assert missing == [], "run `make translations` and translate:\n" + "\n".join(missing)


def _placeholders(text: str | tuple[str, ...]) -> set[str]:
    texts = text if isinstance(text, tuple) else (text,)
    return {name for t in texts for name in re.findall(r"%\(\w+\)s", t)}


def test_placeholders_survive_translation():
    for message in _po():
        if message.id and message.string:
            assert _placeholders(message.id) == _placeholders(message.string), message.id


def _key(value: str | tuple | list) -> str | tuple[str, ...]:
    """Plural messages come as tuples from the .po and as lists from the .mo."""
    return tuple(value) if isinstance(value, (tuple, list)) else value


def test_compiled_catalog_matches_the_source():
    with open(CATALOG / "messages.mo", "rb") as handle:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(handle) if m.id}
    source = {_key(m.id): _key(m.string) for m in _po() if m.id and m.string and not m.fuzzy}
    assert compiled == source, "run `make translations` (pybabel compile) and commit the .mo"
