"""Matching imported alerts to a county's households (docs/alerts.md#matching), for engine.services.alerts.

The county's covered enrolments (在保, 渐退) and running cases are read once per import, and every 身份证号
they hold (Enrollment.household as last verified, the case's start data and household) goes into a dict:
a 10,000-row file costs two queries and dict look-ups, not one LIKE query per row. An enrolment that is
being re-checked also has a running case; the running case wins, so an alert never opens a second re-check.

Open alerts of the same household (same enrolment, else same running case, else the same person)
within `alert_merge_window_days` calendar days absorb a new alert: it is recorded as merged into them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.alerts import AlertRow
from engine.persistence import Case, Enrollment, OrgUnit
from engine.persistence.alerts import ALERT_OPEN_STATUSES, Alert
from engine.persistence.cases import IN_PROGRESS_STATUSES
from engine.queries.duplicates import COVERED, household_id_numbers, valid_numbers


@dataclass(frozen=True)
class Match:
    kind: str  # enrollment | case | none
    enrollment: Enrollment | None = None
    case: Case | None = None

    @property
    def household_key(self) -> tuple[str, int] | None:
        if self.enrollment is not None:
            return ("enrollment", self.enrollment.id)
        if self.case is not None:
            return ("case", self.case.id)
        return None


NO_MATCH = Match("none")


class CountyIndex:
    """Every ID number of a county's covered enrolments and running cases → what it belongs to."""

    def __init__(self, session: Session, county: OrgUnit) -> None:
        self.enrollments: dict[str, Enrollment] = {}
        self.cases: dict[str, Case] = {}
        covered = session.execute(
            select(Enrollment, Case)
            .join(Case, Case.id == Enrollment.case_id)
            .where(Case.county_id == county.id, Enrollment.status.in_(COVERED))
        ).all()
        for enrollment, case in covered:
            for number in _numbers(enrollment.household, case.data):
                self.enrollments.setdefault(number, enrollment)
        running = session.scalars(
            select(Case).where(Case.county_id == county.id, Case.status.in_(IN_PROGRESS_STATUSES))
        ).all()
        for case in running:
            for number in _numbers(case.household, case.data):
                self.cases.setdefault(number, case)

    def match(self, numbers: Iterable[str]) -> Match:
        numbers = tuple(numbers)
        for number in numbers:
            if number in self.cases:
                case = self.cases[number]
                return Match("case", self.enrollments.get(number), case)
        for number in numbers:
            if number in self.enrollments:
                enrollment = self.enrollments[number]
                return Match("enrollment", enrollment, enrollment.case)
        return NO_MATCH


def _numbers(household: Any, data: Any) -> list[str]:
    found: list[str] = []
    if isinstance(household, dict):
        found += household_id_numbers({"household": household})
    if isinstance(data, dict):
        found += household_id_numbers(data)
    return valid_numbers(found)


def merge_key(match: Match, row: AlertRow) -> tuple[str, Any]:
    return match.household_key or ("person", row.id_number)


class OpenAlerts:
    """The county's open alerts that a new one may merge into, by household; new alerts join as they are added."""

    def __init__(self, session: Session, county: OrgUnit, earliest: date, window_days: int) -> None:
        self.window = timedelta(days=window_days)
        self.by_key: dict[tuple[str, Any], list[Alert]] = {}
        rows = session.scalars(
            select(Alert).where(
                Alert.county_id == county.id,
                Alert.status.in_(ALERT_OPEN_STATUSES),
                Alert.merged_into_id.is_(None),
                Alert.alerted_on >= earliest - self.window,
            )
        ).all()
        for alert in rows:
            self.add(_stored_key(alert), alert)

    def add(self, key: tuple[str, Any], alert: Alert) -> None:
        self.by_key.setdefault(key, []).append(alert)

    def find(self, key: tuple[str, Any], on: date) -> Alert | None:
        for alert in self.by_key.get(key, []):
            if abs(alert.alerted_on - on) <= self.window:
                return alert
        return None


def _stored_key(alert: Alert) -> tuple[str, Any]:
    if alert.enrollment_id is not None:
        return ("enrollment", alert.enrollment_id)
    if alert.matched_case_id is not None:
        return ("case", alert.matched_case_id)
    return ("person", alert.id_number)
