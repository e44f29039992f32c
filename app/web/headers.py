"""Security headers on every response, error pages and static files included.

The pages load only their own stylesheet and no script, so the policy allows nothing but
the site itself: no inline code, no framing (clickjacking), no plugins, forms posted only
back here. A template that needs a script puts it in a static file (tests/web checks that
none is inline). HTTPS is not forced, since intranet installs run plain HTTP; HSTS is sent
only when the session cookie is marked secure, i.e. when the site is served over HTTPS."""
from __future__ import annotations

from flask import Flask, current_app
from werkzeug import Response

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

#: One year, the usual minimum for a site that means it.
HSTS = "max-age=31536000"


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    """A view that set one of these headers itself keeps its own."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response
