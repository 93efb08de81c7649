"""The OpenAPI document says what the server enforces (issue 22): every field it calls required is refused
when missing, every object it closes (additionalProperties: false) refuses an unknown key, the start data is
documented per startable process from the deployed start forms, and the links name real operations."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from engine.settings import PROJECT_ROOT
from tests.api.conftest import Api, assert_error, eligible_household, reference_task

DATA = PROJECT_ROOT / "tests" / "data"
VALID = json.loads((DATA / "api" / "valid_requests.json").read_text(encoding="utf-8"))
APPLICATION = json.loads((DATA / "walkthrough" / "start.json").read_text(encoding="utf-8"))


@pytest.fixture
def document(anonymous: Api) -> dict[str, Any]:
    reply = anonymous.get("/api/v1/openapi.json")
    assert reply.status_code == 200
    return dict(reply.get_json())


def resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


# Who starts each process in these tests: the township clerk, but 预警核查 is the county's (the alert importers).
# 特困人员探访 is started by the worker only and is not documented as a start body.
_STARTERS = {"alert_verification": "approver1"}


def start_bodies() -> dict[str, dict[str, Any]]:
    data = copy.deepcopy(VALID["start_data"])
    data["dibao_application"] = APPLICATION
    data["periodic_review"]["household"] = APPLICATION["household"]
    return {process: {"process": process, "data": value} for process, value in data.items()}


def required_paths(document: dict[str, Any], schema: dict[str, Any], body: Any, path: str = "") -> list[str]:
    """Every required key along the valid body, as the dotted path the server's field errors use."""
    schema = resolve(document, schema)
    found: list[str] = []
    if isinstance(body, dict) and schema.get("type") == "object":
        found += [f"{path}{key}" for key in schema.get("required", [])]
        for key, child in schema.get("properties", {}).items():
            if key in body:
                found += required_paths(document, child, body[key], f"{path}{key}.")
    elif isinstance(body, list) and body and schema.get("type") == "array":
        found += required_paths(document, schema["items"], body[0], f"{path}0.")
    return found


def without(body: Any, dotted: str) -> Any:
    copied = copy.deepcopy(body)
    *parents, last = dotted.split(".")
    target = copied
    for step in parents:
        target = target[int(step)] if isinstance(target, list) else target[step]
    del target[last]
    return copied


def closed_objects(document: dict[str, Any], schema: dict[str, Any], body: Any, path: str = "") -> list[str]:
    """The paths of the objects along the body that the document closes to unknown keys."""
    schema = resolve(document, schema)
    found: list[str] = []
    if isinstance(body, dict) and schema.get("additionalProperties") is False:
        found.append(path)
        for key, child in schema.get("properties", {}).items():
            if key in body:
                found += closed_objects(document, child, body[key], f"{path}{key}.")
    elif isinstance(body, list) and body and schema.get("type") == "array":
        found += closed_objects(document, schema["items"], body[0], f"{path}0.")
    return found


def with_unknown_key(body: Any, dotted: str) -> Any:
    copied = copy.deepcopy(body)
    target = copied
    for step in [s for s in dotted.split(".") if s]:
        target = target[int(step)] if isinstance(target, list) else target[step]
    target["zz_unknown"] = 1
    return copied


def _body_schema(document: dict[str, Any], path: str) -> dict[str, Any]:
    return dict(document["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"])


def test_the_start_data_is_documented_per_startable_process(document: dict[str, Any], api_as: Any) -> None:
    body = resolve(document, _body_schema(document, "/api/v1/cases"))
    assert body["discriminator"]["propertyName"] == "process"
    # The processes a case can start with; 公示, 民主评议 and 渐退 are called by other processes only.
    assert set(body["discriminator"]["mapping"]) == set(start_bodies())
    application = resolve(document, {"$ref": body["discriminator"]["mapping"]["dibao_application"]})
    data = application["properties"]["data"]
    assert data["required"] == ["village", "channel", "household"]
    assert data["properties"]["channel"]["x-enum-descriptions"]["window"] == "窗口申请"
    assert "window（窗口申请）" in data["properties"]["channel"]["description"]
    member = data["properties"]["household"]["properties"]["members"]["items"]
    assert member["properties"]["id_number"]["format"] == "id-number"
    assert member["properties"]["id_number"]["pattern"] == "^[0-9]{17}[0-9Xx]$"
    income = member["properties"]["incomes"]["items"]["properties"]["monthly_amount"]
    assert income["pattern"] == r"^(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,2})?$"
    assert "有且只有一名“本人（申请人）”" in data["description"]  # the rule no schema keyword states
    clerk1: Api = api_as("clerk1")
    assert_error(
        clerk1.post("/api/v1/cases", {"process": "public_notice", "data": VALID["start_data"]["reference_review"]}), 404
    )


