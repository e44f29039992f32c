"""App-wide web wiring: CSRF, language, sessions, the pages every room and plugin declares
(core blueprints as they are, plugin blueprints under ``/p/<plugin>``), the permission gate,
navigation, error pages, security headers, and the guard on what a browser sends
(:mod:`app.web.inputs`)."""
from __future__ import annotations

from flask import Flask

from app.auth import login
from app.auth.permissions import check_views, enforce
from app.extensions import csrf
from app.pluginhost import collect
from app.pluginhost.naming import CORE
from app.web import errors, headers, inputs, language, nav


def init_app(app: Flask) -> None:
    inputs.init_app(app)
    csrf.init_app(app)
    language.init_app(app)
    login.init_app(app)
    with app.app_context():
        for item in collect("postline_blueprints"):
            prefix = None if item.plugin == CORE else f"/p/{item.plugin}"
            app.register_blueprint(item.blueprint, url_prefix=prefix)
    app.before_request(enforce)
    app.context_processor(nav.template_globals)
    errors.init_app(app)
    headers.init_app(app)
    check_views(app)
