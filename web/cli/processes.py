"""`dibao processes validate|deploy|list`: the process files of processes/ checked, deployed, listed."""

from __future__ import annotations

from pathlib import Path

import click

from engine.queries import deployed
from engine.services import designer
from web.cli.support import cli_context, fail, print_json


@click.group("processes")
def processes() -> None:
    """流程定义：校验、部署、列表。"""


@processes.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
def processes_validate(paths: tuple[Path, ...]) -> None:
    """校验流程文件；无问题时退出码为 0。"""
    with cli_context() as ctx:
        results = designer.validate(ctx, list(paths))
        problems = [p for r in results for p in r.problems]
        for problem in problems:
            click.echo(str(problem))
        if problems:
            fail(f"校验未通过：{len(problems)} 个问题")
        click.echo(f"校验通过：{sum(len(r.bundles) for r in results)} 个流程")


@processes.command("deploy")
@click.option("--region", default=None, help="只部署该地区（默认：全部）")
def processes_deploy(region: str | None) -> None:
    """部署有变化的流程包为新版本。"""
    with cli_context() as ctx:
        for version in designer.deploy(ctx, region):
            mark = "新版本" if version.new else "未变化"
            click.echo(
                f"{version.region}\t{version.process_id}\tv{version.version}\t{mark}\t{version.bundle_hash[:12]}"
            )


@processes.command("list")
@click.option("--json", "as_json", is_flag=True)
def processes_list(as_json: bool) -> None:
    """列出已部署的流程版本。"""
    with cli_context() as ctx:
        versions = deployed.list_definitions(ctx)
        if as_json:
            print_json(versions)
            return
        for v in versions:
            click.echo(
                f"{v.region}\t{v.process_id}\tv{v.version}\t{v.title}\t{v.bundle_hash[:12]}\t"
                f"{v.deployed_at:%Y-%m-%d %H:%M}\t{v.deployed_by or '系统'}"
            )


# 迁移: running cases to a newer version (docs/process-migration.md), in a module of its own.
from web.cli.migration import migrate  # noqa: E402

processes.add_command(migrate)
