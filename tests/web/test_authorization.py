"""Who may open and act on what: every route of the workspace × clerk1 (城关镇, the task's township),
clerk2 (河西乡), approver1 (county), auditor1 and an anonymous visitor. Refused actions change nothing."""

from __future__ import annotations

import pytest

from engine.services import tasks
from engine.services.context import Context
from tests.conftest import add_second_clerk
from tests.web.conftest import REGISTER, Browser, open_task

OUTSIDERS = ("clerk2", "approver1", "auditor1")


def _browser(make_browser: object, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[operator, no-any-return]


@pytest.mark.parametrize("who", ["clerk1", "clerk2", "approver1", "auditor1", None])
def test_pages_open_to_everyone_signed_in(make_browser: object, who: str | None) -> None:
    browser = _browser(make_browser, who)
    signed_in = who is not None
    assert browser.get("/").status_code == (200 if signed_in else 302)
    assert browser.get("/?view=done").status_code == (200 if signed_in else 302)
    assert browser.get("/login").status_code == (302 if signed_in else 200)
    assert browser.get("/status").status_code == 200
    assert browser.get("/healthz").status_code == 200
    assert browser.get("/tasks/99999").status_code == (404 if signed_in else 302)
    logout = browser.post("/logout")
    assert logout.status_code == 302
    assert logout.headers["Location"].startswith("/login")


@pytest.mark.parametrize("who", [*OUTSIDERS, None])
def test_nobody_else_sees_or_acts_on_a_township_task(ctx: Context, make_browser: object, who: str | None) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    browser = _browser(make_browser, who)
    expected = 403 if who else 302  # anonymous visitors are sent to the login page
    assert browser.get(f"/tasks/{task_id}").status_code == expected
    assert browser.post(f"/tasks/{task_id}/claim").status_code == expected
    assert browser.post(f"/tasks/{task_id}/transfer", {"to": "clerk1b", "reason": "试试"}).status_code == expected
    assert browser.post(f"/tasks/{task_id}/complete", REGISTER).status_code == expected
    if who:
        assert f"/tasks/{task_id}" not in browser.get("/").get_data(as_text=True)
    # 取消签收 is for the assignee only: anyone else gets the service's Conflict (a message and the inbox).
    tasks.claim(ctx, task_id, "clerk1")
    unclaim = browser.post(f"/tasks/{task_id}/unclaim")
    assert unclaim.status_code == 302
    location = unclaim.headers["Location"]
    assert (location == "/") if who else location.startswith("/login")
    summary = tasks.show_task(ctx, task_id).summary
    assert (summary.state, summary.assignee) == ("claimed", "clerk1")  # nothing changed


def test_the_township_clerk_may_do_everything(ctx: Context, make_browser: object) -> None:
    add_second_clerk(ctx)
    first, second = open_task(ctx), open_task(ctx)
    browser = _browser(make_browser, "clerk1")
    assert browser.get(f"/tasks/{first}").status_code == 200
    assert browser.post(f"/tasks/{first}/claim").status_code == 302
    assert browser.post(f"/tasks/{first}/unclaim").status_code == 302
    assert browser.post(f"/tasks/{first}/transfer", {"to": "clerk1b", "reason": "休假"}).status_code == 302
    assert browser.get(f"/tasks/{first}").status_code == 200  # still visible: same role and township
    assert browser.post(f"/tasks/{second}/complete", REGISTER).status_code == 302
    assert tasks.show_task(ctx, second).summary.state == "completed"


def test_anonymous_posts_without_a_token_are_refused_before_anything_else(ctx: Context, make_browser: object) -> None:
    task_id = open_task(ctx)
    browser = _browser(make_browser, None)
    for action in ("claim", "unclaim", "transfer", "complete"):
        assert browser.post(f"/tasks/{task_id}/{action}", csrf=False).status_code == 400
    signed_in = _browser(make_browser, "clerk1")
    for action in ("claim", "unclaim", "transfer", "complete"):
        assert signed_in.post(f"/tasks/{task_id}/{action}", REGISTER, csrf=False).status_code == 400
    assert tasks.show_task(ctx, task_id).summary.state == "open"
