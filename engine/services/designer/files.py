"""The files of a region's draft: upload (with cheap checks), list, read, discard.

A draft is a file in the database (engine.persistence.DraftFile) that will replace the file of the same
name in the region's directory when deployed (designer.deploy). Until then nothing in processes/
changes, so `dibao processes deploy` and running cases never see an unfinished edit. Every change is an
audit event (designer.draft_saved, designer.draft_discarded).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.domain.parameters import parse_parameters
from engine.errors import InvalidData, NotFound
from engine.lookups import get_user
from engine.persistence import DraftFile
from engine.policy import DESIGNER, designer_region
from engine.records import audit
from engine.services.designer.sources import disk_file, disk_sources, draft_name, file_kind
from engine.workflow.bundle import DEFAULT_REGION, RegionSources
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

MAX_DRAFT_BYTES = 1024 * 1024  # one file; the largest reference BPMN is well under 100 KB


@dataclass(frozen=True)
class DraftFileView:
    region: str
    filename: str
    kind: str  # "bpmn" | "dmn" | "form" | "parameters" | "document"
    size: int
    sha256: str
    updated_by: str
    updated_at: datetime
    replaces: str | None  # the effective file the draft replaces ("default/x.bpmn"); None for a new file


def _check_content(filename: str, kind: str, content: bytes) -> str:
    """Cheap checks at upload: size, UTF-8, and that the file parses (XML through the hardened parser:
    no DOCTYPE, no entities, no network). Semantic checks are validate_draft's."""
    if len(content) > MAX_DRAFT_BYTES:
        raise InvalidData("文件过大", {"file": [f"{filename}：超过 {MAX_DRAFT_BYTES // 1024} KB 的上限"]})
    if not content.strip():
        raise InvalidData("文件为空", {"file": [f"{filename}：没有内容"]})
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidData("文件编码有误", {"file": [f"{filename}：必须是 UTF-8 编码的文本"]}) from None
    if kind in ("bpmn", "dmn"):
        try:
            parse_xml(content)
        except UnsafeXml as exc:
            where = f"{filename} 第 {exc.line} 行" if exc.line else filename
            raise InvalidData("XML 文件无法解析", {"file": [f"{where}：{exc.message}"]}) from None
    elif kind in ("form", "form_override"):
        try:
            json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidData("表单定义无法解析", {"file": [f"{filename} 第 {exc.lineno} 行：{exc.msg}"]}) from None
        except RecursionError:  # the json module nests recursively: "[[[[…" a few thousand deep
            raise InvalidData("表单定义无法解析", {"file": [f"{filename}：嵌套过深"]}) from None
    elif kind == "parameters":
        parse_parameters(text, filename)  # InvalidData names the file and the parameter
    # A document template is checked by validation (the sandbox's checks need the region's other templates).
    return text


def _view(row: DraftFile, sources: RegionSources, ctx: Context) -> DraftFileView:
    replaced = disk_file(ctx, sources, row.region, row.filename)
    return DraftFileView(
        row.region,
        row.filename,
        file_kind(row.filename),
        row.size,
        row.sha256,
        row.updated_by.username,
        row.updated_at,
        replaced.origin if replaced is not None else None,
    )


def draft_rows(session: Session, region: str) -> list[DraftFile]:
    return list(session.scalars(select(DraftFile).where(DraftFile.region == region).order_by(DraftFile.filename)))


def draft_row(session: Session, region: str, filename: str) -> DraftFile | None:
    return session.scalars(select(DraftFile).where(DraftFile.region == region, DraftFile.filename == filename)).first()


def designer_actor(session: Session, username: str) -> tuple[int, audit.Actor]:
    """The designer's user id and the actor their audit events name."""
    user = get_user(session, username)
    return user.id, audit.Actor.of(user, DESIGNER)


def record_event(ctx: Context, username: str, action: str, details: dict[str, Any]) -> None:
    """An audit event of the designer's own, in a transaction of its own (a validation, a dry run)."""
    with ctx.db.write() as session:
        _, actor = designer_actor(session, username)
        audit.record(session, action, actor, details=details)


