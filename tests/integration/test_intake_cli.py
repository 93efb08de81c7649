"""`dibao intake register|list|triage|feedback|export` (docs/intake.md), in-process against a temp database."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from freezegun import freeze_time

from tests.integration.cli_support import ok as _ok
from web.cli import main


@freeze_time("2026-11-23 01:00:00")
def test_intake_by_command_line(cli: CliRunner, tmp_path: Path) -> None:
    call = [
        "intake",
        "register",
        "--as",
        "clerk1",
        "--channel",
        "hotline_12349",
        "--ticket",
        "12349-77",
        "--village",
        "demo-village-1-2",
        "--name",
        "李大爷",
        "--need",
        "独居老人，询问低保",
        "--kind",
        "dibao",
    ]
    assert "已登记受理事项 SL-2026-000001（12349 热线），分办期限 2026-11-26 23:59" in _ok(cli.invoke(main, call))
    assert "该工单已登记为受理事项 SL-2026-000001" in _ok(cli.invoke(main, call))
    (row,) = json.loads(_ok(cli.invoke(main, ["intake", "list", "--as", "clerk1", "--json"])))
    assert (row["number"], row["status"]) == ("SL-2026-000001", "registered")
    refused = cli.invoke(main, ["intake", "triage", "SL-2026-000001", "--as", "clerk2", "--close", "已答复"])
    assert refused.exit_code != 0
    assert "无权分办" in refused.output
    both = cli.invoke(main, ["intake", "triage", "SL-2026-000001", "--as", "clerk1", "--close", "x", "--refer", "d"])
    assert both.exit_code != 0
    out = _ok(cli.invoke(main, ["intake", "triage", "SL-2026-000001", "--as", "clerk1", "--close", "电话答复政策"]))
    assert "已办结" in out
    out = _ok(
        cli.invoke(
            main,
            ["intake", "feedback", "SL-2026-000001", "--as", "clerk1", "--text", "清楚", "--satisfaction", "basically"],
        )
    )
    assert "基本满意" in out
    target = tmp_path / "hotline.csv"
    _ok(cli.invoke(main, ["intake", "export", "--as", "clerk1", "--output", str(target)]))
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff工单号,渠道,受理编号")
    assert "12349-77,12349 热线,SL-2026-000001,2026-11-23 09:00,2026-11-26 23:59,2026-11-23 09:00," in text
    assert "已办结（不启动流程）,电话答复政策,清楚,基本满意" in text
