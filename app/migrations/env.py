"""One Alembic environment for the core and every plugin. The core's history lives in
``alembic_version``; each plugin's in ``alembic_version_<plugin>`` (Indico's layout), so
a plugin can be installed, upgraded or uninstalled on its own and disabling one never
breaks the core's upgrades."""
from __future__ import annotations

from alembic import context

from app.extensions import db
from app.pluginhost.migrations import include_name_for, include_object_for

config = context.config
plugin = config.attributes.get("postline_plugin")
plugin_names = config.attributes.get("postline_plugin_names", ())
connection = config.attributes["connection"]

context.configure(
    connection=connection,
    target_metadata=db.metadata,
    version_table="alembic_version" if plugin is None else f"alembic_version_{plugin}",
    include_name=include_name_for(plugin, plugin_names),  # tables found in the database
    include_object=include_object_for(plugin, plugin_names),  # tables only in the models
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
