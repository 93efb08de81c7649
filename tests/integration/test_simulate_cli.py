"""`dibao simulate` (docs/policy-simulation.md), in-process against a demo database: the five households of
tests/unit/test_simulation.py (S 800 → 850 adds 300 a month), and a refused proposal."""

from __future__ import annotations

import json

from click.testing import CliRunner

from engine.context import Context
from tests.integration.cli_support import ok
from tests.integration.test_simulation import _seed
from web.cli import main

SET = ["--set", "dibao_standard_urban=850@2027-01-01", "--set", "dibao_standard_rural=850@2027-01-01"]


def test_simulate_prints_the_totals_and_json(cli: CliRunner) -> None:
    ctx = Context.from_settings()
    try:
        _seed(ctx)
    finally:
        ctx.close()
    out = ok(cli.invoke(main, ["simulate", "--region", "default", *SET]))
    assert "共 5 户：新纳入 1，不再符合 0，金额变化 2，不变 2，家庭信息不完整 0" in out
    assert "每月变化 300.00 元，全年变化 3600.00 元" in out
    assert "城关镇：受影响 2 户，每月 250.00 元，全年 3000.00 元" in out
    result = json.loads(ok(cli.invoke(main, ["simulate", "--region", "default", "--as", "county1", "--json", *SET])))
    assert result["total"]["yearly_difference"] == "3600.00"
    assert result["as_of"] == "2027-01-01"


def test_simulate_refuses_bad_values_and_runs_nothing(cli: CliRunner) -> None:
    refused = cli.invoke(main, ["simulate", "--region", "default", "--set", "marginal_multiplier=0.5@2027-01-01"])
    assert refused.exit_code != 0
    assert "参数 marginal_multiplier 在 2027-01-01 的取值 '0.5' 不可用：必须是不小于 1 的数" in refused.output
    assert "未做任何更改" in refused.output
    refused = cli.invoke(main, ["simulate", "--region", "default", "--set", "dibao_standard_urban:850"])
    assert refused.exit_code != 0
    assert "格式应为 参数名=取值@生效日期" in refused.output
    refused = cli.invoke(main, ["simulate", "--region", "default", "--as", "clerk1", *SET])
    assert "无权进行政策模拟测算" in refused.output
