"""Which processes a user may start, and who may start a deployed definition (issue 14, docs/starting-cases.md).

The definition says who starts it (engine.workflow.starters: the start event's `startRoles`, else the
lane holding the start event); a definition that says nothing falls back to policy.STARTING_ROLES.
Processes other processes call are never offered (engine.queries.startable). The list is the one the
受理登记 page shows as tabs and `GET /api/v1/cases/startable` returns, and start_case checks the same
roles (policy.check_may_start_process), so what is offered is exactly what would be accepted.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.lookups import get_user, latest_definition
from engine.persistence import ProcessDefinition, User
from engine.queries.startable import called_processes
from engine.workflow.bundle import DEFAULT_REGION
from engine.workflow.catalog import BPMN_PREFIX
from engine.workflow.starters import bundle_starters

# Bundle hash → process id → its starting roles (None: the definition does not say). Deployed bundles
# never change, so each is read once per process; keyed by content, as in engine.queries.startable.
_STARTERS: dict[str, dict[str, frozenset[str] | None]] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class StartableProcess:
    process_id: str
    title: str
    roles: frozenset[str]  # the roles that may start it; the user holds at least one
    region: str  # the user's region, whose newest version (or the national one) starts


def starting_roles(session: Session, definition: ProcessDefinition) -> frozenset[str]:
    """The roles that may start cases with this definition."""
    known = _STARTERS.get(definition.bundle_hash)
    if known is None:
        files = session.scalar(select(ProcessDefinition.files).where(ProcessDefinition.id == definition.id))
        known = bundle_starters(files or {}, BPMN_PREFIX)
        with _LOCK:
            _STARTERS[definition.bundle_hash] = known
    declared = known.get(definition.process_id)
    return declared if declared is not None else policy.STARTING_ROLES


def startable_for(session: Session, user: User) -> list[StartableProcess]:
    """The processes the user's roles may start in the region of the user's own org unit."""
    region = user.org_unit.region or DEFAULT_REGION
    called = called_processes(session)
    ids = session.scalars(
        select(ProcessDefinition.process_id)
        .where(ProcessDefinition.region.in_({region, DEFAULT_REGION}))
        .distinct()
        .order_by(ProcessDefinition.process_id)
    ).all()
    result: list[StartableProcess] = []
    for process_id in ids:
        if process_id in called:
            continue
        definition = latest_definition(session, process_id, region)
        roles = starting_roles(session, definition)
        if policy.may_start_process(user, roles):
            result.append(StartableProcess(process_id, definition.title, roles, region))
    # The 低保 application first: it is what most registrations are; the rest by id, stable.
    return sorted(result, key=lambda p: (p.process_id != "dibao_application", p.process_id))


def startable_processes(ctx: Context, username: str) -> list[StartableProcess]:
    with ctx.db.read() as session:
        return startable_for(session, get_user(session, username))
