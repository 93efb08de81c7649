"""The notification centre's pages through the Flask test client: the bell on every signed-in page, the list
with its tabs and kind filter, opening one (read, then its task), 全部标为已读, and the preferences form."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from sqlalchemy import event

from engine.context import Context
from engine.queries import notifications as centre
from engine.services import notifications
from tests.api.conftest import eligible_household
from tests.conftest import add_second_clerk
from tests.scenarios.flow import Application
from tests.web.conftest import Browser, make_app

CLERK1B_PASSWORD = "pw-12345678"  # tests.conftest.add_second_clerk


@pytest.fixture
def app(ctx: Context) -> Flask:
    return make_app(ctx)


@pytest.fixture
def clerk1b(app: Flask, ctx: Context) -> Browser:
    add_second_clerk(ctx)
    browser = Browser(app.test_client())
    assert browser.login("clerk1b", CLERK1B_PASSWORD).status_code == 302
    return browser


def _bell(page: str) -> str | None:
    match = re.search(r'<a class="bell"[^>]*>.*?</a>', page, re.S)
    assert match, "no bell in the header"
    count = re.search(r'<span class="bell-count">([^<]+)</span>', match.group(0))
    return count.group(1) if count else None


def test_the_bell_counts_unread_on_every_signed_in_page(ctx: Context, clerk1b: Browser) -> None:
    assert _bell(clerk1b.get("/inbox").get_data(as_text=True)) is None
    Application(ctx, eligible_household()).start()
    Application(ctx, eligible_household()).start()
    for url in ("/inbox", "/cases", "/notifications/preferences"):
        assert _bell(clerk1b.get(url).get_data(as_text=True)) == "2", url
    assert 'aria-label="通知：2 条未读"' in clerk1b.get("/inbox").get_data(as_text=True)


def test_the_bell_reads_99_plus_above_99(ctx: Context, clerk1b: Browser, monkeypatch: pytest.MonkeyPatch) -> None:
    # A hundred real cases would take minutes; the count is what is under test here, the query above.
    monkeypatch.setattr(centre, "unread_count", lambda ctx, username: 100)
    assert _bell(clerk1b.get("/inbox").get_data(as_text=True)) == "99+"


def test_no_bell_for_someone_signed_out(app: Flask) -> None:
    page = Browser(app.test_client()).get("/login").get_data(as_text=True)
    assert 'class="bell"' not in page


def test_the_list_shows_tabs_kinds_and_unread_markers(ctx: Context, clerk1b: Browser) -> None:
    app = Application(ctx, eligible_household()).start()
    page = clerk1b.get("/notifications").get_data(as_text=True)
    for words in ("全部", "未读", "新任务：受理审查", app.number, "全部标为已读", "通知设置", "1 条未读"):
        assert words in page, words
    assert page.count('class="notice-unread">未读<') == 1
    assert "没有这种" not in clerk1b.get("/notifications?kind=copied").get_data(as_text=True)
    assert "暂无通知" in clerk1b.get("/notifications?kind=copied").get_data(as_text=True)
    assert "新任务：受理审查" in clerk1b.get("/notifications?view=unread&kind=task_new").get_data(as_text=True)
    assert clerk1b.get("/notifications?view=nonsense&kind=<x>&page=abc").status_code == 200


def test_opening_marks_read_and_goes_to_the_task(ctx: Context, clerk1b: Browser) -> None:
    app = Application(ctx, eligible_household()).start()
    (row,) = centre.list_notifications(ctx, "clerk1b", centre.NotificationQuery()).rows
    reply = clerk1b.post(f"/notifications/{row.id}/open")
    assert reply.status_code == 302
    assert reply.headers["Location"] == f"/tasks/{app.task('intake_review').id}"
    assert centre.unread_count(ctx, "clerk1b") == 0
    assert "没有未读通知" in clerk1b.get("/notifications?view=unread").get_data(as_text=True)
    # Without the page's CSRF token nothing happens; another user's notification does not exist for them.
    assert clerk1b.post(f"/notifications/{row.id}/open", csrf=False).status_code == 400
    other = Browser(clerk1b.client.application.test_client())
    other.login("clerk1")
    assert other.post(f"/notifications/{row.id}/open").status_code == 404


def test_mark_all_read(ctx: Context, clerk1b: Browser) -> None:
    Application(ctx, eligible_household()).start()
    Application(ctx, eligible_household()).start()
    reply = clerk1b.post("/notifications/read-all", follow_redirects=True)
    assert "已将 2 条通知标为已读" in reply.get_data(as_text=True)
    assert _bell(reply.get_data(as_text=True)) is None


def test_preferences_save_and_show_their_errors(ctx: Context, clerk1b: Browser) -> None:
    page = clerk1b.get("/notifications/preferences").get_data(as_text=True)
    for words in ("电子邮箱", "手机号码", "邮件", "短信", "新任务", "不提供"):
        assert words in page, words
    assert 'name="sms_copied"' not in page
    assert 'name="sms_urged"' in page
    refused = clerk1b.post("/notifications/preferences", {"email": "", "mobile": "", "email_task_new": "on"})
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "请先填写电子邮箱" in text
    assert 'aria-invalid="true"' in text
    bad = clerk1b.post("/notifications/preferences", {"email": "x@y", "mobile": "12345"})
    assert bad.status_code == 422
    assert "电子邮箱：x@y 不是有效的邮箱地址" in bad.get_data(as_text=True)
    assert "手机号码：12345 不是有效的手机号" in bad.get_data(as_text=True)
    saved = clerk1b.post(
        "/notifications/preferences",
        {"email": "yi@example.org", "mobile": "13900139000", "email_task_new": "on", "sms_urged": "on"},
    )
    assert saved.status_code == 302
    assert saved.headers["Location"] == "/notifications/preferences"
    prefs = notifications.preferences(ctx, "clerk1b")
    assert (prefs.email, prefs.mobile) == ("yi@example.org", "13900139000")
    assert [r.kind for r in prefs.rows if r.email] == ["task_new"]
    assert [r.kind for r in prefs.rows if r.sms] == ["urged"]
    assert "通知设置已保存" in clerk1b.get("/notifications/preferences").get_data(as_text=True)


def test_the_pages_need_a_signed_in_user(app: Flask) -> None:
    anonymous = Browser(app.test_client())
    for url in ("/notifications", "/notifications/preferences"):
        assert anonymous.get(url).status_code == 302


def test_the_bell_costs_one_indexed_count_per_page(ctx: Context, clerk1b: Browser) -> None:
    Application(ctx, eligible_household()).start()
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        if "notification" in statement:
            statements.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", seen)
    try:
        assert _bell(clerk1b.get("/inbox").get_data(as_text=True)) == "1"
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", seen)
    (count,) = statements
    assert count.lstrip().upper().startswith("SELECT COUNT(*)")
    with ctx.db.engine.connect() as connection:
        plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql("EXPLAIN QUERY PLAN " + count, ("clerk1b",)))
    assert "ix_notification_user" in plan, plan
