"""Signing in and out (flask-login). Passwords, throttling and the audit events are engine.services.auth's."""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, login_user, logout_user

from engine.errors import InvalidData
from engine.services import auth
from web.deps import context, login_required, remote_addr, username

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "info"


class WebUser:
    """What flask-login keeps for a request: the service's view of the user (no ORM object)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: auth.SignedInUser) -> None:
        self.user = user

    def get_id(self) -> str:
        return self.user.username


def _load(user_id: str) -> WebUser | None:
    user = auth.load_user(context(), user_id)
    return WebUser(user) if user is not None else None


login_manager.user_loader(_load)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)


def _safe_next(target: str | None) -> str:
    """Only a path on this site: no scheme, no host, no protocol-relative //host."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("inbox.index")


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    if request.method == "GET":
        return render_template("login.html", username="", errors={}, next=request.args.get("next", ""))
    name = request.form.get("username", "")
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    try:
        user = auth.authenticate(context(), name, password, remote_addr())
    except InvalidData as exc:
        return render_template("login.html", username=name, errors=exc.fields, message=exc.message, next=next_url), 422
    except auth.LoginThrottled as exc:
        return render_template("login.html", username=name, errors={}, message=exc.message, next=next_url), 429
    except auth.LoginRefused as exc:
        return render_template("login.html", username=name, errors={}, message=exc.message, next=next_url), 401
    session.clear()  # a fresh session (and CSRF token) for the signed-in user: no session fixation
    login_user(WebUser(user))
    return redirect(_safe_next(next_url))


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    auth.record_logout(context(), username(), remote_addr())
    logout_user()
    session.clear()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))
