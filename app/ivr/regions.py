"""Where a caller is calling from: the province and city of a Chinese fixed-line area code
or mobile number prefix, as the ``phonenumbers`` geocoder knows them (its data is
maintained with libphonenumber's, so new mobile prefixes arrive with an upgrade).

The geocoder answers in one Chinese phrase ("江苏省常州市", "内蒙古呼和浩特市",
"广西壮族自治区南宁市、崇左市"); it is split here into the province (full name, whichever
form the geocoder used) and the city. An area code shared by several cities gives the
province only: routing such a caller to one of the cities' queues would be a guess. A
local number without its area code (seven or eight digits, as a city's exchange sends
it) is read with the centre's own ``LOCAL_AREA_CODE``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import phonenumbers
from phonenumbers import geocoder

#: The provincial-level divisions, with the short forms callers and geocoders use.
PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省",
    "江苏省", "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省",
    "广东省", "海南省", "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区",
)
_SUFFIXES = ("壮族自治区", "回族自治区", "维吾尔自治区", "特别行政区", "自治区", "省", "市")
_FOREIGN_REGIONS = {"HK": "香港特别行政区", "MO": "澳门特别行政区", "TW": "台湾省"}


def short_name(name: str) -> str:
    """"福建省" → "福建", "广西壮族自治区" → "广西", "福州市" → "福州"."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@cache
def _province_names() -> list[tuple[str, str]]:
    """(form as written, full name), longest first so that "内蒙古自治区" wins over "内蒙古"."""
    forms = {form: full for full in PROVINCES for form in (full, short_name(full))}
    return sorted(forms.items(), key=lambda item: -len(item[0]))


@dataclass(frozen=True)
class Region:
    province: str = ""
    #: The city when the number belongs to one; empty when the code covers several.
    city: str = ""
    #: What the geocoder said, for the call record and the agent ("广西壮族自治区南宁市、崇左市").
    label: str = ""


UNKNOWN = Region()


def region_of(number: str, local_area_code: str = "") -> Region:
    """The caller's region from the number Asterisk gives (``13912345678``,
    ``013912345678``, ``059187654321``, ``+8613912345678``, ``008613912345678`` or a local
    ``87654321``); :data:`UNKNOWN` for withheld, foreign, service and unknown numbers."""
    digits = "".join(ch for ch in number if ch.isdigit() or ch == "+")
    if not digits:
        return UNKNOWN
    if digits.isdigit() and len(digits) in (7, 8) and digits[0] not in "01":
        if not local_area_code:
            return UNKNOWN   # a local number of a city we do not know
        digits = "0" + local_area_code.lstrip("0") + digits
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return UNKNOWN
    if not phonenumbers.is_valid_number(parsed):
        return UNKNOWN
    region_code = phonenumbers.region_code_for_number(parsed)
    if region_code in _FOREIGN_REGIONS:
        full = _FOREIGN_REGIONS[region_code]
        return Region(full, "", full)
    if region_code != "CN":
        return UNKNOWN
    return split_label(geocoder.description_for_valid_number(parsed, "zh"))


def split_label(label: str) -> Region:
    """"江苏省常州市" → Region("江苏省", "常州市"); "北京市" → Region("北京市", "北京市")."""
    for form, full in _province_names():
        if label.startswith(form):
            rest = label[len(form):]
            if not rest and full.endswith("市"):
                return Region(full, full, label)  # a municipality is its own city
            cities = [city for city in rest.split("、") if city]
            return Region(full, cities[0] if len(cities) == 1 else "", label)
    return UNKNOWN
