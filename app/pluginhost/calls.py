"""How the core calls hooks: always through pluggy (so ``POSTLINE_TRACE_PLUGINS`` tracing and
hook wrappers see every call), in one of three ways.

* :func:`collect` for declarations: every implementation's list, each item tagged with its
  owner, names unique, ordered by weight and never by registration order.
* :func:`first` for "who handles this?" hooks (``firstresult`` specs): the first answer.
* :func:`notify` for events: every implementation is told; one plugin's failure is logged
  with its name and never reaches the caller, nor stops the others.
* :func:`deliver` for events whose listeners' work must stand or fall with the event's
  own (the statistics' roll-ups of new queue_log rows): a failure reaches the caller.

:func:`collect` and :func:`notify` call each implementation through its own pluggy
caller (:meth:`pluggy.PluginManager.subset_hook_caller`), so they know which plugin
answered; hook wrappers stay in every such call."""
from __future__ import annotations

import logging
import reprlib
from collections.abc import Iterator
from typing import Any

import pluggy
from flask import Flask, has_app_context

from app.extensions import db
from app.pluginhost.naming import PLUGIN_SCOPED_HOOKS, owner
from app.pluginhost.registry import PluginError, PluginRegistry, registry

log = logging.getLogger("postline.plugins")
_short = reprlib.Repr()
_short.maxstring = _short.maxother = 80


def collect(hook_name: str, app: Flask | None = None, **kwargs: Any) -> list[Any]:
    """Everything the core and the enabled plugins declare through ``hook_name``: each item
    tagged with its plugin (``core`` for the rooms), names unique (within the plugin for
    ``PLUGIN_SCOPED_HOOKS``), ordered by (weight, name, plugin).

    Results of argument-less hooks are cached on the app: declarations are static."""
    reg = registry(app)
    if kwargs:
        return _collect(reg, hook_name, kwargs)
    if hook_name not in reg.cache:
        with reg.lock:  # collected once, not by every thread that asks at the same time
            if hook_name not in reg.cache:
                reg.cache[hook_name] = _collect(reg, hook_name, kwargs)
    return reg.cache[hook_name]


def _collect(reg: PluginRegistry, hook_name: str, kwargs: dict[str, Any]) -> list[Any]:
    items: list[Any] = []
    seen: dict[Any, str] = {}
    for impl, result in _each_implementation(reg.pm, hook_name, kwargs):
        plugin = owner(impl.plugin_name)
        for item in result or []:
            item.plugin = plugin
            key = (plugin, item.name) if hook_name in PLUGIN_SCOPED_HOOKS else item.name
            if key in seen:
                raise PluginError(f"{hook_name}: name {item.name!r} is declared by both "
                                  f"{seen[key]!r} and {plugin!r}")
            seen[key] = plugin
            items.append(item)
    items.sort(key=lambda item: (item.weight, str(item.name), item.plugin))
    return items


def first(hook_name: str, app: Flask | None = None, **kwargs: Any) -> Any:
    """The first non-``None`` answer of a ``firstresult`` hook (pluggy's order: ``tryfirst``
    implementations first, then the last registered), or ``None`` when nobody answers."""
    caller = getattr(registry(app).pm.hook, hook_name)
    if not (caller.spec and caller.spec.opts.get("firstresult")):
        raise TypeError(f"{hook_name} is not a firstresult hook; use collect() or notify()")
    try:
        return caller(**kwargs)
    except Exception as exc:
        raise PluginError(f"hook {hook_name} failed: {exc.__class__.__name__}: {exc}") from exc


def notify(hook_name: str, app: Flask | None = None, **kwargs: Any) -> None:
    """Tell every implementation of the event hook ``hook_name``. A failing plugin is
    logged with its name and the traceback, and what it left in the database session is
    rolled back; the others are told all the same, and the caller's path goes on."""
    pm = registry(app).pm
    try:
        for _impl, _result in _each_implementation(pm, hook_name, kwargs, isolate=True):
            pass
    except Exception:  # the iteration itself (not an implementation) failed: still never raise
        log.exception("event %s could not be delivered", hook_name)


def deliver(hook_name: str, app: Flask | None = None, **kwargs: Any) -> None:
    """Tell every implementation of the event hook ``hook_name``, in the caller's
    transaction; a failure raises :class:`PluginError` naming the plugin, so the caller
    rolls back the event together with what the listeners did."""
    for _impl, _result in _each_implementation(registry(app).pm, hook_name, kwargs):
        pass


def _each_implementation(pm: pluggy.PluginManager, hook_name: str, kwargs: dict[str, Any],
                         isolate: bool = False) -> Iterator[tuple[Any, Any]]:
    """(implementation, what it returned) for every plain implementation of the hook, each
    called through pluggy alone with the hook's wrappers. With ``isolate``, a failure is
    logged and the next implementation is called; otherwise it becomes a
    :class:`PluginError` naming the plugin."""
    caller = getattr(pm.hook, hook_name)
    impls = caller.get_hookimpls()
    plain = [impl for impl in impls if not (impl.hookwrapper or impl.wrapper)]
    for impl in plain:
        others = [other.plugin for other in plain if other is not impl]
        try:
            results = pm.subset_hook_caller(hook_name, others)(**kwargs)
        except Exception as exc:
            if not isolate:
                raise PluginError(f"plugin {impl.plugin_name!r}: hook {hook_name} failed: {exc}") from exc
            log.exception("plugin %s: %s failed; the others are told all the same",
                          impl.plugin_name, hook_name)
            if has_app_context():
                db.session.rollback()
            continue
        yield impl, (results[0] if results else None)


def trace(pm: pluggy.PluginManager) -> None:
    """Log every hook call, its arguments, implementations and what came back (Datasette's
    ``DATASETTE_TRACE_PLUGINS``), at INFO on ``postline.plugins``."""

    def before(hook_name: str, hook_impls: list[Any], kwargs: dict[str, Any]) -> None:
        args = ", ".join(f"{k}={_short.repr(v)}" for k, v in kwargs.items())
        log.info("hook %s(%s) -> %s", hook_name, args,
                 ", ".join(impl.plugin_name for impl in hook_impls) or "(no implementation)")

    def after(outcome: Any, hook_name: str, _hook_impls: list[Any], _kwargs: dict[str, Any]) -> None:
        if outcome.exception is not None:
            log.info("hook %s raised %s: %s", hook_name, type(outcome.exception).__name__,
                     outcome.exception)
        else:
            log.info("hook %s returned %s", hook_name, _short.repr(outcome.get_result()))

    pm.add_hookcall_monitoring(before, after)
