"""Signing in and out, the door every workspace shares: the /login and /logout pages (views) and the
flask-login glue that turns a session cookie into the signed-in user of a request (session).

Its own package rather than part of kit/ (kit has no routes) or of a workspace (every workspace's pages
need it, the public board's none): templates/auth/login.html is its one page.
"""

from __future__ import annotations

from flask import Flask

from web.auth.session import login_manager
from web.auth.views import bp


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
