"""Retrying a workflow instance that failed: the administrator takes a case of their scope out of `error`.

It runs through records.advancing, the same transaction skeleton as every other workflow step, so a
retry that fails again is stored and reported exactly like the first failure.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidData
from engine.lookups import get_case
from engine.persistence import ProcessInstance
from engine.policy import admin_scope
from engine.records import audit
from engine.records.advancing import advancing
from engine.services.admin.common import actor


@dataclass(frozen=True)
class Retry:
    case_number: str
    status: str  # the instance's status afterwards: running, waiting or completed
    stage: str | None


def retry_instance(ctx: Context, username: str, number: str) -> Retry:
    """Take a case's instance out of `error`: restore its last good state (what the failed transaction
    left stored), run the engine steps again (due timers fire) and persist, in one audited transaction.
    A step that fails again leaves the instance in `error` with the new message (writeback.mark_error)
    and raises WorkflowFailed; a failure at a task completion is retried by completing the task again."""
    with advancing(ctx) as step:
        scope = admin_scope(step.session, username)
        case = get_case(step.session, number)
        scope.check_covers(case.village_id, f"处理案件 {number}")
        instance = step.session.scalars(
            select(ProcessInstance)
            .where(ProcessInstance.case_id == case.id, ProcessInstance.status == "error")
            .order_by(ProcessInstance.id.desc())
        ).first()
        if instance is None:
            raise InvalidData("无需重试", {"instance": [f"案件 {number} 的流程没有处于出错状态"]})
        previous = {"message": instance.error_message, "element": instance.error_element}
        run = step.begin(instance, actor(scope), retry=True)
        run.advance()
        details = {"previous_error": previous}
        audit.record(
            step.session,
            "admin.instance_retried",
            actor(scope),
            case_id=case.id,
            instance_id=instance.id,
            details=details,
        )
        step.finish(case, run)
        return Retry(case.number, instance.status, case.stage)
