"""Bearer tokens of the JSON API: issue (a password sign-in), verify (every API request), revoke.

A token is `secrets.token_urlsafe(32)` (256 random bits) handed out once; the database keeps only its
sha256, so a leaked backup holds no usable token. A plain hash suffices here (no KDF, unlike passwords):
the input is random and long, so there is nothing to guess, and every request must verify cheaply.

Issuing goes through engine.services.auth.authenticate, so the throttling, the demo-password rule,
the inactive-account refusal and the `login` / `login_failed` events are exactly those of the web
sign-in. A token dies at TOKEN_LIFETIME, when revoked, or as soon as its user is deactivated.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update

from engine.clock import utcnow
from engine.context import Context
from engine.lookups import get_user
from engine.persistence import ApiToken, User
from engine.records import audit
from engine.results import SignedInUser
from engine.services import auth
from engine.services.auth import LoginRefused

# A working day and then some: a client signs in once per shift, and a stolen token is dead by the next.
TOKEN_LIFETIME = timedelta(hours=12)
# last_used_at is refreshed at most this often, so a burst of API reads does not take the write lock each time.
TOUCH_INTERVAL = timedelta(minutes=1)
_MAX_TOKEN_LENGTH = 200

MISSING_MESSAGE = "需要登录：请在请求头 Authorization 中提供 Bearer 令牌（POST /api/v1/auth/token 获取）"
INVALID_MESSAGE = "令牌无效、已过期或已注销，请重新获取"


class TokenRefused(LoginRefused):
    """No token, an unknown, expired or revoked one, or one whose user is no longer active."""

    code = "unauthorized"


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once: only its hash is kept
    username: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def issue_token(ctx: Context, username: str, password: str, remote_addr: str | None) -> IssuedToken:
    """A new token for the user, or the sign-in's InvalidData / LoginRefused / LoginThrottled."""
    user = auth.authenticate(ctx, username, password, remote_addr)
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with ctx.db.write() as session:
        row = get_user(session, user.username)  # NotFound if deactivated since the password check
        record = ApiToken(user_id=row.id, token_hash=token_hash(token), created_at=now, expires_at=now + TOKEN_LIFETIME)
        session.add(record)
        session.flush()
        audit.record(
            session,
            "api_token_issued",
            audit.Actor.of(row),
            details={"token_id": record.id, "expires_at": record.expires_at.isoformat(), "remote_addr": remote_addr},
        )
        return IssuedToken(token, row.username, record.expires_at)


_LIVE_TOKEN = (
    select(ApiToken.id, ApiToken.last_used_at, User)
    .join(User, User.id == ApiToken.user_id)
    .where(
        ApiToken.token_hash == bindparam("token_hash"),
        ApiToken.revoked_at.is_(None),
        ApiToken.expires_at > bindparam("now"),
        User.active.is_(True),
    )
)


def verify_token(ctx: Context, token: str | None) -> SignedInUser:
    """The token's user, or TokenRefused. Reading only, except a last_used_at refresh once a minute."""
    if not token:
        raise TokenRefused(MISSING_MESSAGE)
    if len(token) > _MAX_TOKEN_LENGTH:
        raise TokenRefused(INVALID_MESSAGE)
    now = utcnow()
    # Every API request passes here: the token and its user (with unit and roles) in one read.
    with ctx.db.read() as session:
        found = session.execute(_LIVE_TOKEN, {"token_hash": token_hash(token), "now": now}).unique().first()
        if found is None:
            raise TokenRefused(INVALID_MESSAGE)
        token_id, last_used, user = found
        signed_in = auth.as_signed_in(user)
    if last_used is None or now - last_used >= TOUCH_INTERVAL:
        with ctx.db.write() as session:
            session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
    return signed_in


def revoke_token(ctx: Context, token: str | None) -> None:
    """Revoke the presented token (the API's sign-out); TokenRefused when it is not a live token."""
    user = verify_token(ctx, token)
    now = utcnow()
    with ctx.db.write() as session:
        row = session.scalars(select(ApiToken).where(ApiToken.token_hash == token_hash(token or ""))).one()
        row.revoked_at = now
        audit.record(
            session,
            "api_token_revoked",
            audit.Actor(row.user_id, user.username, None, user.org_unit_code),
            details={"token_id": row.id},
        )
