"""Random JSON at every route that takes a body: never a 500, a refusal is 400/404/409/422/429 with a Chinese
message (and field errors for 422), and a refused request writes nothing (audit events and cases unchanged)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from freezegun import freeze_time
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.context import Context
from tests.api.conftest import REGISTER, Api, application_in_notice, counts, eligible_household, reference_task

FUZZ = settings(
    max_examples=60,
    deadline=None,
    database=None,
    # One database per test function, shared by its examples: exactly what "refused changes nothing" needs.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REFUSALS = {400, 404, 409, 422, 429}

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | st.sampled_from(["", "2026-11-01", "approve", "demo-village-1-1", "0.00", "-1", "1e400", "张三"])
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=15,
)
objects = st.dictionaries(st.text(max_size=12), json_values, max_size=6)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    paths = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            paths += _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            paths += _paths(child, (*prefix, index))
    return paths


def mutations(valid: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """`valid` with one value somewhere inside replaced by random JSON: input that passes the envelope
    and most of the form, to reach the deeper validators."""

    def mutate(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
        copy = copy_json(valid)
        target = copy
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
        return copy

    return st.builds(mutate, st.sampled_from(_paths(valid)), json_values)


def copy_json(value: Any) -> Any:
    return json.loads(json.dumps(value))


def _check(
    ctx: Context, reply: Any, before: tuple[int, int], ok: set[int], *, writes_when_refused: bool = False
) -> None:
    status = reply.status_code
    assert status < 500, reply.get_data(as_text=True)
    assert status in ok | REFUSALS, (status, reply.get_data(as_text=True))
    if status >= 400:
        body = reply.get_json()
        assert body["error"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["message"])  # a Chinese explanation
        assert isinstance(body["fields"], dict)
        if not writes_when_refused:
            assert counts(ctx) == before


@pytest.fixture
def clerk1(api_as: Any) -> Api:
    return api_as("clerk1")  # type: ignore[no-any-return]


def test_random_bodies_at_every_route_with_a_body(ctx: Context, api_as: Any, anonymous: Api) -> None:
    clerk1, designer = api_as("clerk1"), api_as("designer1")
    task_id = reference_task(ctx)
    routes = [
        (clerk1, f"/api/v1/tasks/{task_id}/complete", {200, 409}),
        (clerk1, f"/api/v1/tasks/{task_id}/transfer", {200}),
        (clerk1, "/api/v1/cases", {201}),
        (clerk1, "/api/v1/assessments", {200}),
        (clerk1, "/api/v1/assessments", {200}),  # twice: the near-valid bodies below are for this one
        (clerk1, "/api/v1/assessments/temporary", {200}),
        (designer, "/api/v1/processes/validate", {200, 403}),  # 403: a region not the designer's own
        (anonymous, "/api/v1/notices/1/objections", set()),  # no notice exists: 404 or an envelope error
        (clerk1, "/api/v1/assessments/tekun", {200}),  # 特困人员认定评估 (docs/tekun-assessment.md)
    ]

    assessment = {"region": "default", "as_of": "2026-11-01", "household": eligible_household()}
    near_valid = st.tuples(st.just(4), mutations(assessment))

    @FUZZ
    @given(request=st.tuples(st.sampled_from(range(len(routes))), json_values) | near_valid)
    def run(request: tuple[int, Any]) -> None:
        route, body = request
        client, url, ok = routes[route]
        before = counts(ctx)
        _check(ctx, client.post(url, body), before, ok)

    run()


def test_random_bytes_and_non_standard_json_are_400(ctx: Context, clerk1: Api) -> None:
    task_id = reference_task(ctx)

    @FUZZ
    @given(
        raw=st.binary(max_size=200) | st.sampled_from([b"NaN", b'{"data": Infinity}', b'{"data": {"x": -Infinity}}'])
    )
    def run(raw: bytes) -> None:
        before = counts(ctx)
        reply = clerk1.post(f"/api/v1/tasks/{task_id}/complete", data=raw, headers={"Content-Type": "application/json"})
        _check(ctx, reply, before, set())

    run()


def test_random_task_form_data(ctx: Context, clerk1: Api) -> None:
    task_id = reference_task(ctx)
    known = st.sampled_from(sorted(REGISTER))
    data = st.dictionaries(known | st.text(max_size=12), json_values, max_size=5)

    @FUZZ
    @given(data=data)
    def run(data: dict[str, Any]) -> None:
        before = counts(ctx)
        reply = clerk1.post(f"/api/v1/tasks/{task_id}/complete", {"data": data})
        _check(ctx, reply, before, {200, 409})
        if reply.status_code == 422:
            assert all(key.startswith("data") for key in reply.get_json()["fields"])

    run()


def test_random_case_start_data(ctx: Context, clerk1: Api) -> None:
    processes = st.sampled_from(["dibao_application", "reference_review", "temporary_assistance", "periodic_review"])
    villages = st.sampled_from(["demo-village-1-1", "demo-village-1-2", "demo-village-1-3"]) | st.text(max_size=12)
    start = st.fixed_dictionaries(
        {"village": villages},
        optional={
            "channel": json_values,
            "household": json_values | st.fixed_dictionaries({"members": st.lists(objects, max_size=2)}),
            "related_case": json_values,
        },
    )
    data = st.builds(lambda base, extra: {**extra, **base}, start, objects)
    application = {"village": "demo-village-1-1", "channel": "window", "household": eligible_household()}
    near_valid = st.tuples(st.just("dibao_application"), mutations(application))

    @FUZZ
    @given(request=st.tuples(processes, data) | near_valid)
    def run(request: tuple[str, dict[str, Any]]) -> None:
        process, data = request
        before = counts(ctx)
        _check(ctx, clerk1.post("/api/v1/cases", {"process": process, "data": data}), before, {201})

    run()


@freeze_time("2026-11-23 01:00:00")
def test_random_objections_to_an_open_notice(ctx: Context, anonymous: Api) -> None:
    _application, notice = application_in_notice(ctx)
    bodies = st.fixed_dictionaries({"text": json_values}, optional={"contact": json_values}) | objects

    @FUZZ
    @given(body=bodies)
    def run(body: dict[str, Any]) -> None:
        before = counts(ctx)
        _check(ctx, anonymous.post(f"/api/v1/notices/{notice.id}/objections", body), before, {201})

    run()


def test_random_sign_in_bodies(ctx: Context, anonymous: Api) -> None:
    @FUZZ
    @given(body=st.fixed_dictionaries({"username": json_values, "password": json_values}) | json_values)
    def run(body: Any) -> None:
        # A well-formed failed sign-in is recorded (login_failed): that is the throttle's memory.
        reply = anonymous.post("/api/v1/auth/token", body)
        _check(ctx, reply, counts(ctx), {401}, writes_when_refused=True)  # 401: a well-formed wrong password
        assert reply.status_code != 200

    run()
