"""The plugin loader: only the plugins the instance lists are enabled, a plugin that cannot
load is named (and start-up stops unless told to skip it), and what plugins declare is
checked before anybody relies on it: hook names, unique names, weight order, blueprint,
command and table names, a permission on every view.

Installed plugins are faked with entry points to the modules in ``tests/plugin_fixtures``;
plugins that exist only for one test are objects given through ``PLUGIN_OBJECTS``."""
from __future__ import annotations

import re
import sys
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import click
import pytest
from flask import Blueprint, Flask
from flask.cli import ScriptInfo

from app import create_app, worker
from app.api import (
    CliCommand,
    IVRNode,
    Job,
    NavItem,
    Permission,
    PluginBlueprint,
    Setting,
    hookimpl,
    permission_required,
)
from app.auth.permissions import permissions
from app.extensions import db
from app.pluginhost import PluginError, collect, enabled_plugins, registry
from app.pluginhost import loader as plugin_loader
from app.pluginhost import settings as plugin_settings
from app.pluginhost.loader import ENTRY_POINT_GROUP
from app.testing import submit
from app.testing.pytest_plugin import TEST_PASSWORD, base_config

ROOT = Path(__file__).resolve().parents[2]
FIXTURE_PLUGINS = {
    name: EntryPoint(name=name, value=f"tests.plugin_fixtures.{name}", group=ENTRY_POINT_GROUP)
    for name in ("goodplug", "broken", "typoplug", "badtable")
}


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> dict[str, EntryPoint]:
    """The fixture plugins look installed, beside the real ones."""
    monkeypatch.syspath_prepend(str(ROOT))
    found = {**plugin_loader.discover(), **FIXTURE_PLUGINS}
    monkeypatch.setattr(plugin_loader, "discover", lambda: dict(found))
    return found


@pytest.fixture
def badtable_model() -> Any:
    """Importing ``badtable`` maps its model in the shared metadata for the whole session;
    take its table out again so that no other test (schema comparisons) meets it."""
    yield
    table = db.metadata.tables.get("plfixture_parcel")
    if table is not None:
        db.metadata.remove(table)


@pytest.fixture
def make_app(tmp_path: Path, installed: dict[str, EntryPoint]):
    """``make_app(PLUGINS="goodplug", ...)`` → an app on a throw-away SQLite file, for
    tests of start-up that need no schema."""

    def make(**config: Any) -> Flask:
        return create_app(base_config(f"sqlite:///{tmp_path / 'loader.sqlite'}", []) | config)

    return make


def _names(items: list[Any], plugins: set[str]) -> list[tuple[str, str]]:
    return [(item.name, item.plugin) for item in items if item.plugin in plugins]


# --- the allow-list -----------------------------------------------------------------------

def test_only_listed_plugins_are_enabled(make_app):
    app = make_app(PLUGINS="goodplug")
    infos = registry(app).plugins
    assert (infos["goodplug"].enabled, infos["goodplug"].state) == (True, "enabled")
    assert infos["goodplug"].hooks == ["postline_nav_items", "postline_permissions"]
    for name in ("broken", "typoplug", "badtable"):  # installed, not listed
        assert (infos[name].enabled, infos[name].state, infos[name].module) == (False, "disabled", None)
    assert "tests.plugin_fixtures.broken" not in sys.modules  # never even imported
    assert [p.name for p in enabled_plugins(app)] == ["goodplug"]
    with app.app_context():
        assert "goodplug.use" in permissions()
        assert "goodplug.home" in {item.name for item in collect("postline_nav_items")}

    unlisted = make_app(PLUGINS="")
    assert registry(unlisted).plugins["goodplug"].state == "disabled"
    assert enabled_plugins(unlisted) == []
    with unlisted.app_context():
        assert "goodplug.use" not in permissions()
        assert "goodplug.home" not in {item.name for item in collect("postline_nav_items")}


def test_allow_list_accepts_a_comma_separated_string_or_a_list(make_app):
    assert plugin_loader.allowed_names(" goodplug, ,hello ") == ["goodplug", "hello"]
    assert [p.name for p in enabled_plugins(make_app(PLUGINS=["goodplug"]))] == ["goodplug"]


def test_a_listed_plugin_that_is_not_installed_stops_start_up(make_app):
    with pytest.raises(PluginError, match="'nosuchplug' is enabled but not installed"):
        make_app(PLUGINS="goodplug,nosuchplug")


