"""`dibao notifications deliveries|resend`: the outbox in an administrator's scope and its dead letters, and
putting a dead letter back in the queue (as 系统管理 › 通知发送)."""

from __future__ import annotations

import click

from engine.clock import to_china
from engine.queries import notification_deliveries
from engine.services import notification_delivery
from web.cli.support import cli_context, print_json


@click.group("notifications")
def notifications_group() -> None:
    """通知：邮件和短信的发送情况、重新发送失败的通知。"""


@notifications_group.command("deliveries")
@click.option("--user", "--as", "username", required=True, help="系统管理员用户名（只列其管理范围内的收件人）")
@click.option("--dead", is_flag=True, help="只列发送失败的通知")
@click.option("--json", "as_json", is_flag=True)
def deliveries(username: str, dead: bool, as_json: bool) -> None:
    """各状态的通知数量，以及发送失败的通知（最新的在前）。"""
    with cli_context() as ctx:
        found = notification_deliveries.deliveries(ctx, username)
        if as_json:
            print_json(found.dead if dead else found)
            return
        if not dead:
            click.echo("　".join(f"{c.label} {c.count}" for c in found.counts))
        for r in found.dead:
            click.echo(
                f"{r.id}\t{r.recipient}\t{r.kind_label}\t{r.channel_label}\t{r.address}\t尝试 {r.attempts} 次\t"
                f"{to_china(r.created_at):%Y-%m-%d %H:%M}\t{r.last_error}"
            )


@notifications_group.command("resend")
@click.argument("delivery_id", metavar="ID", type=int)
@click.option("--user", "--as", "username", required=True, help="系统管理员用户名")
def resend(delivery_id: int, username: str) -> None:
    """把一条发送失败的通知重新放回发送队列（记入审计日志）。"""
    with cli_context() as ctx:
        done = notification_delivery.resend(ctx, username, delivery_id)
        click.echo(f"已重新排队发送给 {done.recipient} 的{done.channel_label}通知（编号 {done.delivery_id}）")
