"""Plugins for ``tests/test_plugin_loader.py``, made to look installed: the tests add fake
``postline.plugins`` entry points (``tests.plugin_fixtures.<module>``) to what
``app.pluginhost.loader.discover`` finds. Like real plugins, they import from ``app.api`` only."""
