"""`dibao recalculate prepare|show|approve|cancel` (年度调标, docs/annual-adjustment.md), in-process against the
test's database: 20 seeded enrolments of 示范县 and a standard of 850.00 from January 2027."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from engine.context import Context
from tests.integration.cli_support import ok as _ok
from tests.scenarios.enrolments import seed_enrolments
from tests.scenarios.test_recalculation import raise_standard
from web.cli import main


@pytest.fixture
def cli(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DIBAO_DATABASE_URL", ctx.settings.database_url)
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(ctx.settings.processes_dir))
    return CliRunner()


def test_prepare_show_and_approve_by_command_line(ctx: Context, cli: CliRunner, processes_dir: Path) -> None:
    seed_enrolments(ctx, 20)
    raise_standard(ctx, processes_dir)
    prepared = json.loads(
        _ok(
            cli.invoke(
                main,
                [
                    "recalculate",
                    "prepare",
                    "--county",
                    "demo-county",
                    "--month",
                    "2027-01",
                    "--as",
                    "county1",
                    "--json",
                ],
            )
        )
    )
    # 20 households: 12 FAMILY, 2 ALONE, 2 SINGLE, 2 CROSSING, 1 LOW, 1 EXITING (tests/scenarios/enrolments.py).
    assert prepared["number"] == "TB-2027-0001"
    assert prepared["counts"] == {"raise": 17, "reduce": 0, "unchanged": 0, "flagged": 2, "skipped": 1}

    shown = _ok(cli.invoke(main, ["recalculate", "show", "TB-2027-0001", "--filter", "flagged"]))
    assert "调标 TB-2027-0001（示范县，自 2027-01 起，参数第 2 版）：待审批" in shown
    assert (
        "SEED-000009\t孙八\t800.00 元 → 50.00 元\t需复核（不自动调整）\t保障方式将由单人户保障变为全户保障，需复核"
        in shown
    )
    data = json.loads(_ok(cli.invoke(main, ["recalculate", "show", "TB-2027-0001", "--json", "--user", "approver1"])))
    assert len(data["items"]) == 20
    assert (data["items"][0]["old_amount"], data["items"][0]["new_amount"]) == ("900.00", "1050.00")

    refused = cli.invoke(main, ["recalculate", "approve", "TB-2027-0001", "--user", "head1"])
    assert refused.exit_code != 0
    assert "无权审批年度调标" in refused.output
    approved = _ok(cli.invoke(main, ["recalculate", "approve", "TB-2027-0001", "--user", "approver1"]))
    assert "已审批调标 TB-2027-0001：增发 17 户" in approved
    again = cli.invoke(main, ["recalculate", "approve", "TB-2027-0001", "--user", "approver1"])
    assert again.exit_code != 0
    assert "已审批，不能再次审批" in again.output
    missing = cli.invoke(main, ["recalculate", "cancel", "TB-2027-0009", "--as", "county1"])
    assert missing.exit_code != 0
    assert "调标 TB-2027-0009 不存在" in missing.output
