"""The web role under gunicorn: threads, so that a page that waits does not hold a whole
worker process. Gunicorn is imported when the web role starts, not by every command."""
from __future__ import annotations

from typing import Any

from flask import Flask

from app.logging_setup import configure_logging, style


def run_web(app: Flask, host: str | None, port: int | None, workers: int, dev: bool) -> None:
    host = host or app.config["WEB_HOST"]
    port = port or app.config["WEB_PORT"]
    configure_logging("web")
    if dev:
        app.run(host=host, port=port, debug=True, use_reloader=True)
        return
    from gunicorn.app.base import BaseApplication
    from gunicorn.glogging import Logger

    class GunicornLogger(Logger):  # type: ignore[misc]
        """Gunicorn's error and access logs in PostLine's one format."""

        def setup(self, cfg: Any) -> None:
            super().setup(cfg)
            for logger in (self.error_log, self.access_log):
                for handler in logger.handlers:
                    style(handler)

    class Gunicorn(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("worker_class", "gthread")
            # Every agent's desk keeps a live stream open (a waiting thread each, no
            # database connection): threads, not one sync worker per agent.
            self.cfg.set("threads", int(app.config.get("WEB_THREADS") or 64))
            self.cfg.set("accesslog", "-")
            self.cfg.set("logger_class", GunicornLogger)
            self.cfg.set("proc_name", "postline-web")
            # A worker forked just before a SIGTERM may miss it (it still has the master's
            # handlers); gunicorn then waits graceful_timeout (30 s) before killing it. Pages
            # answer in well under a second, so 10 s is plenty for requests in flight.
            self.cfg.set("graceful_timeout", 10)
            if "control_socket_disable" in self.cfg.settings:
                # gunicorn >= 25 opens one control socket per user ($HOME/.gunicorn), which
                # several sites (or web processes) on one host would fight over; unused here.
                self.cfg.set("control_socket_disable", True)

        def load(self) -> Any:
            return app

    Gunicorn().run()
