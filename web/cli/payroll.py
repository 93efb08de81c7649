"""`dibao payroll …`: a county's 发放名册 (docs/payments.md) — generate the draft of a month, show it with its
totals and reconciliation, export the bank file, approve (lock) it, and record an adjustment of a locked month."""

from __future__ import annotations

from pathlib import Path

import click

from engine.queries import payroll as views
from engine.queries import payroll_check
from engine.services import payroll
from web.cli.support import cli_context, print_json

_COUNTY = click.option("--county", required=True, help="县级机构代码，例如 demo-county")
_MONTH = click.option("--month", required=True, help="月份，YYYY-MM，例如 2027-01")
_USER = click.option("--user", "--as", "username", required=True, help="操作人用户名")


@click.group("payroll")
def payroll_group() -> None:
    """发放名册：按县按月编制、核对、审批锁定、导出银行文件。"""


@payroll_group.command("generate")
@_COUNTY
@_MONTH
@_USER
def generate(county: str, month: str, username: str) -> None:
    """（重新）生成某月的名册草稿（县民政经办人）；已锁定的月份拒绝。"""
    with cli_context() as ctx:
        done = payroll.generate(ctx, username, county, month)
        click.echo(
            f"已生成 {done.county_code} {done.month} 发放名册草稿："
            f"{done.line_count} 笔，{done.persons} 人，合计 {done.total} 元"
        )


@payroll_group.command("show")
@_COUNTY
@_MONTH
@_USER
@click.option("--page", default=1, type=int, help="明细页码")
@click.option("--json", "as_json", is_flag=True)
def show(county: str, month: str, username: str, page: int, as_json: bool) -> None:
    """名册的合计、按乡镇和保障类别的小计、与保障记录的核对结果，以及一页明细（身份证号已遮蔽）。"""
    with cli_context() as ctx:
        roster = views.roster_page(ctx, username, county, month, page)
        check = payroll_check.reconciliation(ctx, username, county, month)
        if as_json:
            print_json({"roster": roster, "reconciliation": check})
            return
        h = roster.header
        click.echo(
            f"{h.county_name} {h.month_label} 发放名册（{h.status_label}）："
            f"{h.line_count} 笔，{h.persons} 人，合计 {h.total} 元"
        )
        for g in roster.groups:
            click.echo(f"  {g.township}\t{g.category}\t{g.lines} 笔\t{g.persons} 人\t{g.amount} 元")
        verdict = "一致" if check.ok else f"不一致 {check.mismatch_count} 处"
        click.echo(f"核对：名册 {check.recorded_total} 元，保障记录 {check.expected_total} 元，{verdict}")
        for m in check.mismatches:
            then = f"已由 {m.settled_in} 名册处理" if m.settled_in else "待处理"
            click.echo(
                f"  {m.case_number}\t{m.payee_name}\t{m.kind}\t{m.for_month}\t"
                f"名册 {m.recorded or '无'}\t记录 {m.expected or '无'}\t{then}"
            )
        click.echo(f"明细 第 {roster.page}/{roster.pages} 页：")
        for line in roster.lines:
            click.echo(
                f"  {line.case_number}\t{line.township}\t{line.village}\t{line.payee_name}\t{line.id_number}\t"
                f"{line.category}\t{line.kind}\t{line.for_month}\t{line.amount}"
            )


@payroll_group.command("export")
@_COUNTY
@_MONTH
@_USER
@click.option("--format", "file_format", type=click.Choice(["xlsx", "csv"]), required=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="输出文件；默认为标准文件名")
def export(county: str, month: str, username: str, file_format: str, out: Path | None) -> None:
    """导出给银行的文件（完整身份证号，导出记入审计日志）。"""
    with cli_context() as ctx:
        done = payroll.export(ctx, username, county, month, file_format)
        target = out or Path(done.file_name)
        target.write_bytes(done.content)
        click.echo(f"已写入 {target}（sha256 {done.sha256}）")


@payroll_group.command("approve")
@_COUNTY
@_MONTH
@_USER
def approve(county: str, month: str, username: str) -> None:
    """审批名册（县民政审批人）：该月锁定，此后不再改变。"""
    with cli_context() as ctx:
        done = payroll.approve(ctx, username, county, month)
        click.echo(f"已审批锁定 {done.county_code} {done.month} 发放名册：{done.line_count} 笔，合计 {done.total} 元")


@payroll_group.command("adjust")
@_COUNTY
@_USER
@click.option("--case", "case_number", required=True, help="保障对象的案件编号")
@click.option("--corrects", required=True, help="被更正的（已锁定）月份，YYYY-MM")
@click.option("--paid-in", required=True, help="计入的（未锁定）月份，YYYY-MM")
@click.option("--amount", required=True, help="调整金额，可为负数（扣回多发）")
@click.option("--reason", required=True, help="调整理由")
def adjust(county: str, username: str, case_number: str, corrects: str, paid_in: str, amount: str, reason: str) -> None:
    """登记对已锁定月份的更正，计入以后月份的名册。"""
    with cli_context() as ctx:
        found = payroll.add_adjustment(ctx, username, county, case_number, corrects, paid_in, amount, reason)
        click.echo(f"已登记调整（编号 {found}），计入 {paid_in}；该月名册如已生成，请重新生成")
