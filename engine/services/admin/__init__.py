"""系统管理 (docs/contracts.md `/admin`): users, roles and org units, for holders of the admin role, within the
administrator's own org unit and everything below it (policy.admin_scope). admin1 at demo-county manages
the county, its townships and their villages; never the units of another county.

The commands, one audited transaction each, a refused change writing nothing:
- users.py: create, deactivate, reactivate, reset a password, set roles;
- org_units.py: add a township or village, rename a unit;
- retry.py: take a failed workflow instance out of `error`;
- common.py: the input checks and the audit actor they share.
What the pages read (the unit tree, user lists, one user or unit) is engine.queries.admin; it is exposed
here too, so that `engine.services.admin.<name>` is the whole workspace for the web layer.

Rules no caller can get around:
- a role fits the level of the user's unit (engine.domain.roles.ROLE_LEVELS): township roles on a
  township, village_assistant on a village, county roles (admin included) on a county;
- nobody deactivates themselves or takes away their own admin role (the way back in for everyone else);
- deactivating a user revokes their API tokens and browser sessions and returns their claimed tasks to
  待办, so no work stays with someone who can no longer sign in; losing a role does the same for that
  role's claimed tasks; a password reset revokes the tokens and sessions too;
- passwords are stored hashed only; a generated one is returned once, for the page to show once, and
  never enters the audit log.

Input mistakes are InvalidData naming the field in Chinese (a taken username or org code too, never an
IntegrityError); a user or unit outside the scope named in an address is PermissionDenied.
"""

from engine.policy import ADMIN
from engine.queries.admin import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    OrgUnitNode,
    RoleChoice,
    UserDetail,
    UserFilters,
    UserPage,
    UserRow,
    level_label,
    list_org_units,
    list_users,
    role_choices,
    show_org_unit,
    show_user,
)
from engine.services.admin.common import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, generate_password
from engine.services.admin.org_units import create_org_unit, rename_org_unit
from engine.services.admin.retry import Retry, retry_instance
from engine.services.admin.users import (
    Deactivation,
    NewUser,
    PasswordReset,
    RolesChange,
    create_user,
    deactivate_user,
    reactivate_user,
    reset_password,
    set_roles,
)

__all__ = [
    "ADMIN",
    "MAX_PAGE_SIZE",
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "PAGE_SIZE",
    "Deactivation",
    "NewUser",
    "OrgUnitNode",
    "PasswordReset",
    "Retry",
    "RoleChoice",
    "RolesChange",
    "UserDetail",
    "UserFilters",
    "UserPage",
    "UserRow",
    "create_org_unit",
    "create_user",
    "deactivate_user",
    "generate_password",
    "level_label",
    "list_org_units",
    "list_users",
    "reactivate_user",
    "rename_org_unit",
    "reset_password",
    "retry_instance",
    "role_choices",
    "set_roles",
    "show_org_unit",
    "show_user",
]
