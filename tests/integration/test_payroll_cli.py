"""`dibao payroll generate|show|export|approve|adjust` (docs/payments.md), in-process against a temp database
with the demo county (no households: a roster of nothing still goes through every step)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time

from tests.integration.cli_support import ok as _ok
from web.cli import main

WHERE = ["--county", "demo-county", "--month", "2027-01"]


@freeze_time("2026-12-20 02:00:00")
def test_payroll_by_command_line(cli: CliRunner, tmp_path: Path) -> None:
    out = _ok(cli.invoke(main, ["payroll", "generate", *WHERE, "--user", "county1"]))
    assert "已生成 demo-county 2027-01 发放名册草稿：0 笔，0 人，合计 0.00 元" in out
    shown = _ok(cli.invoke(main, ["payroll", "show", *WHERE, "--user", "auditor1"]))
    assert "示范县 2027 年 1 月 发放名册（草稿（未审批））" in shown
    assert "核对：名册 0.00 元，保障记录 0.00 元，一致" in shown
    target = tmp_path / "bank.csv"
    _ok(cli.invoke(main, ["payroll", "export", *WHERE, "--user", "county1", "--format", "csv", "--out", str(target)]))
    assert target.read_bytes().decode("utf-8-sig").splitlines()[-1].startswith("合计")
    refused = cli.invoke(main, ["payroll", "approve", *WHERE, "--user", "county1"])
    assert refused.exit_code != 0
    assert "无权审批发放名册" in refused.output
    assert "已审批锁定" in _ok(cli.invoke(main, ["payroll", "approve", *WHERE, "--user", "approver1"]))
    again = cli.invoke(main, ["payroll", "generate", *WHERE, "--user", "county1"])
    assert again.exit_code != 0
    assert "已审批锁定，不能再改变该月的发放" in again.output
    bad = cli.invoke(
        main, ["payroll", "generate", "--county", "demo-county", "--month", "2027/01", "--user", "county1"]
    )
    assert bad.exit_code != 0
    assert "YYYY-MM" in bad.output
    adjust = ["payroll", "adjust", "--county", "demo-county", "--user", "county1", "--case", "2026-0000099"]
    wrong = cli.invoke(
        main, [*adjust, "--corrects", "2027-01", "--paid-in", "2027-02", "--amount", "10", "--reason", "x"]
    )
    assert wrong.exit_code != 0
    assert "案件 2026-0000099 不存在" in wrong.output
