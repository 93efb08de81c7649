"""特困人员救助供养 on PostgreSQL (docs/tekun.md): the application's approval and re-公示, the county's draw (and two
draws at once), and a termination with its 公示 and transfer, run again against the server CI provides. The
scenarios are the SQLite ones, called with a PostgreSQL context."""

from __future__ import annotations

import pytest

from engine.context import Context
from tests.scenarios import test_tekun_application, test_tekun_exit, test_tekun_sampling

pytestmark = pytest.mark.postgres


def test_scenario_10_is_approved_on_postgres(ctx: Context) -> None:
    assert ctx.db.is_postgres
    test_tekun_application.test_scenario_10_is_approved_and_supported_from_next_month(ctx)


def test_an_objection_brings_a_new_notice_on_postgres(ctx: Context) -> None:
    test_tekun_application.test_an_objection_brings_a_new_investigation_first_review_and_notice(ctx)


def test_the_county_draws_three_of_ten_on_postgres(ctx: Context) -> None:
    test_tekun_sampling.test_ten_waiting_cases_three_sampled_the_rest_to_the_decision(ctx)


def test_two_draws_at_once_one_wins_on_postgres(ctx: Context) -> None:
    test_tekun_sampling.test_two_draws_at_once_one_wins(ctx)


def test_a_termination_is_published_stopped_and_transferred_on_postgres(ctx: Context) -> None:
    test_tekun_exit.test_termination_notice_objection_renotice_stop_and_transfer_to_dibao(ctx)
