"""Ending and pausing a case (docs/ending-and-pausing-cases.md): 终止 by a caseworker the process allows, and
an administrator's suspend, resume and cancel. One transaction each; a refusal changes nothing.

终止 and cancel go through records.advancing like every workflow step: the stored state is restored and
SpiffWorkflow's cancel runs in the engine host (engine.workflow.cancelling); records.ending writes the rest.
Suspend and resume move no workflow: they flip the instance and the case to `suspended` and back. The
instance's version column makes a concurrent completion or timer a 409, never a lost update.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.domain.vocabulary import ADMIN_CANCEL_GROUND, TERMINATION_GROUNDS
from engine.errors import Conflict, InvalidData, NotFound
from engine.lookups import get_case, get_user
from engine.persistence import Case, HumanTask, ProcessInstance
from engine.policy import AdminScope
from engine.queries.case_ending import termination_roles
from engine.queries.case_view import case_view
from engine.records import audit
from engine.records.advancing import Advance, advancing
from engine.records.ending import Ending, end_case, issue_ending_documents
from engine.results import CaseView
from engine.services.admin.common import actor as admin_actor

MAX_REASON = 500


@dataclass(frozen=True)
class _AdminCase:
    scope: AdminScope
    case: Case
    instance: ProcessInstance
    reason: str


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidData(f"{what}信息有误", {"reason": [f"{what}理由：必填"]})
    if len(text) > MAX_REASON:
        raise InvalidData(f"{what}信息有误", {"reason": [f"{what}理由：不能超过 {MAX_REASON} 个字"]})
    return text


def _instance(session: Session, case: Case) -> ProcessInstance:
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id.desc())
    ).first()
    if instance is None:
        raise NotFound(f"案件 {case.number} 没有流程实例")
    return instance


def _check_not_finished(case: Case, instance: ProcessInstance, what: str) -> None:
    if case.status == "cancelled" or instance.status == "cancelled":
        raise Conflict(f"案件 {case.number} 已终止，不能{what}")
    if case.status == "closed" or instance.status == "completed":
        raise Conflict(f"案件 {case.number} 已办结，不能{what}")


def _admin_case(step: Advance, username: str, number: str, reason: str, what: str) -> _AdminCase:
    """What cancel, suspend and resume check first, in this order: the administrator's scope, the reason,
    the case inside that scope, and its instance."""
    scope = policy.admin_scope(step.session, username)
    text = _reason(reason, what)
    case = get_case(step.session, number)
    scope.check_covers(case.village_id, f"{what}案件 {number}")
    return _AdminCase(scope, case, _instance(step.session, case), text)


def terminate(ctx: Context, number: str, username: str, ground: str, reason: str) -> CaseView:
    """终止 a case after 受理 and before its decision, by a role of the process's `termination_roles` in scope."""
    with advancing(ctx) as step:
        user, case = get_user(step.session, username), get_case(step.session, number)
        instance = _instance(step.session, case)
        roles = termination_roles(ctx, instance)
        policy.check_may_terminate(user, case, roles)  # first: someone who may not learns nothing more
        if ground not in TERMINATION_GROUNDS:
            allowed = "、".join(TERMINATION_GROUNDS.values())
            raise InvalidData("终止信息有误", {"ground": [f"终止事由：必须是{allowed}之一"]})
        text = _reason(reason, "终止")
        if case.status == "cancelled":
            raise Conflict(f"案件 {number} 已终止，不能再次终止")
        _check_not_finished(case, instance, "终止")
        if case.decided_at is not None or case.outcome is not None:
            raise Conflict(f"案件 {number} 已作出审批决定，不能终止")
        if case.status == "suspended":
            raise Conflict(f"案件 {number} 已暂停，不能终止；请系统管理员恢复或撤销")
        acting = audit.Actor.of(user, min(user.roles & roles))
        ending = Ending(ground, text, acting, user.display_name, user.org_unit.name, instance.definition.title)
        _end(step, case, instance, ending)
        return case_view(ctx, step.session, case)


def cancel(ctx: Context, number: str, username: str, reason: str) -> CaseView:
    """An administrator ends a case of their scope that has not finished (running, waiting, suspended or in
    error): the same effects as 终止, with the ground 其他（管理员撤销）."""
    with advancing(ctx) as step:
        target = _admin_case(step, username, number, reason, "撤销")
        case, instance, who = target.case, target.instance, target.scope.admin
        _check_not_finished(case, instance, "撤销")
        actor = admin_actor(target.scope)
        ending = Ending(
            ADMIN_CANCEL_GROUND, target.reason, actor, who.display_name, who.org_unit.name, instance.definition.title
        )
        _end(step, case, instance, ending)
        return case_view(ctx, step.session, case)


def _end(step: Advance, case: Case, instance: ProcessInstance, ending: Ending) -> None:
    # retry=True: an instance in error may be ended too; this command checked the states it refuses.
    run = step.begin(instance, ending.actor, retry=True)
    run.cancel()
    end_case(step.session, case, instance, run, ending)
    issue_ending_documents(step.ctx, step.session, case, instance, run, ending)


def suspend(ctx: Context, number: str, username: str, reason: str) -> CaseView:
    """An administrator pauses a running case: its timers do not fire, its tasks cannot be worked."""
    with advancing(ctx) as step:
        target = _admin_case(step, username, number, reason, "暂停")
        scope, case, instance, text = target.scope, target.case, target.instance, target.reason
        _check_not_finished(case, instance, "暂停")
        if case.status == "suspended" or instance.status == "suspended":
            raise Conflict(f"案件 {number} 已处于暂停状态")
        if instance.status == "error":
            raise Conflict(f"案件 {number} 的流程出错，请先重试或撤销，不能暂停")
        audit.lock_head(step.session)
        previous = instance.status
        instance.status, case.status = "suspended", "suspended"
        details = {"reason": text, "previous_status": previous}
        audit.record(
            step.session,
            "case_suspended",
            admin_actor(scope),
            case_id=case.id,
            instance_id=instance.id,
            details=details,
        )
        return case_view(ctx, step.session, case)


def resume(ctx: Context, number: str, username: str, reason: str) -> CaseView:
    """Resume a suspended case; a timer that fell due meanwhile fires at the next sweep (its
    `next_timer_at` was kept)."""
    with advancing(ctx) as step:
        target = _admin_case(step, username, number, reason, "恢复")
        scope, case, instance, text = target.scope, target.case, target.instance, target.reason
        if instance.status != "suspended":
            raise Conflict(f"案件 {number} 未暂停，无需恢复")
        audit.lock_head(step.session)
        open_tasks = step.session.scalar(
            select(func.count())
            .select_from(HumanTask)
            .where(HumanTask.instance_id == instance.id, HumanTask.state.in_(("open", "claimed")))
        )
        instance.status = "running" if open_tasks else "waiting"
        case.status = "open"
        details = {"reason": text, "status": instance.status}
        audit.record(
            step.session, "case_resumed", admin_actor(scope), case_id=case.id, instance_id=instance.id, details=details
        )
        return case_view(ctx, step.session, case)
