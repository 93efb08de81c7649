"""GET /api/v1/notifications and POST /api/v1/notifications/{id}/read (docs/notification-centre.md): the token
user's own notifications from real causes (clerk1 registers, clerk1b is told), filters, pages, and 404 for
anyone else's."""

from __future__ import annotations

from typing import Any

import pytest

from engine.context import Context
from engine.services import delegation, tasks, tokens
from tests.api.conftest import Api, assert_error, eligible_household
from tests.conftest import add_second_clerk
from tests.scenarios.flow import Application

CLERK1B_PASSWORD = "pw-12345678"  # tests.conftest.add_second_clerk


@pytest.fixture
def clerk1b(ctx: Context, app: Any) -> Api:
    add_second_clerk(ctx)
    return Api(app.test_client(), tokens.issue_token(ctx, "clerk1b", CLERK1B_PASSWORD, "127.0.0.1").token)


def test_the_list_is_ones_own_newest_first_with_the_unread_count(ctx: Context, clerk1b: Api, api_as: Any) -> None:
    first = Application(ctx, eligible_household()).start()
    second = Application(ctx, eligible_household()).start()
    reply = clerk1b.get("/api/v1/notifications")
    assert reply.status_code == 200, reply.get_json()
    body = reply.get_json()
    assert (body["unread"], body["total"], body["page"], body["pages"]) == (2, 2, 1, 1)
    newest, oldest = body["items"]
    assert newest["case_number"] == second.number
    assert oldest["case_number"] == first.number
    assert newest["task_id"] == second.task("intake_review").id
    assert (newest["kind"], newest["kind_label"], newest["read"], newest["read_at"]) == (
        "task_new",
        "新任务",
        False,
        None,
    )
    assert newest["title"] == "新任务：受理审查"
    assert newest["created_at"].endswith("+00:00")
    assert api_as("clerk1").get("/api/v1/notifications").get_json()["items"] == []  # the actor is not told


def test_filters_by_unread_and_kind(ctx: Context, clerk1b: Api) -> None:
    app = Application(ctx, eligible_household()).start()
    accept = app.task("intake_review").id
    tasks.claim(ctx, accept, "clerk1")
    delegation.delegate(ctx, accept, "clerk1", "clerk1b", "请补录")
    everything = clerk1b.get("/api/v1/notifications").get_json()["items"]
    assert [n["kind"] for n in everything] == ["delegated", "task_new"]
    delegated = clerk1b.get("/api/v1/notifications?kind=delegated").get_json()
    assert [n["kind"] for n in delegated["items"]] == ["delegated"]
    assert delegated["items"][0]["sender_name"]
    assert clerk1b.post(f"/api/v1/notifications/{everything[0]['id']}/read").status_code == 200
    unread = clerk1b.get("/api/v1/notifications?unread=true").get_json()
    assert ([n["kind"] for n in unread["items"]], unread["unread"]) == (["task_new"], 1)
    assert clerk1b.get("/api/v1/notifications?page=2").get_json()["items"] == []


def test_bad_query_parameters_are_named(clerk1b: Api) -> None:
    body = assert_error(clerk1b.get("/api/v1/notifications?unread=yes&kind=nothing&page=0"), 422, "invalid")
    assert set(body["fields"]) == {"unread", "kind", "page"}
    assert set(assert_error(clerk1b.get("/api/v1/notifications?color=red"), 422, "invalid")["fields"]) == {"color"}


def test_read_marks_ones_own_and_another_users_is_404(ctx: Context, clerk1b: Api, api_as: Any, anonymous: Api) -> None:
    Application(ctx, eligible_household()).start()
    (note,) = clerk1b.get("/api/v1/notifications").get_json()["items"]
    url = f"/api/v1/notifications/{note['id']}/read"
    for other in ("clerk1", "approver1"):
        assert_error(api_as(other).post(url), 404, "not_found")
    assert_error(anonymous.post(url), 401, "unauthorized")
    assert_error(clerk1b.post(f"/api/v1/notifications/{note['id'] + 1000}/read"), 404, "not_found")
    assert clerk1b.get("/api/v1/notifications").get_json()["unread"] == 1
    reply = clerk1b.post(url)
    assert reply.status_code == 200
    read = reply.get_json()
    assert read["read"] is True
    assert read["read_at"] is not None
    assert read["id"] == note["id"]
    assert clerk1b.post(url).get_json()["read_at"] == read["read_at"]  # the first read is the receipt
    assert clerk1b.get("/api/v1/notifications").get_json()["unread"] == 0


def test_the_operations_are_documented(anonymous: Api) -> None:
    paths = anonymous.get("/api/v1/openapi.json").get_json()["paths"]
    listing = paths["/api/v1/notifications"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"unread", "kind", "page"}
    assert "post" in paths["/api/v1/notifications/{notification_id}/read"]
