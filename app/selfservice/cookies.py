"""The public pages keep their own cookie: ``postline_public``, sent back only to ``/public``
and signed with a salt of its own. It holds the CSRF token and the number just given to the
citizen, never a login; the staff's session cookie is neither read nor written there, so a
citizen's browser never receives it and a staff member's login never reaches those pages."""
from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface

PUBLIC_COOKIE = "postline_public"
PUBLIC_SALT = "postline-public-session"


class PublicSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, with another cookie name, path and salt for requests
    under ``prefix``; every other request is served exactly as before."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def is_public(self) -> bool:
        return has_request_context() and (request.path == self.prefix
                                          or request.path.startswith(self.prefix + "/"))

    @property  # type: ignore[override]
    def salt(self) -> str:
        return PUBLIC_SALT if self.is_public() else SecureCookieSessionInterface.salt

    def get_cookie_name(self, app: Flask) -> str:
        return PUBLIC_COOKIE if self.is_public() else super().get_cookie_name(app)

    def get_cookie_path(self, app: Flask) -> str:
        return self.prefix if self.is_public() else super().get_cookie_path(app)


def install(app: Flask, prefix: str) -> None:
    """Put the public cookie in place, unless the site replaced Flask's session on purpose."""
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = PublicSessionInterface(prefix)
