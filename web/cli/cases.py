"""`dibao cases start|show|extend`: start a case (or the due re-checks), show one, extend its legal clock."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from engine.clock import to_china
from engine.domain import vocabulary
from engine.domain.vocabulary import APPROVAL_LEVELS
from engine.domain.vocabulary_tekun import TEKUN_CARE_TIERS
from engine.queries import case_view
from engine.results import CaseView
from engine.services import cases, reviews
from web.cli.support import as_option, cli_context, fail, print_json, read_data


@click.group("cases")
def cases_group() -> None:
    """案件：登记、查看。"""


@cases_group.command("start")
@click.argument("process")
@as_option
@click.option("--data", "data_file", default=None, help="启动数据 JSON 文件（- 表示标准输入）")
@click.option("--due", is_flag=True, help="批量启动到期复核（用 periodic_review；特困人员启动 tekun_review）")
@click.option("--on", "on_day", default=None, help="与 --due 同用：按该日期（YYYY-MM-DD）判断是否到期，默认今天")
def cases_start(process: str, username: str, data_file: str | None, due: bool, on_day: str | None) -> None:
    """以 USER 身份启动流程，输出新案件编号（--due 时每行一个）。"""
    if due:
        if process != reviews.PROCESS_ID or data_file is not None:
            fail(f"--due 只用于 {reviews.PROCESS_ID}，且不能与 --data 同用")
        try:
            day = date.fromisoformat(on_day) if on_day else None
        except ValueError:
            fail(f"--on：{on_day} 不是 YYYY-MM-DD 格式的日期")
        with cli_context() as ctx:
            batch = reviews.start_due_reviews(ctx, username, day)
            for number in batch.started:
                click.echo(number)
            click.echo(f"已启动 {len(batch.started)} 件动态复核（到期 {batch.due} 户）", err=True)
        return
    if data_file is None:
        fail("需要 --data（或对 periodic_review 使用 --due）")
    data = read_data(data_file)
    with cli_context() as ctx:
        click.echo(cases.start_case(ctx, process, username, data).number)


@cases_group.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
def cases_show(number: str, as_json: bool) -> None:
    """查看案件。"""
    with cli_context() as ctx:
        view = case_view.show_case(ctx, number)
        if as_json:
            print_json(view)
            return
        click.echo(f"案件 {view.number}（{view.kind}，地区 {view.region}，村 {view.village}）")
        click.echo(f"状态：{view.status}；阶段：{view.stage or '-'}；流程版本 v{view.process_version}")
        if view.error_message:
            click.echo(f"流程错误：{view.error_message}")
        if view.next_timer_at:
            click.echo(f"下一定时器：{to_china(view.next_timer_at):%Y-%m-%d %H:%M}（北京时间）")
        _echo_decision(view)
        for t in view.tasks:
            click.echo(
                f"  任务 {t.id}\t{t.title}\t{t.state}\t{t.role}@{t.org_unit}\t"
                f"{t.completed_by or t.assignee or ''}\t{t.decision or ''}"
            )


def _echo_decision(view: CaseView) -> None:
    clock = view.legal_clock
    if clock is not None:
        flag = "，已超期" if clock.overdue else ""
        extension = f"（已延长：{clock.extension_reason}）" if clock.extension_reason else ""
        click.echo(
            f"法定时限：自 {clock.started_on} 受理起 {clock.limit_days} 个工作日，"
            f"已用 {clock.working_days_used} 个{flag}{extension}"
        )
    if view.assessment and "approval_level" in view.assessment:
        _echo_temporary(view.assessment)
    elif view.assessment and "care_tier" in view.assessment:
        a = view.assessment
        tier = TEKUN_CARE_TIERS.get(str(a.get("care_tier")), "")
        verdict = "符合" if a.get("eligible") else "不符合"
        figures = f"基本生活 {a.get('basic')} 元 + 照料护理（{tier}）{a.get('care')} 元 = {a.get('total')} 元"
        click.echo(f"特困评估：{verdict}；{figures}")
    elif view.assessment:
        a = view.assessment
        click.echo(
            f"评估：人均收入 {a.get('per_capita_income')} 元，类别 {a.get('category')}，"
            f"补差 {a.get('benefit_amount')} 元"
        )
    for n in view.notices:
        click.echo(
            f"公示 {n.id}：{n.masked_name}，{n.persons} 人，{n.proposed_amount} 元，"
            f"至 {to_china(n.ends_at):%Y-%m-%d %H:%M}（北京时间），{n.status}"
        )
    if view.outcome:
        click.echo(f"结论：{view.outcome}；金额：{view.decided_amount or '-'} 元")
    if view.enrollment:
        e = view.enrollment
        click.echo(f"保障：{e.status}，{e.persons} 人，每月 {e.monthly_amount} 元，自 {e.starts_on} 起")


def _echo_temporary(a: dict[str, Any]) -> None:
    """A 临时救助 case's calculation and, once decided, its settlement (advance and remainder)."""
    click.echo(
        f"临时救助测算：救助金额 {a.get('amount')} 元，{APPROVAL_LEVELS.get(str(a.get('approval_level')), '-')}，"
        f"先行救助 {a.get('advance_payment')} 元，其余 {a.get('remainder')} 元"
    )
    settlement = a.get("settlement")
    if isinstance(settlement, dict):
        click.echo(
            f"结算：救助总额 {settlement.get('total_granted')} 元（已先行发放 {settlement.get('advance_paid')} 元，"
            f"批准发放其余 {settlement.get('remainder_granted')} 元）"
        )


@cases_group.command("extend")
@click.argument("number")
@as_option
@click.option("--ground", required=True, type=click.Choice(sorted(vocabulary.EXTENSION_GROUNDS)), help="延长事由")
@click.option("--reason", required=True, help="延长说明")
def cases_extend(number: str, username: str, ground: str, reason: str) -> None:
    """延长案件的法定办理时限（一次，至地区上限）。"""
    with cli_context() as ctx:
        view = cases.extend_legal_clock(ctx, number, username, ground, reason)
        assert view.legal_clock is not None  # noqa: S101 - an extension needs a started clock
        click.echo(f"案件 {view.number} 的办理时限已延长至 {view.legal_clock.limit_days} 个工作日")
