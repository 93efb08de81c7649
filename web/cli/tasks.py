"""`dibao tasks list|show|claim|complete`: a user's tasks, as on the 工作台 and the task pages."""

from __future__ import annotations

import json
from datetime import datetime, time

import click

from engine.clock import to_china
from engine.queries import task_page
from engine.services import tasks
from web.cli.support import as_option, cli_context, print_json, read_data


@click.group("tasks")
def tasks_group() -> None:
    """任务：列表、查看、签收、办理。"""


def china_deadline(due_at: datetime | None) -> str:
    """A due date in Beijing time: the day of a working-day limit (it ends at 23:59:59), the hour of a timer's."""
    if due_at is None:
        return "-"
    local = to_china(due_at)
    return f"{local:%Y-%m-%d}" if local.time() == time(23, 59, 59) else f"{local:%Y-%m-%d %H:%M}"


@tasks_group.command("list")
@as_option
@click.option("--view", type=click.Choice(tasks.VIEWS), default="open", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def tasks_list(username: str, view: str, as_json: bool) -> None:
    """列出 USER 的任务。"""
    with cli_context() as ctx:
        items = tasks.list_tasks(ctx, username, view)
        if as_json:
            print_json(items)
            return
        for t in items:
            due = china_deadline(t.due_at)
            click.echo(f"{t.id}\t{t.case_number}\t{t.title}\t{t.state}\t期限 {due}{'（超期）' if t.overdue else ''}")


@tasks_group.command("show")
@click.argument("task_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def tasks_show(task_id: int, as_json: bool) -> None:
    """查看任务及其表单定义。"""
    with cli_context() as ctx:
        detail = task_page.show_task(ctx, task_id)
        if as_json:
            print_json(detail)
            return
        s = detail.summary
        click.echo(f"任务 {s.id}：{s.title}（案件 {s.case_number}，{s.state}，{s.role}@{s.org_unit}）")
        click.echo(f"表单：{detail.form_key}")
        click.echo(json.dumps(detail.form, ensure_ascii=False, indent=2))


@tasks_group.command("claim")
@click.argument("task_id", type=int)
@as_option
def tasks_claim(task_id: int, username: str) -> None:
    """签收任务。"""
    with cli_context() as ctx:
        summary = tasks.claim(ctx, task_id, username)
        click.echo(f"已签收任务 {summary.id}：{summary.title}")


@tasks_group.command("complete")
@click.argument("task_id", type=int)
@as_option
@click.option("--data", "data_file", required=True, help="表单数据 JSON 文件（- 表示标准输入）")
def tasks_complete(task_id: int, username: str, data_file: str) -> None:
    """提交任务表单。"""
    data = read_data(data_file)
    with cli_context() as ctx:
        result = tasks.complete(ctx, task_id, username, data)
        click.echo(
            f"已办结任务 {result.task.id}：{result.task.title}；案件 {result.case_number} 当前阶段：{result.stage}"
        )
        for new in result.new_tasks:
            click.echo(f"  新任务 {new.id}\t{new.title}\t{new.role}@{new.org_unit}")
