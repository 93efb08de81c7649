"""The `dibao` command line (docs/contracts.md): a delivery layer beside the web app, one module per command group.

server (init, serve, worker, tick), processes, assess (assess, assess-temporary), cases, tasks, notices,
audit and documents; support holds what they share. Every command calls engine.services and engine.queries,
nothing below.
"""

from __future__ import annotations

import logging
import os

import click

from engine.settings import Settings
from web.cli import (
    task_delegation,  # noqa: F401  (registers delegate / hand-back / recall on the tasks group)
    task_urging,  # noqa: F401  (registers 催办, `tasks urge`, on the tasks group)
)
from web.cli.assess import assess_command, assess_temporary_command
from web.cli.audit import audit_group
from web.cli.case_ending import cases_terminate  # noqa: F401 - registers terminate/suspend/resume/cancel on cases
from web.cli.cases import cases_group
from web.cli.document_corrections import correct as correct_document
from web.cli.document_printing import print_confirmations, print_notices
from web.cli.documents import documents_group
from web.cli.notices import notices_group
from web.cli.notifications import notifications_group
from web.cli.processes import processes
from web.cli.rewinding import register as register_rewinding
from web.cli.server import init, serve, tick, worker
from web.cli.simulate import simulate_command
from web.cli.tasks import tasks_group
from web.ops.logs import configure as configure_logging


@click.group()
def main() -> None:
    """低保审批系统命令行。数据库由 DIBAO_DATABASE_URL 指定（默认 instance/ 下的 SQLite 文件）。"""
    # Like basicConfig before it: logging a host already set up (a test runner invoking the command in its
    # own process) is left alone.
    if not logging.getLogger().handlers:
        configure_logging(_log_settings(), debug=bool(os.environ.get("DIBAO_DEBUG")))


def _log_settings() -> Settings:
    # A setting with a typo is reported by the command itself (cli_context), in Chinese; logging
    # must not fail before that, so it falls back to the defaults.
    try:
        return Settings.from_env()
    except ValueError:
        return Settings()


for _command in (
    init,
    serve,
    worker,
    tick,
    processes,
    assess_command,
    assess_temporary_command,
    cases_group,
    notices_group,
    tasks_group,
    audit_group,
    documents_group,  # 文书 (docs/documents-verify-and-download.md)
):
    main.add_command(_command)
register_rewinding(tasks_group, cases_group)  # 撤回, 退回, move (docs/withdraw-and-return.md)
# 更正 and batch printing (docs/documents-corrections-and-printing.md) join the 文书 group.
for _command in (correct_document, print_notices, print_confirmations):
    documents_group.add_command(_command)
# 通知发送: the outbox and its dead letters (docs/notifications-delivery.md)
main.add_command(notifications_group)
# 年度调标 (docs/annual-adjustment.md)
from web.cli.recalculation import recalculate_group  # noqa: E402

main.add_command(recalculate_group)
# 政策模拟测算 (docs/policy-simulation.md)
main.add_command(simulate_command)
# 发放名册 (docs/payments.md)
from web.cli.payroll import payroll_group  # noqa: E402

main.add_command(payroll_group)
# 备份与恢复 (docs/backup.md)
from web.cli.backup import backup_command, restore_command  # noqa: E402

main.add_command(backup_command)
main.add_command(restore_command)
# 特困人员认定评估 (docs/tekun-assessment.md) and the county's random sample (docs/tekun-sampling.md)
from web.cli.tekun import assess_tekun_command, tekun_group  # noqa: E402

main.add_command(assess_tekun_command)
main.add_command(tekun_group)
# 一门受理 (docs/intake.md)
from web.cli.intake import intake_group  # noqa: E402

main.add_command(intake_group)
# 转介 (docs/referrals.md)
from web.cli.referrals import referrals_group  # noqa: E402

main.add_command(referrals_group)
# 监测预警 (docs/alerts.md)
from web.cli.alerts import alerts_group  # noqa: E402

main.add_command(alerts_group)
# 信息核对交换文件 (docs/verification-exchange.md)
from web.cli.verification import verification_group  # noqa: E402

main.add_command(verification_group)
