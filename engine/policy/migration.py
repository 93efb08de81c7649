"""Who may migrate running cases to a newer process version (docs/process-migration.md): a designer of
the region, or an administrator of a county of that region. Nobody migrates another region's cases."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.domain.roles import Level
from engine.errors import PermissionDenied
from engine.lookups import get_user
from engine.persistence import User
from engine.workflow.bundle import DEFAULT_REGION

MIGRATION_DENIED = "无权迁移案件：需要本地区的流程设计或县级系统管理角色"


def migration_role(user: User) -> str | None:
    """The role the user migrates with ("designer" or "admin"), or None."""
    if "designer" in user.roles:
        return "designer"
    if "admin" in user.roles and user.org_unit.level == Level.COUNTY:
        return "admin"
    return None


def migrating_user(session: Session, username: str, region: str | None) -> tuple[User, str, str]:
    """The user, their role and their region; PermissionDenied for anyone else or another region."""
    user = get_user(session, username)
    role = migration_role(user)
    if role is None:
        raise PermissionDenied(MIGRATION_DENIED)
    own = user.org_unit.region or DEFAULT_REGION
    if region is not None and region != own:
        raise PermissionDenied(f"无权迁移地区 {region} 的案件：只能迁移本地区（{own}）的案件")
    return user, role, own
