"""`dibao notices list|object`: the open 公示 of a village and objections to one, as on the public board."""

from __future__ import annotations

import click

from engine.clock import to_china
from engine.queries import notices as notice_board
from engine.services import notices
from web.cli.support import cli_context, print_json


@click.group("notices")
def notices_group() -> None:
    """公示：查看与提出异议（与公示栏页面相同）。"""


@notices_group.command("list")
@click.option("--village", required=True, help="村/社区代码")
@click.option("--json", "as_json", is_flag=True)
def notices_list(village: str, as_json: bool) -> None:
    """列出该村/社区正在公示的事项（仅公开字段）。"""
    with cli_context() as ctx:
        rows = notice_board.open_notices(ctx, village)
        if as_json:
            print_json(rows)
            return
        for n in rows:
            click.echo(
                f"{n.id}\t{n.masked_name}\t{n.persons} 人\t{n.proposed_amount} 元\t"
                f"至 {to_china(n.ends_at):%Y-%m-%d %H:%M}（北京时间）"
            )


@notices_group.command("object")
@click.argument("notice_id", metavar="NOTICE", type=int)
@click.option("--text", required=True, help="异议内容")
@click.option("--contact", default=None, help="联系方式（可选，不公开）")
def notices_object(notice_id: int, text: str, contact: str | None) -> None:
    """对公示提出异议；公示结束后提出的异议不予受理。"""
    with cli_context() as ctx:
        receipt = notices.object_to_notice(ctx, notice_id, text, contact, channel="cli")
        click.echo(f"已受理对公示 {receipt.notice_id} 的异议（编号 {receipt.objection_id}）")
