"""The task page's 暂存 (save without completing), its API twin, and where 提交 leads next."""

from __future__ import annotations

from flask import Flask
from freezegun import freeze_time

from engine.context import Context
from engine.queries import task_page
from engine.services import tokens
from engine.services.bootstrap import DEMO_PASSWORD
from tests.web.conftest import REGISTER, Browser, open_task

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing


def _html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


@freeze_time(START)
def test_save_keeps_what_was_typed_and_the_page_reopens_with_it(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    page = _html(browser.get(f"/tasks/{task_id}"))
    assert 'name="_op" value="save"' in page
    assert "暂存</button>" in page
    # Half a form: a required field left empty is no obstacle to 暂存.
    saved = browser.post(f"/tasks/{task_id}/complete", {"f.applicant_name": "张三", "_op": "save"})
    assert saved.status_code == 302
    assert saved.headers["Location"] == f"/tasks/{task_id}"
    again = _html(browser.get(f"/tasks/{task_id}"))
    assert "已暂存" in again
    assert "暂存于 2026-11-23 09:00" in again
    assert 'value="张三"' in again
    summary = task_page.show_task(ctx, task_id).summary
    assert summary.state == "open"  # nothing was completed


@freeze_time(START)
def test_submit_goes_on_to_the_next_task_of_the_same_step(ctx: Context, browser: Browser) -> None:
    first, second = open_task(ctx), open_task(ctx)
    browser.login("clerk1")
    done = browser.post(f"/tasks/{first}/complete", REGISTER)
    assert done.status_code == 302
    assert done.headers["Location"] == f"/tasks/{second}"
    assert "已打开下一件同类任务" in _html(browser.get(f"/tasks/{second}"))
    last = browser.post(f"/tasks/{second}/complete", REGISTER)
    assert last.headers["Location"] == "/"
    assert "同类任务已全部办完" in _html(browser.get("/"))


@freeze_time(START)
def test_api_put_draft_round_trip(ctx: Context, app: Flask) -> None:
    task_id = open_task(ctx)
    token = tokens.issue_token(ctx, "clerk1", DEMO_PASSWORD, None).token
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    reply = client.put(f"/api/v1/tasks/{task_id}/draft", json={"data": {"applicant_name": "李"}}, headers=headers)
    assert reply.status_code == 200, reply.get_json()
    assert reply.get_json()["task_id"] == task_id
    detail = client.get(f"/api/v1/tasks/{task_id}", headers=headers).get_json()
    assert detail["data"] == {"applicant_name": "李"}
    assert detail["draft_saved_at"] == reply.get_json()["saved_at"]
    bad = client.put(f"/api/v1/tasks/{task_id}/draft", json={"data": {"nope": 1}}, headers=headers)
    assert bad.status_code == 422
    assert "data.nope" in bad.get_json()["fields"]
