"""flask-login's side of a signed-in request: the user it keeps, and how a session id loads that user.

flask-login keeps `get_id()` in the signed session cookie and hands it back to the user loader on every
request. Here that id is the random session id, not the user name, so each request costs one indexed
lookup of its session row. A session that was signed out or revoked, or that has expired, loads no user.
The request is then anonymous, even with a cookie copied before the sign-out.
"""

from __future__ import annotations

from flask_login import LoginManager

from engine.results import SignedInUser
from engine.services import web_sessions
from web.kit.current import context

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "info"


class WebUser:
    """What flask-login keeps for a request: the service's view of the user (no ORM object)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: SignedInUser, session_id: str) -> None:
        self.user = user
        self.session_id = session_id

    def get_id(self) -> str:
        return self.session_id


def _load(session_id: str) -> WebUser | None:
    user = web_sessions.load(context(), session_id)
    return WebUser(user, session_id) if user is not None else None


login_manager.user_loader(_load)
