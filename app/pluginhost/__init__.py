"""The plugin host: everything that makes plugins (and the core's rooms, registered the same
way) part of an app.

- :mod:`.loader`: finds, allows and registers plugins; checks them strictly at start-up;
- :mod:`.calls`: how hooks are called (``collect``, ``first``, ``notify``, ``deliver``), and tracing;
- :mod:`.naming`: the rules for every name a plugin declares;
- :mod:`.registry`: what was loaded, kept on the app;
- :mod:`.settings` and :mod:`.state`: plugin settings and which plugins are installed;
- :mod:`.migrations`: the core's and each plugin's Alembic history.

The names below are what the other rooms use."""
from __future__ import annotations

from app.pluginhost.calls import collect, deliver, first, notify
from app.pluginhost.registry import PluginError, PluginInfo, enabled_plugins, registry

__all__ = ["PluginError", "PluginInfo", "collect", "deliver", "enabled_plugins", "first", "notify", "registry"]
