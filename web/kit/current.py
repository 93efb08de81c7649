"""What every view needs from the request: the engine context and who is signed in."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

import flask_login
from flask import current_app, request
from flask_login import current_user

from engine.context import Context
from engine.queries import deployed
from engine.results import SignedInUser

View = TypeVar("View", bound=Callable[..., Any])


def login_required(view: View) -> View:
    """flask_login.login_required with its type kept (Flask-Login ships no annotations)."""
    return cast(View, flask_login.login_required(view))


def context() -> Context:
    return cast(Context, current_app.extensions["dibao"])


def signed_in() -> SignedInUser:
    """The signed-in user; call only in views behind login_required."""
    return cast(SignedInUser, current_user.user)


def username() -> str:
    return signed_in().username


def page_number() -> int:
    """The `page` query parameter of a paginated list: 1 unless it is a plain ASCII number (isdigit() alone
    also accepts "²", which int() refuses)."""
    raw = request.args.get("page", "1")
    return max(int(raw), 1) if raw.isascii() and raw.isdigit() and len(raw) < 7 else 1


def remote_addr() -> str | None:
    return request.remote_addr


def process_titles() -> dict[str, str]:
    """Process id → its title (cached by the engine until a new version is deployed)."""
    return deployed.process_titles(context())
