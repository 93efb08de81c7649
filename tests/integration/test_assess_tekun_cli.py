"""`dibao assess-tekun --region R [--json] FILE` (docs/tekun-assessment.md), run in-process: no case, no rows.

Scenario 10 of domain.md §10 (tests/data/tekun/scenario10.json): 烟台 basic 1.4 × 800 = 1,120 + care
1,800 ÷ 3 = 600 → 1,720; 会宁 basic 1.3 × 800 = 1,040.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from tests.conftest import DATA
from tests.integration.cli_support import ok as _ok
from web.cli import main

SCENARIO_10 = DATA / "tekun" / "scenario10.json"


@pytest.fixture
def cli(tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DIBAO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(processes_dir))
    return CliRunner()


def _scenario_10() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SCENARIO_10.read_text(encoding="utf-8"))
    return data


def _file(tmp_path: Path, data: object) -> str:
    path = tmp_path / "tekun.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_scenario_10_as_json(cli: CliRunner) -> None:
    result = json.loads(_ok(cli.invoke(main, ["assess-tekun", "--region", "yantai", "--json", str(SCENARIO_10)])))
    assert (result["region"], result["as_of"], result["eligible"]) == ("yantai", "2026-11-01", True)
    assert (result["basic"], result["care_tier"], result["care"], result["total"]) == (
        "1120.00",
        "full",
        "600.00",
        "1720.00",
    )
    assert "照料护理标准（全护理）= 上年月最低工资 1800.00 ÷ 3 = 600.00 元/月" in result["explanation"]
    huining = json.loads(_ok(cli.invoke(main, ["assess-tekun", "--region", "huining", "--json", str(SCENARIO_10)])))
    assert (huining["basic"], huining["total"]) == ("1040.00", "1640.00")


def test_scenario_10_as_a_summary(cli: CliRunner) -> None:
    output = _ok(cli.invoke(main, ["assess-tekun", "--region", "yantai", str(SCENARIO_10)]))
    assert "烟台，评估日期 2026-11-01：符合特困人员认定条件" in output
    assert "  符合：无生活来源" in output
    assert "基本生活标准 1120.00 元/月" in output
    assert "护理档次 全护理；照料护理标准 600.00 元/月" in output
    assert "每月供养合计 1720.00 元" in output
    assert "  - 法定义务人（子女）为最低生活保障对象，无履行义务能力" in output
    assert "self_care" not in output  # no raw code reaches the user
    assert "full" not in output


def test_three_failed_indicators_from_standard_input(cli: CliRunner) -> None:
    data = _scenario_10()
    data["person"]["adl"] = {"failed": 3}
    output = _ok(cli.invoke(main, ["assess-tekun", "--region", "yantai", "--json", "-"], input=json.dumps(data)))
    assert (json.loads(output)["care"], json.loads(output)["total"]) == ("300.00", "1420.00")


def test_an_able_supporter_makes_the_summary_say_why_not(cli: CliRunner, tmp_path: Path) -> None:
    data = _scenario_10()
    data["supporters"] = [{"relation": "spouse", "status": "able"}]
    output = _ok(cli.invoke(main, ["assess-tekun", "--region", "yantai", _file(tmp_path, data)]))
    assert "不符合特困人员认定条件" in output
    assert "  不符合：无法定赡养、抚养、扶养义务人，或者其法定义务人无履行义务能力" in output
    assert "每月供养合计 0.00 元" in output


def test_bad_fields_are_named_and_nothing_breaks(cli: CliRunner, tmp_path: Path) -> None:
    data = _scenario_10()
    data["person"]["adl"] = [True, False, True]
    refused = cli.invoke(main, ["assess-tekun", "--region", "yantai", _file(tmp_path, data)])
    assert refused.exit_code == 1
    assert "person.adl: 申请人·生活自理能力评估：必须正好有 6 项指标" in refused.output
    assert "未做任何更改" in refused.output
    data = _scenario_10()
    data["supporters"][0]["status"] = "wealthy"
    refused = cli.invoke(main, ["assess-tekun", "--region", "yantai", _file(tmp_path, data)])
    assert refused.exit_code == 1
    assert "supporters.0.status: 法定义务人第 1 项·状况：必须是以下之一" in refused.output
    data = _scenario_10()
    del data["person"]["birth_date"]
    refused = cli.invoke(main, ["assess-tekun", "--region", "yantai", _file(tmp_path, data)])
    assert "person.birth_date: 申请人·出生日期：必填" in refused.output
    assert "Traceback" not in refused.output


def test_an_unknown_region_and_a_missing_parameter(cli: CliRunner, processes_dir: Path) -> None:
    refused = cli.invoke(main, ["assess-tekun", "--region", "atlantis", str(SCENARIO_10)])
    assert refused.exit_code != 0
    assert "地区 atlantis 没有流程目录" in refused.output
    parameters = processes_dir / "default" / "parameters.toml"
    text = parameters.read_text(encoding="utf-8")
    parameters.write_text(text.replace("[tekun_care_wage_divisor_full]", "[tekun_typo]"), encoding="utf-8")
    refused = cli.invoke(main, ["assess-tekun", "--region", "default", str(SCENARIO_10)])
    assert refused.exit_code != 0
    assert "错误（parameter_error）：特困人员认定评估缺少参数 tekun_care_wage_divisor_full" in refused.output


def test_a_region_with_its_own_multiplier(cli: CliRunner, processes_dir: Path) -> None:
    region = processes_dir / "regions" / "generous_county"
    region.mkdir(parents=True)
    (region / "parameters.toml").write_text('[tekun_basic_multiplier]\n2021-07-01 = "1.5"\n', encoding="utf-8")
    result = json.loads(
        _ok(cli.invoke(main, ["assess-tekun", "--region", "generous_county", "--json", str(SCENARIO_10)]))
    )
    assert (result["basic"], result["total"]) == ("1200.00", "1800.00")  # 1.5 × 800 + 600
