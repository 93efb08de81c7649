"""The 公示 board and objections (docs/contracts.md#notices-and-objections, `dibao notices object`).

Reading needs no login: only the public fields are stored on a Notice. An objection is recorded and
delivered to the waiting process as the BPMN message `notice_objection` in one transaction, so it is
either in the case's history and in the workflow, or nowhere.

Rate limit without a table of its own: an objection that names its client (`client_key`, e.g. the remote
address) stores a keyed sha256 of it in its `objection_received` audit event, and `check_rate` counts
those events. The address itself is never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from engine.clock import to_china, utcnow
from engine.context import Context
from engine.errors import Conflict, InvalidData, NotFound, RateLimited
from engine.persistence import AuditEvent, Notice, Objection
from engine.records import audit
from engine.records.advancing import advancing
from engine.records.notice_sync import OBJECTION_MESSAGE
from engine.services.tasks import STALE_MESSAGE

PUBLIC = audit.Actor(None, "public")
MAX_TEXT = 2000
MAX_CONTACT = 200
RACE_RETRIES = 3
# One client may send RATE_LIMIT objections to one notice, and RATE_LIMIT_ALL in all, per RATE_WINDOW:
# plenty for a person, while a script cannot flood a case (each objection wakes its process) or the log.
RATE_LIMIT = 5
RATE_LIMIT_ALL = 20
RATE_WINDOW = timedelta(minutes=10)
# Used only when DIBAO_SECRET_KEY is unset; a configured secret makes the stored hashes irreversible.
_CLIENT_SALT = "dibao-objection-client"


@dataclass(frozen=True)
class ObjectionReceipt:
    objection_id: int
    notice_id: int
    received_at: datetime


def _clean(text: str, contact: str | None) -> tuple[str, str | None]:
    text, contact = (text or "").strip(), (contact or "").strip() or None
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = ["异议内容：必填"]
    elif len(text) > MAX_TEXT:
        errors["text"] = [f"异议内容：最多 {MAX_TEXT} 个字"]
    if contact is not None and len(contact) > MAX_CONTACT:
        errors["contact"] = [f"联系方式：最多 {MAX_CONTACT} 个字"]
    if errors:
        raise InvalidData("异议信息有误", errors)
    return text, contact


def client_hash(ctx: Context, client_key: str) -> str:
    """The keyed sha256 (HMAC) of a client's address as the audit log stores it: an IPv4 address has only
    2**32 values, so a plain hash would be reversible by trying them all."""
    key = f"objection-client:{ctx.settings.secret_key or _CLIENT_SALT}".encode()
    return hmac.new(key, client_key.encode("utf-8", "replace"), hashlib.sha256).hexdigest()


def check_rate(ctx: Context, client_key: str | None, notice_id: int | None = None) -> None:
    """RateLimited when the client already sent RATE_LIMIT_ALL objections (or RATE_LIMIT to `notice_id`)
    within RATE_WINDOW. No client key (a clerk at the CLI): no limit."""
    if not client_key:
        return
    with ctx.db.read() as session:
        _check_rate(session, client_hash(ctx, client_key), notice_id)


def _check_rate(session: Session, hashed: str, notice_id: int | None) -> None:
    now = utcnow()
    rows = session.execute(
        select(AuditEvent.occurred_at, AuditEvent.details)
        .where(
            AuditEvent.actor_name == PUBLIC.name,
            AuditEvent.action == "objection_received",
            AuditEvent.occurred_at > now - RATE_WINDOW,
            # Details are stored as canonical JSON text (sorted keys, no spaces) on every database.
            cast(AuditEvent.details, Text).contains(f'"client":"{hashed}"'),
        )
        .order_by(AuditEvent.seq)
    ).all()
    recent = [at for at, details in rows if details.get("client") == hashed]
    to_notice = [
        at for at, details in rows if details.get("client") == hashed and details.get("notice_id") == notice_id
    ]
    for times, limit, scope in ((to_notice, RATE_LIMIT, "对同一公示"), (recent, RATE_LIMIT_ALL, "")):
        if len(times) >= limit:
            wait = math.ceil((times[-limit] + RATE_WINDOW - now).total_seconds())
            minutes = max(1, math.ceil(wait / 60))
            raise RateLimited(
                f"提交过于频繁：同一来源 {RATE_WINDOW.seconds // 60} 分钟内{scope}最多提交 {limit} 条异议，"
                f"请 {minutes} 分钟后再试",
                retry_after=max(1, wait),
            )


def object_to_notice(
    ctx: Context,
    notice_id: int,
    text: str,
    contact: str | None = None,
    channel: str = "public",
    client_key: str | None = None,
) -> ObjectionReceipt:
    """Record an objection and deliver it to the waiting process.

    With `client_key` (the sender's address) the rate limit applies, checked in the same transaction
    that records the objection, so two requests at once cannot both slip under it.

    Two people objecting at the same moment both succeed: the loser of the race on the instance's
    version is retried rather than told to reload, since a member of the public has nothing to reload."""
    text, contact = _clean(text, contact)
    hashed = client_hash(ctx, client_key) if client_key else None
    for _ in range(RACE_RETRIES):
        try:
            return _object(ctx, notice_id, text, contact, channel, hashed)
        except Conflict as conflict:
            if conflict.message != STALE_MESSAGE:
                raise
    return _object(ctx, notice_id, text, contact, channel, hashed)


def _object(
    ctx: Context, notice_id: int, text: str, contact: str | None, channel: str, client: str | None
) -> ObjectionReceipt:
    with advancing(ctx, stale=STALE_MESSAGE) as step:
        session = step.session
        if client is not None:
            audit.lock_head(session)  # serialises objections on PostgreSQL too, before counting
            _check_rate(session, client, notice_id)
        notice = session.get(Notice, notice_id)
        if notice is None:
            raise NotFound(f"公示 {notice_id} 不存在")
        now = utcnow()
        if notice.status != "open" or now >= notice.ends_at:
            ended = to_china(notice.ends_at)
            raise Conflict(f"该公示已于 {ended:%Y-%m-%d %H:%M} 结束，不再受理异议；如有情况请向乡镇（街道）反映")
        # The public may object while an administrator has paused the case: the objection reaches the
        # process (its tasks wait for the resume) and the instance stays paused (engine.services.case_ending).
        paused = notice.instance.status == "suspended"
        if paused:
            notice.instance.status = "waiting"
        run = step.begin(notice.instance, PUBLIC)
        objection = Objection(notice_id=notice.id, text=text, contact=contact, channel=channel, received_at=now)
        session.add(objection)
        session.flush()
        run.send_message(
            OBJECTION_MESSAGE, {"objection_id": objection.id, "text": text, "received_at": now.isoformat()}
        )
        details = {
            "notice_id": notice.id,
            "objection_id": objection.id,
            "channel": channel,
            "text": text,
            "contact_given": contact is not None,
            **({"client": client} if client is not None else {}),
        }
        audit.record(
            session,
            "objection_received",
            PUBLIC,
            case_id=notice.case_id,
            instance_id=notice.instance_id,
            details=details,
        )
        step.finish(notice.case, run)
        if paused:
            notice.instance.status = "suspended"
        return ObjectionReceipt(objection.id, notice.id, now)
