"""The words the phone can say about an item. Asterisk plays sound files and there is no
speech synthesis during a call, so an event's free text (“离开【北京处理中心】，发往上海”)
cannot be read out: each event is given a status from a small vocabulary when it is
stored (:func:`status_of`), and its place is said through the name of the province or
city it mentions (:func:`spoken_place`), each a prompt of its own. The agent's page shows
the full text."""
from __future__ import annotations

import hashlib

#: status → what the caller hears (also the order of :func:`status_of`'s checks).
STATUSES: dict[str, str] = {
    "delivered": "已妥投，已签收",
    "failed": "投递未成功",
    "returned": "已退回",
    "out_for_delivery": "正在派送",
    "customs": "正在办理海关手续",
    "arrived": "已到达",
    "departed": "已离开，正在运输途中",
    "accepted": "已收寄",
    "other": "有新的处理记录",
}

#: Words of the network's event texts → status; the first that matches wins, so
#: “未妥投” is a failure, not a delivery.
_KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("failed", ("未妥投", "投递失败", "未投递成功", "无人签收")),
    ("returned", ("退回", "退件")),
    ("delivered", ("妥投", "签收", "已投递")),
    ("out_for_delivery", ("派送", "投递中", "派件")),
    ("customs", ("海关", "清关", "通关")),
    ("arrived", ("到达",)),
    ("departed", ("离开", "发往", "运输")),
    ("accepted", ("收寄", "揽收", "揽投")),
)

PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区",
    "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)
CITIES = (
    "石家庄市", "太原市", "沈阳市", "大连市", "长春市", "哈尔滨市", "南京市", "苏州市", "无锡市", "杭州市",
    "宁波市", "温州市", "合肥市", "福州市", "厦门市", "泉州市", "漳州市", "南昌市", "济南市", "青岛市",
    "郑州市", "武汉市", "长沙市", "广州市", "深圳市", "东莞市", "佛山市", "海口市", "成都市", "贵阳市",
    "昆明市", "西安市", "兰州市", "西宁市", "呼和浩特市", "南宁市", "拉萨市", "银川市", "乌鲁木齐市",
)
PLACE_PREFIX = "ems/place/"
STATUS_PREFIX = "ems/status/"


def status_of(event_text: str) -> str:
    """The status an event's text says (``other`` when no word is known)."""
    for status, words in _KEYWORDS:
        if any(word in event_text for word in words):
            return status
    return "other"


def _short(name: str) -> str:
    """北京市 → 北京, 内蒙古自治区 → 内蒙古: the network often writes places without suffix."""
    for suffix in ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def place_prompt(name: str) -> str:
    """The prompt saying a place name (``ems/place/<10 hex digits of its SHA-1>``)."""
    return PLACE_PREFIX + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def place_prompts() -> dict[str, str]:
    return {place_prompt(name): name for name in (*PROVINCES, *CITIES)}


def spoken_place(text: str) -> str | None:
    """The city named in ``text``, else its province, else ``None`` (the place is then not
    said). Full names first, then names without suffix, provinces before cities there:
    “上海市黄浦区南京东路营业部” is 上海市, not 南京市."""
    for names in (CITIES, PROVINCES):
        for name in names:
            if name in text:
                return name
    for names in (PROVINCES, CITIES):
        for name in names:
            if _short(name) in text:
                return name
    return None
