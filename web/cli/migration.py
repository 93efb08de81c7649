"""`dibao processes migrate PROCESS --region R --to VERSION [--dry-run] [--cases N1,N2] [--map OLD=NEW …]`:
move running cases to a newer version of their process (docs/process-migration.md). Registered on the
processes group by web.cli.processes."""

from __future__ import annotations

import dataclasses

import click

from engine.services import migration
from web.cli.support import cli_context, fail, print_json


def _mapping(pairs: tuple[str, ...]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            fail(f"映射“{pair}”的格式应为 原步骤标识=新步骤标识，未做任何更改")
        mapping[old.strip()] = new.strip()
    return mapping


def _steps(steps: tuple[migration.Step, ...]) -> str:
    return "、".join(s.title for s in steps) or "—"


def _print(table: migration.MigrationTable) -> None:
    what = "迁移结果" if table.executed else "迁移预览（未做任何更改）"
    click.echo(f"{table.title}（{table.process_id}，地区 {table.region}）→ 第 {table.to_version} 版：{what}")
    if table.mapping:
        click.echo("步骤映射：" + "；".join(f"{old} → {new}" for old, new in table.mapping.items()))
    for old, new in table.changes.realigned:
        click.echo(f"对应步骤：{old.title}（{old.bpmn_id}）→ {new.title}（{new.bpmn_id}）")
    for step in table.changes.removed:
        click.echo(f"新版本删除的步骤：{step.title}（{step.bpmn_id}）")
    for step in table.changes.added:
        click.echo(f"新版本新增的步骤：{step.title}（{step.bpmn_id}）")
    click.echo("案件号\t原版本\t当前所处\t迁移后所处\t保留待办\t新建待办\t撤销待办\t结果")
    for row in table.rows:
        if row.migrated:
            outcome = "已迁移"
        elif row.ok:
            outcome = "可迁移"
        else:
            outcome = f"不能迁移：{row.reason}"
        click.echo(
            f"{row.number}\t第 {row.from_version} 版\t{_steps(row.before)}\t{_steps(row.after)}\t"
            f"{_steps(row.kept)}\t{_steps(row.created)}\t{_steps(row.cancelled)}\t{outcome}"
        )
    moved = table.migrated if table.executed else table.movable
    done = "已迁移" if table.executed else "可迁移"
    click.echo(f"共 {len(table.rows)} 件：{done} {moved} 件，不能迁移 {len(table.rows) - moved} 件")


@click.command("migrate")
@click.argument("process_id")
@click.option("--region", required=True, help="地区")
@click.option("--to", "to_version", required=True, type=int, help="目标版本号")
@click.option("--dry-run", is_flag=True, help="只预览，不做任何更改")
@click.option("--cases", default=None, help="只迁移这些案件（案件号，逗号分隔）")
@click.option("--map", "pairs", multiple=True, help="步骤映射 原步骤标识=新步骤标识（可重复）")
@click.option("--as", "username", default=None, help="以该用户身份操作（默认：系统）")
@click.option("--json", "as_json", is_flag=True)
def migrate(
    process_id: str,
    region: str,
    to_version: int,
    dry_run: bool,
    cases: str | None,
    pairs: tuple[str, ...],
    username: str | None,
    as_json: bool,
) -> None:
    """把运行中的案件迁移到流程 PROCESS_ID 的新版本；有案件不能迁移时退出码为 1。"""
    numbers = [n.strip() for n in cases.split(",") if n.strip()] if cases else None
    mapping = _mapping(pairs)
    with cli_context() as ctx:
        run = migration.dry_run if dry_run else migration.execute
        table = run(ctx, username, process_id, region, to_version, mapping, numbers)
    if as_json:
        print_json({**dataclasses.asdict(table), "movable": table.movable, "migrated": table.migrated})
    else:
        _print(table)
    if any(not row.ok for row in table.rows):
        raise SystemExit(1)
