"""`dibao tasks delegate|hand-back|recall` (docs/delegation.md), in-process against a temp database."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time

from engine.context import Context
from tests.conftest import add_second_clerk
from tests.integration.cli_support import ok as _ok
from web.cli import main


@freeze_time("2026-11-23 01:00:00")
def test_delegate_hand_back_and_recall_by_command_line(cli: CliRunner, tmp_path: Path) -> None:
    start = tmp_path / "start.json"
    start.write_text(json.dumps({"village": "demo-village-1-1"}), encoding="utf-8")
    _ok(cli.invoke(main, ["cases", "start", "reference_review", "--as", "clerk1", "--data", str(start)]))
    (task,) = json.loads(_ok(cli.invoke(main, ["tasks", "list", "--as", "clerk1", "--json"])))
    task_id = str(task["id"])
    _ok(cli.invoke(main, ["tasks", "claim", task_id, "--as", "clerk1"]))

    refused = cli.invoke(main, ["tasks", "delegate", task_id, "--to", "clerk2", "--as", "clerk1"])
    assert refused.exit_code != 0
    assert "被委派人：河西乡经办人（clerk2）不属于城关镇" in refused.output
    refused = cli.invoke(main, ["tasks", "delegate", task_id, "--to", "head1", "--as", "clerk1"])
    assert "被委派人：城关镇负责人（head1）没有乡镇经办人角色" in refused.output
    nothing = cli.invoke(main, ["tasks", "recall", task_id, "--as", "clerk1"])
    assert "没有正在进行的委派" in nothing.output

    with closing(Context.from_settings()) as ctx:  # the CLI's database: a second clerk of 城关镇
        add_second_clerk(ctx)
    done = _ok(
        cli.invoke(main, ["tasks", "delegate", task_id, "--to", "clerk1b", "--as", "clerk1", "--note", "请登记"])
    )
    assert "委派给 城关镇经办人乙" in done
    (mine,) = json.loads(_ok(cli.invoke(main, ["tasks", "list", "--as", "clerk1b", "--view", "delegated", "--json"])))
    assert (mine["id"], mine["delegation"]["note"]) == (task["id"], "请登记")
    wrong = cli.invoke(main, ["tasks", "hand-back", task_id, "--as", "clerk1"])
    assert wrong.exit_code != 0
    assert "只有该任务的被委派人可以交回" in wrong.output
    assert "交回签收人 clerk1" in _ok(cli.invoke(main, ["tasks", "hand-back", task_id, "--as", "clerk1b"]))
    _ok(cli.invoke(main, ["tasks", "delegate", task_id, "--to", "clerk1b", "--as", "clerk1"]))
    assert "已收回任务" in _ok(cli.invoke(main, ["tasks", "recall", task_id, "--as", "clerk1"]))
