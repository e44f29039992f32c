"""Chinese place names with and without their administrative suffixes.

Callers say "华安", "广州", "广西"; the data says "华安县", "广州市", "广西壮族自治区".
A name's *core* drops one administrative suffix and, for autonomous areas, the names of
the peoples before "自治…" ("恩施土家族苗族自治州" → "恩施"). A core shorter than two
characters is not used ("城区" stays "城区"): one character would match almost any text."""
from __future__ import annotations

import functools
import re
import unicodedata

#: Longest first, so "自治区" is tried before "区".
SUFFIXES = (
    "特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区",
    "省", "市", "区", "县", "盟", "旗",
)
AUTONOMOUS = ("自治区", "自治州", "自治县", "自治旗")

#: The 55 minority peoples, as named in autonomous areas ("蒙古族", "维吾尔"...).
PEOPLES = (
    "蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺"
).split()
#: "…族" always; without "族" only names of two or more characters ("巴音郭楞蒙古自治州").
_PEOPLE_TAIL = re.compile(
    "(?:" + "|".join(sorted((p + "族" for p in PEOPLES), key=len, reverse=True)) + "|"
    + "|".join(sorted((p for p in PEOPLES if len(p) > 1), key=len, reverse=True)) + ")$"
)
MIN_CORE = 2
_SPACE = re.compile(r"\s+")


def clean(text: str | None) -> str:
    """What a person typed, comparable with the data: full-width letters and digits made
    half-width (NFKC, Chinese input methods produce both), spaces removed."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or ""))


@functools.lru_cache(maxsize=16384)  # bounded: typed names pass through here too
def core(name: str) -> str:
    """The name without its administrative suffix (see the module docstring)."""
    for suffix in SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= MIN_CORE:
            stem = name[: -len(suffix)]
            if suffix in AUTONOMOUS:
                stem = _strip_peoples(stem)
            return stem
    return name


def _strip_peoples(stem: str) -> str:
    while True:
        match = _PEOPLE_TAIL.search(stem)
        if not match or match.start() < MIN_CORE:
            return stem
        stem = stem[: match.start()]


@functools.lru_cache(maxsize=16384)
def aliases(name: str) -> frozenset[str]:
    """The ways a name may be written in an address: in full, as its core, and for an
    autonomous prefecture, county or banner as people say it ("恩施州", "乳源县")."""
    found = {name, core(name)}
    for suffix in AUTONOMOUS[1:]:
        if name.endswith(suffix) and core(name) != name:
            found.add(core(name) + suffix[-1])
    return frozenset(found)


def key(name: str) -> str:
    """Equal for "福建", "福建省" and " 福建省 ": how a typed name is compared with the data."""
    return core(clean(name))
