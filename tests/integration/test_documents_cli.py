"""`dibao documents list|get|verify` (docs/documents-verify-and-download.md) on the database of a real
approved 低保 case: the list, the PDF saved to a file (audited), the public check of a code with and
without a file, and the Chinese refusals (scope, unknown code, a changed file: exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent
from engine.records import blobs
from tests.integration.cli_support import ok as _ok
from tests.scenarios.approved import APPLICANT, approved_application, issued
from web.cli import main


@pytest.fixture
def cli(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """The CLI on the test's own database, processes and documents (the audit key: tests/conftest.py)."""
    monkeypatch.setenv("DIBAO_DATABASE_URL", ctx.settings.database_url)
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(ctx.settings.processes_dir))
    monkeypatch.setenv("DIBAO_DOCUMENTS_DIR", str(ctx.settings.documents_dir))
    return CliRunner()


def test_list_get_and_verify(ctx: Context, cli: CliRunner, tmp_path: Path) -> None:
    number = approved_application(ctx).number
    doc = issued(ctx, number)
    listed = _ok(cli.invoke(main, ["documents", "list", number, "--as", "clerk1"]))
    assert f"{doc.id}\t{doc.code}\t最低生活保障确认通知书\t2026-11-30" in listed
    assert "状态：有效" in listed
    rows = json.loads(_ok(cli.invoke(main, ["documents", "list", number, "--as", "auditor1", "--json"])))
    assert {"verification_consent", "approval_form", "confirmation_notice"} <= {r["template"] for r in rows}
    (row,) = [r for r in rows if r["id"] == doc.id]
    assert (row["code"], row["sha256"]) == (doc.code, doc.sha256)

    out = tmp_path / "notice.pdf"
    saved = _ok(cli.invoke(main, ["documents", "get", str(doc.id), "--as", "clerk1", "--out", str(out)]))
    assert f"核验码 {doc.code}" in saved
    assert out.read_bytes() == blobs.read_blob(ctx.settings.documents_dir, doc.sha256)
    with ctx.db.read() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "document_downloaded"))
        assert event.actor_name == "clerk1"

    shown = _ok(cli.invoke(main, ["documents", "verify", doc.code.lower().replace("-", " ")]))
    assert "文书：最低生活保障确认通知书" in shown
    assert "申请人：张*" in shown
    assert APPLICANT not in shown
    assert "文件比对：一致" in _ok(cli.invoke(main, ["documents", "verify", doc.code, "--file", str(out)]))
    out.write_bytes(out.read_bytes() + b"\n")
    changed = cli.invoke(main, ["documents", "verify", doc.code, "--file", str(out)])
    assert changed.exit_code == 2
    assert "文件比对：不一致（可能被篡改）" in changed.output


def test_refusals_are_chinese(ctx: Context, cli: CliRunner, tmp_path: Path) -> None:
    number = approved_application(ctx).number
    doc = issued(ctx, number)
    refused = cli.invoke(main, ["documents", "list", number, "--as", "clerk2"])
    assert refused.exit_code == 1
    assert f"无权查看案件 {number}" in refused.output
    out = tmp_path / "x.pdf"
    refused = cli.invoke(main, ["documents", "get", str(doc.id), "--as", "clerk2", "--out", str(out)])
    assert refused.exit_code == 1
    assert not out.exists()
    unknown = cli.invoke(main, ["documents", "verify", "ZZZZ-ZZZZ-ZZZZ"])
    assert unknown.exit_code == 1
    assert "没有查到核验码为 ZZZZ-ZZZZ-ZZZZ 的文书" in unknown.output
