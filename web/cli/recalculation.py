"""`dibao recalculate prepare|show|approve|cancel` (年度调标, docs/annual-adjustment.md): the county's run of a new
standard over its enrolments, as the 年度调标 pages do it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from engine.domain.vocabulary import RECALCULATION_CHANGE_LABELS
from engine.queries import recalculation as runs
from engine.services import recalculation
from engine.services.recalculation import RunResult
from web.cli.support import cli_context, print_json


def _user(required: bool) -> Callable[..., Any]:
    # --as as in every other command, --user as `tasks urge` names it.
    return click.option("--as", "--user", "username", required=required, help="以该用户身份操作")


@click.group("recalculate")
def recalculate_group() -> None:
    """年度调标：按新标准重新测算在保对象的保障金额，县级审批后自生效月份起执行。"""


def _echo_result(result: RunResult, what: str) -> None:
    counts = "，".join(f"{RECALCULATION_CHANGE_LABELS[k]} {v} 户" for k, v in result.counts.items())
    click.echo(f"{what}调标 {result.number}：{counts}")
    click.echo(f"每月保障资金合计：{result.budget_before} → {result.budget_after} 元")


@recalculate_group.command("prepare")
@click.option("--county", "county", default=None, help="县级单位代码（默认：操作人所在县）")
@click.option("--month", required=True, help="生效月份，例如 2027-01")
@_user(required=True)
@click.option("--json", "as_json", is_flag=True)
def prepare(county: str | None, month: str, username: str, as_json: bool) -> None:
    """试算：按最新部署的低保参数重新评估本县全部在保家庭，生成待审批的调标。"""
    with cli_context() as ctx:
        result = recalculation.prepare(ctx, username, month, county)
        if as_json:
            print_json(result)
            return
        _echo_result(result, "已生成待审批的")


@recalculate_group.command("show")
@click.argument("number", metavar="RUN")
@click.option("--filter", "filter_name", type=click.Choice(sorted(runs.FILTERS)), default="all", help="只列出某类变化")
@_user(required=False)
@click.option("--json", "as_json", is_flag=True)
def show(number: str, filter_name: str, username: str | None, as_json: bool) -> None:
    """查看调标：每户原金额 → 新金额，需复核和不参与的原因。"""
    with cli_context() as ctx:
        summary, items = runs.run_items(ctx, username, number, filter_name)
        if as_json:
            print_json({"run": summary, "items": items})
            return
        click.echo(
            f"调标 {summary.number}（{summary.county}，自 {summary.effective_month:%Y-%m} 起，"
            f"参数第 {summary.definition_version} 版）：{summary.status_label}"
        )
        click.echo(f"每月保障资金合计：{summary.budget_before} → {summary.budget_after} 元（{summary.budget_change}）")
        for item in items:
            new = f"{item.new_amount} 元" if item.new_amount is not None else "—"
            click.echo(
                f"{item.case_number}\t{item.applicant_name}\t{item.old_amount} 元 → {new}\t{item.change_label}"
                + (f"\t{item.reason}" if item.reason else "")
            )


@recalculate_group.command("approve")
@click.argument("number", metavar="RUN")
@_user(required=True)
def approve(number: str, username: str) -> None:
    """审批调标：增发、减发自生效月份起执行，需复核的家庭安排复核。"""
    with cli_context() as ctx:
        _echo_result(recalculation.approve(ctx, number, username), "已审批")


@recalculate_group.command("cancel")
@click.argument("number", metavar="RUN")
@_user(required=True)
def cancel(number: str, username: str) -> None:
    """作废待审批的调标（在保情况变化后可重新试算）。"""
    with cli_context() as ctx:
        result = recalculation.cancel(ctx, number, username)
        click.echo(f"已作废调标 {result.number}")
