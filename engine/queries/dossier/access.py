"""Who may use the auditor's reads, and the trace each read leaves in the audit log.

Only the auditor and admin roles use them, and only for cases of their own org unit's subtree (the rule
policy.check_may_see_case applies to every case page). The one write of the whole package is the audit
event recording that a dossier was opened or exported, so auditors' own reads stay traceable; its action
codes live here because the dossier's sentences and the personal-data report look for them too.
Apart from the builders because every entry point (dossier, exports, chain check, report) starts here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.context import Context
from engine.domain.vocabulary import EXPORT_LABELS
from engine.lookups import get_case
from engine.persistence import Case, User
from engine.policy import AUDIT_ROLES, check_may_see_case, user_with_role
from engine.queries.dossier.model import AuditorDesk
from engine.records import audit

DOSSIER_VIEWED = "audit.dossier_viewed"
EXPORTED = "audit.exported"
PII_VIEWED = "pii_viewed"
EXPORT_FORMATS = EXPORT_LABELS


def auditor_desk(ctx: Context, username: str) -> AuditorDesk:
    """PermissionDenied unless the user holds the auditor or admin role."""
    with ctx.db.read() as session:
        user = auditor(session, username)
        return AuditorDesk(user.username, user.display_name, user.org_unit.name)


def auditor(session: Session, username: str) -> User:
    """The user, if they hold the auditor or admin role (PermissionDenied otherwise)."""
    return user_with_role(session, username, AUDIT_ROLES, "使用审计功能")


def case_for_auditor(session: Session, username: str, number: str) -> tuple[User, Case]:
    user = auditor(session, username)
    case = get_case(session, number)
    check_may_see_case(user, case)  # the auditor's own unit and below, as on every case page
    return user, case


def record_read(session: Session, user: User, action: str, details: dict[str, Any], case: Case | None = None) -> None:
    """`audit.dossier_viewed` or `audit.exported`, under the user's audit role."""
    actor = audit.Actor.of(user, min(user.roles & AUDIT_ROLES))
    audit.record(session, action, actor, case_id=case.id if case is not None else None, details=details)
