"""The deployed versions of every process and region (`dibao processes list`, GET /api/v1/processes)."""

from __future__ import annotations

from sqlalchemy import select

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
