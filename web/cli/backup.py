"""`dibao backup DIR` and `dibao restore DIR` (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path

import click

from engine.domain.backup_manifest import KEY_FROM_ENV, KEY_OMITTED
from engine.services import backup, restore
from web.cli.support import cli_context

_DIR = click.Path(file_okay=False, path_type=Path)


@click.command("backup")
@click.argument("directory", type=_DIR)
@click.option("--without-keys", is_flag=True, help="不把审计密钥文件放进备份（密钥另行保管，见 docs/backup.md）")
def backup_command(directory: Path, without_keys: bool) -> None:
    """备份数据库、附件与文书、审计密钥文件、流程与表单定义到新目录 DIRECTORY（运行中的服务无须停止）。"""
    with cli_context() as ctx:
        done = backup.create(ctx, directory, without_keys=without_keys)
        manifest = done.manifest
        click.echo(
            f"备份完成：{done.directory}，{len(manifest.files)} 个文件，共 {done.bytes_total} 字节；"
            f"审计链到第 {manifest.audit_head_seq} 号事件，数据库结构版本 {manifest.alembic_revision or '（未记录）'}"
        )
        if manifest.audit_key == KEY_FROM_ENV:
            click.echo("注意：审计密钥由 DIBAO_AUDIT_KEY 直接给出，不在备份中；恢复时须提供同一密钥", err=True)
        elif manifest.audit_key == KEY_OMITTED:
            click.echo("注意：按 --without-keys 未备份审计密钥；恢复时须提供原密钥文件或 DIBAO_AUDIT_KEY", err=True)


@click.command("restore")
@click.argument("directory", type=_DIR)
@click.option("--force", is_flag=True, help="恢复目标不为空时也覆盖（会先列出被替换的内容）")
def restore_command(directory: Path, force: bool) -> None:
    """先逐一核对备份清单中每个文件的大小与哈希，再恢复到 DIBAO_* 设置指定的位置，最后校验审计链。

    核对不通过、或目标不为空（未加 --force）时拒绝恢复，不做任何更改。恢复前请停止网页服务与后台任务。"""
    with cli_context() as ctx:
        done = restore.restore(ctx, directory, force=force)
        for item in done.replaced:
            click.echo(f"已替换：{item}")
        if done.key_file is not None:
            click.echo(f"审计密钥已写入 {done.key_file}（权限 0600）")
        if done.upgraded_from:
            click.echo(f"备份来自旧版本：数据库结构已从 {done.upgraded_from} 升级到最新")
        click.echo(
            f"恢复完成：备份时间 {done.manifest.created_at}；审计链完整，共 {done.events_checked} 个事件"
            f"（已记录 {restore.RESTORED} 事件）"
        )
