"""The pieces of the inbox query (engine.queries.inbox): whose tasks a view shows, what a search box text
means, and the due windows. Conditions only; the caller joins HumanTask with Case.

A search text is one of:
- a full, valid 身份证号: exact match on any ID number in the case's start data (applicant or a member);
- a case number with its year (``2026-0000123``, or a prefix of one);
- a case number without its year (``123`` or ``0000123``): the number part, any year;
- otherwise the start of the applicant's name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from engine.clock import CHINA, to_china, to_utc, utcnow
from engine.domain.id_numbers import is_valid_id_number, normalize_id_number
from engine.persistence import Case, HumanTask, User
from engine.records.writeback import OPEN_STATES

_WITH_YEAR = re.compile(r"^\d{4}-\d{0,7}$")
_WITHOUT_YEAR = re.compile(r"^\d{1,7}$")
_ID_LIKE = re.compile(r"^\d{17}[\dXx]$")
_NUMBER_DIGITS = 7  # case numbers are YYYY-NNNNNNN (engine.services.cases)
_FIRST_YEAR = 2020  # no case is numbered before dibao existed


@dataclass(frozen=True)
class SearchTerm:
    condition: ColumnElement[bool]
    id_number: str | None = None  # set when the text was a full 身份证号


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _prefix(column: InstrumentedAttribute[Any], text: str, ranges: bool) -> ColumnElement[bool]:
    """Starts with `text`. On SQLite as a range its index serves (LIKE 'x%' does not use it there); elsewhere
    LIKE, because a locale collation (PostgreSQL's zh_CN orders by pinyin) breaks a code-point range."""
    if ranges:
        return and_(column >= text, column < text + "\U0010ffff")
    return column.like(f"{_escape(text)}%", escape="\\")


def search_condition(text: str, ranges: bool = True) -> SearchTerm:
    """A condition on Case (`ranges`: the database compares text by code point, as SQLite does); callers
    over tasks use `HumanTask.case_id IN (cases matching it)` so the search
    reads the case indexes first and only then the few tasks of the cases found."""
    text = text.strip()
    if _ID_LIKE.match(text) and is_valid_id_number(text):
        number = normalize_id_number(text)
        # The start data is stored as canonical JSON text (engine.persistence.jsontext): a quoted value is an
        # exact match on a whole ID number, never a part of a longer one.
        return SearchTerm(cast(Case.data, String).like(f'%"{number}"%'), number)
    if _WITH_YEAR.match(text):
        year, serial = text.split("-")
        if not serial:
            return SearchTerm(_prefix(Case.number, text, ranges))
        return SearchTerm(
            or_(Case.number == f"{year}-{int(serial):0{_NUMBER_DIGITS}d}", _prefix(Case.number, text, ranges))
        )
    if _WITHOUT_YEAR.match(text):
        # Any year: the exact numbers of every year cases can have, each one index lookup.
        years = range(_FIRST_YEAR, to_china(utcnow()).year + 2)
        return SearchTerm(Case.number.in_([f"{year}-{int(text):0{_NUMBER_DIGITS}d}" for year in years]))
    return SearchTerm(_prefix(Case.applicant_name, text, ranges))


def matching_tasks(term: SearchTerm) -> ColumnElement[bool]:
    return HumanTask.case_id.in_(select(Case.id).where(term.condition))


def task_scope(user: User, view: str) -> list[ColumnElement[bool]]:
    """The tasks a view shows the user: the same rules as engine.services.tasks.list_tasks."""
    if view == "done":
        return [HumanTask.completed_by_id == user.id, HumanTask.state == "completed"]
    if view == "claimed":
        return [HumanTask.assignee_id == user.id, HumanTask.state == "claimed"]
    if view == "delegated":  # 委派给我 (docs/delegation.md): with me now, not yet handed back
        return [HumanTask.delegate_id == user.id, HumanTask.state == "claimed", HumanTask.handed_back_at.is_(None)]
    roles = sorted(user.roles)
    if view == "overdue":
        return [
            HumanTask.org_unit_id == user.org_unit_id,
            HumanTask.role.in_(roles),
            HumanTask.state.in_(OPEN_STATES),
            HumanTask.due_at < utcnow(),
        ]
    return [HumanTask.org_unit_id == user.org_unit_id, HumanTask.state == "open", HumanTask.role.in_(roles)]


def due_window(window: str, now: datetime) -> ColumnElement[bool]:
    """已超期: past due; 今天到期: due before the next Beijing midnight; 7 天内到期: within a week."""
    if window == "overdue":
        return HumanTask.due_at < now
    if window == "today":
        midnight = datetime.combine(to_china(now).date() + timedelta(days=1), time.min, tzinfo=CHINA)
        return HumanTask.due_at.between(now, to_utc(midnight))
    return HumanTask.due_at.between(now, now + timedelta(days=7))
