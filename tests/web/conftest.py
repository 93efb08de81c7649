"""Web fixtures: the real app over the per-test SQLite database with the demo data (tests/conftest.py),
CSRF protection on, and a small browser that signs in and sends the page's CSRF token."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from engine.context import Context
from engine.services import cases, tasks
from engine.services.bootstrap import DEMO_PASSWORD
from web import create_app

_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_app(ctx: Context, **config: Any) -> Flask:
    return create_app(ctx, {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": True, **config})


@pytest.fixture
def app(ctx: Context) -> Flask:
    return make_app(ctx)


class Browser:
    """A test client that behaves like a person with a browser: forms carry the CSRF token of the page."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def token(self) -> str:
        page = self.client.get("/", follow_redirects=True).get_data(as_text=True)
        match = _TOKEN.search(page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def get(self, url: str, **kwargs: Any) -> TestResponse:
        return self.client.get(url, **kwargs)

    def post(self, url: str, data: dict[str, Any] | None = None, *, csrf: bool = True, **kwargs: Any) -> TestResponse:
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token()
        return self.client.post(url, data=form, **kwargs)

    def login(self, username: str, password: str = DEMO_PASSWORD, **extra: str) -> TestResponse:
        return self.post("/login", {"username": username, "password": password, **extra})

    def logout(self) -> TestResponse:
        return self.post("/logout")


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


@pytest.fixture
def make_browser(app: Flask) -> Any:
    """Another person at another browser, signed in as `username` (None: anonymous)."""

    def make(username: str | None = None) -> Browser:
        other = Browser(app.test_client())
        if username is not None:
            assert other.login(username).status_code == 302
        return other

    return make


def open_task(ctx: Context, village: str = "demo-village-1-1", username: str = "clerk1") -> int:
    """Start a reference_review case; the id of its 受理登记 task (open, for the village's township clerks)."""
    case = cases.start_case(ctx, "reference_review", username, {"village": village})
    (task,) = [t for t in tasks.list_tasks(ctx, username, limit=500) if t.case_number == case.number]
    return task.id


REGISTER = {"f.applicant_name": "张三", "f.household_size": "3", "f.requested_amount": "5000"}
