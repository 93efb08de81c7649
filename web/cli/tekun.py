"""`dibao assess-tekun`: the 特困 what-if assessment from a JSON file (docs/tekun-assessment.md); no case is created.
`dibao tekun sample` / `dibao tekun verify-sample`: the county's random sample (docs/tekun-sampling.md)."""

from __future__ import annotations

import sys

import click

from engine.clock import to_china
from engine.domain.vocabulary_tekun import TEKUN_CARE_TIERS
from engine.queries.regions import region_name
from engine.services import tekun_assessment, tekun_sampling
from web.cli.support import as_option, cli_context, print_json, read_data

MISMATCH_EXIT = 2  # verify-sample: the selection drawn again differs from the stored one


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


@click.group("tekun")
def tekun_group() -> None:
    """特困人员：县级随机抽查。"""


@tekun_group.command("sample")
@click.option("--json", "as_json", is_flag=True, help="输出抽查结果 JSON")
@as_option
def sample_command(as_json: bool, username: str) -> None:
    """对本县等待抽查的特困案件随机抽取样本（比例按现行参数 tekun_sample_ratio），并推进全部等待的案件。"""
    with cli_context() as ctx:
        sample = tekun_sampling.draw_sample(ctx, username)
    if as_json:
        print_json(sample)
        return
    click.echo(f"抽查号 {sample.id}（{sample.county}，{to_china(sample.drawn_at):%Y-%m-%d %H:%M}）")
    click.echo(f"随机种子 {sample.seed}")
    click.echo(f"抽查比例 {sample.ratio}")
    click.echo(f"待抽查案件 {len(sample.population)} 件，抽中 {len(sample.selected)} 件：")
    for number in sample.selected:
        click.echo(f"  {number}")


@tekun_group.command("verify-sample")
@click.argument("sample_id", type=click.IntRange(1, 2**31 - 1), metavar="ID")
@as_option
def verify_sample_command(sample_id: int, username: str) -> None:
    """按保存的随机种子、抽查范围和比例重新抽取，核验第 ID 次抽查；不一致时退出码为 2。"""
    with cli_context() as ctx:
        same = tekun_sampling.verify_sample(ctx, username, sample_id)
    if same:
        click.echo(f"抽查 {sample_id}：一致")
    else:
        click.echo(f"抽查 {sample_id}：不一致")
        sys.exit(MISMATCH_EXIT)
