"""PostLine: the application factory (Flask's flaskr pattern, no import-time side effects)."""
from __future__ import annotations

import os
from typing import Any

from flask import Flask

from app.config import DEFAULT_SECRET_KEY, Defaults, SettingError, settings_from_environment


class ConfigurationError(RuntimeError):
    """The site's configuration is unsafe or incomplete; the message says what to change."""


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Defaults in code, then ``instance/config.py``, then ``POSTLINE_*`` environment
    variables, then ``config`` (tests). ``POSTLINE_INSTANCE_PATH`` chooses the instance
    folder (it is needed before ``config.py`` can be read, so it is not a setting)."""
    app = Flask(__name__, instance_relative_config=True, instance_path=instance_path_from_env())
    app.config.from_object(Defaults)
    defaults = dict(app.config)  # Flask's and ours: what types an environment variable
    app.config.from_pyfile("config.py", silent=True)
    try:
        app.config.update(settings_from_environment(os.environ, "POSTLINE_", defaults))
    except SettingError as exc:
        raise ConfigurationError(str(exc)) from None
    if config:
        app.config.update(config)
    _check_secret_key(app)
    _configure_database(app)

    # Imported here, not at the top: `import app` (the CLI's entry point, the config) must not
    # load every room before there is an app to load them for.
    from app import web
    from app.audit import listener
    from app.extensions import configure_sqlite, db
    from app.pluginhost.cli import attach_commands
    from app.pluginhost.loader import check_declarations, load_plugins

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    listener.install()
    load_plugins(app)  # the core's rooms, then the plugins
    check_declarations(app)
    web.init_app(app)
    attach_commands(app)
    return app


def instance_path_from_env() -> str | None:
    """The instance folder named by ``POSTLINE_INSTANCE_PATH`` (absolute), or ``None`` for
    Flask's default (``instance/`` beside the ``app`` package in a source checkout)."""
    value = os.environ.get("POSTLINE_INSTANCE_PATH", "").strip()
    return os.path.abspath(os.path.expanduser(value)) if value else None


def default_instance_path() -> str:
    """The folder ``create_app`` reads ``config.py`` from, without building an app."""
    return instance_path_from_env() or Flask(__name__).instance_path


def _check_secret_key(app: Flask) -> None:
    production = app.config["ENV"] == "production" and not app.testing
    if production and app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY:
        raise ConfigurationError(
            "refusing to start in production with the default secret key: set SECRET_KEY in "
            "instance/config.py or POSTLINE_SECRET_KEY (`postline init` writes a random one)"
        )


def _configure_database(app: Flask) -> None:
    url = app.config["DATABASE_URL"] or ""
    if not url:
        os.makedirs(app.instance_path, exist_ok=True)
        url = "sqlite:///" + os.path.join(app.instance_path, "postline.sqlite")
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    options: dict[str, Any] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if url.startswith("postgresql"):
        options.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
