"""`dibao alerts …`: 监测预警 (docs/alerts.md) — import a CSV or JSON batch of alerts, list the register."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.domain.alerts import content_hash
from engine.queries import alerts as views
from engine.services import alerts
from web.cli.support import as_option, cli_context, fail, print_json

REJECTED_EXIT = 2  # some rows were refused (the others were imported)


@click.group("alerts")
def alerts_group() -> None:
    """监测预警：导入预警批次、查看预警台账。"""


@alerts_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--batch-id",
    default="",
    help="批次号；不填时取 JSON 中的 batch_id，或按文件内容生成（同一文件重复导入不会重复登记）",
)
@click.option("--source", default="", help="默认预警来源（文件中没有“预警来源”时使用）")
@click.option("--json", "as_json", is_flag=True)
@as_option
def import_command(file: Path, batch_id: str, source: str, as_json: bool, username: str) -> None:
    """导入 CSV 或 JSON 预警文件；逐行说明未导入的行，有行被退回时退出码为 2。"""
    try:
        content = file.read_bytes()
    except OSError as exc:
        fail(f"无法读取文件 {file}：{exc.strerror}")
    if not batch_id and not file.name.lower().endswith(".json"):
        batch_id = f"file-{content_hash(content)[:24]}"
    with cli_context() as ctx:
        result = alerts.import_file(ctx, username, content, file.name, batch_id or None, source)
    if as_json:
        print_json(result.as_dict())
    else:
        if result.repeated:
            click.echo(f"批次 {result.batch_id} 此前已导入，以下为当时的结果")
        click.echo(
            f"批次 {result.batch_id}：共 {result.total} 行，新登记 {result.imported} 条，"
            f"并入已有预警 {result.merged} 条，退回 {result.rejected} 行"
        )
        if result.opened_cases:
            click.echo(f"开启案件 {len(result.opened_cases)} 件：" + "、".join(result.opened_cases[:20]))
        for problem in result.report:
            click.echo(f"  第 {problem['row']} 行：{problem['message']}")
    if result.rejected:
        sys.exit(REJECTED_EXIT)


@alerts_group.command("list")
@click.option("--status", default="", help="open、verifying、closed、monitoring")
@click.option("--level", default="", help="red、orange、yellow")
@click.option("--overdue", is_flag=True, help="仅逾期未办结的")
@click.option("--page", default=1, type=int)
@click.option("--json", "as_json", is_flag=True)
@as_option
def list_command(status: str, level: str, overdue: bool, page: int, as_json: bool, username: str) -> None:
    """预警台账（身份证号已遮蔽），最新的在前。"""
    with cli_context() as ctx:
        found = views.register(ctx, username, status=status, level=level, overdue=overdue, page=page)
    if as_json:
        print_json(found)
        return
    click.echo(f"共 {found.total} 条（第 {found.page}/{found.pages} 页）")
    for a in found.lines:
        late = " 已逾期" if a.overdue else ""
        case = f" 案件 {a.case_number}" if a.case_number else ""
        click.echo(
            f"{a.id}\t{a.level_label}\t{a.name}\t{a.id_number}\t{a.indicator}\t{a.village}\t"
            f"期限 {a.due_at:%Y-%m-%d}{late}\t{a.status_label}{case}"
        )
