"""`dibao tasks urge`: 催办 (docs/urge-and-copy.md), registered on the tasks group."""

from __future__ import annotations

import click

from engine.clock import to_china
from engine.services import urging
from web.cli.support import cli_context
from web.cli.tasks import tasks_group


@tasks_group.command("urge")
@click.argument("task_id", type=int)
@click.option("--user", "--as", "username", required=True, help="催办人：本辖区的乡镇负责人或县民政审批人、经办人")
@click.option("--message", required=True, help="催办内容（不超过 200 个字）")
def tasks_urge(task_id: int, username: str, message: str) -> None:
    """催办：督促正在办理该任务的人员尽快办理。"""
    with cli_context() as ctx:
        result = urging.urge(ctx, task_id, username, message)
        told = "、".join(result.urged) or "（无在岗人员）"
        click.echo(f"已催办任务 {result.task_id}：{result.title}（案件 {result.case_number}），已通知 {told}")
        click.echo(f"下次可催办时间：{to_china(result.next_allowed_at):%Y-%m-%d %H:%M}")
