"""`dibao tasks withdraw|return` and `dibao cases move` (docs/withdraw-and-return.md), in-process against a
temp database, on the reference process (受理登记, then a 公示 timer)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time

from tests.api.conftest import REGISTER
from tests.integration.test_cli import _json_file, _ok, cli  # noqa: F401 - the fixture
from web.cli import main


@freeze_time("2026-11-23 01:00:00")
def test_withdraw_return_and_move_by_command_line(cli: CliRunner, tmp_path: Path) -> None:  # noqa: F811
    start = _json_file(tmp_path, "start.json", {"village": "demo-village-1-1"})
    number = _ok(cli.invoke(main, ["cases", "start", "reference_review", "--as", "clerk1", "--data", start])).strip()
    (task,) = json.loads(_ok(cli.invoke(main, ["tasks", "list", "--as", "clerk1", "--json"])))
    data = _json_file(tmp_path, "register.json", REGISTER)
    _ok(cli.invoke(main, ["tasks", "complete", str(task["id"]), "--as", "clerk1", "--data", data]))

    refused = cli.invoke(main, ["tasks", "withdraw", str(task["id"]), "--as", "clerk2", "--reason", "代撤回"])
    assert refused.exit_code != 0
    assert "只有办理该步骤的本人可以撤回" in refused.output

    output = _ok(cli.invoke(main, ["tasks", "withdraw", str(task["id"]), "--as", "clerk1", "--reason", "人口填错"]))
    assert "重新办理" in output
    assert "受理登记" in output
    (reopened,) = json.loads(_ok(cli.invoke(main, ["tasks", "list", "--as", "clerk1", "--view", "claimed", "--json"])))
    assert reopened["task_name"] == "register"

    refused = cli.invoke(main, ["tasks", "return", str(reopened["id"]), "--as", "clerk1", "--to", "x", "--reason", "r"])
    assert refused.exit_code != 0
    assert "只能退回到" in refused.output

    _ok(cli.invoke(main, ["tasks", "complete", str(reopened["id"]), "--as", "clerk1", "--data", data]))
    refused = cli.invoke(main, ["cases", "move", number, "--as", "clerk1", "--to", "register", "--reason", "卡住"])
    assert refused.exit_code != 0
    output = _ok(cli.invoke(main, ["cases", "move", number, "--as", "admin1", "--to", "register", "--reason", "卡住"]))
    assert "受理登记" in output
