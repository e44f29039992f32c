"""The line's per-site settings, read when used (an administrator may change them)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app import api

PLUGIN = "ems"
DEFAULT_DISTRICTS = "东城区,西城区,朝阳区,海淀区,丰台区,石景山区,通州区,大兴区"


def declared() -> list[api.Setting]:
    return [
        api.Setting("pickup_department", _l("Pickup department (code)"), "ems",
                    description=_l("Pickup work orders are assigned to the department with this code.")),
        api.Setting("districts", _l("Pickup districts"), DEFAULT_DISTRICTS,
                    description=_l("The districts a pickup may be booked in, separated by commas.")),
        api.Setting("tracking_service", _l("Tracking service"), "local", kind="choice",
                    choices=[("local", _l("Local database (imported events)"))]),
    ]


def districts() -> list[str]:
    text = str(api.get_setting(PLUGIN, "districts") or "").replace("，", ",")
    found = [d.strip() for d in text.split(",") if d.strip()]
    return found or DEFAULT_DISTRICTS.split(",")


def pickup_department() -> str:
    return str(api.get_setting(PLUGIN, "pickup_department") or "").strip()
