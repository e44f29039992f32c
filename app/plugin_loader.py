"""Finds plugins through the ``postline.plugins`` entry points, loads the ones the instance
allows, and gathers what their hooks declare.

The PluginManager lives on the app (``app.extensions["postline"]``), never in a module
global, so two apps in one process (tests, a multi-site host) can enable different plugins."""
from __future__ import annotations

import importlib.metadata as metadata
import logging
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy
from flask import Flask, current_app

from app import hookspecs

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "postline.plugins"
CORE = "core"
#: Hooks whose names belong to the declaring plugin: the core reads settings as
#: ``(plugin, name)`` and schedules jobs as ``<plugin>.<name>``, so two plugins may both
#: have a setting ``greeting``; only one plugin declaring a name twice is refused.
PLUGIN_SCOPED_HOOKS = frozenset({"postline_settings", "postline_jobs"})


class PluginError(RuntimeError):
    """A plugin could not be loaded or declared something invalid; the message names it."""


@dataclass
class PluginInfo:
    name: str
    version: str
    module_name: str
    enabled: bool = False
    error: str = ""
    module: ModuleType | None = None
    hooks: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.error:
            return "error"
        return "enabled" if self.enabled else "disabled"


@dataclass
class PluginRegistry:
    pm: pluggy.PluginManager
    plugins: dict[str, PluginInfo]
    cache: dict[str, list[Any]] = field(default_factory=dict)


