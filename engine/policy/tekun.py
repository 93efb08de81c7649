"""Who draws and checks the county's 特困 sample (特认 Art. 16, docs/tekun-sampling.md), and which steps only the
system completes. Used as engine.policy.tekun.

County civil-affairs staff (县民政经办人、县民政审批人) draw their county's sample and see its past draws; the
county's auditors and administrators may see and verify the draws too (an auditor re-draws to prove a sample
was not picked by hand)."""

from __future__ import annotations

from collections.abc import Iterable

from engine.domain.roles import Level
from engine.errors import PermissionDenied
from engine.persistence import HumanTask, User

SAMPLING_ROLES = frozenset({"county_clerk", "county_approver"})
VERIFYING_ROLES = SAMPLING_ROLES | {"auditor", "admin"}

# The process and step the sample completes (docs/tekun.md; the shared contract of issue 21).
SAMPLING_PROCESS = "tekun_application"
SAMPLING_TASK = "county_sampling"

# Steps whose outcome the system decides: a person completing one by hand (task page or API) is refused, and
# only the service that owns the step completes it (engine.services.tekun_sampling).
SYSTEM_COMPLETED_FORMS = frozenset({"tekun_county_sampling"})
SYSTEM_COMPLETED_MESSAGE = "该步骤由县级随机抽查完成，请在“特困抽查”页面抽取样本"


def may_draw_as(roles: Iterable[str], level: str) -> bool:
    """For the header link, from the signed-in user's roles and unit level."""
    return bool(SAMPLING_ROLES.intersection(roles)) and level == Level.COUNTY.value


def may_draw(user: User) -> bool:
    return may_draw_as(user.roles, user.org_unit.level)


def check_may_draw(user: User) -> None:
    if not may_draw(user):
        raise PermissionDenied("无权进行特困随机抽查：仅限县民政经办人员和审批人员")


def may_see_samples_as(roles: Iterable[str], level: str) -> bool:
    return bool(VERIFYING_ROLES.intersection(roles)) and level == Level.COUNTY.value


def check_may_see_samples(user: User) -> None:
    if not may_see_samples_as(user.roles, user.org_unit.level):
        raise PermissionDenied("无权查看特困随机抽查：仅限县民政经办人员、审批人员、审计和系统管理人员")


def check_sample_in_county(user: User, county_id: int, sample_id: int) -> None:
    if county_id != user.org_unit_id:
        raise PermissionDenied(f"无权查看抽查 {sample_id}：不属于{user.org_unit.name}")


def is_system_completed(form_key: str | None) -> bool:
    return (form_key or "") in SYSTEM_COMPLETED_FORMS


def check_not_system_completed(task: HumanTask) -> None:
    """Refuse a person's completion of a step the system completes (403, pointing at the sampling page)."""
    if is_system_completed(task.form_key):
        raise PermissionDenied(SYSTEM_COMPLETED_MESSAGE)
