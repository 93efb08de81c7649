from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base


class WebSession(Base):
    """A signed-in browser session. The browser's signed cookie holds a random session id; only its sha256
    is stored here, so a copy of the database opens no session. Every request looks the row up (by the
    unique hash), so revoking it ends the session at once, whatever the cookie still says."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)
    # logout, user_deactivated, password_reset: why it ended, for the administrator and the auditor.
    revoked_reason: Mapped[str | None] = mapped_column(String(32))
