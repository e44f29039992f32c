"""Schema changes through Alembic, for the core and for each plugin separately.

Flask-Migrate is not used: its ``db`` command knows one history and, being registered
through the ``flask.commands`` entry point, would shadow ours."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, select

from app.extensions import db
from app.pluginhost.registry import PluginInfo, enabled_plugins, registry
from app.pluginhost.state import PluginInstall, PluginSetting
from app.timeutil import utcnow

CORE_MIGRATIONS = Path(__file__).parent.parent / "migrations"
#: Tables that are not ours to migrate (APScheduler creates its own).
FOREIGN_TABLES = ("apscheduler_jobs",)
#: A full-text index kept by the database itself (SQLite's FTS5 table and its shadow
#: tables, created by the knowledge base's migration), not by a model.
SEARCH_INDEX_TABLES = ("knowledge_fts",)
#: Expression indexes no model can describe on both databases (PostgreSQL's GIN index over
#: the knowledge base's weighted tsvector, the trigram indexes of the customer search).
SEARCH_INDEXES = ("ix_knowledge_article_search", "ix_customer_phone_digits_trgm", "ix_customer_name_trgm",
                  "ix_customer_address_detail_trgm")


def include_name_for(plugin: str | None, plugin_names: tuple[str, ...]) -> Callable[..., bool]:
    """Autogenerate sees only the tables of the history being written.

    Alembic applies ``include_name`` to names reflected from the database only; tables that
    exist only in the models go through ``include_object`` (:func:`include_object_for`), so
    both are needed, or a plugin's first revision would create the core's tables too."""

    def include_name(name: str | None, type_: str, _parents: dict[str, Any]) -> bool:
        if type_ == "index" and name in SEARCH_INDEXES:
            return False
        if type_ != "table" or name is None:
            return True
        if name.startswith(("alembic_version", *SEARCH_INDEX_TABLES)) or name in FOREIGN_TABLES:
            return False
        if plugin is not None:
            return name.startswith(plugin + "_")
        return not any(name.startswith(p + "_") for p in plugin_names)

    return include_name


def include_object_for(plugin: str | None, plugin_names: tuple[str, ...]) -> Callable[..., bool]:
    """The same rule as :func:`include_name_for`, for the models' side of the comparison."""
    include_name = include_name_for(plugin, plugin_names)

    def include_object(_obj: Any, name: str | None, type_: str, _reflected: bool,
                       _compare_to: Any) -> bool:
        return include_name(name, type_, {}) if type_ == "table" else True

    return include_object


def versions_dir(plugin: PluginInfo | None, create: bool = False) -> Path | None:
    """Where a history's revision files live; ``None`` for a plugin without tables."""
    if plugin is None:
        return CORE_MIGRATIONS / "versions"
    module_file = getattr(plugin.module, "__file__", None)
    if module_file is None:
        return None
    path = Path(module_file).parent / "migrations" / "versions"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path if path.is_dir() else None


def alembic_config(plugin: PluginInfo | None = None, connection: Any = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(CORE_MIGRATIONS))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(versions_dir(plugin)))
    cfg.attributes["postline_plugin"] = plugin.name if plugin else None
    cfg.attributes["postline_plugin_names"] = tuple(registry().plugins)
    cfg.attributes["connection"] = connection
    return cfg


def _run(plugin: PluginInfo | None, action: Callable[[Config], None]) -> None:
    with db.engine.begin() as connection:
        action(alembic_config(plugin, connection))


def upgrade_core(revision: str = "head") -> None:
    _run(None, lambda cfg: command.upgrade(cfg, revision))


def plugin_info(name: str) -> PluginInfo:
    info = registry().plugins.get(name)
    if info is None:
        raise LookupError(f"no plugin named {name!r} is installed in this Python environment")
    if not info.enabled or info.error:
        raise LookupError(f"plugin {name!r} is not enabled here (add it to POSTLINE_PLUGINS)"
                          + (f": {info.error}" if info.error else ""))
    return info


def install_plugin(name: str) -> str:
    """Create or upgrade the plugin's tables and record the installed version."""
    info = plugin_info(name)
    schema_changed = False
    if versions_dir(info) is not None:
        before = current_revisions(info)
        _run(info, lambda cfg: command.upgrade(cfg, "head"))
        schema_changed = current_revisions(info) != before
    row = db.session.get(PluginInstall, name)
    if row is None:
        db.session.add(PluginInstall(name=name, version=info.version))
        action = "installed"
    elif schema_changed or row.version != info.version:
        row.version, row.upgraded_at = info.version, utcnow()
        action = "upgraded"
    else:  # nothing to record: a second `db upgrade` changes nothing (no audit noise either)
        action = "up to date"
    db.session.commit()  # also ends the read transaction before the next plugin's migration
    return action


def uninstall_plugin(name: str) -> None:
    """Drop the plugin's tables (its whole migration history, downgraded to base, and then
    its empty version table: nothing of the plugin is left in the schema)."""
    info = plugin_info(name)
    if versions_dir(info) is not None:
        _run(info, lambda cfg: command.downgrade(cfg, "base"))
        with db.engine.begin() as connection:
            Table(f"alembic_version_{info.name}", MetaData()).drop(connection, checkfirst=True)
    row = db.session.get(PluginInstall, name)
    if row is not None:
        db.session.delete(row)
    for setting in db.session.scalars(select(PluginSetting).where(PluginSetting.plugin == name)):
        db.session.delete(setting)
    db.session.commit()


def upgrade_all() -> list[tuple[str, str]]:
    """The core first, then every enabled plugin: what ``postline db upgrade`` does."""
    upgrade_core()
    return [(info.name, install_plugin(info.name)) for info in enabled_plugins()]


def current_revisions(plugin: PluginInfo | None = None) -> tuple[str, ...]:
    version_table = "alembic_version" if plugin is None else f"alembic_version_{plugin.name}"
    with db.engine.connect() as connection:
        ctx = MigrationContext.configure(connection, opts={"version_table": version_table})
        return tuple(ctx.get_current_heads())


def head_revisions(plugin: PluginInfo | None = None) -> tuple[str, ...]:
    return tuple(ScriptDirectory.from_config(alembic_config(plugin)).get_heads())


def make_revision(message: str, plugin: PluginInfo | None = None, autogenerate: bool = True) -> None:
    """Write a revision file (for developers; compares the models with the database)."""
    versions_dir(plugin, create=True)
    kwargs: dict[str, Any] = {"message": message, "autogenerate": autogenerate}
    with db.engine.begin() as connection:
        command.revision(alembic_config(plugin, connection), **kwargs)

