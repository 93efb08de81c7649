"""`dibao assess-temporary --region R [--json] FILE` (docs/contracts.md), run in-process: no case, no rows.

The approval level comes from the region's temporary_approval_level.dmn, evaluated by the engine as
a case's business rule task evaluates it, so a region's table change shows here at once.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.integration.cli_support import ok as _ok
from web.cli import main

SCENARIO_11: dict[str, Any] = {
    "as_of": "2026-11-23",
    "kind": "emergency",
    "cause": "fire",
    "persons": 3,
    "months": 4,
    "household_type": "other",
    "existing_recipient": False,
}


@pytest.fixture
def cli(tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DIBAO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(processes_dir))
    return CliRunner()


def _file(tmp_path: Path, data: object) -> str:
    path = tmp_path / "request.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def _json(cli: CliRunner, region: str, path: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(_ok(cli.invoke(main, ["assess-temporary", "--region", region, "--json", path])))
    return result


def test_scenario_11_in_huining_and_by_the_national_default(cli: CliRunner, tmp_path: Path) -> None:
    path = _file(tmp_path, SCENARIO_11)
    # 800 × 3 × 4 = 9,600 > 3,200: 会宁 sends a fire to the county, the default table to the committee.
    huining = _json(cli, "huining", path)
    assert {k: huining[k] for k in ("amount", "months_counted", "approval_level", "advance_payment")} == {
        "amount": "9600.00",
        "months_counted": 4,
        "approval_level": "county",
        "advance_payment": "3200.00",
    }
    assert huining["remainder"] == "6400.00"
    assert huining["region"] == "huining"
    default = _json(cli, "default", path)
    assert default["approval_level"] == "committee"


def test_a_summary_in_chinese(cli: CliRunner, tmp_path: Path) -> None:
    output = _ok(cli.invoke(main, ["assess-temporary", "--region", "huining", _file(tmp_path, SCENARIO_11)]))
    assert "会宁，测算日期 2026-11-23：急难型临时救助" in output
    assert "救助金额 9600.00 元（计 4 个月）；乡镇审批限额 3200.00 元" in output
    assert "审批层级：县级民政部门审批" in output
    assert "先行救助：乡镇先行发放 3200.00 元，其余 6400.00 元报审批" in output
    assert "  - 救助金额 = 800.00 × 3 人 × 4 个月 = 9600.00 元" in output


def test_scenario_12_cap_from_standard_input(cli: CliRunner) -> None:
    data = {**SCENARIO_11, "cause": "major_illness", "months": 8}
    output = _ok(cli.invoke(main, ["assess-temporary", "--region", "huining", "--json", "-"], input=json.dumps(data)))
    result = json.loads(output)
    assert (result["amount"], result["months_counted"], result["approval_level"]) == ("14400.00", 6, "committee")


def test_a_region_table_change_shows_at_once(cli: CliRunner, processes_dir: Path, tmp_path: Path) -> None:
    # A region copying 会宁's table under another name gets 会宁's levels without any code.
    region = processes_dir / "regions" / "table_county"
    region.mkdir(parents=True)
    shutil.copy(processes_dir / "regions" / "huining" / "temporary_approval_level.dmn", region)
    assert _json(cli, "table_county", _file(tmp_path, SCENARIO_11))["approval_level"] == "county"


def test_bad_input_is_named(cli: CliRunner, tmp_path: Path) -> None:
    data = {**SCENARIO_11, "persons": 0, "cause": "flood"}
    del data["as_of"]
    refused = cli.invoke(main, ["assess-temporary", "--region", "default", _file(tmp_path, data)])
    assert refused.exit_code != 0
    assert "临时救助测算数据有误" in refused.output
    assert "as_of: 测算日期：必填" in refused.output
    assert "persons: 受困家庭人口（人）" in refused.output
    assert "cause: 困难事由" in refused.output
    assert "Traceback" not in refused.output


def test_an_unknown_region(cli: CliRunner, tmp_path: Path) -> None:
    refused = cli.invoke(main, ["assess-temporary", "--region", "atlantis", _file(tmp_path, SCENARIO_11)])
    assert refused.exit_code != 0
    assert "地区 atlantis 没有流程目录" in refused.output


def test_a_missing_parameter_is_reported(cli: CliRunner, processes_dir: Path, tmp_path: Path) -> None:
    parameters = processes_dir / "default" / "parameters.toml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(text.replace("[temporary_months_cap]", "[temporary_months_cap_typo]"), encoding="utf-8")
    refused = cli.invoke(main, ["assess-temporary", "--region", "default", _file(tmp_path, SCENARIO_11)])
    assert refused.exit_code != 0
    assert "错误（parameter_error）：临时救助测算缺少参数 temporary_months_cap" in refused.output


def test_a_broken_table_is_reported(cli: CliRunner, processes_dir: Path, tmp_path: Path) -> None:
    table = processes_dir / "default" / "temporary_approval_level.dmn"
    table.write_text(table.read_text(encoding="utf-8").replace('"county"', "no_such_name"), encoding="utf-8")
    refused = cli.invoke(
        main, ["assess-temporary", "--region", "default", _file(tmp_path, {**SCENARIO_11, "cause": "other"})]
    )
    assert refused.exit_code != 0
    assert "决策表 temporary_approval_level 运行出错" in refused.output
    assert "Traceback" not in refused.output
