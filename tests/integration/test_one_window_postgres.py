"""The one window on PostgreSQL (docs/one-window.md): the issue's scenarios and the alert import's single
transaction, run again against the server CI provides, as a deployment runs them. The scenarios are the
SQLite ones, called with a PostgreSQL context."""

from __future__ import annotations

import pytest

from engine.context import Context
from tests.integration import test_alert_import as imports
from tests.scenarios import test_alerts, test_intake, test_referrals

pytestmark = pytest.mark.postgres


def test_a_12345_call_becomes_a_case_on_postgres(ctx: Context) -> None:
    assert ctx.db.is_postgres
    test_intake.test_a_12345_call_becomes_a_temporary_assistance_case_and_its_feedback_is_recorded(ctx)


def test_a_red_alert_opens_a_review_on_postgres(ctx: Context) -> None:
    test_alerts.test_a_red_alert_for_an_enrolled_household_opens_a_review_due_in_three_working_days(ctx)


def test_a_household_not_covered_is_monitored_on_postgres(ctx: Context) -> None:
    test_alerts.test_a_household_not_covered_is_verified_and_put_under_monitoring_with_a_recheck_date(ctx)


def test_a_referral_is_answered_on_postgres(ctx: Context) -> None:
    test_referrals.test_a_referral_to_yibao_is_answered_and_the_case_shows_it(ctx)


def test_an_alert_batch_is_idempotent_on_postgres(ctx: Context) -> None:
    imports.test_the_same_batch_again_returns_its_result_and_other_content_is_a_conflict(ctx)


def test_a_failed_alert_import_leaves_nothing_on_postgres(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    imports.test_a_failure_while_opening_the_processes_leaves_nothing(ctx, monkeypatch)
