"""`dibao verification export|import`: the 信息核对 exchange files (docs/verification-exchange.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from engine.services import verification_exchange
from web.cli.support import as_option, cli_context, fail


@click.group("verification")
def verification_group() -> None:
    """信息核对：导出核对请求、导入核对结果。"""


@verification_group.command("export")
@click.option("--county", default=None, help="县核对机构的单位代码（默认本人所在单位）")
@as_option
@click.argument("out", type=click.Path(dir_okay=False))
def verification_export(county: str | None, username: str, out: str) -> None:
    """把本单位待办的核对、复查请求写入 OUT（含完整身份证号，按查看个人信息记入审计）。"""
    with cli_context() as ctx:
        document = verification_exchange.export_requests(ctx, username, county)
    Path(out).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    click.echo(f"已导出 {len(document['requests'])} 条核对请求到 {out}")


@verification_group.command("import")
@as_option
@click.argument("file", type=click.Path(dir_okay=False))
def verification_import(username: str, file: str) -> None:
    """读取核对结果文件 FILE，逐条办结对应的核对、复查任务；有问题的条目逐条报告，其余照常办理。"""
    try:
        document = json.loads(Path(file).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        fail(f"无法读取核对结果文件 {file}：{exc}")
    with cli_context() as ctx:
        report = verification_exchange.import_results(ctx, username, document)
    for request_id in report.applied:
        click.echo(f"已办结：核对请求 {request_id}")
    for request_id, reason in report.skipped:
        click.echo(f"已跳过：核对请求 {request_id}：{reason}")
    for where, reason in report.refused:
        click.echo(f"未导入：{where}：{reason}", err=True)
    click.echo(f"共办结 {len(report.applied)} 条，跳过 {len(report.skipped)} 条，未导入 {len(report.refused)} 条")
    if report.refused:
        raise SystemExit(1)