def allowed_names(value: str | list[str] | tuple[str, ...] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split(",")
    return [name.strip() for name in value if name and name.strip()]


def discover() -> dict[str, metadata.EntryPoint]:
    return {ep.name: ep for ep in metadata.entry_points(group=ENTRY_POINT_GROUP)}


def load_plugins(app: Flask) -> PluginRegistry:
    """Entry-point plugins named in ``PLUGINS``, plus ``PLUGIN_OBJECTS`` (a dict of name to
    module or object, for tests and for embedding PostLine), which are always enabled."""
    from app import core_hooks

    pm = pluggy.PluginManager("postline")
    pm.add_hookspecs(hookspecs)
    pm.register(core_hooks, name=CORE)
    strict = not app.config["SKIP_BROKEN_PLUGINS"]
    wanted = allowed_names(app.config["PLUGINS"])
    found = discover()
    infos = {name: _info(ep) for name, ep in sorted(found.items())}

    for name in wanted:
        if name not in found:
            _fail(infos, name, f"plugin {name!r} is enabled but not installed "
                  f"(no '{ENTRY_POINT_GROUP}' entry point of that name)", strict)
            continue
        info = infos[name]
        info.enabled = True
        try:
            info.module = found[name].load()
            pm.register(info.module, name=name)
        except Exception as exc:  # a plugin may fail in any way; name it and go on or stop
            _fail(infos, name, f"plugin {name!r} failed to load: {exc.__class__.__name__}: {exc}", strict)

    for name, obj in (app.config.get("PLUGIN_OBJECTS") or {}).items():
        infos[name] = PluginInfo(name=name, version="-", module_name=getattr(obj, "__name__", name),
                                 enabled=True, module=obj)
        pm.register(obj, name=name)

    _check_pending(pm, infos, strict)
    for info in infos.values():
        if info.module is not None and pm.is_registered(info.module):
            info.hooks = sorted(c.name for c in pm.get_hookcallers(info.module) or ())
            _check_table_prefixes(info, infos, strict)
            if info.error:  # refused while skipping broken plugins: it declares nothing
                pm.unregister(info.module)
    return PluginRegistry(pm=pm, plugins=infos)


def _info(ep: metadata.EntryPoint) -> PluginInfo:
    version = ep.dist.version if ep.dist else "?"
    return PluginInfo(name=ep.name, version=version, module_name=ep.value)


def _fail(infos: dict[str, PluginInfo], name: str, message: str, strict: bool) -> None:
    if strict:
        raise PluginError(message + " (set POSTLINE_SKIP_BROKEN_PLUGINS=1 to start without it)")
    log.error("%s; starting without it", message)
    info = infos.setdefault(name, PluginInfo(name=name, version="?", module_name=""))
    info.enabled, info.error = True, message


def _check_pending(pm: pluggy.PluginManager, infos: dict[str, PluginInfo], strict: bool) -> None:
    """Refuse hook implementations that match no hookspec (a typo would silently do nothing)."""
    while True:
        try:
            pm.check_pending()
            return
        except pluggy.PluginValidationError as exc:
            name = pm.get_name(exc.plugin) or "?"
            pm.unregister(exc.plugin)
            info = infos.get(name)
            if info:
                info.module = None
            _fail(infos, name, f"plugin {name!r} implements an unknown hook: {exc}", strict)


def _check_table_prefixes(info: PluginInfo, infos: dict[str, PluginInfo], strict: bool) -> None:
    from app.extensions import db

    package = info.module_name.split(":")[0]
    for mapper in db.Model.registry.mappers:
        module = mapper.class_.__module__
        if module == package or module.startswith(package + "."):
            table = mapper.local_table.name
            if not table.startswith(info.name + "_"):
                _fail(infos, info.name, f"plugin {info.name!r} declares table {table!r}; "
                      f"plugin tables must start with '{info.name}_'", strict)


def registry(app: Flask | None = None) -> PluginRegistry:
    return (app or current_app).extensions["postline"]


def enabled_plugins(app: Flask | None = None) -> list[PluginInfo]:
    return [p for p in registry(app).plugins.values() if p.enabled and not p.error]


def collect(hook_name: str, app: Flask | None = None, **kwargs: Any) -> list[Any]:
    """Everything the core and the enabled plugins declare through ``hook_name``: each item
    tagged with its plugin, names unique (within the plugin for ``PLUGIN_SCOPED_HOOKS``),
    ordered by (weight, name, plugin) and never by the order in which pluggy happened to
    register the plugins.

    Results of argument-less hooks are cached on the app: declarations are static."""
    reg = registry(app)
    if not kwargs and hook_name in reg.cache:
        return reg.cache[hook_name]
    items: list[Any] = []
    seen: dict[Any, str] = {}
    hook = getattr(reg.pm.hook, hook_name)
    for impl in hook.get_hookimpls():
        args = {k: v for k, v in kwargs.items() if k in impl.argnames}
        try:
            result = impl.function(**args) or []
        except Exception as exc:
            raise PluginError(f"plugin {impl.plugin_name!r}: hook {hook_name} failed: {exc}") from exc
        for item in result:
            item.plugin = impl.plugin_name
            key = (impl.plugin_name, item.name) if hook_name in PLUGIN_SCOPED_HOOKS else item.name
            if key in seen:
                raise PluginError(
                    f"{hook_name}: name {item.name!r} is declared by both "
                    f"{seen[key]!r} and {impl.plugin_name!r}"
                )
            seen[key] = impl.plugin_name
            items.append(item)
    items.sort(key=lambda item: (item.weight, item.name, item.plugin))
    if not kwargs:
        reg.cache[hook_name] = items
    return items


#: Hooks whose declarations do not depend on a request or an object: checked at start-up.
STATIC_HOOKS = tuple(
    name for name in dir(hookspecs)
    if name.startswith("postline_") and name != "postline_customer_timeline"
)


def check_declarations(app: Flask) -> None:
    """Collect every static hook once at start-up, so a duplicate name or a crashing hook
    stops the start with the plugin named, instead of a 500 on the first page that asks.
    IVR nodes must be named ``<plugin>.<node>``: flows refer to them by that name."""
    with app.app_context():
        for hook_name in STATIC_HOOKS:
            collect(hook_name, app)
        for node in collect("postline_ivr_nodes", app):
            if not node.name.startswith(node.plugin + "."):
                raise PluginError(f"plugin {node.plugin!r}: IVR node {node.name!r} must be "
                                  f"named '{node.plugin}.<node>'")
