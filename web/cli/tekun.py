"""`dibao assess-tekun`: the 特困 what-if assessment from a JSON file (docs/tekun-assessment.md); no case is created."""

from __future__ import annotations

import click

from engine.domain.vocabulary_tekun import TEKUN_CARE_TIERS
from engine.queries.regions import region_name
from engine.services import tekun_assessment
from web.cli.support import cli_context, print_json, read_data


@click.command("assess-tekun")
@click.option("--region", required=True, help="按该地区现行参数文件评估（default 为全国默认）")
@click.option("--json", "as_json", is_flag=True, help="输出评估结果 JSON")
@click.argument("data_file", metavar="FILE")
def assess_tekun_command(region: str, as_json: bool, data_file: str) -> None:
    """特困人员认定评估（FILE 为 {"as_of", "person", "supporters"} JSON，- 表示标准输入），不创建案件。"""
    data = read_data(data_file)
    with cli_context() as ctx:
        result = tekun_assessment.assess_tekun_person(ctx, region, data)
        if as_json:
            print_json(result)
            return
        verdict = "符合特困人员认定条件" if result["eligible"] else "不符合特困人员认定条件"
        click.echo(f"{region_name(ctx, result['region'])}，评估日期 {result['as_of']}：{verdict}")
        for reason in result["reasons"]:
            click.echo(f"  {reason}")
        click.echo(f"基本生活标准 {result['basic']} 元/月")
        tier = TEKUN_CARE_TIERS[result["care_tier"]]
        click.echo(f"护理档次 {tier}；照料护理标准 {result['care']} 元/月")
        click.echo(f"每月供养合计 {result['total']} 元")
        click.echo("依据：")
        for line in result["explanation"]:
            click.echo(f"  - {line}")
