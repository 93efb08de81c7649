"""`dibao tasks delegate|hand-back|recall`: 委派 (docs/delegation.md), registered on the tasks group."""

from __future__ import annotations

import click

from engine.results import TaskSummary
from engine.services import delegation
from web.cli.support import as_option, cli_context
from web.cli.tasks import tasks_group

_NOTE = click.option("--note", default=None, help="说明（可选）")


def _where(summary: TaskSummary) -> str:
    return f"任务 {summary.id}：{summary.title}（案件 {summary.case_number}）"


@tasks_group.command("delegate")
@click.argument("task_id", type=int)
@click.option("--to", "to_username", required=True, help="被委派人：本机构内具有该任务角色的同事")
@as_option
@_NOTE
def tasks_delegate(task_id: int, to_username: str, username: str, note: str | None) -> None:
    """委派：签收人把任务交给同事填写（同事只能暂存和交回）。"""
    with cli_context() as ctx:
        summary = delegation.delegate(ctx, task_id, username, to_username, note)
        name = summary.delegation.delegate_name if summary.delegation else to_username
        click.echo(f"已将{_where(summary)}委派给 {name}")


@tasks_group.command("hand-back")
@click.argument("task_id", type=int)
@as_option
@_NOTE
def tasks_hand_back(task_id: int, username: str, note: str | None) -> None:
    """交回：被委派人把任务交回签收人审核提交。"""
    with cli_context() as ctx:
        summary = delegation.hand_back(ctx, task_id, username, note)
        click.echo(f"已将{_where(summary)}交回签收人 {summary.assignee}")


@tasks_group.command("recall")
@click.argument("task_id", type=int)
@as_option
def tasks_recall(task_id: int, username: str) -> None:
    """收回委派：交回之前，签收人收回任务自己办理。"""
    with cli_context() as ctx:
        summary = delegation.recall(ctx, task_id, username)
        click.echo(f"已收回{_where(summary)}")