def save_file(ctx: Context, username: str, region: str, filename: str, content: bytes) -> DraftFileView:
    """Store (or replace) the region's draft of `filename`. Nothing on disk changes."""
    region = designer_region(ctx, username, region)
    filename = draft_name(filename)
    kind = file_kind(filename)
    if kind == "form" and region != DEFAULT_REGION:
        raise InvalidData(
            "无权修改表单定义",
            {"file": [f"{filename}：表单定义（forms/definitions/）全国共用，只能由全国流程设计人员修改"]},
        )
    if kind == "form_override" and region == DEFAULT_REGION:
        raise InvalidData(
            "全国表单没有地区覆盖",
            {"file": [f"{filename}：全国流程设计人员请直接修改表单定义（forms/definitions/）"]},
        )
    text = _check_content(filename, kind, content)
    digest = hashlib.sha256(content).hexdigest()
    sources = disk_sources(ctx, region)
    with ctx.db.write() as session:
        user_id, actor = designer_actor(session, username)
        row = draft_row(session, region, filename)
        if row is None:
            row = DraftFile(region=region, filename=filename)
            session.add(row)
        row.content, row.size, row.sha256 = text, len(content), digest
        row.updated_by_id, row.updated_at = user_id, utcnow()
        session.flush()
        session.refresh(row)
        audit.record(
            session,
            "designer.draft_saved",
            actor,
            details={"region": region, "file": filename, "sha256": digest, "size": len(content)},
        )
        return _view(row, sources, ctx)


def effective_file(ctx: Context, username: str, region: str, filename: str) -> bytes:
    """The draft's copy if there is one, else the file the region runs now (its override or the default).
    For parameters.toml without a draft: the region's own file (what it overrides), empty when it has none."""
    region = designer_region(ctx, username, region)
    kind = file_kind(filename)
    with ctx.db.read() as session:
        row = draft_row(session, region, filename)
        if row is not None:
            return row.content.encode()
    on_disk = disk_file(ctx, disk_sources(ctx, region), region, filename)
    if on_disk is not None:
        return on_disk.content
    if kind == "parameters":
        return b""
    raise NotFound(f"地区 {region} 没有文件 {filename}")


def draft_files(ctx: Context, username: str, region: str) -> list[DraftFileView]:
    region = designer_region(ctx, username, region)
    sources = disk_sources(ctx, region)
    with ctx.db.read() as session:
        return [_view(row, sources, ctx) for row in draft_rows(session, region)]


def draft_texts(ctx: Context, username: str, region: str) -> dict[str, str]:
    """The region's drafts by file name (for the diff, the modeler, validation and deploy)."""
    region = designer_region(ctx, username, region)
    with ctx.db.read() as session:
        return {row.filename: row.content for row in draft_rows(session, region)}


def has_draft(ctx: Context, region: str, filename: str) -> bool:
    with ctx.db.read() as session:
        return draft_row(session, region, filename) is not None


def delete_file(ctx: Context, username: str, region: str, filename: str) -> None:
    """Drop one draft file (the region keeps running what is deployed)."""
    region = designer_region(ctx, username, region)
    with ctx.db.write() as session:
        row = draft_row(session, region, filename)
        if row is None:
            raise NotFound(f"地区 {region} 没有草稿文件 {filename}")
        _, actor = designer_actor(session, username)
        session.delete(row)
        audit.record(session, "designer.draft_discarded", actor, details={"region": region, "files": [filename]})


def discard_draft(ctx: Context, username: str, region: str) -> list[str]:
    """Drop every draft file of the region; returns their names."""
    region = designer_region(ctx, username, region)
    with ctx.db.write() as session:
        rows = draft_rows(session, region)
        names = [row.filename for row in rows]
        if not rows:
            return []
        _, actor = designer_actor(session, username)
        for row in rows:
            session.delete(row)
        audit.record(session, "designer.draft_discarded", actor, details={"region": region, "files": names})
    return names
