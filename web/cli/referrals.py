"""`dibao referrals list|refer|answer` (docs/referrals.md): 转介 from the command line, with `--as USER`.
The referral is named by its number (ZJ-2026-000001), as on the pages and in the API."""

from __future__ import annotations

import click

from engine.clock import to_china
from engine.domain.vocabulary_window import REFERRAL_KIND_LABELS, REFERRAL_STATUS_LABELS
from engine.queries import referrals as views
from engine.queries.referrals import ReferralRow
from engine.services import referrals
from web.cli.support import as_option, cli_context, print_json


@click.group("referrals")
def referrals_group() -> None:
    """转介：把案件的家庭转介给本县的部门，部门接收并反馈。"""


def _line(row: ReferralRow) -> str:
    late = " 已逾期" if row.overdue else ""
    answer = f" 反馈：{row.answer_text}" if row.answer_text else ""
    return (
        f"{row.number} {row.department_name} {row.kind_label} {row.person_name} {row.id_number or '—'} "
        f"案件 {row.case_number or '—'} {row.status_label} 反馈期限 {to_china(row.due_at):%Y-%m-%d}{late}{answer}"
    )


@referrals_group.command("list")
@as_option
@click.option(
    "--status",
    type=click.Choice(["open", *REFERRAL_STATUS_LABELS]),
    help="只看这一状态：open 为待接收和办理中；不填为全部",
)
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def referrals_list(username: str, status: str | None, as_json: bool) -> None:
    """列出本部门（部门经办人）或本辖区（乡镇、县民政人员）的转介，按反馈期限排列。"""
    with cli_context() as ctx:
        rows = views.list_referrals(ctx, username, status)
        if as_json:
            print_json(rows)
            return
        for row in rows:
            click.echo(_line(row))
        click.echo(f"共 {len(rows)} 条")


@referrals_group.command("refer")
@click.argument("case_number")
@as_option
@click.option("--department", required=True, help="接收部门的机构代码，如 demo-dept-yibao")
@click.option("--kind", required=True, type=click.Choice(list(REFERRAL_KIND_LABELS)), help="转介事项")
@click.option("--reason", required=True, help="转介事由")
def referrals_refer(case_number: str, username: str, department: str, kind: str, reason: str) -> None:
    """把案件的家庭转介给本县的部门。"""
    with cli_context() as ctx:
        row = referrals.refer_case(ctx, username, case_number, department=department, kind=kind, reason=reason)
        click.echo(f"已转介：{_line(row)}")


@referrals_group.command("answer")
@click.argument("number")
@as_option
@click.option("--accept", "accept_only", is_flag=True, help="只接收，不反馈")
@click.option("--answer", type=click.Choice(list(referrals.ANSWERS)), help="handled：已办结；not_ours：非本部门事项")
@click.option("--text", default="", help="办理结果或原因")
def referrals_answer(number: str, username: str, accept_only: bool, answer: str | None, text: str) -> None:
    """部门接收转介（--accept）或反馈（--answer handled|not_ours --text …）。"""
    with cli_context() as ctx:
        if accept_only:
            row = referrals.accept(ctx, username, number)
        else:
            row = referrals.answer(ctx, username, number, answer=answer or "", text=text)
        click.echo(_line(row))
