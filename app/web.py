"""Wires the web side of an app: extensions, core and plugin blueprints, the permission
gate, navigation and language."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.auth.permissions import check_views, enforce, permitted
from app.declarations import NavItem
from app.extensions import babel, csrf, db, login_manager
from app.plugin_loader import PluginError, check_declarations, collect, enabled_plugins
from app.timeutil import local

NAV_SECTIONS = {
    "desk": _l("Agent desk"),
    "backoffice": _l("Back-office work"),
    "reports": _l("Reports"),
    "admin": _l("Administration"),
}


def init_app(app: Flask) -> None:
    csrf.init_app(app)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(_translation_dirs(app))
    babel.init_app(app, locale_selector=select_locale)
    _init_login(app)
    _register_core_blueprints(app)
    with app.app_context():
        _register_plugin_blueprints(app)
        _register_commands(app)
    app.before_request(enforce)
    app.context_processor(_template_globals)
    _register_errors(app)
    check_declarations(app)
    check_views(app)


def _translation_dirs(app: Flask) -> list[str]:
    """The core's catalog, then each enabled plugin's ``translations/`` folder, if any."""
    dirs = [os.path.join(app.root_path, "translations")]
    for info in enabled_plugins(app):
        module_file = getattr(info.module, "__file__", None)
        if module_file:
            candidate = os.path.join(os.path.dirname(module_file), "translations")
            if os.path.isdir(candidate):
                dirs.append(candidate)
    return dirs


def select_locale() -> str:
    """The language chosen in this session, else the user's own, else the site's default
    (zh_CN): the browser's language is not asked, the centre decides."""
    languages = current_app.config["LANGUAGES"]
    wanted = session.get("lang")
    if not wanted and current_user and current_user.is_authenticated:
        wanted = current_user.locale
    return wanted if wanted in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def _init_login(app: Flask) -> None:
    from app.auth.models import User

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id))
        return user if user and user.active else None


def _register_core_blueprints(app: Flask) -> None:
    from app.admin.views import bp as admin_bp
    from app.agents.views import bp as agents_bp
    from app.auth.views import bp as auth_bp
    from app.customers.views import bp as customers_bp
    from app.ivr.views import bp as ivr_bp
    from app.main.views import bp as main_bp
    from app.reports.views import bp as reports_bp

    for bp in (main_bp, auth_bp, admin_bp, customers_bp, agents_bp, reports_bp, ivr_bp):
        app.register_blueprint(bp)


def _register_plugin_blueprints(app: Flask) -> None:
    """Indico's rule: a plugin's blueprint is named after the plugin, so its endpoints
    cannot collide with the core's or another plugin's."""
    for item in collect("postline_blueprints"):
        name = item.blueprint.name
        if name != item.plugin and not name.startswith(item.plugin + "_"):
            raise PluginError(f"plugin {item.plugin!r}: blueprint {name!r} must be named "
                              f"{item.plugin!r} or start with '{item.plugin}_'")
        app.register_blueprint(item.blueprint, url_prefix=f"/p/{item.plugin}")


def _register_commands(app: Flask) -> None:
    """The core's commands first; a plugin's may neither break the naming rule nor take
    a name the core uses."""
    from app.cli import register_commands

    register_commands(app)
    for item in collect("postline_cli_commands"):
        name = item.command.name or item.name
        if name != item.plugin and not name.startswith(item.plugin + "-"):
            raise PluginError(f"plugin {item.plugin!r}: command {name!r} must be named "
                              f"{item.plugin!r} or start with '{item.plugin}-'")
        if name in app.cli.commands:
            raise PluginError(f"plugin {item.plugin!r}: command {name!r} is a core command")
        app.cli.add_command(item.command, name)


def nav_sections() -> dict[str, list[NavItem]]:
    """The current user's navigation, by section, in the sections' order."""
    sections: dict[str, list[NavItem]] = {name: [] for name in NAV_SECTIONS}
    for item in permitted("postline_nav_items"):
        sections.setdefault(item.section, []).append(item)
    return {name: items for name, items in sections.items() if items}


def _template_globals() -> dict[str, Any]:
    def nav() -> dict[str, list[NavItem]]:
        if "nav" not in g:
            g.nav = nav_sections()
        return g.nav

    return {
        "nav": nav,
        "local": local,
        "nav_sections": NAV_SECTIONS,
        "get_locale": get_locale,
    }


def _register_errors(app: Flask) -> None:
    @app.errorhandler(403)
    def forbidden(_error: Any) -> tuple[str, int]:
        return render_template("error.html", code=403, message=_("You do not have permission to open this page.")), 403

    @app.errorhandler(404)
    def not_found(_error: Any) -> tuple[str, int]:
        return render_template("error.html", code=404, message=_("Page not found.")), 404

    from flask_wtf.csrf import CSRFError

    @app.errorhandler(CSRFError)
    def csrf_error(_error: Any) -> Any:
        flash(_("The form had expired; please submit it again."), "error")
        return redirect(request.referrer or url_for("main.index"))
