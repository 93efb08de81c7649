"""The 审计 index shows the latest signed checkpoint (sequence, time, signer fingerprint, whether the signature
is the configured auditor key's and whether the chain still matches), and 校验全部 and
GET /api/v1/audit/verify check the chain against the latest checkpoint that key signed."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import text

from engine.context import Context
from engine.persistence import AuditCheckpoint, AuditEvent, AuditHead
from engine.records.audit_chain import seal_of
from engine.services import audit_checkpoint, tokens
from engine.services.bootstrap import DEMO_PASSWORD
from tests.conftest import MakeContext
from tests.web.conftest import Browser, make_app
from web.kit.errors import AUDIT_UNAVAILABLE


def _html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


@pytest.fixture
def keys(tmp_path: Path) -> dict[str, tuple[Path, Path]]:
    made = {}
    for who in ("auditor", "intruder"):
        made[who] = (tmp_path / f"{who}.pem", tmp_path / f"{who}.pub")
        audit_checkpoint.generate_keys(*made[who])
    return made


@pytest.fixture
def ctx(make_context: MakeContext, keys: dict[str, tuple[Path, Path]]) -> Context:
    """The app's context trusts the auditor's public key (DIBAO_AUDIT_PUBLIC_KEY)."""
    return make_context(audit_public_key=keys["auditor"][1])


def _truncate_with_the_key(ctx: Context, keep: int) -> None:
    """A tamperer holding the database and the chain key: delete the tail, reseal the head onto `keep`."""
    with ctx.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq > :k"), {"k": keep})
    with ctx.db.write() as session:
        seal = seal_of(session)
        kept = session.query(AuditEvent).filter(AuditEvent.seq == keep).one()
        head = session.get(AuditHead, 1)
        assert head is not None
        head.seq, head.hash, head.seal = keep, kept.hash, seal.head_seal(keep, kept.hash)


def _api_verify(app: Any, token: str) -> dict[str, Any]:
    response = app.test_client().get("/api/v1/audit/verify", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.get_json()  # type: ignore[no-any-return]


def test_no_checkpoint_yet(make_browser: Any) -> None:
    html = _html(make_browser("auditor1").get("/audit"))
    assert "尚无已签名的检查点" in html


@freeze_time("2026-11-23 01:00:00")
def test_the_latest_checkpoint_and_whether_the_chain_still_matches_it(
    ctx: Context, app: Any, make_browser: Any, keys: dict[str, tuple[Path, Path]]
) -> None:
    token = tokens.issue_token(ctx, "auditor1", DEMO_PASSWORD, "127.0.0.1").token
    browser = make_browser("auditor1")
    signed = audit_checkpoint.sign(ctx, keys["auditor"][0])  # the head n; signing records n + 1
    n = signed.seq
    html = _html(browser.get("/audit"))
    assert f"<dt>检查点</dt><dd>第 {n} 号事件</dd>" in html
    assert "<dt>签署时间</dt><dd>2026-11-23 09:00</dd>" in html  # Beijing time
    assert f"<code>{signed.signer}</code>" in html
    assert "有效（由配置的审计公钥签署）" in html
    assert f"✓ 当前审计链与该检查点吻合：第 {n} 号事件的哈希未变，链尾在第 {n + 1} 号" in html
    assert "✓ 审计链完整" in _html(browser.post("/audit/verify"))
    assert _api_verify(app, token)["ok"] is True

    _truncate_with_the_key(ctx, n - 2)  # verifies on its own; only the checkpoint tells
    html = _html(browser.get("/audit"))
    assert f"✗ 当前审计链与该检查点不吻合：链尾只到第 {n - 2} 号，检查点之后被截断" in html
    whole = _html(browser.post("/audit/verify"))
    assert f"✗ 审计链断裂：第 {n - 1} 条记录不符——审计链被截断：已签名的检查点记录到第 {n} 号事件" in whole
    assert _api_verify(app, token) == {
        "ok": False,
        "events_checked": n - 2,
        "first_broken": n - 1,
        "reason": f"审计链被截断：已签名的检查点记录到第 {n} 号事件，"
        f"现在链尾只到第 {n - 2} 号（第 {n - 1} 号起的事件被删除）",
    }


def test_a_checkpoint_signed_by_another_key_is_shown_as_invalid_and_not_used(
    ctx: Context, make_browser: Any, keys: dict[str, tuple[Path, Path]]
) -> None:
    forged = audit_checkpoint.sign(ctx, keys["intruder"][0])
    browser = make_browser("auditor1")
    html = _html(browser.get("/audit"))
    assert f"<code>{forged.signer}</code>" in html
    assert "<dt>签名</dt><dd>无效</dd>" in html
    assert "✗ 签名无效：该检查点不是由配置的审计公钥签署的（可能是伪造的），不能作为依据" in html
    _truncate_with_the_key(ctx, forged.seq - 2)
    assert "✓ 审计链完整" in _html(browser.post("/audit/verify"))  # an untrusted checkpoint proves nothing


def test_a_garbage_checkpoint_row_shows_as_invalid(ctx: Context, make_browser: Any) -> None:
    with ctx.db.write() as session:  # whatever someone with write access puts into the table
        session.add(AuditCheckpoint(seq=3, hash="x", signed_at=datetime(2026, 1, 1), signer="y", signature="not hex"))
    html = _html(make_browser("auditor1").get("/audit"))
    assert "<dt>签名</dt><dd>无效</dd>" in html
    assert "✗ 签名无效" in html


def test_without_a_configured_public_key_the_signature_is_not_checked(
    make_context: MakeContext, keys: dict[str, tuple[Path, Path]]
) -> None:
    ctx = make_context()  # no DIBAO_AUDIT_PUBLIC_KEY
    signed = audit_checkpoint.sign(ctx, keys["auditor"][0])
    browser = Browser(make_app(ctx).test_client())
    assert browser.login("auditor1").status_code == 302
    html = _html(browser.get("/audit"))
    assert "未核验（未配置审计公钥）" in html
    assert f"第 {signed.seq} 号事件的哈希未变" in html
    assert "（未配置审计公钥 DIBAO_AUDIT_PUBLIC_KEY，签名未核验）" in html


def test_only_auditors_and_admins_see_the_checkpoint(ctx: Context, make_browser: Any) -> None:
    assert make_browser("clerk1").get("/audit").status_code == 403
    assert make_browser("admin1").get("/audit").status_code == 200


def test_a_missing_chain_key_stops_writes_with_a_500_that_names_no_path(
    ctx: Context, make_context: MakeContext, tmp_path: Path
) -> None:
    keyless = make_context(schema=False, audit_key_file=tmp_path / "gone.key")
    app = make_app(keyless)
    page = Browser(app.test_client()).login("auditor1")  # a sign-in is recorded, so it needs the key
    assert page.status_code == 500
    assert AUDIT_UNAVAILABLE in _html(page)
    assert "gone.key" not in _html(page)
    api = app.test_client().post("/api/v1/auth/token", json={"username": "auditor1", "password": DEMO_PASSWORD})
    assert (api.status_code, api.get_json()["error"], api.get_json()["message"]) == (
        500,
        "audit_key",
        AUDIT_UNAVAILABLE,
    )
