"""`dibao cases terminate|suspend|resume|cancel` (docs/ending-and-pausing-cases.md)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time

from tests.integration.cli_support import ok as _ok
from web.cli import main


def _start(cli: CliRunner, tmp_path: Path) -> str:
    start = tmp_path / "start.json"
    start.write_text(json.dumps({"village": "demo-village-1-1"}), encoding="utf-8")
    return _ok(cli.invoke(main, ["cases", "start", "reference_review", "--as", "clerk1", "--data", str(start)])).strip()


@freeze_time("2026-11-23 01:00:00")
def test_terminate_by_ground_code_or_words_and_twice_is_refused(cli: CliRunner, tmp_path: Path) -> None:
    number = _start(cli, tmp_path)
    args = ["cases", "terminate", number, "--as", "clerk1", "--reason", "申请人撤回"]
    out = _ok(cli.invoke(main, [*args, "--ground", "申请人撤回申请"]))
    assert out.strip() == f"案件 {number}：已终止（申请人撤回申请）"
    again = cli.invoke(main, [*args, "--ground", "applicant_withdrew"])
    assert again.exit_code != 0
    assert "已终止，不能再次终止" in again.output
    assert "Traceback" not in again.output
    listed = json.loads(_ok(cli.invoke(main, ["tasks", "list", "--as", "clerk1", "--json"])))
    assert listed == []


@freeze_time("2026-11-23 01:00:00")
def test_admin_suspend_resume_cancel(cli: CliRunner, tmp_path: Path) -> None:
    number = _start(cli, tmp_path)
    assert "已暂停" in _ok(cli.invoke(main, ["cases", "suspend", number, "--as", "admin1", "--reason", "核查"]))
    refused = cli.invoke(main, ["cases", "suspend", number, "--as", "admin1", "--reason", "再次"])
    assert refused.exit_code != 0
    assert "已处于暂停状态" in refused.output
    not_admin = cli.invoke(main, ["cases", "resume", number, "--as", "clerk1", "--reason", "x"])
    assert not_admin.exit_code != 0
    assert "系统管理" in not_admin.output
    assert "办理中" in _ok(cli.invoke(main, ["cases", "resume", number, "--as", "admin1", "--reason", "核查完毕"]))
    out = _ok(cli.invoke(main, ["cases", "cancel", number, "--as", "admin1", "--reason", "重复登记"]))
    assert "其他（管理员撤销）" in out
