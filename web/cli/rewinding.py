"""`dibao tasks withdraw|return` and `dibao cases move`: 撤回, 退回 and an administrator's move
(docs/withdraw-and-return.md). Registered on the tasks and cases groups by web.cli."""

from __future__ import annotations

import click

from engine.results import CompletionResult
from engine.services import rewinding
from web.cli.support import as_option, cli_context


def _reopened(result: CompletionResult) -> None:
    click.echo(f"案件 {result.case_number}：{result.stage or ''}")
    for task in result.new_tasks:
        click.echo(f"重新办理：{task.id}\t{task.title}\t{task.state}")


@click.command("withdraw")
@click.argument("task_id", type=int)
@as_option
@click.option("--reason", required=True, help="撤回理由")
def withdraw(task_id: int, username: str, reason: str) -> None:
    """撤回本人已办结的步骤 TASK_ID（下一步尚未签收、暂存时）。"""
    with cli_context() as ctx:
        _reopened(rewinding.withdraw(ctx, task_id, username, reason))


@click.command("return")
@click.argument("task_id", type=int)
@as_option
@click.option("--to", "to", required=True, help="退回到的步骤标识（任务声明的 returnTargets 之一）")
@click.option("--reason", required=True, help="退回理由")
def return_task(task_id: int, username: str, to: str, reason: str) -> None:
    """把任务 TASK_ID 所在的案件退回到前序步骤。"""
    with cli_context() as ctx:
        _reopened(rewinding.return_to(ctx, task_id, username, to, reason))


@click.command("move")
@click.argument("number")
@as_option
@click.option("--to", "to", required=True, help="调整到的步骤标识（案件曾经办理过的用户任务）")
@click.option("--reason", required=True, help="调整理由")
def move(number: str, username: str, to: str, reason: str) -> None:
    """系统管理员将案件 NUMBER 的流程调整到曾经办理过的步骤。"""
    with cli_context() as ctx:
        moved = rewinding.move_case(ctx, username, number, to, reason)
        click.echo(f"案件 {moved.case_number}：{moved.stage or ''}")
        for task in moved.reopened:
            click.echo(f"重新办理：{task.id}\t{task.title}\t{task.state}")


def register(tasks_group: click.Group, cases_group: click.Group) -> None:
    tasks_group.add_command(withdraw)
    tasks_group.add_command(return_task)
    cases_group.add_command(move)
