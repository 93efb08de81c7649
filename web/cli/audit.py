"""`dibao audit …`: verify the chain (docs/contracts.md), a case's dossier, and the auditor's signed checkpoints
(docs/audit-integrity.md): keygen, checkpoint, verify --checkpoint."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.queries import dossier
from engine.results import VerifyResult
from engine.services import audit_checkpoint
from web.cli.support import as_option, cli_context, fail, print_json

_FILE = click.Path(dir_okay=False, path_type=Path)


@click.group("audit")
def audit_group() -> None:
    """审计：校验哈希链，签署与核对检查点，查看案件的审计档案。"""


@audit_group.command("verify")
@click.option("--checkpoint", "checkpoint_file", type=_FILE, default=None, help="同时核对该已签名检查点文件")
@click.option("--public-key", "public_key", type=_FILE, default=None, help="审计公钥（默认 DIBAO_AUDIT_PUBLIC_KEY）")
def audit_verify(checkpoint_file: Path | None, public_key: Path | None) -> None:
    """校验审计链；完整时退出码为 0，否则指出第一个断裂的事件。

    配置了审计公钥（DIBAO_AUDIT_PUBLIC_KEY）时，还与数据库中由该公钥签署的最近一个检查点比对。给出 --checkpoint
    时，证明该检查点所记事件及之前的记录没有被截断、改写或重算：检查点须由审计公钥签署。"""
    with cli_context() as ctx:
        if checkpoint_file is None:
            _report(audit_checkpoint.verify_chain(ctx), None)
            return
        checkpoint = audit_checkpoint.read_file(checkpoint_file)
        _report(audit_checkpoint.verify_with_checkpoint(ctx, checkpoint, public_key), checkpoint.seq)


def _report(result: VerifyResult, checkpoint_seq: int | None) -> None:
    if not result.ok:
        fail(f"审计链断裂：第 {result.first_broken} 号事件——{result.reason}（已检查 {result.events_checked} 个事件）")
    click.echo(f"审计链完整：共 {result.events_checked} 个事件")
    if checkpoint_seq is not None:
        click.echo(f"与已签名检查点吻合：第 {checkpoint_seq} 号事件的哈希未变，链尾在第 {result.head_seq} 号")


@audit_group.command("keygen")
@click.option("--private", "private_file", type=_FILE, required=True, help="审计私钥文件（仅审计人员持有）")
@click.option(
    "--public", "public_file", type=_FILE, required=True, help="审计公钥文件（配置为 DIBAO_AUDIT_PUBLIC_KEY）"
)
def audit_keygen(private_file: Path, public_file: Path) -> None:
    """生成审计人员签署检查点用的 Ed25519 密钥对；不覆盖已有文件。"""
    with cli_context():
        found = audit_checkpoint.generate_keys(private_file, public_file)
        click.echo(f"私钥：{private_file}（权限 0600，请离线保管，勿放在服务器上）")
        click.echo(f"公钥：{public_file}（设置 DIBAO_AUDIT_PUBLIC_KEY 指向它）")
        click.echo(f"公钥指纹：{found}")


@audit_group.command("checkpoint")
@click.option("--key", "private_file", type=_FILE, required=True, help="审计私钥文件（dibao audit keygen 生成）")
@click.option("--out", "out_file", type=_FILE, default=None, help="检查点写入该文件（默认输出到标准输出）")
def audit_checkpoint_command(private_file: Path, out_file: Path | None) -> None:
    """先校验整条审计链，再用审计私钥签署链尾（序号与哈希）；检查点文件由审计人员保存。"""
    with cli_context() as ctx:
        if out_file is not None and out_file.exists():
            fail(f"文件 {out_file} 已存在：不覆盖")
        checkpoint = audit_checkpoint.sign(ctx, private_file)
        if out_file is None:
            click.echo(checkpoint.file_text(), nl=False)
            return
        with out_file.open("x", encoding="utf-8") as handle:
            handle.write(checkpoint.file_text())
        click.echo(f"已签署检查点：第 {checkpoint.seq} 号事件，哈希 {checkpoint.hash}，写入 {out_file}", err=True)


@audit_group.command("dossier")
@click.argument("number")
@as_option
@click.option("--json", "as_json", is_flag=True, help="输出审计档案 JSON")
def audit_dossier(number: str, username: str, as_json: bool) -> None:
    """案件的审计档案（审计或系统管理角色；记入审计日志）；本案记录被篡改时退出码非 0。"""
    with cli_context() as ctx:
        found = dossier.dossier(ctx, username, number, export="json" if as_json else None)
        if as_json:
            print_json(dossier.as_json(found))
        else:
            facts = found.facts
            click.echo(f"案件 {facts.number}（{facts.process_title}），{facts.village_name}")
            for p in found.processes:
                click.echo(f"流程 {p.process_id} v{p.version}（{p.region}），流程包 {p.bundle_hash}")
            for e in found.events:
                click.echo(f"{e.seq}\t{e.time}\t{e.actor_name}（{e.role_label}，{e.org_name}）\t{e.description}")
                for c in e.changes:
                    click.echo(f"\t\t{c.label}：{c.before_text} → {c.after_text}")
            click.echo(found.verification_text)
        if not found.verification.ok:
            sys.exit(1)
