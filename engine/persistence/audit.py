from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.persistence.base import Base


class AuditEvent(Base):
    """Append-only. `hash` (HMAC under a key kept outside the database, engine.records.audit_chain) covers
    every other column and `prev_hash`, so any edit breaks the chain."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime)
    action: Mapped[str] = mapped_column(String(48))
    actor_id: Mapped[int | None] = mapped_column()
    actor_name: Mapped[str | None] = mapped_column(String(64))
    actor_role: Mapped[str | None] = mapped_column(String(32))
    actor_org: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[int | None] = mapped_column(index=True)
    instance_id: Mapped[int | None] = mapped_column()
    task_id: Mapped[int | None] = mapped_column()
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The single row naming the chain's last event. Locking it serialises appends (PostgreSQL FOR UPDATE);
    comparing it with the last row detects a deleted tail, and `seal` (keyed, over seq and hash) keeps
    anyone without the key from moving the head back onto an earlier event."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    seal: Mapped[str | None] = mapped_column(String(64))  # NULL only in a chain not yet sealed under the key


class AuditCheckpoint(Base):
    """A checkpoint signed by an auditor (`dibao audit checkpoint`): event `seq` had hash `hash`. Kept here
    so the pages can show it; the signature is checked against the configured public key, never trusted
    because the row exists (anyone with write access could add or delete rows)."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[datetime] = mapped_column(DateTime)
    signer: Mapped[str] = mapped_column(String(64))  # SHA-256 fingerprint of the signing public key
    signature: Mapped[str] = mapped_column(String(128))  # Ed25519, hex


# Login throttling counts one name's recent login events (engine/services/auth.py).
Index("ix_audit_event_login", AuditEvent.actor_name, AuditEvent.action, AuditEvent.occurred_at)
