"""`dibao documents list|get|verify`: a case's issued documents, one document's PDF (audited like a
download on the case page) and the public check of a verification code, optionally against a PDF file
(docs/documents-verify-and-download.md)."""

from __future__ import annotations

from pathlib import Path

import click

from engine.clock import to_china
from engine.queries import documents
from engine.services import documents as document_files
from web.cli.support import as_option, cli_context, fail, print_json


@click.group("documents")
def documents_group() -> None:
    """文书：查看、下载与核验。"""


@documents_group.command("list")
@click.argument("number", metavar="CASE_NUMBER")
@as_option
@click.option("--json", "as_json", is_flag=True)
def documents_list(number: str, username: str, as_json: bool) -> None:
    """列出案件的文书（生成顺序）。"""
    with cli_context() as ctx:
        rows = documents.list_for_case(ctx, username, number)
        if as_json:
            print_json(rows)
            return
        if not rows:
            click.echo("暂无文书")
        for d in rows:
            click.echo(f"{d.id}\t{d.code}\t{d.title}\t{to_china(d.issued_at):%Y-%m-%d %H:%M}\t状态：{d.status_label}")


@documents_group.command("get")
@click.argument("document_id", metavar="ID", type=int)
@as_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, writable=True), help="保存到的文件")
def documents_get(document_id: int, username: str, out: str) -> None:
    """下载文书的 PDF（记入审计日志）。"""
    with cli_context() as ctx:
        got = document_files.open_for_download(ctx, username, document_id)
        try:
            Path(out).write_bytes(got.content)
        except OSError as exc:
            fail(f"无法写入文件 {out}：{exc.strerror or exc}")
        click.echo(f"已保存“{got.document.title}”（核验码 {got.document.code}，{got.document.size_text}）到 {out}")


@documents_group.command("verify")
@click.argument("code", metavar="CODE")
@click.option("--file", "pdf", type=click.Path(exists=True, dir_okay=False), help="与之比对的 PDF 文件")
def documents_verify(code: str, pdf: str | None) -> None:
    """核验文书：显示核验码对应的公开信息；给出 --file 时比对文件（不一致时退出码 2）。"""
    with cli_context() as ctx:
        doc = documents.find_by_code(ctx, code)
        click.echo(f"核验码：{doc.code}")
        click.echo(f"文书：{doc.title}")
        click.echo(f"出具单位：{doc.unit_name or '—'}")
        click.echo(f"出具日期：{doc.issued_on:%Y-%m-%d}")
        click.echo(f"申请人：{doc.applicant_masked or '—'}")
        click.echo(f"状态：{doc.status_label}")
        click.echo(f"sha256：{doc.sha256 or '生成中'}")
        if pdf is None:
            return
        check = documents.check_file(ctx, doc.code, Path(pdf).read_bytes())
        click.echo(f"文件比对：{check.verdict}")
        if not check.matches:
            fail(f"文件 {pdf} 的 sha256 为 {check.sha256}，与本系统出具的文书不一致", code=2)