def test_a_plugin_that_fails_to_import_is_named(make_app):
    with pytest.raises(PluginError) as caught:
        make_app(PLUGINS="goodplug,broken")
    message = str(caught.value)
    assert "'broken' failed to load" in message
    assert "needs the frobnicator library" in message  # the cause, for the admin
    assert "SKIP_BROKEN_PLUGINS" in message  # and the way out


@pytest.fixture
def loader_config() -> dict[str, Any]:
    """What a test adds to ``app``'s configuration (parametrize it)."""
    return {}


@pytest.fixture
def app_config(postline_database: str, installed: dict[str, EntryPoint], loader_config: dict[str, Any],
               badtable_model: Any) -> dict[str, Any]:
    return base_config(postline_database, []) | loader_config


@pytest.mark.parametrize("loader_config", [{
    "PLUGINS": "goodplug,broken,typoplug,badtable,nosuchplug", "SKIP_BROKEN_PLUGINS": True,
}])
def test_with_skip_broken_plugins_the_app_starts_and_shows_the_errors(app, make_user):
    infos = registry(app).plugins
    assert infos["goodplug"].state == "enabled"
    assert "'broken' failed to load: ImportError: needs the frobnicator library" in infos["broken"].error
    assert "'typoplug' implements an unknown hook" in infos["typoplug"].error
    assert "'badtable' declares table 'plfixture_parcel'" in infos["badtable"].error
    assert "'nosuchplug' is enabled but not installed" in infos["nosuchplug"].error
    for name in ("broken", "typoplug", "badtable", "nosuchplug"):
        assert infos[name].state == "error"
    assert [p.name for p in enabled_plugins(app)] == ["goodplug"]
    # A refused plugin declares nothing: not even the hooks that were right.
    known = permissions()
    assert "goodplug.use" in known
    assert "typoplug.use" not in known and "badtable.use" not in known

    # The admin sees each error on the plugins page ...
    admin = app.test_client()
    login = {"username": make_user("admin").username, "password": TEST_PASSWORD}
    assert submit(admin, "/auth/login", login).status_code == 302
    page = admin.get("/admin/plugins")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "needs the frobnicator library" in html
    assert "implements an unknown hook" in html and "plfixture_parcel" in html
    assert "enabled but not installed" in html
    assert admin.get("/admin/plugins/broken/settings").status_code == 404

    # ... and so does ``postline plugins list``.
    from app.commands import cli

    result = app.test_cli_runner().invoke(cli, ["plugins", "list"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    rows = {line.split("\t")[0]: line.split("\t") for line in result.output.splitlines()}
    assert rows["goodplug"][2] == "yes" and rows["goodplug"][5] == "-"
    assert "needs the frobnicator library" in rows["broken"][5]


# --- hook names -----------------------------------------------------------------------------

def test_a_misspelt_hook_is_refused_naming_the_plugin(make_app):
    with pytest.raises(PluginError) as caught:
        make_app(PLUGINS="goodplug,typoplug")
    assert "'typoplug' implements an unknown hook" in str(caught.value)
    assert "postline_nav_itemz" in str(caught.value)


def test_a_misspelt_hook_of_a_plugin_object_is_refused_too(make_app):
    class Typo:
        @hookimpl
        def postline_reportz(self) -> list[Any]:
            return []

    with pytest.raises(PluginError, match=r"'typo' implements an unknown hook.*postline_reportz"):
        make_app(PLUGINS="", PLUGIN_OBJECTS={"typo": Typo()})


# --- collect(): tags, unique names, order ---------------------------------------------------

class Alpha:
    @hookimpl
    def postline_nav_items(self) -> list[NavItem]:
        return [NavItem("alpha.late", "A late", "main.index", "core.home", weight=50),
                NavItem("alpha.early", "A early", "main.index", "core.home", weight=10)]


class Zeta:
    @hookimpl
    def postline_nav_items(self) -> list[NavItem]:
        return [NavItem("zeta.first", "Z first", "main.index", "core.home", weight=5),
                NavItem("zeta.late", "Z late", "main.index", "core.home", weight=50,
                        plugin="alpha")]  # a plugin cannot pass itself off as another


@pytest.mark.parametrize("order", [("alpha", "zeta"), ("zeta", "alpha")])
def test_collect_tags_items_and_orders_them_by_weight_then_name(make_app, order):
    objects = {"alpha": Alpha(), "zeta": Zeta()}
    app = make_app(PLUGIN_OBJECTS={name: objects[name] for name in order})
    with app.app_context():
        items = collect("postline_nav_items")
    assert _names(items, {"alpha", "zeta"}) == [
        ("zeta.first", "zeta"), ("alpha.early", "alpha"), ("alpha.late", "alpha"), ("zeta.late", "zeta"),
    ]
    assert {item.plugin for item in items} >= {"core", "alpha", "zeta"}  # the core's too
    assert [(i.weight, i.name) for i in items] == sorted((i.weight, i.name) for i in items)


def test_collect_refuses_a_name_declared_by_two_plugins(make_app):
    class Copycat:
        @hookimpl
        def postline_nav_items(self) -> list[NavItem]:
            return [NavItem("alpha.early", "Mine", "main.index", "core.home")]

    with pytest.raises(PluginError) as caught:  # at start-up, not on the first page asking
        make_app(PLUGIN_OBJECTS={"alpha": Alpha(), "copycat": Copycat()})
    message = str(caught.value)
    assert "'alpha.early'" in message and "'alpha'" in message and "'copycat'" in message


def _settings_and_jobs_plugin(*names: str) -> Any:
    class Plugin:
        @hookimpl
        def postline_settings(self) -> list[Setting]:
            return [Setting(name, name.title(), default=f"default of {name}") for name in names]

        @hookimpl
        def postline_jobs(self) -> list[Job]:
            return [Job(name, _no_op, "interval", {"minutes": 5}) for name in names]

    return Plugin()


def _no_op() -> None:
    """A job that does nothing."""


def test_settings_and_jobs_are_named_within_their_plugin(make_app):
    app = make_app(PLUGIN_OBJECTS={"ems": _settings_and_jobs_plugin("greeting"),
                                   "stamps": _settings_and_jobs_plugin("greeting")})
    with app.app_context():
        assert [(s.plugin, s.name) for s in collect("postline_settings")] == \
            [("ems", "greeting"), ("stamps", "greeting")]
        assert plugin_settings.declared("stamps")[0].default == "default of greeting"
    assert {"ems.greeting", "stamps.greeting"} <= set(worker.declared_jobs(app))

    with pytest.raises(PluginError, match=r"'greeting' is declared by both 'ems' and 'ems'"):
        make_app(PLUGIN_OBJECTS={"ems": _settings_and_jobs_plugin("greeting", "greeting")})


@pytest.mark.parametrize("setting, problem", [
    (Setting("size", "Size", default=0, kind="int", minimum=1, maximum=10), "the default 0 is outside 1..10"),
    (Setting("size", "Size", default=11, kind="int", maximum=10), "the default 11 is outside None..10"),
    (Setting("size", "Size", default=5, kind="int", minimum=10, maximum=1), "minimum 10 is above maximum 1"),
    (Setting("size", "Size", default="5", kind="int"), "the default '5' is not a whole number"),
    (Setting("name", "Name", default="x", minimum=1), "only an 'int' setting has a minimum or maximum"),
])
def test_a_setting_whose_default_breaks_its_bounds_stops_start_up(make_app, setting, problem):
    class Bounded:
        @hookimpl
        def postline_settings(self) -> list[Setting]:
            return [setting]

    with pytest.raises(PluginError, match=re.escape(f"plugin 'bounded': setting {setting.name!r}: {problem}")):
        make_app(PLUGIN_OBJECTS={"bounded": Bounded()})
    accepted = Setting("size", "Size", default=1, kind="int", minimum=1, maximum=10)

    class Fine:
        @hookimpl
        def postline_settings(self) -> list[Setting]:
            return [accepted]

    make_app(PLUGIN_OBJECTS={"bounded": Fine()})


def test_a_plugin_redeclaring_a_core_permission_stops_start_up(make_app):
    class Usurper:
        @hookimpl
        def postline_permissions(self) -> list[Permission]:
            return [Permission("admin.users", "Manage users", roles=("agent",))]

    with pytest.raises(PluginError, match=r"'admin.users' is declared by both 'core' and 'usurper'"):
        make_app(PLUGIN_OBJECTS={"usurper": Usurper()})


def test_a_failing_hook_is_reported_with_the_plugin_name(make_app):
    class Crashes:
        @hookimpl
        def postline_permissions(self) -> list[Permission]:
            raise KeyError("oops")

    with pytest.raises(PluginError, match=r"plugin 'crashes': hook postline_permissions failed"):
        make_app(PLUGIN_OBJECTS={"crashes": Crashes()})


@pytest.mark.parametrize("name, accepted", [("ivrplug.ask", True), ("ask", False), ("other.ask", False)])
def test_ivr_nodes_must_be_named_after_their_plugin(make_app, name, accepted):
    class Node:
        def run(self, call: Any) -> str:
            return "next"

    class IvrPlug:
        @hookimpl
        def postline_ivr_nodes(self) -> list[IVRNode]:
            return [IVRNode(name, "Ask", Node)]

    if accepted:
        app = make_app(PLUGIN_OBJECTS={"ivrplug": IvrPlug()})
        with app.app_context():
            assert [n.name for n in collect("postline_ivr_nodes") if n.plugin == "ivrplug"] == [name]
    else:
        with pytest.raises(PluginError, match=r"IVR node .* must be named 'ivrplug\.<node>'"):
            make_app(PLUGIN_OBJECTS={"ivrplug": IvrPlug()})


# --- blueprints, commands, tables, views ----------------------------------------------------

def _blueprint_plugin(*blueprints: Blueprint, perm: str = "shop.use") -> Any:
    class Shop:
        @hookimpl
        def postline_permissions(self) -> list[Permission]:
            return [Permission(perm, "Use the shop", roles=("agent",))]

        @hookimpl
        def postline_blueprints(self) -> list[PluginBlueprint]:
            return [PluginBlueprint(bp.name, bp) for bp in blueprints]

    return Shop()


def _blueprint(name: str, route: str = "/", permission: str | None = "shop.use") -> Blueprint:
    bp = Blueprint(name, __name__)

    def view() -> str:
        return name

    view.__name__ = "index"
    if permission is not None:
        view = permission_required(permission)(view)
    bp.add_url_rule(route, view_func=view)
    return bp


def test_blueprints_named_after_the_plugin_are_mounted_under_p(make_app):
    app = make_app(PLUGIN_OBJECTS={"shop": _blueprint_plugin(_blueprint("shop"), _blueprint("shop_admin", "/admin"))})
    rules = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()}
    assert rules["shop.index"] == "/p/shop/"
    assert rules["shop_admin.index"] == "/p/shop/admin"


@pytest.mark.parametrize("name", ["cart", "shopping", "admin"])
def test_a_blueprint_not_named_after_its_plugin_is_refused(make_app, name):
    with pytest.raises(PluginError) as caught:
        make_app(PLUGIN_OBJECTS={"shop": _blueprint_plugin(_blueprint(name))})
    assert f"plugin 'shop': blueprint '{name}' must be named 'shop'" in str(caught.value)


def _command_plugin(*commands: click.Command) -> Any:
    class Shop:
        @hookimpl
        def postline_cli_commands(self) -> list[CliCommand]:
            return [CliCommand(cmd.name, cmd) for cmd in commands]

    return Shop()


def _command(name: str) -> click.Command:
    return click.Command(name, callback=lambda: click.echo(name))


def test_commands_named_after_the_plugin_are_registered(make_app):
    app = make_app(PLUGIN_OBJECTS={"shop": _command_plugin(_command("shop"), _command("shop-import"))})
    assert {"shop", "shop-import"} <= set(app.cli.commands)
    result = app.test_cli_runner().invoke(args=["shop-import"])
    assert (result.exit_code, result.output) == (0, "shop-import\n")


@pytest.mark.parametrize("name", ["import", "shopimport", "db", "users"])
def test_a_command_not_named_after_its_plugin_is_refused(make_app, name):
    with pytest.raises(PluginError) as caught:
        make_app(PLUGIN_OBJECTS={"shop": _command_plugin(_command(name))})
    assert f"plugin 'shop': command '{name}' must be named 'shop'" in str(caught.value)


def test_a_plugin_table_without_the_plugin_prefix_is_refused(make_app, badtable_model):
    with pytest.raises(PluginError) as caught:
        make_app(PLUGINS="badtable")
    assert "plugin 'badtable' declares table 'plfixture_parcel'" in str(caught.value)
    assert "must start with 'badtable_'" in str(caught.value)


def test_a_plugin_view_without_a_permission_stops_start_up(make_app):
    with pytest.raises(RuntimeError, match=r"view 'shop.index' declares no permission"):
        make_app(PLUGIN_OBJECTS={"shop": _blueprint_plugin(_blueprint("shop", permission=None))})


def test_a_plugin_view_needing_an_undeclared_permission_stops_start_up(make_app):
    with pytest.raises(RuntimeError, match=r"view 'shop.index' requires undeclared permission 'shop.usr'"):
        make_app(PLUGIN_OBJECTS={"shop": _blueprint_plugin(_blueprint("shop", permission="shop.usr"))})
