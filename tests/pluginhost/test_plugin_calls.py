"""How hooks are called: through pluggy every time, so that tracing and hook wrappers see
the calls; ``collect`` for declarations, ``first`` for "who handles this?", ``notify`` for
events that one plugin's failure cannot break; the core's rooms registered like plugins."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pluggy
import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app
from app.api import NavItem, Permission, hookimpl
from app.customers.models import Customer
from app.extensions import db
from app.hookspecs import hookspec
from app.pluginhost import PluginError, collect, first, notify, registry
from app.rooms import CORE_ROOMS
from app.testing.pytest_plugin import base_config


@pytest.fixture
def make_app(tmp_path: Path):
    def make(**config: Any) -> Flask:
        return create_app(base_config(f"sqlite:///{tmp_path / 'calls.sqlite'}", []) | config)

    return make


class Alpha:
    @hookimpl
    def postline_permissions(self) -> list[Permission]:
        return [Permission("alpha.use", "Use alpha", roles=("agent",))]


class Watcher:
    """A hook wrapper around every ``postline_permissions`` call."""

    def __init__(self) -> None:
        self.calls = 0

    @hookimpl(wrapper=True)
    def postline_permissions(self) -> Any:
        self.calls += 1
        result = yield
        return result


def test_every_core_room_is_registered_and_declares_as_the_core(make_app):
    app = make_app()
    names = {registry(app).pm.get_name(p) for p in registry(app).pm.get_plugins()}
    assert {f"core.{room}" for room in CORE_ROOMS} <= names
    assert "core.auth" not in registry(app).plugins  # rooms are not plugins
    with app.app_context():
        owners = {item.plugin for item in collect("postline_permissions")}
    assert owners == {"core"}


def test_a_hook_wrapper_sees_every_implementation_called(make_app):
    watcher = Watcher()
    app = make_app(PLUGIN_OBJECTS={"alpha": Alpha(), "watcher": watcher})
    with app.app_context():
        registry(app).cache.clear()
        watcher.calls = 0
        permissions = collect("postline_permissions")
    implementations = [i for i in registry(app).pm.hook.postline_permissions.get_hookimpls()
                       if not i.wrapper]
    assert watcher.calls == len(implementations) > 1
    assert "alpha.use" in {p.name for p in permissions}


def test_tracing_logs_every_hook_call(make_app, caplog):
    caplog.set_level(logging.INFO, logger="postline.plugins")
    app = make_app(TRACE_PLUGINS=True, PLUGIN_OBJECTS={"alpha": Alpha()})
    assert "hook postline_permissions() -> alpha" in caplog.text
    assert "hook postline_permissions returned" in caplog.text and "alpha.use" in caplog.text
    quiet = caplog.text
    make_app(PLUGIN_OBJECTS={"alpha": Alpha()})
    assert caplog.text == quiet  # off unless asked for
    assert app.config["TRACE_PLUGINS"] is True


class AnswerSpec:
    @hookspec(firstresult=True)
    def postline_test_answer(self, question: str) -> str | None:
        """Who answers ``question``?"""


class Knows:
    def __init__(self, answer: str | None) -> None:
        self.answer = answer

    @hookimpl
    def postline_test_answer(self, question: str) -> str | None:
        return self.answer


class KnowsFirst(Knows):
    @hookimpl(tryfirst=True)
    def postline_test_answer(self, question: str) -> str | None:
        return self.answer


def _with_answer_spec(app: Flask, **plugins: Any) -> pluggy.PluginManager:
    pm = registry(app).pm
    pm.add_hookspecs(AnswerSpec)
    for name, plugin in plugins.items():
        pm.register(plugin, name=name)
    return pm


def test_first_gives_the_first_answer_in_pluggys_order(make_app):
    app = make_app()
    _with_answer_spec(app, silent=Knows(None), late=Knows("late"), early=KnowsFirst("early"))
    with app.app_context():
        assert first("postline_test_answer", question="postcode of 东四?") == "early"


def test_first_is_none_when_nobody_answers(make_app):
    app = make_app()
    _with_answer_spec(app, silent=Knows(None))
    with app.app_context():
        assert first("postline_test_answer", question="?") is None


def test_first_refuses_a_declaration_hook(make_app):
    app = make_app()
    with app.app_context(), pytest.raises(TypeError, match="not a firstresult hook"):
        first("postline_permissions")


class Listener:
    def __init__(self, fails: bool = False) -> None:
        self.told: list[Any] = []
        self.fails = fails

    @hookimpl
    def postline_call_ended(self, call: Any) -> None:
        self.told.append(call)
        if self.fails:
            raise RuntimeError("listener broke")


def test_notify_tells_everybody_even_when_one_fails(make_app, caplog):
    broken, fine = Listener(fails=True), Listener()
    app = make_app(PLUGIN_OBJECTS={"broken": broken, "fine": fine})
    with app.app_context():
        assert notify("postline_call_ended", call="the call") is None
    assert broken.told == fine.told == ["the call"]
    assert "plugin broken: postline_call_ended failed" in caplog.text
    assert "listener broke" in caplog.text


def test_collect_names_the_plugin_whose_hook_fails(make_app):
    class Crashes:
        @hookimpl
        def postline_nav_items(self) -> list[NavItem]:
            raise KeyError("menu")

    with pytest.raises(PluginError, match="plugin 'crashes': hook postline_nav_items failed"):
        make_app(PLUGIN_OBJECTS={"crashes": Crashes()})


@pytest.mark.parametrize("name, message", [
    ("core", "is taken by the core"),
    ("ivr", "is taken by the core"),
    ("Shop", "must be lowercase letters"),
    ("my-shop", "must be lowercase letters"),
])
def test_a_plugin_name_must_be_usable_as_a_prefix_and_not_the_cores(make_app, name, message):
    with pytest.raises(PluginError, match=message):
        make_app(PLUGIN_OBJECTS={name: Alpha()})


class Writer:
    """Writes a customer when told; ``fails``: after its write, before its commit."""

    def __init__(self, name: str, fails: bool = False) -> None:
        self.name, self.fails = name, fails

    @hookimpl
    def postline_call_ended(self, call: Any) -> None:
        db.session.add(Customer(name=self.name, phone="13800000077"))
        db.session.flush()
        if self.fails:
            raise RuntimeError("half-way")
        db.session.commit()


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    return app_config | {"PLUGIN_OBJECTS": {"broken": Writer("坏", fails=True), "fine": Writer("好")}}


def test_what_a_failing_listener_wrote_is_rolled_back_before_the_next_is_told(app):
    notify("postline_call_ended", call=None)
    db.session.rollback()
    assert [c.name for c in db.session.scalars(select(Customer))] == ["好"]
