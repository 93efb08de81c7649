"""Server-side records of browser sessions: sign in, check on every request, sign out, revoke.

Signing in stores a WebSession row and hands the web layer a random session id
(`secrets.token_urlsafe(32)`, 256 bits) for its signed cookie. The row keeps only the id's sha256,
like API tokens (engine.services.tokens): a copy of the database opens no session, and the input is
long and random, so a plain hash is enough. Every request looks the row up by that hash in one
indexed query joined to its user. A session counts only while the row is unrevoked and unexpired and
the user is active. So these end it at once, whatever the browser's cookie still says:
- signing out revokes that one session;
- deactivation and a password reset revoke all of that user's sessions (engine.services.admin). A
  reset means the old password may be known to somebody else, who may already be signed in.
The administrator's user page counts a user's live sessions (engine.queries.admin).

Lifetimes follow the real clock (engine.clock.wallclock), not the demo clock that `/demo/clock`
travels. A session lasts SESSION_LIFETIME from sign-in, and the web layer's signed cookie has the same
limit. The events are `web_session_started` (after the sign-in's own `login` event) and `logout`.
The revocations are listed in the administrator's `admin.*` event.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from engine.clock import wallclock
from engine.context import Context
from engine.persistence import User, WebSession
from engine.records import audit
from engine.results import SignedInUser
from engine.services import auth
from engine.services.auth import INACTIVE_MESSAGE, LoginRefused

# A working day: a clerk signs in once per shift; a cookie copied from a shared computer is dead by the next.
SESSION_LIFETIME = timedelta(hours=8)
# last_seen_at is refreshed at most this often, so page views do not take the write lock each time.
TOUCH_INTERVAL = timedelta(minutes=1)
_MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class WebSignIn:
    user: SignedInUser
    session_id: str  # for the signed cookie only: the database keeps its sha256


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8", "replace")).hexdigest()


def sign_in(ctx: Context, username: str, password: str, remote_addr: str | None) -> WebSignIn:
    """A new session for the user, or the sign-in's InvalidData / LoginRefused / LoginThrottled."""
    user = auth.authenticate(ctx, username, password, remote_addr)
    session_id = secrets.token_urlsafe(32)
    now = wallclock()
    with ctx.db.write() as session:
        row = session.scalars(select(User).where(User.username == user.username, User.active.is_(True))).first()
        if row is None:  # deactivated between the password check and now
            raise LoginRefused(INACTIVE_MESSAGE)
        record = WebSession(
            user_id=row.id,
            token_hash=_hash(session_id),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
            last_seen_at=now,
        )
        session.add(record)
        session.flush()
        audit.record(
            session,
            "web_session_started",
            audit.Actor.of(row),
            details={"session_id": record.id, "expires_at": record.expires_at.isoformat(), "remote_addr": remote_addr},
        )
    return WebSignIn(user, session_id)


_LIVE_SESSION = (
    select(WebSession.id, WebSession.last_seen_at, User)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.revoked_at.is_(None), User.active.is_(True))
)


def _live(session: Session, session_id: str, now: datetime) -> Any:
    """(record id, last seen, user) of the live session with this id, or None."""
    return (
        session.execute(_LIVE_SESSION.where(WebSession.token_hash == _hash(session_id), WebSession.expires_at > now))
        .unique()
        .first()
    )


def load(ctx: Context, session_id: str) -> SignedInUser | None:
    """The user of a live session, or None (unknown, expired, revoked, or the user deactivated)."""
    if not session_id or len(session_id) > _MAX_ID_LENGTH:
        return None
    now = wallclock()
    with ctx.db.read() as session:
        found = _live(session, session_id, now)
        if found is None:
            return None
        record_id, last_seen, user = found
        signed_in = auth.as_signed_in(user)
    if now - last_seen >= TOUCH_INTERVAL:
        with ctx.db.write() as session:
            session.execute(update(WebSession).where(WebSession.id == record_id).values(last_seen_at=now))
    return signed_in


def sign_out(ctx: Context, session_id: str, remote_addr: str | None) -> None:
    """Revoke the session and record `logout`; nothing happens for a session that is no longer live."""
    now = wallclock()
    with ctx.db.write() as session:
        found = _live(session, session_id, now)
        if found is None:
            return
        record_id, _last_seen, user = found
        session.execute(
            update(WebSession).where(WebSession.id == record_id).values(revoked_at=now, revoked_reason="logout")
        )
        audit.record(
            session,
            "logout",
            audit.Actor.of(user),
            details={"session_id": record_id, "remote_addr": remote_addr},
        )


def revoke_all(session: Session, user_id: int, reason: str) -> list[int]:
    """Revoke every live session of the user inside the caller's transaction; the ids, for its audit event."""
    now = wallclock()
    live = list(
        session.scalars(
            select(WebSession.id)
            .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None), WebSession.expires_at > now)
            .order_by(WebSession.id)
        )
    )
    if live:
        session.execute(
            update(WebSession).where(WebSession.id.in_(live)).values(revoked_at=now, revoked_reason=reason[:32])
        )
    return live
