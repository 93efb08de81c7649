"""`dibao documents correct` (docs/documents-corrections-and-printing.md): a standalone click command, added to
the `documents` group by web.cli."""

from __future__ import annotations

import click

from engine.services import document_corrections
from web.cli.support import as_option, cli_context


@click.command("correct")
@click.argument("document_id", type=click.IntRange(min=1))
@as_option
@click.option("--reason", required=True, help="更正原因（必填，不超过 500 字），印在更正后的文书上")
def correct(document_id: int, username: str, reason: str) -> None:
    """更正文书：按案件当前记录出具新版本，原文书标记为已更正。"""
    with cli_context() as ctx:
        new = document_corrections.correct(ctx, username, document_id, reason)
    click.echo(
        f"已出具更正文书：{new.title}（第 {new.version} 版，id {new.id}），核验码 {new.code}，替代 {new.replaces_code}"
    )
