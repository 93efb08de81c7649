"""The `dibao` command line (design.md §5). Every command calls engine.services and nothing below it."""

from __future__ import annotations

import json
import logging
import os
import sys
import threading
from datetime import date
from pathlib import Path
from typing import Any

import click

from engine.context import Context
from engine.domain import vocabulary
from engine.queries import case_view, deployed
from engine.queries import notices as notice_board
from engine.queries.status import calendar_warnings
from engine.results import CaseView
from engine.services import assessment, cases, deployment, notices, reviews, setup, tasks, temporary, timers
from web.cli_audit import audit_group
from web.cli_support import as_option as _as_option
from web.cli_support import cli_context as _context
from web.cli_support import fail as _fail
from web.cli_support import print_json as _print_json


def _read_data(path: str) -> dict[str, Any]:
    try:
        text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"无法读取数据文件 {path}：{exc}")
    except json.JSONDecodeError as exc:
        _fail(f"数据文件 {path} 不是合法的 JSON：第 {exc.lineno} 行 {exc.msg}")
    if not isinstance(data, dict):
        _fail(f"数据文件 {path} 必须是 JSON 对象")
    return data


@click.group()
def main() -> None:
    """低保审批系统命令行。数据库由 DIBAO_DATABASE_URL 指定（默认 instance/ 下的 SQLite 文件）。"""
    logging.basicConfig(
        level=logging.DEBUG if os.environ.get("DIBAO_DEBUG") else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


@main.command()
@click.option("--demo", is_flag=True, help="同时创建示范机构与示范用户")
def init(demo: bool) -> None:
    """创建/升级数据库结构并部署 processes/。"""
    with _context() as ctx:
        result = setup.init(ctx, demo=demo)
        new = [d for d in result.deployed if d.new]
        click.echo(f"数据库已就绪；新部署 {len(new)} 个流程版本，共 {len(result.deployed)} 个流程")
        if result.key.created:
            click.echo(f"已生成审计链密钥：{result.key.key_file}（权限 0600；请另行备份，不要与数据库放在一起）")
        if result.key.resealed:
            click.echo(
                f"已用密钥重新封存原有审计链：第 1–{result.key.resealed} 号事件"
                f"（原链尾哈希 {result.key.old_head_hash}）"
            )
        if demo:
            click.echo(f"示范数据：新建 {result.demo_users_created} 个用户（密码 {setup.DEMO_PASSWORD}）")
        for warning in calendar_warnings(ctx, [date.today().year, date.today().year + 1]):
            click.echo(f"警告：{warning}", err=True)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """启动网页服务，并在进程内运行定时器。"""
    from web import create_app

    ctx = Context.from_settings()
    stop = threading.Event()
    worker = threading.Thread(target=timers.run_worker, args=(ctx, stop), name="dibao-timers", daemon=True)
    worker.start()
    click.echo(f"低保审批系统：http://{host}:{port}/")
    try:
        create_app(ctx).run(host=host, port=port, threaded=True)
    finally:
        stop.set()
        worker.join(timeout=10)


@main.command()
@click.option("--interval", default=5.0, show_default=True, help="无到期定时器时的轮询间隔（秒）")
def worker(interval: float) -> None:
    """持续处理到期定时器（PostgreSQL 上可同时运行多个）。"""
    ctx = Context.from_settings()
    stop = threading.Event()
    click.echo("定时器进程已启动，Ctrl-C 退出")
    try:
        timers.run_worker(ctx, stop, interval)
    except KeyboardInterrupt:
        stop.set()
    finally:
        ctx.close()


@main.command()
def tick() -> None:
    """处理当前所有到期定时器一次，输出处理数量。"""
    with _context() as ctx:
        click.echo(timers.tick(ctx))


@main.group()
def processes() -> None:
    """流程定义：校验、部署、列表。"""


@processes.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def processes_validate(paths: tuple[Path, ...]) -> None:
    """校验流程文件；无问题时退出码为 0。"""
    with _context() as ctx:
        results = deployment.validate(ctx, list(paths))
        problems = [p for r in results for p in r.problems]
        for problem in problems:
            click.echo(str(problem))
        if problems:
            _fail(f"校验未通过：{len(problems)} 个问题")
        click.echo(f"校验通过：{sum(len(r.bundles) for r in results)} 个流程")


@processes.command("deploy")
@click.option("--region", default=None, help="只部署该地区（默认：全部）")
def processes_deploy(region: str | None) -> None:
    """部署有变化的流程包为新版本。"""
    with _context() as ctx:
        for version in deployment.deploy(ctx, region):
            mark = "新版本" if version.new else "未变化"
            click.echo(
                f"{version.region}\t{version.process_id}\tv{version.version}\t{mark}\t{version.bundle_hash[:12]}"
            )


@processes.command("list")
@click.option("--json", "as_json", is_flag=True)
def processes_list(as_json: bool) -> None:
    """列出已部署的流程版本。"""
    with _context() as ctx:
        versions = deployed.list_definitions(ctx)
        if as_json:
            _print_json(versions)
            return
        for v in versions:
            click.echo(
                f"{v.region}\t{v.process_id}\tv{v.version}\t{v.title}\t{v.bundle_hash[:12]}\t"
                f"{v.deployed_at:%Y-%m-%d %H:%M}\t{v.deployed_by or '系统'}"
            )


_CATEGORY_LABELS = {"dibao": "符合低保条件", "marginal": "低保边缘家庭（不符合低保条件）", "none": "不符合低保条件"}


@main.command("assess")
@click.option("--region", required=True, help="按该地区现行参数文件评估（default 为全国默认）")
@click.option("--json", "as_json", is_flag=True, help="输出评估结果 JSON")
@click.argument("data_file", metavar="FILE")
def assess_command(region: str, as_json: bool, data_file: str) -> None:
    """评估家庭经济状况（FILE 为 {"as_of", "household"} JSON，- 表示标准输入），不创建案件。"""
    data = _read_data(data_file)
    with _context() as ctx:
        result = assessment.assess_household(ctx, region, data)
        if as_json:
            _print_json(result)
            return
        click.echo(f"地区 {result['region']}，评估日期 {result['as_of']}：{_CATEGORY_LABELS[result['category']]}")
        click.echo(f"低保标准 {result['standard']} 元/人·月；人均收入 {result['per_capita_income']} 元")
        click.echo(f"补差金额 {result['benefit_amount']} 元/月")
        singles = result["single_person_members"]
        if singles:
            for single in singles:
                click.echo(f"单人户：{single['name']}（{single['reason']}）{single['benefit_amount']} 元/月")
        else:
            click.echo("单人户：无")
        click.echo("依据：")
        for line in result["explanation"]:
            click.echo(f"  - {line}")


_LEVEL_LABELS = {
    "township": "乡镇人民政府（街道办事处）审批",
    "county": "县级民政部门审批",
    "committee": "县级困难群众基本生活保障工作协调机制一事一议",
}
_KIND_LABELS = {"emergency": "急难型", "expenditure": "支出型"}


@main.command("assess-temporary")
@click.option("--region", required=True, help="按该地区现行参数文件和审批层级决策表测算（default 为全国默认）")
@click.option("--json", "as_json", is_flag=True, help="输出测算结果 JSON")
@click.argument("data_file", metavar="FILE")
def assess_temporary_command(region: str, as_json: bool, data_file: str) -> None:
    """测算临时救助金额与审批层级（FILE 为 {"as_of", "kind", "cause", "persons", "months", "household_type",
    "existing_recipient"} JSON，- 表示标准输入），不创建案件。"""
    data = _read_data(data_file)
    with _context() as ctx:
        result = temporary.assess_temporary(ctx, region, data)
        if as_json:
            _print_json(result)
            return
        click.echo(f"地区 {result['region']}，测算日期 {result['as_of']}：{_KIND_LABELS[result['kind']]}临时救助")
        click.echo(
            f"救助金额 {result['amount']} 元（计 {result['months_counted']} 个月）；"
            f"乡镇审批限额 {result['township_limit']} 元"
        )
        click.echo(f"审批层级：{_LEVEL_LABELS[result['approval_level']]}")
        if result["kind"] == "emergency":
            click.echo(f"先行救助：乡镇先行发放 {result['advance_payment']} 元，其余 {result['remainder']} 元报审批")
        click.echo("依据：")
        for line in result["explanation"]:
            click.echo(f"  - {line}")


@main.group("cases")
def cases_group() -> None:
    """案件：登记、查看。"""


@cases_group.command("start")
@click.argument("process")
@_as_option
@click.option("--data", "data_file", default=None, help="启动数据 JSON 文件（- 表示标准输入）")
@click.option("--due", is_flag=True, help="批量启动：为到期的保障家庭各启动一件动态复核（仅 periodic_review）")
@click.option("--on", "on_day", default=None, help="与 --due 同用：按该日期（YYYY-MM-DD）判断是否到期，默认今天")
def cases_start(process: str, username: str, data_file: str | None, due: bool, on_day: str | None) -> None:
    """以 USER 身份启动流程，输出新案件编号（--due 时每行一个）。"""
    if due:
        if process != reviews.PROCESS_ID or data_file is not None:
            _fail(f"--due 只用于 {reviews.PROCESS_ID}，且不能与 --data 同用")
        try:
            day = date.fromisoformat(on_day) if on_day else None
        except ValueError:
            _fail(f"--on：{on_day} 不是 YYYY-MM-DD 格式的日期")
        with _context() as ctx:
            batch = reviews.start_due_reviews(ctx, username, day)
            for number in batch.started:
                click.echo(number)
            click.echo(f"已启动 {len(batch.started)} 件动态复核（到期 {batch.due} 户）", err=True)
        return
    if data_file is None:
        _fail("需要 --data（或对 periodic_review 使用 --due）")
    data = _read_data(data_file)
    with _context() as ctx:
        click.echo(cases.start_case(ctx, process, username, data).number)


@cases_group.command("show")
@click.argument("number")
@click.option("--json", "as_json", is_flag=True)
def cases_show(number: str, as_json: bool) -> None:
    """查看案件。"""
    with _context() as ctx:
        view = case_view.show_case(ctx, number)
        if as_json:
            _print_json(view)
            return
        click.echo(f"案件 {view.number}（{view.kind}，地区 {view.region}，村 {view.village}）")
        click.echo(f"状态：{view.status}；阶段：{view.stage or '-'}；流程版本 v{view.process_version}")
        if view.error_message:
            click.echo(f"流程错误：{view.error_message}")
        if view.next_timer_at:
            click.echo(f"下一定时器：{view.next_timer_at:%Y-%m-%d %H:%M} (UTC)")
        _echo_decision(view)
        for t in view.tasks:
            click.echo(
                f"  任务 {t.id}\t{t.title}\t{t.state}\t{t.role}@{t.org_unit}\t"
                f"{t.completed_by or t.assignee or ''}\t{t.decision or ''}"
            )


def _echo_decision(view: CaseView) -> None:
    clock = view.legal_clock
    if clock is not None:
        flag = "，已超期" if clock.overdue else ""
        extension = f"（已延长：{clock.extension_reason}）" if clock.extension_reason else ""
        click.echo(
            f"法定时限：自 {clock.started_on} 受理起 {clock.limit_days} 个工作日，"
            f"已用 {clock.working_days_used} 个{flag}{extension}"
        )
    if view.assessment and "approval_level" in view.assessment:
        _echo_temporary(view.assessment)
    elif view.assessment:
        a = view.assessment
        click.echo(
            f"评估：人均收入 {a.get('per_capita_income')} 元，类别 {a.get('category')}，"
            f"补差 {a.get('benefit_amount')} 元"
        )
    for n in view.notices:
        click.echo(
            f"公示 {n.id}：{n.masked_name}，{n.persons} 人，{n.proposed_amount} 元，"
            f"至 {n.ends_at:%Y-%m-%d %H:%M} (UTC)，{n.status}"
        )
    if view.outcome:
        click.echo(f"结论：{view.outcome}；金额：{view.decided_amount or '-'} 元")
    if view.enrollment:
        e = view.enrollment
        click.echo(f"保障：{e.status}，{e.persons} 人，每月 {e.monthly_amount} 元，自 {e.starts_on} 起")


def _echo_temporary(a: dict[str, Any]) -> None:
    """A 临时救助 case's calculation and, once decided, its settlement (advance and remainder)."""
    click.echo(
        f"临时救助测算：救助金额 {a.get('amount')} 元，{_LEVEL_LABELS.get(str(a.get('approval_level')), '-')}，"
        f"先行救助 {a.get('advance_payment')} 元，其余 {a.get('remainder')} 元"
    )
    settlement = a.get("settlement")
    if isinstance(settlement, dict):
        click.echo(
            f"结算：救助总额 {settlement.get('total_granted')} 元（已先行发放 {settlement.get('advance_paid')} 元，"
            f"批准发放其余 {settlement.get('remainder_granted')} 元）"
        )


@cases_group.command("extend")
@click.argument("number")
@_as_option
@click.option("--ground", required=True, type=click.Choice(sorted(vocabulary.EXTENSION_GROUNDS)), help="延长事由")
@click.option("--reason", required=True, help="延长说明")
def cases_extend(number: str, username: str, ground: str, reason: str) -> None:
    """延长案件的法定办理时限（一次，至地区上限）。"""
    with _context() as ctx:
        view = cases.extend_legal_clock(ctx, number, username, ground, reason)
        assert view.legal_clock is not None  # noqa: S101 - an extension needs a started clock
        click.echo(f"案件 {view.number} 的办理时限已延长至 {view.legal_clock.limit_days} 个工作日")


@main.group("notices")
def notices_group() -> None:
    """公示：查看与提出异议（与公示栏页面相同）。"""


@notices_group.command("list")
@click.option("--village", required=True, help="村/社区代码")
@click.option("--json", "as_json", is_flag=True)
def notices_list(village: str, as_json: bool) -> None:
    """列出该村/社区正在公示的事项（仅公开字段）。"""
    with _context() as ctx:
        rows = notice_board.open_notices(ctx, village)
        if as_json:
            _print_json(rows)
            return
        for n in rows:
            click.echo(
                f"{n.id}\t{n.masked_name}\t{n.persons} 人\t{n.proposed_amount} 元\t至 {n.ends_at:%Y-%m-%d %H:%M} (UTC)"
            )


@notices_group.command("object")
@click.argument("notice_id", metavar="NOTICE", type=int)
@click.option("--text", required=True, help="异议内容")
@click.option("--contact", default=None, help="联系方式（可选，不公开）")
def notices_object(notice_id: int, text: str, contact: str | None) -> None:
    """对公示提出异议；公示结束后提出的异议不予受理。"""
    with _context() as ctx:
        receipt = notices.object_to_notice(ctx, notice_id, text, contact, channel="cli")
        click.echo(f"已受理对公示 {receipt.notice_id} 的异议（编号 {receipt.objection_id}）")


@main.group("tasks")
def tasks_group() -> None:
    """任务：列表、查看、签收、办理。"""


@tasks_group.command("list")
@_as_option
@click.option("--view", type=click.Choice(tasks.VIEWS), default="open", show_default=True)
@click.option("--json", "as_json", is_flag=True)
def tasks_list(username: str, view: str, as_json: bool) -> None:
    """列出 USER 的任务。"""
    with _context() as ctx:
        items = tasks.list_tasks(ctx, username, view)
        if as_json:
            _print_json(items)
            return
        for t in items:
            due = f"{t.due_at:%Y-%m-%d}" if t.due_at else "-"
            click.echo(f"{t.id}\t{t.case_number}\t{t.title}\t{t.state}\t期限 {due}{'（超期）' if t.overdue else ''}")


@tasks_group.command("show")
@click.argument("task_id", type=int)
@click.option("--json", "as_json", is_flag=True)
def tasks_show(task_id: int, as_json: bool) -> None:
    """查看任务及其表单定义。"""
    with _context() as ctx:
        detail = tasks.show_task(ctx, task_id)
        if as_json:
            _print_json(detail)
            return
        s = detail.summary
        click.echo(f"任务 {s.id}：{s.title}（案件 {s.case_number}，{s.state}，{s.role}@{s.org_unit}）")
        click.echo(f"表单：{detail.form_key}")
        click.echo(json.dumps(detail.form, ensure_ascii=False, indent=2))


@tasks_group.command("claim")
@click.argument("task_id", type=int)
@_as_option
def tasks_claim(task_id: int, username: str) -> None:
    """签收任务。"""
    with _context() as ctx:
        summary = tasks.claim(ctx, task_id, username)
        click.echo(f"已签收任务 {summary.id}：{summary.title}")


@tasks_group.command("complete")
@click.argument("task_id", type=int)
@_as_option
@click.option("--data", "data_file", required=True, help="表单数据 JSON 文件（- 表示标准输入）")
def tasks_complete(task_id: int, username: str, data_file: str) -> None:
    """提交任务表单。"""
    data = _read_data(data_file)
    with _context() as ctx:
        result = tasks.complete(ctx, task_id, username, data)
        click.echo(
            f"已办结任务 {result.task.id}：{result.task.title}；案件 {result.case_number} 当前阶段：{result.stage}"
        )
        for new in result.new_tasks:
            click.echo(f"  新任务 {new.id}\t{new.title}\t{new.role}@{new.org_unit}")


main.add_command(audit_group)
