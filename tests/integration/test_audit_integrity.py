"""Issue 11 item 5: history that cannot be rewritten silently. Tamperers write straight to the database:
without the chain key their rewrites fail `dibao audit verify`; with it (database and key both taken) a
signed checkpoint still catches truncation and recomputation up to its event; a forged checkpoint is
refused; the one-time re-seal upgrades an intact plain SHA-256 chain and refuses a broken one."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Text, cast, select, text

from engine.context import Context
from engine.errors import AuditKeyError, CheckpointError
from engine.persistence import AuditCheckpoint, AuditEvent, AuditHead
from engine.records import audit
from engine.records.audit_chain import ChainSeal, Row, event_row, plain_row_hash, seal_of
from engine.records.audit_key import RESEALED, prepare
from engine.results import GENESIS_HASH
from engine.services import audit_checkpoint, cases, tasks
from web.cli import main

REGISTER = {"applicant_name": "赵六", "household_size": 2, "requested_amount": "600"}
OTHER_KEY = bytes(range(32))


@pytest.fixture
def busy_ctx(ctx: Context) -> Context:
    for _ in range(2):
        cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})
    for task in tasks.list_tasks(ctx, "clerk1"):
        tasks.complete(ctx, task.id, "clerk1", REGISTER)
    return ctx


@pytest.fixture
def auditor(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "auditor.pem", tmp_path / "auditor.pub"
    audit_checkpoint.generate_keys(private, public)
    return private, public


@pytest.fixture
def intruder(tmp_path: Path) -> tuple[Path, Path]:
    private, public = tmp_path / "intruder.pem", tmp_path / "intruder.pub"
    audit_checkpoint.generate_keys(private, public)
    return private, public


def _sql(ctx: Context, statement: str, **params: object) -> None:
    with ctx.db.engine.begin() as conn:  # straight to the database, bypassing every service
        conn.execute(text(statement), params)


def _rows(ctx: Context) -> list[Row]:
    with ctx.db.read() as session:
        found = session.execute(
            select(AuditEvent, cast(AuditEvent.details, Text).label("details_text")).order_by(AuditEvent.seq)
        )
        return [event_row(event, str(details)) for event, details in found]


def _head(ctx: Context) -> tuple[int, str]:
    with ctx.db.read() as session:
        head = session.get(AuditHead, 1)
        assert head is not None
        return head.seq, head.hash


def _real_seal(ctx: Context) -> ChainSeal:
    with ctx.db.read() as session:
        return seal_of(session)


def _rechain(ctx: Context, start: int, row_hash: Callable[[Row], str], seal: ChainSeal | None) -> None:
    """Recompute the hash of event `start` and of every later one, link by link, as a tamperer would, then
    move the head onto the new last hash (sealing it with `seal` when the tamperer has a key)."""
    rows = _rows(ctx)
    previous = rows[start - 2][12] if start > 1 else GENESIS_HASH
    for row in rows[start - 1 :]:
        new = row_hash((*row[:11], previous, ""))
        _sql(ctx, "UPDATE audit_event SET prev_hash = :p, hash = :h WHERE seq = :s", p=previous, h=new, s=row[0])
        previous = new
    last = rows[-1][0]
    head_seal = seal.head_seal(last, previous) if seal else plain_row_hash((*rows[-1][:11], previous, ""))
    _sql(ctx, "UPDATE audit_head SET seq = :s, hash = :h, seal = :x", s=last, h=previous, x=head_seal)


def _truncate(ctx: Context, keep: int, seal: ChainSeal | None) -> None:
    """Delete every event after `keep` and move the head back onto it (resealed when the tamperer has a key)."""
    _sql(ctx, "DELETE FROM audit_event WHERE seq > :k", k=keep)
    (kept,) = [row for row in _rows(ctx) if row[0] == keep]
    head_seal = seal.head_seal(keep, kept[12]) if seal else kept[12]
    _sql(ctx, "UPDATE audit_head SET seq = :s, hash = :h, seal = :x", s=keep, h=kept[12], x=head_seal)


def _cli(ctx: Context, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("DIBAO_DATABASE_URL", ctx.db.url)
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


# --- without the key, no rewrite passes ----------------------------------------------------------------


def test_deleting_the_last_event_and_moving_the_head_back_is_caught(
    busy_ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    last, _ = _head(busy_ctx)
    _truncate(busy_ctx, last - 1, seal=None)  # head row now names event last-1 with that event's own hash
    result = audit.verify(busy_ctx.db)
    assert (result.ok, result.first_broken) == (False, last)
    assert result.reason == f"链尾记录的密钥校验值不符：链尾被改写（第 {last - 1} 号之后的事件可能被删除）"
    code, output = _cli(busy_ctx, monkeypatch, "audit", "verify")
    assert code == 1
    assert f"审计链断裂：第 {last} 号事件" in output


def test_an_actor_changed_and_every_later_hash_recomputed_with_plain_sha256_is_caught(busy_ctx: Context) -> None:
    _sql(busy_ctx, "UPDATE audit_event SET actor_name = 'clerk2' WHERE seq = 6")
    _rechain(busy_ctx, 6, plain_row_hash, seal=None)
    result = audit.verify(busy_ctx.db)
    assert (result.ok, result.first_broken) == (False, 6)
    assert result.reason == "事件内容与其哈希不符（事件被修改，或哈希未用本系统的密钥计算）"


def test_a_chain_recomputed_under_another_key_is_caught(busy_ctx: Context) -> None:
    wrong = ChainSeal(OTHER_KEY)
    _sql(busy_ctx, "UPDATE audit_event SET actor_name = 'clerk2' WHERE seq = 6")
    _rechain(busy_ctx, 6, wrong.row_hash, seal=wrong)
    assert audit.verify(busy_ctx.db).first_broken == 6
    # Every event rewritten under the other key, from the first: still the first event fails.
    _rechain(busy_ctx, 1, wrong.row_hash, seal=wrong)
    assert audit.verify(busy_ctx.db).first_broken == 1


def test_nothing_is_recorded_or_verified_without_the_key(
    ctx: Context, make_context: Callable[..., Context], tmp_path: Path
) -> None:
    keyless = make_context(schema=False, audit_key_file=tmp_path / "absent.key")
    with pytest.raises(AuditKeyError, match=r"absent\.key 不存在：请运行 dibao init 生成"):
        audit.verify(keyless.db)
    with pytest.raises(AuditKeyError), keyless.db.write() as session:
        audit.record(session, "anything")


# --- with the key as well: the signed checkpoint ---------------------------------------------------------


def test_a_checkpoint_catches_a_rewrite_recomputed_with_the_key(
    busy_ctx: Context, auditor: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    private, public = auditor
    signed = _head(busy_ctx)
    code, _ = _cli(busy_ctx, monkeypatch, "audit", "checkpoint", "--key", str(private), "--out", str(tmp_path / "cp"))
    assert code == 0
    checkpoint = audit_checkpoint.read_file(tmp_path / "cp")
    assert (checkpoint.seq, checkpoint.hash) == signed  # the head when it was signed
    n = checkpoint.seq
    key = _real_seal(busy_ctx)
    _sql(busy_ctx, "UPDATE audit_event SET actor_name = 'clerk2' WHERE seq = 6")
    _rechain(busy_ctx, 6, key.row_hash, seal=key)
    assert audit.verify(busy_ctx.db).ok  # the key holder's rewrite verifies on its own…
    result = audit_checkpoint.verify_with_checkpoint(busy_ctx, checkpoint, public)
    assert (result.ok, result.first_broken) == (False, n)  # …but not against the signed checkpoint
    assert (
        result.reason
        == f"第 {n} 号事件的哈希与已签名的检查点不符：第 {n} 号及之前的记录被改写，并用审计密钥重新计算了哈希"
    )
    args = ("audit", "verify", "--checkpoint", str(tmp_path / "cp"), "--public-key", str(public))
    code, output = _cli(busy_ctx, monkeypatch, *args)
    assert code == 1
    assert f"审计链断裂：第 {n} 号事件" in output


def test_truncation_below_a_checkpoint_is_caught(
    busy_ctx: Context, auditor: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    private, public = auditor
    checkpoint = audit_checkpoint.sign(busy_ctx, private)  # the head, n; signing it records event n + 1
    n = checkpoint.seq
    cases.start_case(busy_ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"})  # n + 2, n + 3
    assert _head(busy_ctx)[0] == n + 3
    (tmp_path / "cp").write_text(checkpoint.file_text(), encoding="utf-8")
    monkeypatch.setenv("DIBAO_AUDIT_PUBLIC_KEY", str(public))
    code, output = _cli(busy_ctx, monkeypatch, "audit", "verify", "--checkpoint", str(tmp_path / "cp"))
    expected = f"审计链完整：共 {n + 3} 个事件\n与已签名检查点吻合：第 {n} 号事件的哈希未变，链尾在第 {n + 3} 号\n"
    assert (code, output) == (0, expected)
    _truncate(busy_ctx, n - 2, seal=_real_seal(busy_ctx))  # n - 1 … n + 3 gone, head resealed with the stolen key
    assert audit.verify(busy_ctx.db).ok
    result = audit_checkpoint.verify_with_checkpoint(busy_ctx, checkpoint, public)
    assert (result.ok, result.first_broken) == (False, n - 1)
    assert result.reason == (
        f"审计链被截断：已签名的检查点记录到第 {n} 号事件，现在链尾只到第 {n - 2} 号（第 {n - 1} 号起的事件被删除）"
    )
    code, output = _cli(busy_ctx, monkeypatch, "audit", "verify", "--checkpoint", str(tmp_path / "cp"))
    assert code == 1
    assert f"第 {n - 1} 号事件——审计链被截断" in output
    # Without the file, the stored checkpoint the configured key signed tells the same.
    code, output = _cli(busy_ctx, monkeypatch, "audit", "verify")
    assert code == 1
    assert f"第 {n - 1} 号事件——审计链被截断" in output


def test_a_checkpoint_signed_by_another_key_is_refused(
    busy_ctx: Context,
    auditor: tuple[Path, Path],
    intruder: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    _, public = auditor
    forged = audit_checkpoint.sign(busy_ctx, intruder[0])
    with pytest.raises(CheckpointError, match="检查点签名无效：不是由所给审计公钥"):
        audit_checkpoint.verify_with_checkpoint(busy_ctx, forged, public)
    # Claiming the auditor's fingerprint, or editing a genuine checkpoint, does not help either.
    claimed = audit_checkpoint.Checkpoint(
        forged.seq, forged.hash, forged.signed_at, _fingerprint(public), forged.signature
    )
    genuine = audit_checkpoint.sign(busy_ctx, auditor[0])
    moved = audit_checkpoint.Checkpoint(
        genuine.seq - 3, genuine.hash, genuine.signed_at, genuine.signer, genuine.signature
    )
    for bad in (claimed, moved):
        with pytest.raises(CheckpointError, match="检查点签名无效"):
            audit_checkpoint.verify_with_checkpoint(busy_ctx, bad, public)
    (tmp_path / "forged").write_text(forged.file_text(), encoding="utf-8")
    code, output = _cli(busy_ctx, monkeypatch, "audit", "verify", "--checkpoint", str(tmp_path / "forged"))
    assert code == 1
    assert "未指定审计公钥" in output  # the file's own signer is never taken as the key
    args = ("audit", "verify", "--checkpoint", str(tmp_path / "forged"), "--public-key", str(public))
    code, output = _cli(busy_ctx, monkeypatch, *args)
    assert code == 1
    assert "检查点签名无效" in output


def test_a_malformed_checkpoint_file_is_named_with_its_bad_fields(
    busy_ctx: Context, auditor: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    genuine = json.loads(audit_checkpoint.sign(busy_ctx, auditor[0]).file_text())
    bad.write_text(json.dumps({**genuine, "seq": "9", "signature": "zz"}), encoding="utf-8")
    args = ("audit", "verify", "--checkpoint", str(bad), "--public-key", str(auditor[1]))
    code, output = _cli(busy_ctx, monkeypatch, *args)
    assert code == 1
    assert f"检查点文件 {bad} 格式有误：字段 signature、seq 缺失或无效" in output
    bad.write_text("not json", encoding="utf-8")
    assert "不是 dibao audit checkpoint 写出的文件" in _cli(busy_ctx, monkeypatch, *args)[1]


def _fingerprint(public: Path) -> str:
    return audit_checkpoint.fingerprint(audit_checkpoint.load_public_key(public))


def test_a_broken_chain_is_never_signed(busy_ctx: Context, auditor: tuple[Path, Path]) -> None:
    _sql(busy_ctx, "UPDATE audit_event SET actor_name = 'clerk2' WHERE seq = 4")
    with pytest.raises(CheckpointError, match="审计链校验未通过，不签署检查点：第 4 号事件"):
        audit_checkpoint.sign(busy_ctx, auditor[0])
    with busy_ctx.db.read() as session:
        assert session.scalars(select(AuditCheckpoint)).first() is None


def test_keygen_writes_the_private_key_for_its_owner_only_and_never_overwrites(
    auditor: tuple[Path, Path], tmp_path: Path
) -> None:
    private, public = auditor
    assert stat.S_IMODE(os.stat(private).st_mode) == 0o600
    assert private.read_text().startswith("-----BEGIN PRIVATE KEY-----")
    assert public.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    with pytest.raises(CheckpointError, match="已存在：不覆盖已有的密钥"):
        audit_checkpoint.generate_keys(tmp_path / "new.pem", public)
    assert not (tmp_path / "new.pem").exists()


# --- the one-time re-seal of a chain written before the key ----------------------------------------------


def _as_plain_chain(ctx: Context) -> None:
    """The chain as the previous version wrote it: plain SHA-256 links and a head without a seal."""
    _rechain(ctx, 1, plain_row_hash, seal=None)
    _sql(ctx, "UPDATE audit_head SET seal = NULL")


def test_init_reseals_an_intact_plain_chain_once(
    busy_ctx: Context, audit_key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_plain_chain(busy_ctx)
    old_seq, old_hash = _head(busy_ctx)
    audit_key_file.unlink()
    setup = prepare(busy_ctx.settings, busy_ctx.db)
    assert (setup.created, setup.resealed, setup.old_head_hash) == (True, old_seq, old_hash)
    assert stat.S_IMODE(os.stat(audit_key_file).st_mode) == 0o600
    fresh = Context.from_settings(busy_ctx.settings)  # reads the new key file
    try:
        result = audit.verify(fresh.db)
        assert (result.ok, result.events_checked) == (True, old_seq + 1)
        with fresh.db.read() as session:
            last = session.scalars(select(AuditEvent).where(AuditEvent.seq == old_seq + 1)).one()
        assert (last.action, last.details) == (RESEALED, {"old_head_seq": old_seq, "old_head_hash": old_hash})
        # Once the key exists, a chain rewritten in plain SHA-256 is never re-sealed again: the downgrade
        # is refused and stays visible.
        _as_plain_chain(fresh)
        with pytest.raises(AuditKeyError, match="审计链尚未用密钥封存，而密钥"):
            prepare(fresh.settings, fresh.db)
        assert audit.verify(fresh.db).first_broken == 1
    finally:
        fresh.close()


def test_dibao_init_creates_the_key_and_reseals_an_older_database(
    tmp_path: Path, processes_dir: Path, audit_key_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DIBAO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(processes_dir))
    cli = CliRunner()
    first = cli.invoke(main, ["init"])
    assert first.exit_code == 0, first.output
    assert f"已生成审计链密钥：{audit_key_file}（权限 0600" in first.output
    assert stat.S_IMODE(os.stat(audit_key_file).st_mode) == 0o600
    ctx = Context.from_settings()
    try:
        _as_plain_chain(ctx)  # what the previous version left: plain SHA-256, no key file
        old_seq, old_hash = _head(ctx)
    finally:
        ctx.close()
    audit_key_file.unlink()
    upgraded = cli.invoke(main, ["init"])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"已用密钥重新封存原有审计链：第 1–{old_seq} 号事件（原链尾哈希 {old_hash}）" in upgraded.output
    assert cli.invoke(main, ["audit", "verify"]).output == f"审计链完整：共 {old_seq + 1} 个事件\n"
    again = cli.invoke(main, ["init"])
    assert (again.exit_code, "重新封存" in again.output) == (0, False)


def test_init_refuses_to_reseal_a_broken_plain_chain(busy_ctx: Context, audit_key_file: Path) -> None:
    _as_plain_chain(busy_ctx)
    _sql(busy_ctx, "UPDATE audit_event SET actor_name = 'clerk2' WHERE seq = 5")
    before = _rows(busy_ctx)
    audit_key_file.unlink()
    with pytest.raises(AuditKeyError, match="旧审计链校验未通过，不生成密钥，也不重新封存：第 5 号事件"):
        prepare(busy_ctx.settings, busy_ctx.db)
    assert not audit_key_file.exists()
    assert not list(audit_key_file.parent.glob("*.new"))
    assert _rows(busy_ctx) == before


def test_a_key_given_in_the_environment_setting_is_used_and_no_file_is_made(
    make_context: Callable[..., Context], tmp_path: Path
) -> None:
    ctx = make_context(audit_key=OTHER_KEY.hex(), audit_key_file=tmp_path / "unused.key")
    assert audit.verify(ctx.db).ok  # demo data and deployments, sealed under OTHER_KEY
    first = _rows(ctx)[0]
    assert ChainSeal(OTHER_KEY).row_hash(first) == first[12]
    assert prepare(ctx.settings, ctx.db).key_file is None
    assert not (tmp_path / "unused.key").exists()


@pytest.mark.postgres
def test_reseal_and_checkpoint_on_postgres(busy_ctx: Context, audit_key_file: Path, auditor: tuple[Path, Path]) -> None:
    _as_plain_chain(busy_ctx)
    old_seq, _ = _head(busy_ctx)
    audit_key_file.unlink()
    assert prepare(busy_ctx.settings, busy_ctx.db).resealed == old_seq
    fresh = Context.from_settings(busy_ctx.settings)
    try:
        assert audit.verify(fresh.db).events_checked == old_seq + 1
        checkpoint = audit_checkpoint.sign(fresh, auditor[0])
        _truncate(fresh, checkpoint.seq - 1, seal=_real_seal(fresh))
        result = audit_checkpoint.verify_with_checkpoint(fresh, checkpoint, auditor[1])
        assert (result.ok, result.first_broken) == (False, checkpoint.seq)
    finally:
        fresh.close()
