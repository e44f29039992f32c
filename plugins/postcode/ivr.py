"""The telephone side of the postcode line: the IVR node ``postcode.lookup`` and the
prompts it plays.

The caller types a six-digit postcode and hears it back with its province, city and
county (several places: how many there are and the first few), then the engine's choices
after an answer (:meth:`Call.answer`: hear it again, another postcode, an agent, the
previous or the main menu); an unknown postcode is said so and the caller may type
another, a bounded number of times. Outcomes: ``done`` (answered, and no menu to go back
to: a node run on its own from the dialplan) and ``not_found`` (every try found nothing). Wrong lengths, "0"
for an agent, "*" to repeat and silence are the call verbs' business (:meth:`Call.ask`).

**Place names as prompts.** Asterisk plays sound files, and there is no speech synthesis
during a call, so every province, city and county name of the data is a prompt of its own,
``postcode/name/<key>``, built like any other by ``postline prompts build``. ``<key>`` is
the first 10 hex digits of the SHA-1 of the name (a prompt name must be ASCII; the hash
stays the same when rows are added or reordered, so built files stay valid). About 3,100
distinct names; reading the data costs ~0.2 s, so they are read when the prompts are first
declared (once per process), not at import."""
from __future__ import annotations

import hashlib

from flask import current_app

from app import api

from . import search
from .counting import count_lookup
from .data import LEVELS, Region, built_once, index

NODE = "postcode.lookup"
DIGITS = 6
NAME_PREFIX = "postcode/name/"
KEY_LENGTH = 10

ASK = "postcode/ask-code"
ASK_AGAIN = "postcode/ask-again"
YOUR_CODE = "postcode/your-code"
REGION_IS = "postcode/region-is"
REGIONS_COUNT = "postcode/regions-count"
REGIONS_INCLUDE = "postcode/regions-include"
AND = "postcode/and"
AND_MORE = "postcode/and-more"
UNKNOWN = "postcode/unknown"

#: The sentences of the node; the place names are added by :class:`Prompts`.
SENTENCES: dict[str, str] = {
    ASK: "请输入六位邮政编码。",
    ASK_AGAIN: "请重新输入六位邮政编码。",
    YOUR_CODE: "您查询的邮政编码",
    REGION_IS: "对应的地区是",
    REGIONS_COUNT: "对应的地区共有",
    REGIONS_INCLUDE: "个，包括",
    AND: "以及",
    AND_MORE: "等地区。",
    UNKNOWN: "没有找到对应的地区。",
}


def name_prompt(name: str) -> str:
    """The prompt that says a place name (``postcode/name/3b5c0e52a1``)."""
    return NAME_PREFIX + hashlib.sha1(name.encode("utf-8")).hexdigest()[:KEY_LENGTH]


@built_once
def name_prompts() -> dict[str, str]:
    """Prompt name → place name, for every province, city and county of the data."""
    found: dict[str, str] = {}
    for row in index().rows:
        for level in LEVELS:
            name = getattr(row, level)
            prompt = name_prompt(name)
            if found.setdefault(prompt, name) != name:  # 40 bits for ~3,100 names: never yet
                raise RuntimeError(f"postcode prompts: {name!r} and {found[prompt]!r} share {prompt!r}")
    return found


def prompts() -> list[api.Prompt]:
    """The plugin's prompts: :data:`SENTENCES` and one per place name."""
    return [api.Prompt(name, text) for name, text in {**SENTENCES, **name_prompts()}.items()]


def spoken_names(row: Region, previous: Region | None = None) -> list[str]:
    """The names said for ``row``: province, city, county without repeats (北京市 东城区;
    a city's own row: 福建省 厦门市); after ``previous``, from the first level that
    differs on (崇文区 after 北京市; 郊区 of another city with that city's name)."""
    names: list[str] = []
    same = previous is not None
    for level in LEVELS:
        name = getattr(row, level)
        same = same and getattr(previous, level) == name
        if same:
            continue
        if not names or names[-1] != name:
            names.append(name)
    return names


def region_text(row: Region) -> str:
    """A place as the agent's screen shows it: 福建省厦门市思明区."""
    return "".join(spoken_names(row))


def _is_code(digits: str) -> bool:
    return len(digits) == DIGITS and digits.isdigit()


class LookupNode(api.Node):
    """Asks for a postcode and says its places; see the module's docstring."""

    params_spec = (
        api.Param("tries", "int", 3, title="Postcodes a caller may try", minimum=1),
        api.Param("timeout_s", "int", 10, title="Seconds to wait for the digits", minimum=1),
        api.Param("max_places", "int", 3, title="Places said at most", minimum=1),
    )
    outcomes = ("done", "not_found")

    def run(self, call: api.Call) -> str:
        prompt, misses = ASK, 0
        while True:
            code = call.ask(prompt, DIGITS, timeout_s=self.params["timeout_s"], validator=_is_code)
            rows = search.by_postcode(code).exact
            call.data["postcode.code"] = code
            call.data["postcode.region"] = "；".join(region_text(r) for r in rows)
            if not call.dry_run:
                count_lookup(current_app._get_current_object(), "postcode", code, len(rows))
            if rows:
                call.answer(lambda: self._say_answer(call, code, rows))
                prompt, misses = ASK, 0   # 2: another postcode
                continue
            call.play(YOUR_CODE)
            call.say_digits(code)
            call.play(UNKNOWN)
            misses += 1
            if misses >= self.params["tries"]:
                return "not_found"
            prompt = ASK_AGAIN

    def _say_answer(self, call: api.Call, code: str, rows: tuple[Region, ...]) -> None:
        call.play(YOUR_CODE)
        call.say_digits(code)
        self._say_places(call, rows)

    def _say_places(self, call: api.Call, rows: tuple[Region, ...]) -> None:
        said = rows[:self.params["max_places"]]
        if len(rows) == 1:
            call.play(REGION_IS)
        else:
            call.play(REGIONS_COUNT)
            call.say_number(len(rows))
            call.play(REGIONS_INCLUDE)
        previous = None
        for row in said:
            if previous is not None:
                call.play(AND)
            for name in spoken_names(row, previous):
                call.play(name_prompt(name))
            previous = row
        if len(rows) > len(said):
            call.play(AND_MORE)
