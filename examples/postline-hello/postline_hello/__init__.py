"""postline-hello: the smallest complete PostLine plugin, for third parties to copy.

It declares one of each thing a business line usually needs: a permission, a menu entry,
a page, an Excel report, an IVR node, a scheduled job and a setting. Everything PostLine
offers a plugin comes from ``app.api`` and from nowhere else in ``app``: that facade is the
promise that stays stable when the core moves its rooms around.

The user-visible strings are plain Chinese: this plugin's (a third party's) own choice.
A plugin that wants PostLine's language switch wraps them in ``flask_babel`` and ships a
``translations/`` folder beside this file."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from app.api import (
    Column,
    IVRNode,
    Job,
    NavItem,
    Permission,
    PluginBlueprint,
    Report,
    Setting,
    audit,
    db,
    get_setting,
    hookimpl,
    permission_required,
    table_workbook,
)

#: The plugin's name is the entry-point name in setup.cfg; every name it declares
#: (permissions, IVR nodes, blueprint, tables) starts with it.
PLUGIN = "hello"
VIEW = "hello.view"

bp = Blueprint(PLUGIN, __name__, template_folder="templates")  # mounted under /p/hello


@bp.route("/")
@permission_required(VIEW)  # every view names its permission; PostLine refuses the rest
def index() -> str:
    return render_template("hello/index.html", greeting=get_setting(PLUGIN, "greeting"))


def greetings_report(_params: dict[str, Any]) -> Any:
    """The report's workbook (``params`` would hold the answers of a ``form_class``)."""
    columns = [Column("语言", width=12), Column("问候语", width=20)]
    rows = [("中文", "您好"), ("English", "Hello")]
    return table_workbook("问候语", columns, rows)


class Greet:
    """An IVR leaf: what it learns goes into ``call.data`` (the agent sees it); it returns
    the name of the next step."""

    def run(self, call: Any) -> str:
        call.data["hello.greeted"] = True
        return "next"


def heartbeat() -> None:
    """A scheduled job: a module-level function (the scheduler stores it by reference),
    run by the worker inside an app context. It leaves a line in the audit log."""
    audit("heartbeat", PLUGIN)
    db.session.commit()


@hookimpl
def postline_permissions() -> list[Permission]:
    return [Permission(VIEW, "查看问候", roles=("agent", "manager"))]


@hookimpl
def postline_nav_items() -> list[NavItem]:
    return [NavItem("hello", "你好", "hello.index", VIEW, section="desk", weight=90)]


@hookimpl
def postline_blueprints() -> list[PluginBlueprint]:
    return [PluginBlueprint("hello", bp)]


@hookimpl
def postline_reports() -> list[Report]:
    return [Report("hello.greetings", "问候语一览", VIEW, greetings_report,
                   description="示例报表")]


@hookimpl
def postline_ivr_nodes() -> list[IVRNode]:
    return [IVRNode("hello.greet", "问候来电者", Greet)]


@hookimpl
def postline_jobs() -> list[Job]:
    return [Job("heartbeat", heartbeat, "interval", {"minutes": 10}, title="问候插件心跳")]


@hookimpl
def postline_settings() -> list[Setting]:
    return [Setting("greeting", "问候语", default="您好！", description="页面上显示的问候语")]
