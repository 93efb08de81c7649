"""`dibao assess --region R [--json] FILE` (docs/contracts.md), run in-process: no case, no database rows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import DATA
from tests.integration.cli_support import ok as _ok
from web.cli import main

SCENARIO_1 = DATA / "households" / "scenario1.json"


@pytest.fixture
def cli(tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DIBAO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(processes_dir))
    return CliRunner()


def _scenario_1() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCENARIO_1.read_text(encoding="utf-8"))
    return data


def _file(tmp_path: Path, data: object) -> str:
    path = tmp_path / "household.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_scenario_1_as_json(cli: CliRunner) -> None:
    result = json.loads(_ok(cli.invoke(main, ["assess", "--region", "default", "--json", str(SCENARIO_1)])))
    # n = 3, wage 1,500 → p = 500 < 800 → B = (800 − 500) × 3 = 900.
    assert result["per_capita_income"] == "500.00"
    assert result["category"] == "dibao"
    assert result["eligible"] is True
    assert result["benefit_amount"] == "900.00"
    assert (result["region"], result["as_of"], result["standard"]) == ("default", "2026-11-01", "800.00")
    assert result["single_person_members"] == []
    assert "补差 =（800.00 − 500.00）× 3 = 900.00 元" in result["explanation"]


def test_scenario_1_as_a_summary(cli: CliRunner) -> None:
    output = _ok(cli.invoke(main, ["assess", "--region", "default", str(SCENARIO_1)]))
    assert "全国默认，评估日期 2026-11-01：符合低保条件" in output
    assert "人均收入 500.00 元" in output
    assert "补差金额 900.00 元/月" in output
    assert "单人户：无" in output
    assert "  - 人均收入 500.00 元低于低保标准 800.00 元，家庭财产符合规定：符合低保条件" in output


def test_data_from_standard_input(cli: CliRunner) -> None:
    output = _ok(cli.invoke(main, ["assess", "--region", "default", "--json", "-"], input=SCENARIO_1.read_text()))
    assert json.loads(output)["benefit_amount"] == "900.00"


def test_a_bad_field_is_named(cli: CliRunner, tmp_path: Path) -> None:
    data = _scenario_1()
    data["household"]["members"][1]["id_number"] = "110105198203150229"  # wrong check character
    data["household"]["members"][0]["incomes"][0]["monthly_amount"] = "abc"
    refused = cli.invoke(main, ["assess", "--region", "default", "--json", _file(tmp_path, data)])
    assert refused.exit_code != 0
    assert "评估数据有误" in refused.output
    assert "household.members.1.id_number: 家庭情况·家庭成员第 2 项·身份证号：校验码不正确" in refused.output
    assert "household.members.0.incomes.0.monthly_amount: 家庭情况·家庭成员第 1 项·月收入第 1 项·月均金额（元）" in (
        refused.output
    )
    assert "Traceback" not in refused.output


def test_missing_as_of_and_no_applicant(cli: CliRunner, tmp_path: Path) -> None:
    data = _scenario_1()
    del data["as_of"]
    refused = cli.invoke(main, ["assess", "--region", "default", _file(tmp_path, data)])
    assert refused.exit_code != 0
    assert "as_of: 评估日期：必填" in refused.output

    data = _scenario_1()
    data["household"]["members"][0]["relation"] = "parent"
    refused = cli.invoke(main, ["assess", "--region", "default", _file(tmp_path, data)])
    assert refused.exit_code != 0
    assert "household.members: 家庭情况·家庭成员：必须有且只有一名“本人（申请人）”，现在没有" in refused.output


def test_an_unknown_region(cli: CliRunner) -> None:
    refused = cli.invoke(main, ["assess", "--region", "atlantis", str(SCENARIO_1)])
    assert refused.exit_code != 0
    assert "地区 atlantis 没有流程目录" in refused.output


def test_a_region_uses_its_own_parameter_files(cli: CliRunner, processes_dir: Path, tmp_path: Path) -> None:
    # A 会宁-like region: a disabled member of an eligible household adds 0.2 × S: 900 + 160 = 1,060.
    region = processes_dir / "regions" / "topup_county"
    region.mkdir(parents=True)
    (region / "parameters.toml").write_text('[disabled_topup_multiplier]\n2021-07-01 = "0.2"\n', encoding="utf-8")
    data = _scenario_1()
    data["household"]["members"][1]["disability"] = {"grade": 4, "type": "hearing"}
    path = _file(tmp_path, data)
    default = json.loads(_ok(cli.invoke(main, ["assess", "--region", "default", "--json", path])))
    topup = json.loads(_ok(cli.invoke(main, ["assess", "--region", "topup_county", "--json", path])))
    assert (default["benefit_amount"], topup["benefit_amount"]) == ("900.00", "1060.00")
    assert topup["region"] == "topup_county"


def test_a_missing_parameter_is_reported(cli: CliRunner, processes_dir: Path) -> None:
    parameters = processes_dir / "default" / "parameters.toml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(text.replace("[minimum_wage]", "[minimum_wage_typo]"), encoding="utf-8")
    refused = cli.invoke(main, ["assess", "--region", "default", str(SCENARIO_1)])
    assert refused.exit_code != 0
    assert "错误（parameter_error）：家庭经济状况评估缺少参数 minimum_wage" in refused.output
