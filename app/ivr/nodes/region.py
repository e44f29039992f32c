"""Route by where the caller is calling from (:mod:`app.ivr.regions`): each outcome of the
step is a province or city name ("福建省", "福州", "广西"), ``other`` the rest, unknown
numbers included. A city outcome wins over its province's, so a flow can send Fuzhou to
its own queue and the rest of Fujian to the provincial one."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import current_app

from app.ivr.call import Call
from app.ivr.nodes.base import GENERIC_OUTCOMES, Issue, Node
from app.ivr.regions import region_of, short_name

OTHER = "other"
#: Where the call record's data keeps the region found (the screen pop shows it).
REGION_KEY = "caller.region"
#: Longest region name an outcome may carry ("新疆维吾尔自治区" and any prefecture fit).
NAME_MAX = 20


class RegionNode(Node):
    outcomes = (OTHER,)
    may_end = False
    silent = True

    def run(self, call: Call) -> str:
        region = region_of(call.info.caller, current_app.config.get("LOCAL_AREA_CODE", ""))
        call.data[REGION_KEY] = region.label
        names = [name for name in self.exits if name not in (OTHER, *GENERIC_OUTCOMES)]
        for wanted in (region.city, region.province):
            if wanted:
                for name in names:
                    if name in (wanted, short_name(wanted)):
                        return name
        return OTHER

    @classmethod
    def check_outcomes(cls, params: Mapping[str, Any], exits: Mapping[str, str]) -> list[Issue]:
        issues = []
        if OTHER not in exits:
            issues.append(Issue("unwired_outcome", f"outcome {OTHER!r} leads nowhere", {"outcome": OTHER}))
        for name in exits:
            if name in (OTHER, *GENERIC_OUTCOMES):
                continue
            if not (0 < len(name) <= NAME_MAX and all("\u4e00" <= ch <= "\u9fff" for ch in name)):
                issues.append(Issue("bad_region", f"{name!r} is not a province or city name in Chinese",
                                    {"outcome": name}))
        return issues
