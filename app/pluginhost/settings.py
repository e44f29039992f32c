"""Plugin settings: declared with defaults by the plugin, overridden per site by an admin."""
from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.declarations import Setting
from app.extensions import db
from app.pluginhost.calls import collect
from app.pluginhost.state import PluginSetting


def declared(plugin: str) -> list[Setting]:
    return [s for s in collect("postline_settings") if s.plugin == plugin]


def _declaration(plugin: str, name: str) -> Setting:
    for setting in declared(plugin):
        if setting.name == name:
            return setting
    raise KeyError(f"plugin {plugin!r} declares no setting {name!r}")


def get_setting(plugin: str, name: str) -> Any:
    """The site's value, or the plugin's default when nobody changed it."""
    default = _declaration(plugin, name).default
    row = db.session.scalar(
        select(PluginSetting).where(PluginSetting.plugin == plugin, PluginSetting.name == name)
    )
    return default if row is None else json.loads(row.value)


def all_settings(plugin: str) -> dict[str, Any]:
    return {s.name: get_setting(plugin, s.name) for s in declared(plugin)}


def set_settings(plugin: str, values: dict[str, Any]) -> None:
    """Store changed values (the audit trail records each, with before and after).

    The first save of a setting by two processes at once: both insert, the second meets the
    first's row; it is tried once more, and then updates that row (an upsert would bypass
    the audit trail)."""
    for attempt in range(2):
        try:
            _store(plugin, values)
            return
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise


def _store(plugin: str, values: dict[str, Any]) -> None:
    for name, value in values.items():
        _declaration(plugin, name)
        row = db.session.scalar(
            select(PluginSetting).where(PluginSetting.plugin == plugin, PluginSetting.name == name)
        )
        encoded = json.dumps(value, ensure_ascii=False)
        if row is None:
            db.session.add(PluginSetting(plugin=plugin, name=name, value=encoded))
        elif row.value != encoded:
            row.value = encoded
    db.session.commit()
