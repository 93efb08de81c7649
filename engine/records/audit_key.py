"""The chain key's file and the one-time upgrade of older chains (`dibao init`).

The key that seals the audit chain (engine.records.audit_chain, which also explains how services reach
it) is kept outside the database: a file under instance/ (DIBAO_AUDIT_KEY_FILE), created here with mode
0600, or the DIBAO_AUDIT_KEY setting. Nothing ever falls back to the unkeyed hash: without a key there is
no recording and no verification. A chain written before the key is re-sealed only in the `dibao init`
run that creates the key file, and only if it verifies under its old hash (`prepare`).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from engine.errors import AuditKeyError
from engine.persistence import AuditEvent, AuditHead
from engine.persistence.db import Database
from engine.records import audit
from engine.records.audit_chain import (
    CHAIN_KEY_INFO,
    ROW_COLUMNS,
    ChainKey,
    ChainSeal,
    Row,
    plain_row_hash,
    verify_rows,
)
from engine.results import GENESIS_HASH
from engine.settings import Settings

KEY_BYTES = 32
RESEALED = "audit.chain_resealed"
_PAGE = 5_000  # events re-sealed per statement batch


def read_key(settings: Settings) -> bytes:
    if settings.audit_key:
        return _decode(settings.audit_key, "DIBAO_AUDIT_KEY")
    path = settings.audit_key_file
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        raise AuditKeyError(
            f"审计密钥文件 {path} 不存在：请运行 dibao init 生成，或将 DIBAO_AUDIT_KEY_FILE 指向原有的密钥文件"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AuditKeyError(f"无法读取审计密钥文件 {path}：{exc}") from None
    return _decode(text.strip(), str(path))


def _decode(text: str, where: str) -> bytes:
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise AuditKeyError(f"{where}：审计密钥应为 {KEY_BYTES * 2} 个十六进制字符")
    return key


def write_key_file(path: Path, key: bytes) -> None:
    """A new file readable by its owner only (0600 from the start, never widened); refuses to overwrite."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(key.hex() + "\n")


@dataclass(frozen=True)
class KeySetup:
    """What `prepare` did: created the key file (`created`), re-sealed events 1 to `resealed` of an older
    chain whose head hash was `old_head_hash`."""

    key_file: Path | None
    created: bool = False
    resealed: int = 0
    old_head_hash: str | None = None


def prepare(settings: Settings, db: Database) -> KeySetup:
    """`dibao init`: make sure the chain has its key. With a key already there, check that the chain's head
    fits it (a mismatch means the wrong key or an unsealed chain: refused, nothing changes). Without one,
    create it; an existing chain written before the key is first verified with its old hash and then
    re-sealed under the new key in one transaction, recorded as `audit.chain_resealed`."""
    if settings.audit_key or settings.audit_key_file.exists():
        _check_head(db, ChainSeal(read_key(settings)), settings)
        return KeySetup(None if settings.audit_key else settings.audit_key_file)
    path, key = settings.audit_key_file, secrets.token_bytes(KEY_BYTES)
    pending = path.with_name(path.name + ".new")
    pending.unlink(missing_ok=True)  # left by a run that stopped before its re-seal committed
    write_key_file(pending, key)
    try:
        setup = _reseal(db, key, path)
    except BaseException:
        pending.unlink(missing_ok=True)
        raise
    os.replace(pending, path)  # only once the re-seal has committed: the key and the chain always match
    return setup


def _check_head(db: Database, seal: ChainSeal, settings: Settings) -> None:
    with db.read() as session:
        head = session.get(AuditHead, 1)
        if head is None or head.seq == 0:
            return
        if head.seal == seal.head_seal(head.seq, head.hash):
            return
    where = "DIBAO_AUDIT_KEY" if settings.audit_key else str(settings.audit_key_file)
    if head.seal is None:
        raise AuditKeyError(
            f"审计链尚未用密钥封存，而密钥（{where}）已存在：旧审计链只在 dibao init 新建密钥文件的那一次重新封存"
            "（未设置 DIBAO_AUDIT_KEY、密钥文件也不存在时）。若这是升级前的数据库而该密钥从未用过，请移走它后再运行"
            " dibao init；否则请运行 dibao audit verify 查明原因"
        )
    raise AuditKeyError(
        f"审计链链尾与密钥（{where}）不符：密钥不是本数据库的，或审计链被改写。请核对密钥，并运行 dibao audit verify"
    )


_REHASH = (
    update(AuditEvent).where(AuditEvent.seq == bindparam("s")).values(prev_hash=bindparam("p"), hash=bindparam("h"))
)


def _pages(session: Session) -> Iterator[list[Row]]:
    """The chain in pages by seq (keyset): each page is read only once the previous one was dealt with, so
    re-sealing never updates rows under an open cursor."""
    last = 0
    while True:
        query = select(*ROW_COLUMNS).where(AuditEvent.seq > last).order_by(AuditEvent.seq).limit(_PAGE)
        rows: list[Row] = [tuple(r) for r in session.execute(query)]
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _reseal(db: Database, key: bytes, path: Path) -> KeySetup:
    seal = ChainSeal(key)
    with db.write() as session:
        session.info[CHAIN_KEY_INFO] = ChainKey.of(key)  # the file is not in place until this commits
        head = session.scalars(audit.LOCK_HEAD).first()
        if head is None or head.seq == 0:
            return KeySetup(path, created=True)
        old_seq, old_hash = head.seq, head.hash
        checked = verify_rows((row for page in _pages(session) for row in page), head, plain_row_hash, None)
        if not checked.ok:
            raise AuditKeyError(
                f"旧审计链校验未通过，不生成密钥，也不重新封存：第 {checked.first_broken} 号事件——{checked.reason}。"
                "请先查明原因（若审计链已用密钥封存，说明密钥文件丢失：请恢复原密钥文件）"
            )
        previous = GENESIS_HASH
        for page in _pages(session):
            changes = []
            for row in page:
                new = seal.row_hash((*row[:11], previous, ""))
                changes.append({"s": row[0], "p": previous, "h": new})
                previous = new
            session.connection().execute(_REHASH, changes)
        head.hash, head.seal = previous, seal.head_seal(old_seq, previous)
        audit.record(session, RESEALED, details={"old_head_seq": old_seq, "old_head_hash": old_hash})
    return KeySetup(path, True, old_seq, old_hash)
