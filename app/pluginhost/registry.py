"""What the loader found, kept on the app (``app.extensions["postline"]``) and never in a
module global, so that two apps in one process (tests, a multi-site host) can enable
different plugins."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy
from flask import Flask, current_app

EXTENSION_KEY = "postline"


class PluginError(RuntimeError):
    """A plugin could not be loaded or declared something invalid; the message names it."""


@dataclass
class PluginInfo:
    """One plugin found through the entry points (or given as an object): the core's
    rooms are registered with pluggy too, but are not plugins and have no info."""

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
    #: Held while a declaration list is collected into ``cache``: the AGI server's call
    #: threads ask for them all at once after a start (reentrant: a hook may collect another).
    lock: threading.RLock = field(default_factory=threading.RLock)


def registry(app: Flask | None = None) -> PluginRegistry:
    return (app or current_app).extensions[EXTENSION_KEY]


def enabled_plugins(app: Flask | None = None) -> list[PluginInfo]:
    return [p for p in registry(app).plugins.values() if p.enabled and not p.error]
