"""`dibao tasks urge ID --user U --message M` (docs/urge-and-copy.md), in-process against a temp database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time

from tests.integration.cli_support import ok as _ok
from web.cli import main


@freeze_time("2026-11-23 01:00:00")
def test_urge_by_command_line(cli: CliRunner, tmp_path: Path) -> None:
    start = tmp_path / "start.json"
    start.write_text(json.dumps({"village": "demo-village-1-1"}), encoding="utf-8")
    _ok(cli.invoke(main, ["cases", "start", "reference_review", "--as", "clerk1", "--data", str(start)]))
    (task,) = json.loads(_ok(cli.invoke(main, ["tasks", "list", "--as", "clerk1", "--json"])))
    task_id = str(task["id"])
    out = _ok(cli.invoke(main, ["tasks", "urge", task_id, "--user", "head1", "--message", "请今天内办结"]))
    assert "已通知 clerk1" in out
    assert "下次可催办时间：2026-11-23 13:00" in out
    refused = cli.invoke(main, ["tasks", "urge", task_id, "--user", "head1", "--message", "再催"])
    assert refused.exit_code != 0
    assert "下次可催办时间" in refused.output
    refused = cli.invoke(main, ["tasks", "urge", task_id, "--user", "head2", "--message", "请尽快"])
    assert refused.exit_code != 0
    assert "无权催办" in refused.output
