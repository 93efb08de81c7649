"""`dibao intake …`: 一门受理 (docs/intake.md) — register a request, list the register, triage a request
(start a process, refer to a department, close), record the requester's feedback, export the hotline CSV."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import click

from engine.clock import to_china
from engine.queries import intake as views
from engine.services import intake
from web.cli.support import cli_context, fail, print_json

# The CLI stays apart from web.kit: the same CSV as the page's (web/kit/csv_export.py), made here.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(rows: list[tuple[str, ...]]) -> str:
    """UTF-8 with a byte-order mark, CRLF, and no cell a spreadsheet would evaluate."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["'" + c if c.startswith(_FORMULA_STARTS) else c for c in row])
    return "\ufeff" + out.getvalue()


_USER = click.option("--user", "--as", "username", required=True, help="操作人用户名")


@click.group("intake")
def intake_group() -> None:
    """一门受理：登记各渠道来件、分办（启动流程、转介、办结）、记录反馈、导出热线办理反馈。"""


@intake_group.command("register")
@_USER
@click.option(
    "--channel", required=True, help="受理渠道：window、hotline_12345、hotline_12349、grid、department、alert、letter"
)
@click.option("--ticket", "external_ticket", default="", help="热线工单号（热线来件必填）")
@click.option("--township", default="", help="分办乡镇代码（县级人员未指定村/社区时必填）")
@click.option("--village", default="", help="村/社区代码")
@click.option("--name", "person_name", required=True, help="求助人姓名")
@click.option("--id-number", default="", help="身份证号")
@click.option("--phone", default="", help="联系电话")
@click.option("--need", required=True, help="诉求内容")
@click.option("--kind", "need_kind", required=True, help="诉求类别：dibao、temporary、special、other")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def register(username: str, as_json: bool, **data: Any) -> None:
    """登记一件来件（首问负责），输出受理编号和分办期限。"""
    with cli_context() as ctx:
        done = intake.register(ctx, username, data)
    row = done.detail.row
    if as_json:
        print_json(row)
        return
    what = "已登记受理事项" if done.created else "该工单已登记为受理事项"
    click.echo(f"{what} {row.number}（{row.channel_label}），分办期限 {to_china(row.due_at):%Y-%m-%d %H:%M}")


@intake_group.command("list")
@_USER
@click.option("--status", default=None, help="状态：registered、started、referred、closed")
@click.option("--channel", default=None, help="受理渠道")
@click.option("--overdue", is_flag=True, help="只列超期未分办的")
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出")
def list_command(username: str, status: str | None, channel: str | None, overdue: bool, as_json: bool) -> None:
    """列出本辖区的一门受理登记簿（最新的在前，身份证号脱敏）。"""
    with cli_context() as ctx:
        rows = views.register_list(ctx, username, status=status, channel=channel, overdue=overdue)
    if as_json:
        print_json(rows)
        return
    for r in rows:
        late = " 超期" if r.overdue else ""
        click.echo(f"{r.number}  {r.channel_label}  {r.person_name}  {r.need_kind_label}  {r.status_label}{late}")


@intake_group.command("triage")
@click.argument("number")
@_USER
@click.option("--start", "process", default=None, help="启动流程：dibao_application 或 temporary_assistance")
@click.option(
    "--data",
    "data_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="启动表单数据（JSON，缺的项由来件带入）",
)
@click.option("--refer", "department", default=None, help="转介：接收部门的机构代码")
@click.option("--kind", default="", help="转介事项，如 medical、education、housing")
@click.option("--reason", default="", help="转介理由")
@click.option("--close", "close_reason", default=None, help="办结：办结理由")
def triage(
    number: str,
    username: str,
    process: str | None,
    data_file: Path | None,
    department: str | None,
    kind: str,
    reason: str,
    close_reason: str | None,
) -> None:
    """分办一件来件：--start 启动流程、--refer 转介部门、--close 办结（三选一）。"""
    if sum(x is not None for x in (process, department, close_reason)) != 1:
        fail("请从 --start、--refer、--close 中选择且只选择一种分办方式")
    with cli_context() as ctx:
        if process is not None:
            data = intake.prefill(ctx, username, number, process)
            if data_file is not None:
                data.update(json.loads(data_file.read_text(encoding="utf-8")))
            case = intake.start_case(ctx, number, username, process, data)
            click.echo(f"已启动案件 {case.number}，受理事项 {number} 已分办")
        elif department is not None:
            detail = intake.refer(ctx, number, username, department, kind, reason)
            click.echo(f"已转介，转介编号 {detail.row.referral_number}")
        else:
            intake.close(ctx, number, username, close_reason or "")
            click.echo(f"受理事项 {number} 已办结")


@intake_group.command("feedback")
@click.argument("number")
@_USER
@click.option("--text", required=True, help="反馈内容")
@click.option("--satisfaction", required=True, help="满意度：satisfied、basically、unsatisfied")
def feedback(number: str, username: str, text: str, satisfaction: str) -> None:
    """记录求助人对办理结果的反馈（分办后）。"""
    with cli_context() as ctx:
        detail = intake.record_feedback(ctx, number, username, text, satisfaction)
    click.echo(f"已记录受理事项 {number} 的反馈：{detail.satisfaction_label}")


@intake_group.command("export")
@_USER
@click.option("--channel", default=None, help="只导出一个热线渠道：hotline_12345 或 hotline_12349")
@click.option(
    "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="写入文件（默认输出到屏幕）"
)
def export(username: str, channel: str | None, output: Path | None) -> None:
    """导出热线来件的办理结果和反馈（CSV，UTF-8 带 BOM），供报送热线平台。"""
    with cli_context() as ctx:
        text = csv_text(views.hotline_export(ctx, username, channel))
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_bytes(text.encode("utf-8"))
        click.echo(f"已导出到 {output}")
