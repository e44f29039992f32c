"""The self-service room's declarations: its pages only. It declares no permission and no
menu entry, since nothing in it is for staff, and nothing of the staff site points to it."""
from __future__ import annotations

from app.declarations import PluginBlueprint
from app.hookspecs import hookimpl
from app.selfservice import views


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("selfservice", views.bp)]
