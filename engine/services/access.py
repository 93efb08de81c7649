"""Role- and scope-checked entry points for use cases whose own services take no user: validating and
deploying processes (the CLI runs them as the system), verifying the audit chain, a case's history.

The JSON API calls these with the token's user; a page offering the same action can call them too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import policy
from engine.context import Context
from engine.errors import Problem
from engine.lookups import get_case, get_user
from engine.persistence import AuditEvent
from engine.policy import check_may_see_case
from engine.results import DeployedVersion, VerifyResult
from engine.services import audit_checkpoint, deployment
from engine.workflow.bundle import DEFAULT_REGION

# Audit details a case's history leaves out: the keyed hash of an objector's address would let staff tell
# which objections to which cases came from the same sender; the rate limit needs it, readers do not.
_PRIVATE_DETAILS = frozenset({"client"})


@dataclass(frozen=True)
class ValidBundle:
    process_id: str
    title: str
    bundle_hash: str


@dataclass(frozen=True)
class ValidationReport:
    region: str
    processes: list[ValidBundle]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class Deployment:
    region: str
    items: list[DeployedVersion]


@dataclass(frozen=True)
class HistoryEvent:
    seq: int
    occurred_at: datetime
    action: str
    actor: str | None
    actor_role: str | None
    actor_org: str | None
    task_id: int | None
    details: dict[str, Any]


def validate_region(ctx: Context, username: str, region: str | None = None) -> ValidationReport:
    """Validate the designer's region as its files in processes/ are now. Nothing is stored."""
    own = policy.designer_region(ctx, username, region)
    (result,) = deployment.validate(ctx, [_region_dir(ctx, own)])
    bundles = [ValidBundle(b.process_id, b.title, b.hash) for b in result.bundles]
    return ValidationReport(own, bundles, list(result.problems))


def deploy_region(ctx: Context, username: str, region: str | None = None) -> Deployment:
    """Deploy the designer's region: BundleInvalid (nothing stored) when any bundle fails."""
    own = policy.designer_region(ctx, username, region)
    return Deployment(own, deployment.deploy(ctx, own, username))


def _region_dir(ctx: Context, region: str) -> Path:
    # `region` is the designer's own (read from the database), never a path the caller typed.
    base = ctx.settings.processes_dir
    return base / DEFAULT_REGION if region == DEFAULT_REGION else base / "regions" / region


def verify_audit(ctx: Context, username: str) -> VerifyResult:
    """The whole chain, and against the latest checkpoint signed by the configured auditor key, if any."""
    with ctx.db.read() as session:
        policy.user_with_role(session, username, policy.AUDIT_ROLES, "校验审计链")
    return audit_checkpoint.verify_chain(ctx)


def latest_checkpoint(ctx: Context, username: str) -> audit_checkpoint.CheckpointStatus | None:
    with ctx.db.read() as session:
        policy.user_with_role(session, username, policy.AUDIT_ROLES, "查看审计检查点")
    return audit_checkpoint.latest_status(ctx)


def case_history(ctx: Context, number: str, username: str) -> list[HistoryEvent]:
    """The audit events of a case, oldest first, for whoever may see the case (case_view.show_case's rule:
    staff of its village, township or county)."""
    with ctx.db.read() as session:
        case = get_case(session, number)
        check_may_see_case(get_user(session, username), case)
        rows = session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq))
        return [
            HistoryEvent(
                e.seq,
                e.occurred_at,
                e.action,
                e.actor_name,
                e.actor_role,
                e.actor_org,
                e.task_id,
                {k: v for k, v in (e.details or {}).items() if k not in _PRIVATE_DETAILS},
            )
            for e in rows
        ]