def test_every_documented_start_body_is_accepted(api_as: Any) -> None:
    for process, body in start_bodies().items():
        if process in ("periodic_review", "tekun_review", "tekun_termination"):
            continue  # needs an enrolled case: test_rechecks_and_gradual_exit.py, test_tekun_exit.py
        reply = api_as(_STARTERS.get(process, "clerk1")).post("/api/v1/cases", body)
        assert reply.status_code == 201, (process, reply.get_json())


def _operations(api_as: Any, ctx: Any) -> list[tuple[str, str, Any, Api]]:
    """(document path, URL, a valid body, client) for every operation with a request body."""
    clerk1: Api = api_as("clerk1")
    task = reference_task(ctx)
    assessment = {"region": "default", "as_of": "2026-11-01", "household": eligible_household()}
    rows: list[tuple[str, str, Any, Api]] = [
        ("/api/v1/cases", "/api/v1/cases", body, api_as(_STARTERS.get(process, "clerk1")))
        for process, body in start_bodies().items()
    ]
    rows += [
        ("/api/v1/assessments", "/api/v1/assessments", assessment, clerk1),
        ("/api/v1/assessments/temporary", "/api/v1/assessments/temporary", VALID["temporary"], clerk1),
        ("/api/v1/tasks/{task_id}/transfer", f"/api/v1/tasks/{task}/transfer", VALID["transfer"], clerk1),
        ("/api/v1/tasks/{task_id}/complete", f"/api/v1/tasks/{task}/complete", {"data": {}}, clerk1),
        ("/api/v1/notices/{notice_id}/objections", "/api/v1/notices/1/objections", VALID["objection"], clerk1),
        ("/api/v1/auth/token", "/api/v1/auth/token", VALID["token"], api_as(None)),
    ]
    return rows


def _case_branch(document: dict[str, Any], path: str, body: Any) -> dict[str, Any]:
    schema = resolve(document, _body_schema(document, path))
    if "discriminator" in schema:
        return resolve(document, {"$ref": schema["discriminator"]["mapping"][body["process"]]})
    return schema


def test_every_documented_required_field_is_required(document: dict[str, Any], api_as: Any, ctx: Any) -> None:
    checked = 0
    for path, url, body, client in _operations(api_as, ctx):
        schema = _case_branch(document, path, body)
        for field in required_paths(document, schema, body):
            reply = client.post(url, without(body, field))
            error = assert_error(reply, 422)
            assert field in error["fields"], (path, field, error["fields"])
            checked += 1
    assert checked > 60  # the household alone has a dozen


def test_every_closed_object_refuses_an_unknown_key(document: dict[str, Any], api_as: Any, ctx: Any) -> None:
    for path, url, body, client in _operations(api_as, ctx):
        schema = _case_branch(document, path, body)
        closed = closed_objects(document, schema, body)
        assert "" in closed, path
        for where in closed:
            error = assert_error(client.post(url, with_unknown_key(body, where)), 422)
            assert f"{where}zz_unknown" in error["fields"], (path, where, error["fields"])


def test_links_name_real_operations_and_parameters(document: dict[str, Any]) -> None:
    operations = {
        op["operationId"]: {p["name"] for p in [*item.get("parameters", []), *op.get("parameters", [])] if "name" in p}
        for item in document["paths"].values()
        for method, op in item.items()
        if method != "parameters"
    }
    links = [
        link
        for item in document["paths"].values()
        for method, op in item.items()
        if method != "parameters"
        for response in op["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert len(links) >= 30
    for link in links:
        assert set(link["parameters"]) <= operations[link["operationId"]], link
    created = document["paths"]["/api/v1/cases"]["post"]["responses"]["201"]["links"]
    assert created["GetCase"]["parameters"] == {"number": "$response.body#/number"}
    assert created["CompleteTask"] == {
        "operationId": "tasks_complete",
        "parameters": {"task_id": "$response.body#/open_tasks/0/id"},
        "description": "提交该任务",
    }


def test_identifiers_are_documented_with_their_range(document: dict[str, Any]) -> None:
    (parameter,) = document["paths"]["/api/v1/tasks/{task_id}/claim"]["parameters"]
    assert parameter["schema"] == {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
