"""Builds an app's plugin manager: the core's rooms (:data:`app.rooms.CORE_ROOMS`), then the
plugins found through the ``postline.plugins`` entry points that the instance allows, then
``PLUGIN_OBJECTS`` (tests, embedding). Strict by default (Indico's lesson): a plugin that
cannot load, implements an unknown hook, maps a table outside its prefix or declares a
name against the rules stops start-up with the plugin named."""
from __future__ import annotations

import importlib
import importlib.metadata as metadata
import inspect
import logging

import pluggy
from flask import Flask

from app import hookspecs
from app.extensions import db
from app.pluginhost import naming
from app.pluginhost.calls import collect, trace
from app.pluginhost.registry import EXTENSION_KEY, PluginError, PluginInfo, PluginRegistry
from app.rooms import CORE_ROOMS

log = logging.getLogger("postline.plugins")

ENTRY_POINT_GROUP = "postline.plugins"
PROJECT = "postline"


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
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    if app.config.get("TRACE_PLUGINS"):
        trace(pm)
    for room in CORE_ROOMS:
        pm.register(importlib.import_module(f"app.{room}.hooks"), name=naming.room_plugin_name(room))
    strict = not app.config["SKIP_BROKEN_PLUGINS"]
    found = discover()
    infos = {name: _info(ep) for name, ep in sorted(found.items())}

    for name in allowed_names(app.config["PLUGINS"]):
        if name not in found:
            _fail(infos, name, f"plugin {name!r} is enabled but not installed "
                  f"(no '{ENTRY_POINT_GROUP}' entry point of that name)", strict)
            continue
        info = infos[name]
        info.enabled = True
        problem = naming.plugin_name_problem(name)
        if problem:
            _fail(infos, name, problem, strict)
            continue
        try:
            info.module = found[name].load()
            pm.register(info.module, name=name)
        except Exception as exc:  # a plugin may fail in any way; name it and go on or stop
            _fail(infos, name, f"plugin {name!r} failed to load: {exc.__class__.__name__}: {exc}", strict)

    for name, obj in (app.config.get("PLUGIN_OBJECTS") or {}).items():
        problem = naming.plugin_name_problem(name)
        if problem:
            raise PluginError(problem)
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
    registry = PluginRegistry(pm=pm, plugins=infos)
    app.extensions[EXTENSION_KEY] = registry
    return registry


def _info(ep: metadata.EntryPoint) -> PluginInfo:
    version = ep.dist.version if ep.dist else "?"
    return PluginInfo(name=ep.name, version=version, module_name=ep.value)


def _fail(infos: dict[str, PluginInfo], name: str, message: str, strict: bool) -> None:
    if name.startswith(naming.CORE + "."):  # a broken core room never starts
        raise PluginError(message)
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
    package = info.module_name.split(":")[0]
    for mapper in db.Model.registry.mappers:
        module = mapper.class_.__module__
        if module == package or module.startswith(package + "."):
            problem = naming.table_problem(info.name, mapper.local_table.name)
            if problem:
                _fail(infos, info.name, problem, strict)


#: Static hooks that are collected when first used, not at every start: a plugin may derive
#: thousands of prompts from its data (a place name each), and every ``postline`` command
#: would pay for it. The prompt catalog checks them (:mod:`app.ivr.prompts.catalog`).
COLLECTED_ON_USE = frozenset({"postline_prompts"})
#: Hooks whose declarations depend on no argument (no request, no object): static, and
#: therefore checked once at start-up.
STATIC_HOOKS = tuple(
    name for name, spec in sorted(vars(hookspecs).items())
    if name.startswith("postline_") and callable(spec) and not inspect.signature(spec).parameters
    and name not in COLLECTED_ON_USE
)

#: Hook → the naming rule every declaration of it must keep.
_NAME_RULES = {
    "postline_ivr_nodes": naming.ivr_node_problem,
    "postline_settings": naming.setting_problem,
}


def check_declarations(app: Flask) -> None:
    """Collect every static hook once at start-up, so a duplicate name, a name against the
    rules (:mod:`app.pluginhost.naming`) or a crashing hook stops the start with the plugin
    named, instead of a 500 on the first page that asks."""
    with app.app_context():
        for hook_name in STATIC_HOOKS:
            items = collect(hook_name, app)
            rule = _NAME_RULES.get(hook_name)
            for item in items if rule else ():
                problem = rule(item)
                if problem:
                    raise PluginError(problem)
        blueprints = collect("postline_blueprints", app)
        core_blueprints = {b.blueprint.name for b in blueprints if b.plugin == naming.CORE}
        commands = collect("postline_cli_commands", app)
        core_commands = {naming.command_name(c) for c in commands if c.plugin == naming.CORE}
        problems = [naming.blueprint_problem(item, core_blueprints) for item in blueprints]
        problems += [naming.command_problem(item, core_commands) for item in commands]
        for problem in filter(None, problems):
            raise PluginError(problem)
