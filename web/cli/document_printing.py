"""`dibao documents print-notices|print-confirmations` (docs/documents-corrections-and-printing.md): standalone
click commands, added to the `documents` group by web.cli. The PDF goes to --output (default: its own name in
the current directory; `-` writes it to standard output)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.services import document_printing
from engine.services.document_printing import PrintedBatch
from web.cli.support import as_option, cli_context, fail

_OUTPUT = click.option("--output", "-o", default=None, help="PDF 输出文件（默认为当前目录下的文件名；- 为标准输出）")


def _write(batch: PrintedBatch, output: str | None) -> None:
    if output == "-":
        sys.stdout.buffer.write(batch.pdf)
        return
    path = Path(output or batch.filename)
    try:
        path.write_bytes(batch.pdf)
    except OSError as exc:
        fail(f"无法写入 {path}：{exc.strerror}")
    click.echo(f"{batch.title}：共 {batch.pages} 页，已写入 {path}")


@click.command("print-notices")
@as_option
@click.option("--township", default=None, help="乡镇机构代码（默认为本人所在乡镇）")
@_OUTPUT
def print_notices(username: str, township: str | None, output: str | None) -> None:
    """打印一个乡镇正在公示的案件的公示材料（按村分组，合成一个 PDF）。"""
    with cli_context() as ctx:
        batch = document_printing.print_notices(ctx, username, township)
    _write(batch, output)


@click.command("print-confirmations")
@as_option
@click.option("--month", required=True, help="月份（北京时间），如 2027-03")
@click.option("--unit", default=None, help="县或乡镇机构代码（默认为本人所在机构）")
@_OUTPUT
def print_confirmations(username: str, month: str, unit: str | None, output: str | None) -> None:
    """打印某月出具的最低生活保障确认通知书（现行版本，合成一个 PDF）。"""
    with cli_context() as ctx:
        batch = document_printing.print_confirmations(ctx, username, month, unit)
    _write(batch, output)
