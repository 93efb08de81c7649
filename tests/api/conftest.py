"""API fixtures: the real app (CSRF on, as in production) over the per-test database with the demo data
(tests/conftest.py), a JSON client that carries a bearer token, and cases built with the 低保 flow helpers."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from engine.context import Context
from engine.persistence import AuditEvent, Case
from engine.queries import notices as notice_board
from engine.queries import task_page
from engine.results import NoticeView
from engine.services import cases, tokens
from engine.services.bootstrap import DEMO_PASSWORD
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import make_app

# The users of docs/contracts.md#demo-data the authorization matrix runs as.
PEOPLE = ("clerk1", "clerk2", "approver1", "auditor1", "designer1", "designer_yantai")
REGISTER = {"applicant_name": "张三", "household_size": 3, "requested_amount": "5000.00"}


@pytest.fixture
def app(ctx: Context) -> Flask:
    return make_app(ctx)


class Api:
    """A JSON client; with a token every request carries `Authorization: Bearer …`."""

    def __init__(self, client: FlaskClient, token: str | None = None) -> None:
        self.client = client
        self.token = token

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        return {**headers, **(extra or {})}

    def get(self, url: str, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.get(url, headers=self._headers(headers), **kwargs)

    def post(self, url: str, body: Any = None, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        if body is not None:
            kwargs["json"] = body
        return self.client.post(url, headers=self._headers(headers), **kwargs)

    def put(self, url: str, body: Any = None, headers: dict[str, str] | None = None) -> TestResponse:
        return self.client.put(url, headers=self._headers(headers), **({"json": body} if body is not None else {}))

    def delete(self, url: str, headers: dict[str, str] | None = None) -> TestResponse:
        return self.client.delete(url, headers=self._headers(headers))


@pytest.fixture
def anonymous(app: Flask) -> Api:
    return Api(app.test_client())


@pytest.fixture
def api_as(app: Flask, ctx: Context) -> Any:
    """api_as("clerk1"): a client holding a fresh token of that demo user (None: no token)."""

    def make(username: str | None, password: str = DEMO_PASSWORD) -> Api:
        token = tokens.issue_token(ctx, username, password, "127.0.0.1").token if username else None
        return Api(app.test_client(), token)

    return make


def counts(ctx: Context) -> tuple[int, int]:
    """(audit events, cases): what a refused request must leave as it was."""
    with ctx.db.read() as session:
        events = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        number = session.scalar(select(func.count()).select_from(Case)) or 0
        return events, number


def reference_task(ctx: Context, village: str = "demo-village-1-1", username: str = "clerk1") -> int:
    """A reference_review case's 受理登记 task: open for the village's township clerks."""
    case = cases.start_case(ctx, "reference_review", username, {"village": village})
    (task,) = [t for t in case.tasks if t.state == "open"]
    return task.id


def eligible_household() -> dict[str, Any]:
    # n = 3, wage 1,500 → per capita 500 < 800: eligible, 900 元 a month (tests/scenarios scenario 1).
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )


def application_in_notice(ctx: Context) -> tuple[Application, NoticeView]:
    """A 低保 application of demo-village-1-1 worked up to its 7-day 公示 (call under a frozen clock)."""
    application = Application(ctx, eligible_household()).start().accept().investigate().first_review()
    (notice,) = notice_board.open_notices(ctx, "demo-village-1-1")
    return application, notice


def task_state(ctx: Context, task_id: int) -> tuple[str, str | None]:
    summary = task_page.show_task(ctx, task_id).summary
    return summary.state, summary.assignee


def assert_error(response: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """A JSON error of the documented shape, in Chinese, with a request id and no trace."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body: dict[str, Any] = response.get_json()
    assert set(body) >= {"error", "message", "fields", "request_id"}
    if code is not None:
        assert body["error"] == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"]), body["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    assert body["request_id"] == response.headers["X-Request-Id"]
    return body
