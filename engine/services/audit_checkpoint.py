"""Signed checkpoints of the audit chain: an auditor signs "event N had hash H" with an Ed25519 key that only
they hold (`dibao audit keygen`, `dibao audit checkpoint`), keeps the file, and later proves with
`dibao audit verify --checkpoint FILE` that nothing up to N was truncated, rewritten or recomputed — even by
someone holding both the database and the chain key, who can rebuild a chain that verifies on its own but
cannot make event N's hash come out the same, nor sign a new checkpoint.

A checkpoint is trusted only under the auditor's public key given by the caller or configured
(DIBAO_AUDIT_PUBLIC_KEY), never because of what the file or the audit_checkpoint table says about its
signer. The table only lets the pages show the latest checkpoint; anyone with write access can add or
delete its rows, which is why the auditor keeps the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import utcnow
from engine.context import Context
from engine.errors import CheckpointError
from engine.persistence import AuditCheckpoint, AuditEvent, AuditHead
from engine.records import audit
from engine.results import VerifyResult
from engine.settings import Settings

FORMAT = "dibao-audit-checkpoint/1"
SIGNED = "audit.checkpoint_signed"
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    signed_at: datetime  # UTC, whole seconds
    signer: str  # SHA-256 fingerprint of the signer's public key (hex)
    signature: str = ""  # Ed25519 over `payload()`, hex

    def payload(self) -> bytes:
        """The signed bytes: every field but the signature, in a fixed canonical form."""
        fields = {"format": FORMAT, "seq": self.seq, "hash": self.hash, "signer": self.signer}
        fields["signed_at"] = self.signed_at.isoformat()
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    def file_text(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self), "signed_at": self.signed_at.isoformat()}, indent=2) + "\n"


def fingerprint(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


# --- the auditor's keys ------------------------------------------------------------------------------


def generate_keys(private_path: Path, public_path: Path) -> str:
    """A new Ed25519 key pair: the private key (PEM, mode 0600) for the auditor alone, the public key (PEM)
    for the system's configuration. Refuses to overwrite either file. Returns the key's fingerprint."""
    for path in (private_path, public_path):
        if path.exists():
            raise CheckpointError(f"文件 {path} 已存在：不覆盖已有的密钥")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _write_new(private_path, private_pem, 0o600)
    _write_new(public_path, public_pem, 0o644)
    return fingerprint(key.public_key())


def _write_new(path: Path, content: bytes, mode: int) -> None:
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except OSError as exc:
        raise CheckpointError(f"无法创建文件 {path}：{exc.strerror}") from None
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"无法读取{what} {path}：{exc.strerror}") from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(_read(path, "审计私钥文件"), password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} 不是 dibao audit keygen 生成的审计私钥（Ed25519，PEM）")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(_read(path, "审计公钥文件"))
    except ValueError:
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} 不是 dibao audit keygen 生成的审计公钥（Ed25519，PEM）")
    return key


def auditor_public_key(settings: Settings, path: Path | None = None) -> Ed25519PublicKey:
    """The key checkpoints must be signed with: `path`, else DIBAO_AUDIT_PUBLIC_KEY; never the file's word."""
    chosen = path or settings.audit_public_key
    if chosen is None:
        raise CheckpointError(
            "未指定审计公钥：请用 --public-key 指定，或设置 DIBAO_AUDIT_PUBLIC_KEY（检查点文件自称的签名人不足为凭）"
        )
    return load_public_key(chosen)


# --- checkpoints -------------------------------------------------------------------------------------


