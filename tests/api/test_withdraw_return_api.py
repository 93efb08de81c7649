"""撤回 and 退回 over the JSON API, and the deploy-time check of returnTargets (docs/withdraw-and-return.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import BundleInvalid
from tests.conftest import MakeContext
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"


def _application(ctx: Context) -> Application:
    family = household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
    )
    return Application(ctx, family).start()


@freeze_time(START)
def test_withdraw_and_return_over_the_api(ctx: Context, api_as: Any) -> None:
    app = _application(ctx)
    intake = app.task("intake_review").id
    app.accept()
    clerk, head = api_as("clerk1"), api_as("head1")

    assert head.post(f"/api/v1/tasks/{intake}/withdraw", {"reason": "代撤"}).status_code == 403
    assert clerk.post(f"/api/v1/tasks/{intake}/withdraw", {"reason": " "}).status_code == 422
    reply = clerk.post(f"/api/v1/tasks/{intake}/withdraw", {"reason": "漏填承诺书"})
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert [t["task_name"] for t in body["new_tasks"]] == ["intake_review"]
    assert body["new_tasks"][0]["state"] == "claimed"
    again = clerk.post(f"/api/v1/tasks/{intake}/withdraw", {"reason": "再撤一次"})
    assert again.status_code == 409

    app.accept().investigate()
    first_review = app.task("first_review").id
    refused = head.post(f"/api/v1/tasks/{first_review}/return", {"to": "intake_review", "reason": "重新受理"})
    assert refused.status_code == 422
    assert list(refused.get_json()["fields"]) == ["to"]
    reply = head.post(f"/api/v1/tasks/{first_review}/return", {"to": "home_visit", "reason": "入户记录不完整"})
    assert reply.status_code == 200, reply.get_json()
    assert app.open_task_names() == ["home_visit"]
    history = clerk.get(f"/api/v1/cases/{app.number}/history").get_json()
    actions = [e["action"] for e in history["events"]]
    assert actions.count("task_withdrawn") == 1
    assert actions.count("task_returned") == 1


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ("nowhere", "退回步骤 nowhere 不存在于本流程中"),
        ("run_assessment", "退回步骤 run_assessment 不是用户任务"),
        ("county_confirmation", "退回步骤 county_confirmation 不在本任务之前"),
        (" , ", "returnTargets 为空"),
    ],
)
def test_deploy_refuses_a_return_target_that_is_not_an_earlier_user_task(
    make_context: MakeContext, processes_dir: Path, targets: str, message: str
) -> None:
    bpmn = processes_dir / "default" / "dibao_application.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    declared = '<spiffworkflow:property name="returnTargets" value="home_visit, data_verification" />'
    bpmn.write_text(text.replace(declared, declared.replace("home_visit, data_verification", targets), 1), "utf-8")
    with pytest.raises(BundleInvalid) as refused:
        make_context()
    found = [p for p in refused.value.problems if message in p.message]
    assert found, refused.value.problems
    assert {p.element for p in found} == {"first_review"}
    assert "初审" in found[0].message
