"""`dibao documents correct|print-notices|print-confirmations` (docs/documents-corrections-and-printing.md),
through a group made here as web.cli will make it (the lead wires the commands into `documents`)."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from engine.context import Context
from tests.conftest import MakeContext
from tests.web.documents_flow import START, approved, declare_notice_sheet, documents, in_notice, page_count
from web.cli.document_corrections import correct
from web.cli.document_printing import print_confirmations, print_notices


@click.group()
def documents_group() -> None:
    """文书"""


for _command in (correct, print_notices, print_confirmations):
    documents_group.add_command(_command)


@pytest.fixture
def ctx(make_context: MakeContext, processes_dir: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Context:
    declare_notice_sheet(processes_dir)
    made = make_context()
    monkeypatch.setenv("DIBAO_DATABASE_URL", database_url)
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(processes_dir))
    monkeypatch.setenv("DIBAO_DOCUMENTS_DIR", str(made.settings.documents_dir))
    return made


def test_correct_and_print_from_the_command_line(ctx: Context, tmp_path: Path) -> None:
    number = approved(ctx).number
    with freeze_time(START):
        in_notice(ctx)
    (first,) = documents(ctx, number, "confirmation_notice")
    runner = CliRunner()
    refused = runner.invoke(documents_group, ["correct", str(first.id), "--as", "approver1", "--reason", " "])
    assert refused.exit_code == 1
    assert "更正原因：必填" in refused.output
    with freeze_time("2026-11-30 03:00:00"):
        done = runner.invoke(documents_group, ["correct", str(first.id), "--as", "approver1", "--reason", "金额有误"])
    assert done.exit_code == 0, done.output
    _, new = documents(ctx, number, "confirmation_notice")
    assert f"（第 2 版，id {new.id}），核验码 {new.code}" in done.output
    out = tmp_path / "c.pdf"
    printed = runner.invoke(
        documents_group, ["print-confirmations", "--as", "county1", "--month", "2026-11", "-o", str(out)]
    )
    assert printed.exit_code == 0, printed.output
    assert "共 1 页" in printed.output
    assert page_count(out.read_bytes()) == 1
    to_stdout = runner.invoke(
        documents_group, ["print-confirmations", "--as", "county1", "--month", "2026-11", "-o", "-"]
    )
    assert to_stdout.exit_code == 0
    assert to_stdout.stdout_bytes.startswith(b"%PDF")
    sheets = tmp_path / "n.pdf"
    notices = runner.invoke(
        documents_group, ["print-notices", "--as", "approver1", "--township", "demo-town-1", "-o", str(sheets)]
    )
    assert notices.exit_code == 0, notices.output
    assert page_count(sheets.read_bytes()) >= 1
    empty = runner.invoke(documents_group, ["print-notices", "--as", "clerk2"])
    assert empty.exit_code == 1
    assert "没有正在公示" in empty.output
