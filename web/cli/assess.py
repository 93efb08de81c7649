"""`dibao assess` and `dibao assess-temporary`: what-if calculations from a JSON file; no case is created."""

from __future__ import annotations

import click

from engine.domain.vocabulary import APPROVAL_LEVELS, CATEGORY_LABELS, TEMPORARY_KINDS
from engine.queries.regions import region_name
from engine.services import assessment, temporary
from web.cli.support import cli_context, print_json, read_data


@click.command("assess")
@click.option("--region", required=True, help="按该地区现行参数文件评估（default 为全国默认）")
@click.option("--json", "as_json", is_flag=True, help="输出评估结果 JSON")
@click.argument("data_file", metavar="FILE")
def assess_command(region: str, as_json: bool, data_file: str) -> None:
    """评估家庭经济状况（FILE 为 {"as_of", "household"} JSON，- 表示标准输入），不创建案件。"""
    data = read_data(data_file)
    with cli_context() as ctx:
        result = assessment.assess_household(ctx, region, data)
        if as_json:
            print_json(result)
            return
        click.echo(
            f"{region_name(ctx, result['region'])}，评估日期 {result['as_of']}：{CATEGORY_LABELS[result['category']]}"
        )
        click.echo(f"低保标准 {result['standard']} 元/人·月；人均收入 {result['per_capita_income']} 元")
        click.echo(f"补差金额 {result['benefit_amount']} 元/月")
        singles = result["single_person_members"]
        if singles:
            for single in singles:
                click.echo(f"单人户：{single['name']}（{single['reason']}）{single['benefit_amount']} 元/月")
        else:
            click.echo("单人户：无")
        click.echo("依据：")
        for line in result["explanation"]:
            click.echo(f"  - {line}")


@click.command("assess-temporary")
@click.option("--region", required=True, help="按该地区现行参数文件和审批层级决策表测算（default 为全国默认）")
@click.option("--json", "as_json", is_flag=True, help="输出测算结果 JSON")
@click.argument("data_file", metavar="FILE")
def assess_temporary_command(region: str, as_json: bool, data_file: str) -> None:
    """测算临时救助金额与审批层级（FILE 为 {"as_of", "kind", "cause", "persons", "months", "household_type",
    "existing_recipient"} JSON，- 表示标准输入），不创建案件。"""
    data = read_data(data_file)
    with cli_context() as ctx:
        result = temporary.assess_temporary(ctx, region, data)
        if as_json:
            print_json(result)
            return
        where = region_name(ctx, result["region"])
        click.echo(f"{where}，测算日期 {result['as_of']}：{TEMPORARY_KINDS[result['kind']]}临时救助")
        click.echo(
            f"救助金额 {result['amount']} 元（计 {result['months_counted']} 个月）；"
            f"乡镇审批限额 {result['township_limit']} 元"
        )
        click.echo(f"审批层级：{APPROVAL_LEVELS[result['approval_level']]}")
        if result["kind"] == "emergency":
            click.echo(f"先行救助：乡镇先行发放 {result['advance_payment']} 元，其余 {result['remainder']} 元报审批")
        click.echo("依据：")
        for line in result["explanation"]:
            click.echo(f"  - {line}")
