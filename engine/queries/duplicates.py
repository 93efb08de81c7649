"""重复登记提示: does a member of a household being registered already appear in a running case or an
active enrolment (在保, including 渐退)? Asked before 受理登记 submits and again when it does.

ID numbers live in JSON (Case.data with its household and applicant fields, Case.household as last
corrected, Enrollment.household as last verified), stored as canonical JSON text (sorted keys, no
spaces) on every database, so a quoted 18-character number is found with a text match, as the audit
log's client hashes are (engine.services.notices). Only running cases and covered enrolments are read.

Scope: a match in a case the caller may see names the case (number, process, village, stage); a match
outside the caller's unit says only that one exists (OUT_OF_SCOPE_MESSAGE), never where.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Text, cast, or_, select
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.domain.id_numbers import is_valid_id_number, mask_id_number, normalize_id_number
from engine.domain.vocabulary import ENROLLMENT_STATUS_LABELS
from engine.errors import PermissionDenied
from engine.lookups import get_user
from engine.persistence import Case, Enrollment, User
from engine.persistence.cases import IN_PROGRESS_STATUSES
from engine.persistence.jsontext import canonical_json
from engine.queries.case_search import process_titles

OUT_OF_SCOPE_MESSAGE = "该身份证号存在其他在办案件或在保记录，请联系上级核实"
COVERED = ("active", "gradual_exit")
MAX_NUMBERS = 30  # a household's members; more is not a registration
MAX_MATCHES = 20


@dataclass(frozen=True)
class DuplicateMatch:
    id_number: str  # masked
    source: str  # "case" (a running case) or "enrollment" (在保)
    in_scope: bool
    case_number: str | None = None  # None outside the caller's scope
    process_title: str | None = None
    village_name: str | None = None
    state: str | None = None  # 在办：<stage> / 在保 / 渐退中

    @property
    def text(self) -> str:
        """One line for the page: where the number was found, or only that it was (outside the scope)."""
        if not self.in_scope:
            return f"身份证号 {self.id_number}：{OUT_OF_SCOPE_MESSAGE}"
        what = "在保记录" if self.source == "enrollment" else "在办案件"
        where = f"{self.process_title}，{self.village_name}，{self.state}"
        return f"身份证号 {self.id_number}：{what} {self.case_number}（{where}）"


def household_id_numbers(data: Mapping[str, Any]) -> list[str]:
    """The valid member ID numbers of start data (its household, or an applicant's number), normalized."""
    found: list[str] = []
    household = data.get("household")
    members = household.get("members") if isinstance(household, Mapping) else None
    for member in members if isinstance(members, list) else []:
        if isinstance(member, Mapping):
            found.append(str(member.get("id_number") or ""))
    found.append(str(data.get("applicant_id_number") or ""))
    return valid_numbers(found)


def valid_numbers(numbers: Iterable[str]) -> list[str]:
    cleaned = [normalize_id_number(n) for n in numbers if isinstance(n, str)]
    return list(dict.fromkeys(n for n in cleaned if is_valid_id_number(n)))[:MAX_NUMBERS]


def check_may_look_up(user: User) -> None:
    if not user.roles & policy.STARTING_ROLES:
        raise PermissionDenied("无权查询重复登记：只有登记案件的工作人员可以查询")


def find_duplicates(ctx: Context, username: str, numbers: Iterable[str]) -> list[DuplicateMatch]:
    """The running cases and covered enrolments naming any of `numbers`, for a registering user."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        check_may_look_up(user)
        return find_in_session(session, user, valid_numbers(numbers))


def find_in_session(session: Session, user: User, numbers: list[str]) -> list[DuplicateMatch]:
    if not numbers:
        return []
    quoted = [canonical_json(n) for n in numbers]  # "110105…": the number as a whole JSON string
    cases = session.scalars(
        select(Case)
        .where(
            Case.status.in_(IN_PROGRESS_STATUSES),
            or_(*(cast(column, Text).contains(q) for column in (Case.data, Case.household) for q in quoted)),
        )
        .order_by(Case.id)
        .limit(MAX_MATCHES)
    ).all()
    enrolled = session.execute(
        select(Enrollment, Case)
        .join(Case, Case.id == Enrollment.case_id)
        .where(
            Enrollment.status.in_(COVERED),
            or_(*(cast(column, Text).contains(q) for column in (Enrollment.household, Case.data) for q in quoted)),
        )
        .order_by(Enrollment.id)
        .limit(MAX_MATCHES)
    ).all()
    titles = process_titles(session, {c.kind for c in cases} | {c.kind for _, c in enrolled})
    matches = [
        _match(user, n, c, "case", f"在办：{c.stage or '办理中'}", titles) for c in cases for n in _named(c, numbers)
    ]
    for enrollment, case in enrolled:
        state = ENROLLMENT_STATUS_LABELS.get(enrollment.status, enrollment.status)
        matches += [_match(user, n, case, "enrollment", state, titles) for n in _named(case, numbers, enrollment)]
    return _dedupe(matches)[:MAX_MATCHES]


def _named(case: Case, numbers: list[str], enrollment: Enrollment | None = None) -> list[str]:
    """Which of `numbers` the case (or its enrolment) names: the same text test, on the loaded values."""
    texts = canonical_json([case.data, case.household, enrollment.household if enrollment else None])
    return [n for n in numbers if canonical_json(n) in texts]


def _match(user: User, number: str, case: Case, source: str, state: str, titles: dict[str, str]) -> DuplicateMatch:
    masked = mask_id_number(number)
    if case.unit_at(user.org_unit.level) != user.org_unit_id:
        return DuplicateMatch(masked, source, in_scope=False)
    title = titles.get(case.kind, case.kind)
    return DuplicateMatch(masked, source, True, case.number, title, case.village.name, state)


def _dedupe(matches: list[DuplicateMatch]) -> list[DuplicateMatch]:
    """Outside the scope every match of a number reads the same: say it once."""
    return list(dict.fromkeys(matches))
