"""`dibao simulate`: a what-if run of proposed parameters over a region's households (docs/policy-simulation.md).

The run is computed here, in the foreground (the web app runs it in the background instead); the
result is the same run the web pages show, under 政策模拟测算.
"""

from __future__ import annotations

import re
from datetime import date

import click

from engine.domain.simulation_parameters import Override
from engine.domain.vocabulary import CATEGORY_SHORT_LABELS, label
from engine.errors import InvalidData
from engine.queries import simulation as reads
from engine.services import simulation
from web.cli.support import cli_context, fail, print_json

_SETTING = re.compile(r"^([A-Za-z][A-Za-z0-9_]{0,63})=([^@]+)@(\d{4}-\d{2}-\d{2})$")


def _override(text: str) -> Override:
    match = _SETTING.match(text.strip())
    if match is None:
        raise InvalidData(
            "拟议参数未通过校验，未进行测算",
            {"--set": [f"{text!r}：格式应为 参数名=取值@生效日期，如 dibao_standard_urban=850@2027-01-01"]},
        )
    try:
        effective = date.fromisoformat(match.group(3))
    except ValueError:
        raise InvalidData("拟议参数未通过校验，未进行测算", {"--set": [f"{text!r}：生效日期无效"]}) from None
    return Override(match.group(1), match.group(2).strip(), effective)


@click.command("simulate")
@click.option("--region", required=True, help="测算该地区（default 为全国默认地区）")
@click.option("--draft", is_flag=True, help="以该地区的参数草稿为拟议参数")
@click.option(
    "--set",
    "settings",
    multiple=True,
    metavar="NAME=VALUE@DATE",
    help="拟议参数，可多次给出，如 dibao_standard_urban=850@2027-01-01",
)
@click.option("--as-of", "as_of", default=None, help="测算日期 YYYY-MM-DD（默认：今天与生效日期中较晚的一天）")
@click.option(
    "--as", "username", default=None, help="以该用户身份测算（县级用户只测算本县）；默认为本机操作员，测算全地区"
)
@click.option("--json", "as_json", is_flag=True, help="输出测算结果 JSON")
def simulate_command(
    region: str, draft: bool, settings: tuple[str, ...], as_of: str | None, username: str | None, as_json: bool
) -> None:
    """政策模拟测算：按拟议参数重新测算在保家庭和近 12 个月已决定的低保申请，不改变任何数据。"""
    with cli_context() as ctx:
        day = None
        if as_of is not None:
            try:
                day = date.fromisoformat(as_of)
            except ValueError:
                raise InvalidData(
                    "拟议参数未通过校验，未进行测算", {"--as-of": ["测算日期无效（YYYY-MM-DD）"]}
                ) from None
        overrides = [_override(text) for text in settings]
        job_id = simulation.start(ctx, username, use_draft=draft, overrides=overrides, as_of=day, region=region)
        if not as_json:
            click.echo(f"第 {job_id} 次模拟测算开始……")
        simulation.run_job(ctx, job_id)
        view = reads.job(ctx, username, job_id)
        if view.status != "done" or view.summary is None:
            fail(f"测算失败：{view.error or view.status_label}")
        if as_json:
            print_json(
                {"id": view.id, "region": view.region, "as_of": view.as_of, "changes": view.changes, **view.summary}
            )
            return
        _print(view)


def _print(view: reads.JobView) -> None:
    s = view.summary or {}
    counts, total = s["counts"], s["total"]
    click.echo(f"第 {view.id} 次模拟测算（{view.scope_name}，地区 {view.region}，测算日期 {view.as_of.isoformat()}）")
    for change in view.changes:
        click.echo(f"  拟议：{change['label']} {change['old']} → {change['new']}")
    click.echo(
        f"共 {total['households']} 户：新纳入 {counts['newly_eligible']}，不再符合 {counts['newly_ineligible']}，"
        f"金额变化 {counts['changed']}，不变 {counts['unchanged']}，家庭信息不完整 {counts['unreadable']}"
    )
    click.echo(f"每月 {total['old_monthly']} → {total['new_monthly']} 元")
    click.echo(f"每月变化 {total['monthly_difference']} 元，全年变化 {total['yearly_difference']} 元")
    for title, groups, name_of in (
        ("按乡镇", s["by_township"], lambda n: n),
        ("按现行类别", s["by_category"], lambda n: label(CATEGORY_SHORT_LABELS, n)),
    ):
        click.echo(f"{title}：")
        for g in groups:
            difference = f"每月 {g['monthly_difference']} 元，全年 {g['yearly_difference']} 元"
            click.echo(f"  {name_of(g['name'])}：受影响 {g['affected']} 户，{difference}")