def parse(text: str, source: str) -> Checkpoint:
    """A checkpoint file's content; CheckpointError naming the file and the field when malformed."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CheckpointError(f"检查点文件 {source} 格式有误：不是 dibao audit checkpoint 写出的文件")
    seq, signed_at = data.get("seq"), data.get("signed_at")
    problems = [
        name
        for name, length in (("hash", 64), ("signer", 64), ("signature", 128))
        if not (isinstance(data.get(name), str) and len(data[name]) == length and set(data[name]) <= _HEX)
    ]
    if not (isinstance(seq, int) and not isinstance(seq, bool) and seq >= 1):
        problems.append("seq")
    try:
        moment = datetime.fromisoformat(signed_at) if isinstance(signed_at, str) else None
    except ValueError:
        moment = None
    if moment is None:
        problems.append("signed_at")
    if problems or moment is None or not isinstance(seq, int):
        raise CheckpointError(f"检查点文件 {source} 格式有误：字段 {'、'.join(problems)} 缺失或无效")
    return Checkpoint(seq, data["hash"], moment, data["signer"], data["signature"])


def read_file(path: Path) -> Checkpoint:
    try:
        text = _read(path, "检查点文件").decode("utf-8")
    except UnicodeDecodeError:
        raise CheckpointError(f"检查点文件 {path} 格式有误：不是文本文件") from None
    return parse(text, str(path))


def signature_valid(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> bool:
    if checkpoint.signer != fingerprint(public_key):
        return False
    try:  # a stored row is whatever was written into the table, hex or not
        public_key.verify(bytes.fromhex(checkpoint.signature), checkpoint.payload())
    except (InvalidSignature, ValueError):
        return False
    return True


def check_signature(checkpoint: Checkpoint, public_key: Ed25519PublicKey) -> None:
    if not signature_valid(checkpoint, public_key):
        raise CheckpointError(
            f"检查点签名无效：不是由所给审计公钥（指纹 {fingerprint(public_key)}）签署的，或文件被改动过；"
            "该检查点不可信，未做任何校验"
        )


def sign(ctx: Context, private_key_path: Path) -> Checkpoint:
    """Verify the whole chain, then sign its head with the auditor's key; store the checkpoint (for the pages)
    and record `audit.checkpoint_signed`. Refused for a broken or empty chain: a signature must never bless
    a chain already tampered with."""
    key = load_private_key(private_key_path)
    result = audit.verify(ctx.db)
    if not result.ok:
        raise CheckpointError(f"审计链校验未通过，不签署检查点：第 {result.first_broken} 号事件——{result.reason}")
    if result.head_seq == 0:
        raise CheckpointError("审计链为空：没有可签署的事件")
    now = utcnow().replace(microsecond=0)
    unsigned = Checkpoint(result.head_seq, result.head_hash, now, fingerprint(key.public_key()))
    checkpoint = replace(unsigned, signature=key.sign(unsigned.payload()).hex())
    with ctx.db.write() as session:
        session.add(AuditCheckpoint(**asdict(checkpoint)))
        details = {"seq": checkpoint.seq, "hash": checkpoint.hash, "signer": checkpoint.signer}
        audit.record(session, SIGNED, details=details)
    return checkpoint


def verify_with_checkpoint(ctx: Context, checkpoint: Checkpoint, public_key_file: Path | None = None) -> VerifyResult:
    """`dibao audit verify --checkpoint`: the signature under the auditor's public key (CheckpointError when
    not valid), then the whole chain, then event seq's hash against the checkpoint's and the head at or past
    seq (audit.verify's anchor)."""
    check_signature(checkpoint, auditor_public_key(ctx.settings, public_key_file))
    return audit.verify(ctx.db, anchor=(checkpoint.seq, checkpoint.hash))


# --- what the pages show ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckpointStatus:
    """The latest stored checkpoint and whether the chain still matches it, as cheaply as the index page
    can afford (event seq's stored hash and the head; the whole chain is 校验全部's job)."""

    seq: int
    signed_at: datetime
    signer: str
    signature: str  # "valid", "invalid", or "unchecked" (no public key configured)
    matches: bool  # event seq still has the signed hash and the head is at or past it
    head_seq: int
    message: str


def latest_status(ctx: Context) -> CheckpointStatus | None:
    with ctx.db.read() as session:
        row = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1)).first()
        if row is None:
            return None
        checkpoint = _checkpoint(row)
        head = session.get(AuditHead, 1)
        stored = session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == checkpoint.seq))
    head_seq = head.seq if head is not None else 0
    signature = "unchecked"
    if ctx.settings.audit_public_key is not None:
        valid = signature_valid(checkpoint, auditor_public_key(ctx.settings))
        signature = "valid" if valid else "invalid"
    matches = head_seq >= checkpoint.seq and stored == checkpoint.hash
    return CheckpointStatus(
        checkpoint.seq,
        checkpoint.signed_at,
        checkpoint.signer,
        signature,
        matches,
        head_seq,
        _status_text(checkpoint.seq, signature, matches, head_seq, stored is not None),
    )


def _status_text(seq: int, signature: str, matches: bool, head_seq: int, found: bool) -> str:
    if signature == "invalid":
        return "✗ 签名无效：该检查点不是由配置的审计公钥签署的（可能是伪造的），不能作为依据"
    if not matches:
        why = (
            f"链尾只到第 {head_seq} 号，检查点之后被截断"
            if head_seq < seq or not found
            else f"第 {seq} 号事件的哈希与检查点不符，此前的记录被改写"
        )
        return f"✗ 当前审计链与该检查点不吻合：{why}"
    text = f"✓ 当前审计链与该检查点吻合：第 {seq} 号事件的哈希未变，链尾在第 {head_seq} 号"
    if signature == "unchecked":
        text += "（未配置审计公钥 DIBAO_AUDIT_PUBLIC_KEY，签名未核验）"
    return text


def verify_chain(ctx: Context) -> VerifyResult:
    """The whole chain, and against the latest stored checkpoint that the configured auditor key signed
    (none without a configured key: a row alone proves nothing): `dibao audit verify`, 校验全部, the API."""
    with ctx.db.read() as session:
        anchor = _trusted_anchor(ctx, session)
    return audit.verify(ctx.db, anchor)


def verify_audit(ctx: Context, username: str) -> VerifyResult:
    """verify_chain for an auditor or administrator (校验全部, `GET /api/v1/audit/verify`)."""
    policy.check_audit_role(ctx, username, "校验审计链")
    return verify_chain(ctx)


def latest_checkpoint(ctx: Context, username: str) -> CheckpointStatus | None:
    """latest_status for an auditor or administrator (the auditor's index page)."""
    policy.check_audit_role(ctx, username, "查看审计检查点")
    return latest_status(ctx)


def _trusted_anchor(ctx: Context, session: Session) -> tuple[int, str] | None:
    if ctx.settings.audit_public_key is None:
        return None
    public_key = auditor_public_key(ctx.settings)
    for row in session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc())):
        checkpoint = _checkpoint(row)
        if signature_valid(checkpoint, public_key):
            return checkpoint.seq, checkpoint.hash
    return None


def _checkpoint(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(row.seq, row.hash, row.signed_at, row.signer, row.signature)
