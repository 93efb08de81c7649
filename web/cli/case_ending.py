"""`dibao cases terminate|suspend|resume|cancel` (docs/ending-and-pausing-cases.md), on the `cases` group."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from engine.domain.vocabulary import CASE_STATUS_LABELS, TERMINATION_GROUNDS
from engine.results import CaseView
from engine.services import case_ending
from web.cli.cases import cases_group
from web.cli.support import as_option, cli_context

# The ground by its code (applicant_withdrew) or its words (申请人撤回申请).
_GROUNDS = {**{code: code for code in TERMINATION_GROUNDS}, **{t: code for code, t in TERMINATION_GROUNDS.items()}}


def _echo(view: CaseView) -> None:
    """案件 X：已终止（申请人撤回申请） / 案件 X：已暂停 · 受理登记 / 案件 X：办理中 · 受理登记."""
    status, stage = CASE_STATUS_LABELS.get(view.status, view.status), view.stage or ""
    click.echo(
        f"案件 {view.number}：{stage if stage.startswith(status) else ' · '.join(filter(None, (status, stage)))}"
    )


@cases_group.command("terminate")
@click.argument("number")
@as_option
@click.option("--ground", required=True, type=click.Choice(sorted(_GROUNDS)), help="终止事由（代码或中文）")
@click.option("--reason", required=True, help="终止理由")
def cases_terminate(number: str, username: str, ground: str, reason: str) -> None:
    """终止案件（受理后、审批决定前）：取消待办、停止定时器、撤回公示、记录终止通知。"""
    with cli_context() as ctx:
        _echo(case_ending.terminate(ctx, number, username, _GROUNDS[ground], reason))


def _admin_command(name: str, doc: str, command: Callable[..., CaseView]) -> None:
    def run(number: str, username: str, reason: str) -> None:
        with cli_context() as ctx:
            _echo(command(ctx, number, username, reason))

    run.__doc__ = doc
    decorated: Any = click.option("--reason", required=True, help="理由")(run)
    cases_group.command(name)(click.argument("number")(as_option(decorated)))


_admin_command("suspend", "暂停案件（系统管理员）：定时器不触发，任务不能办理。", case_ending.suspend)
_admin_command("resume", "恢复已暂停的案件（系统管理员）。", case_ending.resume)
_admin_command("cancel", "撤销案件（系统管理员）：效果同终止，事由“其他（管理员撤销）”。", case_ending.cancel)
