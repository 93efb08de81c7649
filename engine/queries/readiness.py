"""Is this server ready to take work? The checks behind /readyz (docs/monitoring.md).

Each check answers with a Chinese message fit for anyone to read: /readyz needs no login, so no message
names a path, a URL or a key. What an operator needs to find the cause (the path, the driver's error) goes
to the log instead.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from sqlalchemy import select, text

from engine.clock import china_today
from engine.context import Context
from engine.errors import AuditKeyError
from engine.persistence import AuditHead
from engine.persistence.migrate import current_heads, script_heads
from engine.queries.status import calendar_warnings
from engine.records.audit_chain import ChainSeal
from engine.records.audit_key import read_key

log = logging.getLogger("dibao.readiness")

DATABASE_TIMEOUT = 3.0  # seconds: a load balancer's probe must not hang on a database that does not answer
_SCRIPT_HEADS = "readiness.script_heads"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    message: str


def _database(ctx: Context) -> Check:
    """SELECT 1 in a thread of its own, given up after DATABASE_TIMEOUT: a firewalled PostgreSQL would
    otherwise hold the probe for the driver's whole connect timeout."""
    outcome: list[BaseException | None] = []

    def probe() -> None:
        try:
            with ctx.db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            outcome.append(None)
        except Exception as exc:  # any driver error means "not reachable"
            outcome.append(exc)

    thread = threading.Thread(target=probe, name="dibao-readyz-db", daemon=True)
    thread.start()
    thread.join(DATABASE_TIMEOUT)
    if not outcome:
        log.error("readiness: database did not answer within %.0f s", DATABASE_TIMEOUT)
        return Check("database", False, f"数据库在 {DATABASE_TIMEOUT:.0f} 秒内没有响应")
    if outcome[0] is not None:
        log.error("readiness: database unreachable: %s", type(outcome[0]).__name__)
        return Check("database", False, "无法连接数据库")
    return Check("database", True, "数据库可以连接")


def _migrations(ctx: Context) -> Check:
    heads = ctx.cached(_SCRIPT_HEADS)
    if heads is None:
        heads = script_heads()
        ctx.cache(_SCRIPT_HEADS, heads)
    current = current_heads(ctx.db.engine)
    if current == heads:
        return Check("migrations", True, "数据库结构为最新版本")
    log.error("readiness: database at revision %s, scripts at %s", sorted(current), sorted(heads))
    return Check("migrations", False, "数据库结构不是最新版本：请运行 dibao init 升级")


def _audit_key(ctx: Context) -> Check:
    try:
        seal = ChainSeal(read_key(ctx.settings))
    except AuditKeyError as exc:
        log.error("readiness: %s", exc.message)
        return Check("audit_key", False, "审计密钥缺失或无法读取：审计记录无法写入")
    with ctx.db.read() as session:
        head = session.scalar(select(AuditHead).where(AuditHead.id == 1))
        fits = head is None or head.seq == 0 or head.seal == seal.head_seal(head.seq, head.hash)
    if not fits:
        log.error("readiness: the audit key does not fit the chain's head (seq %s)", head.seq if head else 0)
        return Check("audit_key", False, "审计密钥与审计链不符：请核对密钥并运行 dibao audit verify")
    return Check("audit_key", True, "审计密钥可用")


def _writable(name: str, label: str, directory: Path) -> Check:
    """Create and delete a file there; the store's own code creates the folder on its first write, so a
    missing folder that can be made is fine."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=directory, prefix=".readyz-"):
            pass
    except OSError as exc:
        log.error("readiness: %s store %s is not writable: %s", name, directory, exc.strerror or exc)
        return Check(name, False, f"{label}存储目录不存在或不可写")
    return Check(name, True, f"{label}存储目录可写")


def _calendar(ctx: Context) -> Check:
    year = china_today().year
    if calendar_warnings(ctx, [year]):
        return Check("calendar", False, f"缺少 {year} 年的节假日数据：工作日期限将按仅周末休息计算")
    return Check("calendar", True, f"{year} 年节假日数据齐全")


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    try:
        return check()
    except Exception:
        log.exception("readiness check %s failed", name)
        return Check(name, False, "检查时出错，详见服务器日志")


def readiness(ctx: Context) -> list[Check]:
    """Every check, in order; the ones that need the database are reported failed without trying when it
    is unreachable (each would wait for the same timeout again)."""
    database = _guarded("database", lambda: _database(ctx))
    checks = [database]
    for name, check in (("migrations", _migrations), ("audit_key", _audit_key)):
        skipped = Check(name, False, "数据库不可用，无法检查")
        checks.append(_guarded(name, partial(check, ctx)) if database.ok else skipped)
    settings = ctx.settings
    checks.append(_guarded("attachments", lambda: _writable("attachments", "附件", settings.attachments_dir)))
    checks.append(_guarded("documents", lambda: _writable("documents", "文书", settings.documents_dir)))
    checks.append(_guarded("calendar", lambda: _calendar(ctx)))
    return checks
