"""What the case page offers for ending and pausing a case (docs/ending-and-pausing-cases.md): the 终止 form
for a user the process's `termination_roles` allow, the administrator's suspend / resume / cancel, and how
an ended case was ended. One read transaction; the rules are engine.policy's."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from engine import policy
from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.vocabulary import ENDING_GROUND_LABELS, TERMINATION_GROUNDS
from engine.errors import PermissionDenied
from engine.lookups import get_case, get_user
from engine.persistence import ProcessInstance

TERMINATION_PARAMETER = "termination_roles"


def termination_roles(ctx: Context, instance: ProcessInstance) -> frozenset[str]:
    """The roles the instance's process lets terminate its cases today (parameter `termination_roles`)."""
    try:
        value = ctx.process(instance.definition).parameters.value(TERMINATION_PARAMETER, to_china(utcnow()).date())
    except KeyError:
        return frozenset()  # a region that removed the parameter lets nobody terminate
    return policy.parse_roles(value)


@dataclass(frozen=True)
class EndingPanel:
    may_terminate: bool = False
    may_suspend: bool = False
    may_resume: bool = False
    may_cancel: bool = False
    grounds: dict[str, str] = field(default_factory=lambda: dict(TERMINATION_GROUNDS))
    ended: dict[str, Any] | None = None  # Case.termination, with `ground_label`, once ended

    @property
    def any_action(self) -> bool:
        return self.may_terminate or self.may_suspend or self.may_resume or self.may_cancel


def ending_panel(ctx: Context, number: str, username: str) -> EndingPanel:
    """The panel for `username` on case `number` (who may not see the case gets an empty panel)."""
    with ctx.db.read() as session:
        user, case = get_user(session, username), get_case(session, number)
        instance = session.scalars(
            select(ProcessInstance).where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id.desc())
        ).first()
        if instance is None:
            return EndingPanel()
        ended = None
        if case.termination:
            ground = case.termination.get("ground")
            ended = {**case.termination, "ground_label": ENDING_GROUND_LABELS.get(str(ground), str(ground))}
        finished = case.status in ("closed", "cancelled") or instance.status in ("completed", "cancelled")
        undecided = case.decided_at is None and case.outcome is None
        may_terminate = (
            not finished
            and undecided
            and case.status != "suspended"
            and policy.may_terminate(user, case, termination_roles(ctx, instance))
        )
        try:
            policy.admin_scope(session, username).check_covers(case.village_id, "管理案件")
            admin = True
        except PermissionDenied:
            admin = False
        suspended = instance.status == "suspended"
        return EndingPanel(
            may_terminate=may_terminate,
            may_suspend=admin and not finished and not suspended and instance.status != "error",
            may_resume=admin and suspended,
            may_cancel=admin and not finished,
            ended=ended,
        )
