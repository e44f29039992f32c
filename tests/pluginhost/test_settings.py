"""Plugin settings saved by two web processes at the same moment (two threads, two database
connections): the first save of a setting is stored once, without a crash, and audited."""
from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditLog
from app.extensions import db
from app.pluginhost.settings import get_setting, set_settings
from app.pluginhost.state import PluginSetting
from app.testing.concurrency import at_once


def _reads_settings(sql: str) -> bool:
    return sql.lstrip().upper().startswith("SELECT") and "FROM plugin_setting" in sql


def test_the_first_save_of_a_setting_by_two_processes_at_once_stores_it_once(app):
    results = at_once(app, [lambda: set_settings("postcode", {"max_results": 7}),
                            lambda: set_settings("postcode", {"max_results": 9})], _reads_settings)
    assert results == [None, None]
    db.session.rollback()
    rows = db.session.scalars(select(PluginSetting).where(PluginSetting.plugin == "postcode")).all()
    assert len(rows) == 1
    assert get_setting("postcode", "max_results") in (7, 9)
    audited = db.session.scalar(select(func.count()).select_from(AuditLog)
                                .where(AuditLog.object_type == "plugin_setting"))
    assert audited >= 1
