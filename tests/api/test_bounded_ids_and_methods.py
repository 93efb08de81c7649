"""Bounded identifiers in every route and 405 with Allow for every undeclared method (issue 22)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from werkzeug.routing import ValidationError

from tests.api.conftest import Api, assert_error
from tests.web.conftest import Browser
from web.kit.routing import MAX_ID, IdConverter

# The numbers: above 2^63, they reached SQLite and came back as OverflowError (500).
HUGE = ("29816864197275811840", "9223372036854775808", "6509797197731604950574694400")
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "TRACE", "QUERY")
SAMPLE = {
    "{task_id}": "1",
    "{notice_id}": "1",
    "{number}": "2026-0000001",
    "{document_id}": "1",
    "{code}": "AAAA-AAAA-AAAA",
    "{notification_id}": "1",
    "{simulation_id}": "1",
    "{process_id}": "dibao_application",
    "{county}": "demo-county",
    "{month}": "2027-01",
}


@pytest.fixture
def browser(app: Flask) -> Browser:
    return Browser(app.test_client())


def test_the_converter_takes_1_to_2_63_minus_1_and_nothing_else(app: Flask) -> None:
    converter = IdConverter(app.url_map)
    assert converter.to_python("1") == 1
    assert converter.to_python(str(MAX_ID)) == 9223372036854775807
    assert converter.to_python("007") == 7
    for refused in ("0", str(MAX_ID + 1)):
        with pytest.raises(ValidationError):
            converter.to_python(refused)
    with app.test_request_context():
        assert url_for("tasks.show", task_id=42) == "/tasks/42"


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize("action", ["claim", "unclaim", "transfer", "complete"])
def test_task_ids_beyond_the_database_range_are_a_json_404(api_as: Any, number: str, action: str) -> None:
    reply = api_as("clerk1").post(f"/api/v1/tasks/{number}/{action}", {"data": {}, "to": "x", "reason": "x"})
    assert_error(reply, 404, "not_found")


def test_other_identifiers_out_of_range_are_404_everywhere(api_as: Any, anonymous: Api, browser: Browser) -> None:
    clerk1: Api = api_as("clerk1")
    for url in ("/api/v1/tasks/0", "/api/v1/tasks/-1", f"/api/v1/tasks/{MAX_ID + 1}", "/api/v1/tasks/1e3"):
        assert_error(clerk1.get(url), 404, "not_found")
    assert_error(anonymous.post(f"/api/v1/notices/{HUGE[0]}/objections", {"text": "异议"}), 404, "not_found")
    for name, value in (("limit", HUGE[2]), ("offset", HUGE[0]), ("offset", "-1"), ("limit", "0")):
        assert set(assert_error(clerk1.get(f"/api/v1/tasks?{name}={value}"), 422, "invalid")["fields"]) == {name}
    # A task id at the very top of the range is only a task that does not exist.
    assert_error(clerk1.get(f"/api/v1/tasks/{MAX_ID}"), 404, "not_found")
    browser.login("clerk1")
    pages = [
        f"/tasks/{HUGE[0]}",
        f"/attachments/{HUGE[0]}",
        f"/documents/{HUGE[0]}",
        f"/documents/{HUGE[0]}/print",
        f"/designer/default/dibao_application/v{HUGE[0]}/diagram",
    ]
    for url in pages:
        reply = browser.get(url)
        assert reply.status_code == 404, url
        assert "页面不存在" in reply.get_data(as_text=True)
    for url in (f"/tasks/{HUGE[0]}/claim", f"/public/notices/demo-village-1-1/{HUGE[1]}/objections"):
        assert browser.post(url, {"text": "x"}).status_code == 404, url


def _declared(document: dict[str, Any]) -> dict[str, set[str]]:
    return {
        path: {method.upper() for method in item if method != "parameters"} for path, item in document["paths"].items()
    }


def test_every_undeclared_method_on_every_api_route_is_405_with_allow(anonymous: Api) -> None:
    declared = _declared(anonymous.get("/api/v1/openapi.json").get_json())
    # 42 operations; POST and DELETE share /auth/token. + 2: the notification centre (GET, POST …/read);
    # + 1: 催办 (POST /tasks/{id}/urge); + 2: 政策模拟测算 (/simulations, /simulations/{id});
    # + 1: 迁移 (POST /processes/{process_id}/migrations); + 1: 发放名册 (GET /payroll/{county}/{month});
    # + 1: 特困人员认定评估 (POST /assessments/tekun); + 2: 一门受理 (POST /intake, GET /intake/{number});
    # + 3: 转介 (GET /referrals, POST /referrals/{number}/answer, POST /cases/{number}/referrals);
    # + 1: 监测预警 (POST /alerts).
    assert len(declared) == 38 + 2 + 1 + 2 + 1 + 1 + 1 + 2 + 3 + 1
    for path, methods in declared.items():
        url = path
        for name, value in SAMPLE.items():
            url = url.replace(name, value)
        allow = methods | {"OPTIONS"} | ({"HEAD"} if "GET" in methods else set())
        for method in sorted(set(METHODS) - methods):
            reply = anonymous.client.open(url, method=method)
            body = assert_error(reply, 405, "method_not_allowed")
            assert body["message"] == "该接口不支持这种请求方式"
            assert {m.strip() for m in reply.headers["Allow"].split(",")} == allow, (method, path)
        options = anonymous.client.open(url, method="OPTIONS")
        assert options.status_code == 200
        assert {m.strip() for m in options.headers["Allow"].split(",")} == allow


def test_unknown_api_addresses_are_json_even_when_no_route_could_match(anonymous: Api) -> None:
    for url in ("/api/v1/tasks/%0A/unclaim", "/api/v1", "/api/v1/tasks/1/nothing"):
        assert_error(anonymous.client.post(url), 404, "not_found")
    assert_error(anonymous.client.open("/api/v1/nothing", method="TRACE"), 404, "not_found")


def test_pages_answer_an_undeclared_method_with_a_405_page_and_allow(browser: Browser) -> None:
    for url, allow in (("/login", {"GET", "HEAD", "OPTIONS", "POST"}), ("/healthz", {"GET", "HEAD", "OPTIONS"})):
        for method in ("PUT", "DELETE", "TRACE"):
            reply = browser.client.open(url, method=method)
            assert reply.status_code == 405
            assert reply.mimetype == "text/html"
            assert "不支持的请求方式" in reply.get_data(as_text=True)
            assert {m.strip() for m in reply.headers["Allow"].split(",")} == allow
