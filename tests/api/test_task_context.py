"""GET /api/v1/tasks/<id> returns the decision-context panels of the task page (docs/decision-context.md)."""

from __future__ import annotations

from typing import Any

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import Api, eligible_household, reference_task
from tests.scenarios.flow import Application

START = "2026-11-23 01:00:00"


@freeze_time(START)
def test_task_detail_carries_the_context_panels_with_masked_id_numbers(ctx: Context, api_as: Any) -> None:
    household = eligible_household()
    app = Application(ctx, household).start().accept().investigate()
    head: Api = api_as("head1")
    reply = head.get(f"/api/v1/tasks/{app.task('first_review').id}")
    assert reply.status_code == 200
    context = reply.get_json()["context"]
    assert [p["name"] for p in context] == ["applicant", "household", "assessment", "investigation", "verification"]
    assessment = next(p for p in context if p["name"] == "assessment")
    assert assessment["title"] == "家庭经济状况评估"
    assert {"label": "评估结论", "value": "符合低保条件"} in assessment["items"]
    assert assessment["basis"]
    assert assessment["empty"] is None
    members = next(p for p in context if p["name"] == "household")["groups"]
    assert len(members) == len(household["members"])
    text = reply.get_data(as_text=True)
    assert all(m["id_number"] not in text for m in household["members"])


def test_a_task_that_declares_no_panels_has_an_empty_context(ctx: Context, api_as: Any) -> None:
    task_id = reference_task(ctx)
    assert api_as("clerk1").get(f"/api/v1/tasks/{task_id}").get_json()["context"] == []
