"""The deployed versions of every process and region (`dibao processes list`, GET /api/v1/processes)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.persistence import ProcessDefinition, User
from engine.results import DeployedVersion


def version_of(definition: ProcessDefinition, deployed_by: str | None, new: bool) -> DeployedVersion:
    return DeployedVersion(
        definition.process_id,
        definition.region,
        definition.version,
        definition.title,
        definition.bundle_hash,
        definition.deployed_at,
        deployed_by,
        new,
    )


def list_definitions(ctx: Context) -> list[DeployedVersion]:
    with ctx.db.read() as session:
        rows = session.execute(
            select(ProcessDefinition, User.username)
            .outerjoin(User, User.id == ProcessDefinition.deployed_by_id)
            .order_by(ProcessDefinition.region, ProcessDefinition.process_id, ProcessDefinition.version)
        ).all()
        return [
            DeployedVersion(d.process_id, d.region, d.version, d.title, d.bundle_hash, d.deployed_at, who)
            for d, who in rows
        ]


def process_titles(ctx: Context, session: Session | None = None) -> dict[str, str]:
    """Process id → a title for it: its latest version's in the last region by name (regions keep the
    national titles). Cached in the Context and read again only when a new version has been deployed
    since (one indexed max(id) per call instead of every definition on every page)."""
    if session is None:
        with ctx.db.read() as own:
            return process_titles(ctx, own)
    newest = session.scalar(select(func.max(ProcessDefinition.id))) or 0
    cached = ctx.cached("process_titles")
    if cached is not None and cached[0] == newest:
        return dict(cached[1])
    rows = session.execute(
        select(ProcessDefinition.process_id, ProcessDefinition.title).order_by(
            ProcessDefinition.region, ProcessDefinition.process_id, ProcessDefinition.version
        )
    ).all()
    titles = {str(process_id): str(title) for process_id, title in rows}
    ctx.cache("process_titles", (newest, titles))
    return dict(titles)
