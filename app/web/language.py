"""The interface language: Chinese by default, the user's choice when made."""
from __future__ import annotations

import os

from flask import Flask, current_app, has_request_context, session
from flask_babel import Domain
from flask_login import current_user

from app.extensions import babel
from app.pluginhost import enabled_plugins


class PerAppDomain(Domain):
    """Flask-Babel's default domain belongs to the one ``Babel`` object every app shares and
    caches the loaded catalogs per locale only, for the whole process: the first app's
    translation folders would then serve every later app, so a second app with another
    plugin's catalog (a test, or ``create_app`` twice in one process) would show that
    plugin's English. Here each app keeps its own cache."""

    def get_translations_cache(self, ctx: object) -> dict:
        return current_app.extensions.setdefault("postline_translations", {})


def init_app(app: Flask) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs(app))
    babel.init_app(app, locale_selector=select_locale)
    if not isinstance(babel.__dict__.get("domain_instance"), PerAppDomain):
        babel.__dict__["domain_instance"] = PerAppDomain()  # what its cached_property would hold


def translation_dirs(app: Flask) -> list[str]:
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
    (zh_CN): the browser's language is not asked, the centre decides. Outside a request
    (the worker naming its jobs, a command, the IVR) the site's default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    wanted = session.get("lang")
    if not wanted and current_user and current_user.is_authenticated:
        wanted = current_user.locale
    return wanted if wanted in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
