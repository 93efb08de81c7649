"""Every API route × clerk1 (城关镇, where the task and case are), clerk2 (河西乡), approver1 (the county),
auditor1, designer1 (demo-county, region default), designer_yantai (yantai) and an anonymous caller:
the expected status of each, and a refused request changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.domain.id_numbers import check_character
from engine.domain.simulation_parameters import Override
from engine.services import cases, payroll, simulation, tasks, tokens
from engine.services.bootstrap import DEMO_PASSWORD
from tests.api.conftest import (
    PEOPLE,
    REGISTER,
    Api,
    application_in_notice,
    counts,
    eligible_household,
    reference_task,
)
from tests.conftest import add_second_clerk

# demo-county staff: caseworkers and auditors see the county's cases; only caseworkers register them,
# and a designer (who edits processes) sees no cases at all.
COUNTY_VIEWERS = ("approver1", "auditor1")
COUNTY_STARTERS = ("approver1",)
DESIGNERS = ("designer1", "designer_yantai")


@dataclass
class World:
    """What the routes act on, made fresh per route where a route changes it."""

    ctx: Context
    case_number: str
    notice_id: int
    fresh_task: Callable[[], int]
    claimed_task: Callable[[], int]


@dataclass(frozen=True)
class Route:
    method: str
    url: Callable[[World], str]
    body: Any = None
    allowed: tuple[str, ...] = PEOPLE  # users who get `ok`; other signed-in users get `refused`
    ok: int = 200
    refused: int = 403
    anonymous: int = 401
    writes_when_refused: bool = False
    extra: dict[str, int] = field(default_factory=dict)  # per-user exceptions

    def expected(self, who: str | None) -> int:
        if who is None:
            return self.anonymous
        if who in self.extra:
            return self.extra[who]
        return self.ok if who in self.allowed else self.refused


def _routes() -> dict[str, Route]:
    task = "/api/v1/tasks/{}"
    return {
        "POST /auth/token": Route("POST", lambda w: "/api/v1/auth/token", anonymous=401, writes_when_refused=True),
        "DELETE /auth/token": Route("DELETE", lambda w: "/api/v1/auth/token"),
        "GET /tasks": Route("GET", lambda w: "/api/v1/tasks"),
        "GET /tasks/<id>": Route("GET", lambda w: task.format(w.fresh_task()), allowed=("clerk1",)),
        "POST /tasks/<id>/claim": Route("POST", lambda w: task.format(w.fresh_task()) + "/claim", allowed=("clerk1",)),
        # 取消签收 is the assignee's alone; for anyone else the task is in a state they cannot change.
        "POST /tasks/<id>/unclaim": Route(
            "POST", lambda w: task.format(w.claimed_task()) + "/unclaim", allowed=("clerk1",), refused=409
        ),
        "POST /tasks/<id>/transfer": Route(
            "POST",
            lambda w: task.format(w.fresh_task()) + "/transfer",
            {"to": "clerk1b", "reason": "休假"},
            allowed=("clerk1",),
        ),
        "POST /tasks/<id>/complete": Route(
            "POST", lambda w: task.format(w.fresh_task()) + "/complete", {"data": REGISTER}, allowed=("clerk1",)
        ),
        "PUT /tasks/<id>/draft": Route(
            "PUT",
            lambda w: task.format(w.fresh_task()) + "/draft",
            {"data": {"applicant_name": "张"}},
            allowed=("clerk1",),
        ),
        # Every signed-in user gets the per-task result list; each task is checked on its own, so for anyone
        # but clerk1 the item fails and nothing is written (test_batch_actions_check_scope_per_task).
        "POST /tasks/batch": Route(
            "POST",
            lambda w: "/api/v1/tasks/batch",
            lambda w: {"action": "claim", "task_ids": [w.fresh_task()]},
            refused=200,
        ),
        # Caseworkers of the village's township or county register cases (cases.STARTING_ROLES).
        "POST /cases": Route(
            "POST",
            lambda w: "/api/v1/cases",
            {"process": "reference_review", "data": {"village": "demo-village-1-1"}},
            allowed=("clerk1",),  # reference_review's start lies in the township clerk's lane (issue 14)
            ok=201,
        ),
        "GET /cases/<number>": Route(
            "GET", lambda w: f"/api/v1/cases/{w.case_number}", allowed=("clerk1", *COUNTY_VIEWERS)
        ),
        "GET /cases/<number>/history": Route(
            "GET", lambda w: f"/api/v1/cases/{w.case_number}/history", allowed=("clerk1", *COUNTY_VIEWERS)
        ),
        "POST /assessments": Route(
            "POST",
            lambda w: "/api/v1/assessments",
            {"region": "default", "as_of": "2026-11-01", "household": eligible_household()},
        ),
        "POST /assessments/temporary": Route(
            "POST",
            lambda w: "/api/v1/assessments/temporary",
            {
                "region": "default",
                "as_of": "2026-11-01",
                "kind": "emergency",
                "cause": "fire",
                "persons": 2,
                "months": 1,
                "household_type": "other",
            },
        ),
        "GET /notices": Route("GET", lambda w: "/api/v1/notices?village=demo-village-1-1", anonymous=200),
        "POST /notices/<id>/objections": Route(
            "POST",
            lambda w: f"/api/v1/notices/{w.notice_id}/objections",
            {"text": "该户有车辆未申报"},
            ok=201,
            anonymous=201,
        ),
        # 待处理异议: the township and county caseworkers, each for their own unit's cases.
        "GET /objections": Route("GET", lambda w: "/api/v1/objections", allowed=("clerk1", "clerk2", "approver1")),
        "GET /processes": Route("GET", lambda w: "/api/v1/processes"),
        "POST /processes/validate": Route("POST", lambda w: "/api/v1/processes/validate", {}, allowed=DESIGNERS),
        "POST /processes/deploy": Route("POST", lambda w: "/api/v1/processes/deploy", {}, allowed=DESIGNERS),
        "GET /audit/verify": Route("GET", lambda w: "/api/v1/audit/verify", allowed=("auditor1",)),
        "GET /openapi.json": Route("GET", lambda w: "/api/v1/openapi.json", anonymous=200),
        # --- issue 14 (helper A): what the user may start (a list for everyone), 延长办理期限 ---
        "GET /cases/startable": Route("GET", lambda w: "/api/v1/cases/startable"),
        "POST /cases/<number>/extend": Route(
            "POST",
            lambda w: f"/api/v1/cases/{w.case_number}/extend",
            {"ground": "objection", "reason": "公示期间收到异议，需要核查"},
            allowed=COUNTY_STARTERS,  # the county approver; a township clerk does not extend
        ),
        # --- 撤回, 退回, move (docs/withdraw-and-return.md) ---
        # Only the person who completed the step withdraws it.
        "POST /tasks/<id>/withdraw": Route(
            "POST",
            lambda w: task.format(_completed_task(w.ctx)) + "/withdraw",
            {"reason": "填错了"},
            allowed=("clerk1",),
        ),
        # Whoever may complete the task may return it; 受理登记 declares no step to go back to: 422 for clerk1.
        "POST /tasks/<id>/return": Route(
            "POST",
            lambda w: task.format(w.fresh_task()) + "/return",
            {"to": "township_review", "reason": "退回"},
            allowed=("clerk1",),
            ok=422,
        ),
        "POST /cases/<number>/move": Route(
            "POST", lambda w: f"/api/v1/cases/{w.case_number}/move", {"to": "home_visit", "reason": "调整"}, allowed=()
        ),
        **_ending_routes(),
        **_delegation_routes(),
        **_correction_routes(),
        **_document_routes(),  # 文书: last, as making one approves a case (its 公示 timer ends the world's too)
        **_notification_routes(),
        **_urging_routes(),  # 催办: on a fresh task of its own, so the 文书 world is no matter
        **_simulation_routes(),  # 政策模拟测算
        # 迁移 (docs/process-migration.md): a designer of the region (a preview to v1 moves nothing).
        "POST /processes/<process_id>/migrations": Route(
            "POST",
            lambda w: "/api/v1/processes/dibao_application/migrations",
            {"region": "default", "to_version": 1},
            allowed=("designer1",),
        ),
        **_payroll_routes(),  # 发放名册: on a draft of its own month
        # 特困人员认定评估 (docs/tekun-assessment.md): like POST /assessments, any signed-in user.
        "POST /assessments/tekun": Route(
            "POST",
            lambda w: "/api/v1/assessments/tekun",
            {
                "region": "default",
                "as_of": "2026-11-01",
                "person": {"birth_date": "1954-03-01", "adl": {"failed": 4}},
                "supporters": [{"relation": "child", "status": "dibao_recipient"}],
            },
        ),
        **_intake_routes(),  # 一门受理 (docs/intake.md)
        **_referral_routes(),  # 转介 (docs/referrals.md)
        **_alert_routes(),  # 监测预警 (docs/alerts.md)
    }


# --- 终止、暂停、恢复、撤销 (docs/ending-and-pausing-cases.md) ---------------------------------------------
def _fresh_case(ctx: Context) -> str:
    """A new reference_review case of demo-village-1-1, so ending one leaves the shared world alone."""
    return cases.start_case(ctx, "reference_review", "clerk1", {"village": "demo-village-1-1"}).number


def _ending_routes() -> dict[str, Route]:
    # 终止: the default termination_roles (township clerk/head, county clerk/approver) within their unit.
    # Suspend/resume/cancel are the administrators' (admin1, in none of PEOPLE: tests/api/test_case_ending_api.py).
    reason = {"reason": "测试"}
    return {
        "POST /cases/<number>/terminate": Route(
            "POST",
            lambda w: f"/api/v1/cases/{_fresh_case(w.ctx)}/terminate",
            {"ground": "applicant_withdrew", "reason": "申请人撤回"},
            allowed=("clerk1", "approver1"),
        ),
        **{
            f"POST /cases/<number>/{action}": Route(
                "POST", lambda w, a=action: f"/api/v1/cases/{_fresh_case(w.ctx)}/{a}", reason, allowed=()
            )
            for action in ("suspend", "resume", "cancel")
        },
    }


def test_the_matrix_covers_every_documented_route(anonymous: Api) -> None:
    document = anonymous.get("/api/v1/openapi.json").get_json()
    placeholders = {
        "{task_id}": "<id>",
        "{notice_id}": "<id>",
        "{number}": "<number>",
        "{document_id}": "<id>",
        "{code}": "<code>",
        "{notification_id}": "<id>",
        "{simulation_id}": "<id>",
        "{process_id}": "<process_id>",
        "{county}": "<county>",
        "{month}": "<month>",
    }
    documented = set()
    for path, item in document["paths"].items():
        for old, new in placeholders.items():
            path = path.replace(old, new)
        documented |= {f"{method.upper()} {path.removeprefix('/api/v1')}" for method in item if method != "parameters"}
    assert documented == set(_routes())


@pytest.mark.parametrize("who", [*PEOPLE, None])
@freeze_time("2026-11-23 01:00:00")
def test_authorization_matrix(ctx: Context, api_as: Any, who: str | None) -> None:
    add_second_clerk(ctx)
    _application, notice = application_in_notice(ctx)

    def claimed() -> int:
        task_id = reference_task(ctx)
        tasks.claim(ctx, task_id, "clerk1")
        return task_id

    world = World(ctx, _application.number, notice.id, lambda: reference_task(ctx), claimed)
    client: Api = api_as(who)
    outcomes: dict[str, tuple[int, int]] = {}
    for name, route in _routes().items():
        url = route.url(world)
        body = route.body(world) if callable(route.body) else route.body
        if name == "POST /auth/token":
            body = {"username": who or "nobody", "password": DEMO_PASSWORD if who else "guess"}
        if name == "DELETE /auth/token" and who is not None:  # sign out a token of its own, keep the client's
            own = tokens.issue_token(ctx, who, DEMO_PASSWORD, None).token
            before = counts(ctx)
            reply = Api(client.client, own).delete(url)
        else:
            before = counts(ctx)
            reply = {"GET": client.get, "POST": client.post, "PUT": client.put, "DELETE": client.delete}[route.method](
                url, **({"body": body} if route.method in ("POST", "PUT") else {})
            )
        outcomes[name] = (reply.status_code, route.expected(who))
        if reply.status_code >= 400:
            assert reply.get_json()["error"], name
            if not route.writes_when_refused:
                assert counts(ctx) == before, f"{name} refused with {reply.status_code} but wrote something"
    wrong = {name: got for name, (got, expected) in outcomes.items() if got != expected}
    assert wrong == {}, {name: f"got {outcomes[name][0]}, expected {outcomes[name][1]}" for name in wrong}


@pytest.mark.parametrize("who", PEOPLE)
@freeze_time("2026-11-23 01:00:00")
def test_batch_actions_check_scope_per_task(ctx: Context, api_as: Any, who: str) -> None:
    add_second_clerk(ctx)
    task_id = reference_task(ctx)
    client: Api = api_as(who)  # signing in is audited: before the count
    before = counts(ctx)
    for body in (
        {"action": "claim", "task_ids": [task_id]},
        {"action": "complete", "task_ids": [task_id], "decision": "approve", "opinion": "同意"},
    ):
        if who == "clerk1" and body["action"] == "complete":
            continue  # clerk1's 受理登记 is not a decision form: refused as a whole (tests/api/test_inbox_api.py)
        reply = client.post("/api/v1/tasks/batch", body)
        assert reply.status_code == 200, reply.get_json()
        (item,) = reply.get_json()["items"]
        assert item["ok"] is (who == "clerk1" and body["action"] == "claim"), item
        if not item["ok"]:
            assert "无权办理" in item["message"]
            assert item["case_number"] is None  # nothing about a task outside scope
    if who != "clerk1":
        assert counts(ctx) == before


# --- 委派 (delegation, issue 14 part 5; docs/delegation.md) -------------------------------------------------
# clerk1 and clerk1b are the township clerks of 城关镇: a delegation between them. Only the holder delegates
# and recalls, only the delegate hands back; anyone else gets 403 and nothing changes.


def _delegated(ctx: Context, holder: str, delegate: str) -> int:
    from engine.services import delegation

    task_id = reference_task(ctx)
    tasks.claim(ctx, task_id, holder)
    delegation.delegate(ctx, task_id, holder, delegate)
    return task_id


def _delegation_routes() -> dict[str, Route]:
    task = "/api/v1/tasks/{}"
    return {
        "POST /tasks/<id>/delegate": Route(
            "POST",
            lambda w: task.format(w.claimed_task()) + "/delegate",
            {"to": "clerk1b", "note": "请协助填写"},
            allowed=("clerk1",),
        ),
        "POST /tasks/<id>/hand-back": Route(
            "POST",
            lambda w: task.format(_delegated(w.ctx, "clerk1b", "clerk1")) + "/hand-back",
            {"note": "已填写"},
            allowed=("clerk1",),
        ),
        "POST /tasks/<id>/recall": Route(
            "POST", lambda w: task.format(_delegated(w.ctx, "clerk1", "clerk1b")) + "/recall", allowed=("clerk1",)
        ),
    }


# --- 撤回, 退回, move (docs/withdraw-and-return.md) ---
def _completed_task(ctx: Context) -> int:
    """A 受理登记 clerk1 has just completed (the case waits for its 公示 timer): clerk1 may withdraw it."""
    task_id = reference_task(ctx)
    tasks.complete(ctx, task_id, "clerk1", REGISTER)
    return task_id


# --- 更正 of an issued document (docs/documents-corrections-and-printing.md) ---
def _confirmation_notice(ctx: Context) -> int:
    """The 确认通知书 of a freshly approved case, issued by the county (approver1's unit)."""
    from tests.web.documents_flow import approved, documents

    application = approved(ctx)
    return documents(ctx, application.number, "confirmation_notice")[0].id


def _correction_routes() -> dict[str, Route]:
    return {
        "POST /documents/<id>/correct": Route(
            "POST",
            lambda w: f"/api/v1/documents/{_confirmation_notice(w.ctx)}/correct",
            {"reason": "保障金额录入有误"},
            allowed=("approver1",),
            ok=201,
        ),
    }


# --- 文书 (docs/documents-verify-and-download.md) -------------------------------------------------------------
def _document(ctx: Context) -> tuple[int, str]:
    """The 确认通知书 of an approved 低保 case of demo-village-1-1 (made on first use): its id and code."""
    from sqlalchemy import select

    from engine.persistence import IssuedDocument
    from tests.scenarios.approved import approved_application

    with ctx.db.read() as session:
        found = session.execute(select(IssuedDocument.id, IssuedDocument.code)).first()
    if found is None:
        approved_application(ctx)
        return _document(ctx)
    return found[0], found[1]


def _document_routes() -> dict[str, Route]:
    # Whoever may see the case reads its documents; the verify look-up is public (a token changes nothing).
    viewers = ("clerk1", *COUNTY_VIEWERS)
    return {
        "GET /cases/<number>/documents": Route(
            "GET", lambda w: f"/api/v1/cases/{w.case_number}/documents", allowed=viewers
        ),
        "GET /documents/<id>": Route("GET", lambda w: f"/api/v1/documents/{_document(w.ctx)[0]}", allowed=viewers),
        "GET /documents/verify/<code>": Route(
            "GET", lambda w: f"/api/v1/documents/verify/{_document(w.ctx)[1]}", refused=200, anonymous=200
        ),
    }


# --- the notification centre (docs/notification-centre.md) -------------------------------------------------
# Everyone signed in reads their own list; a notification of clerk1b (the other 城关镇 clerk, told of every
# new 受理 task) is "not found" for everybody else, so ids cannot be probed.


def _clerk1b_notification(ctx: Context) -> int:
    from engine.queries import notifications as centre

    reference_task(ctx)  # clerk1 registers: clerk1b is told of the new task
    return centre.list_notifications(ctx, "clerk1b", centre.NotificationQuery()).rows[0].id


def _notification_routes() -> dict[str, Route]:
    return {
        "GET /notifications": Route("GET", lambda w: "/api/v1/notifications?unread=true"),
        "POST /notifications/<id>/read": Route(
            "POST", lambda w: f"/api/v1/notifications/{_clerk1b_notification(w.ctx)}/read", allowed=(), refused=404
        ),
    }


# --- 催办 (docs/urge-and-copy.md): a township head in scope or the county; of PEOPLE only approver1 ---------
def _urging_routes() -> dict[str, Route]:
    return {
        "POST /tasks/<id>/urge": Route(
            "POST",
            lambda w: f"/api/v1/tasks/{w.fresh_task()}/urge",
            {"message": "请尽快办理"},
            allowed=COUNTY_STARTERS,  # the county approver; clerks, auditors and designers do not urge
        ),
    }


# --- 政策模拟测算 (docs/policy-simulation.md) -----------------------------------------------------------
def _designers_run(ctx: Context) -> int:
    """A queued run of designer1's (the whole default region), started through the service: never launched."""
    raise_it = [Override("dibao_standard_urban", "850", date(2027, 1, 1))]
    return simulation.start(ctx, "designer1", use_draft=False, overrides=raise_it)


def _simulation_routes() -> dict[str, Route]:
    return {
        # An empty proposal: the scope is checked first (403), then the proposal (422), so nothing is launched.
        "POST /simulations": Route(
            "POST",
            lambda w: "/api/v1/simulations",
            {"parameters": []},
            allowed=("approver1", "designer1", "designer_yantai"),
            ok=422,
        ),
        # A region-wide run: its designer only (a county user reads their county's runs, yantai its own).
        "GET /simulations/<id>": Route(
            "GET", lambda w: f"/api/v1/simulations/{_designers_run(w.ctx)}", allowed=("designer1",)
        ),
    }


# --- 发放名册 (docs/payments.md) ------------------------------------------------------------------------------
def _payroll_url(ctx: Context) -> str:
    """December 2026's draft of demo-county, generated by its county clerk (before the count)."""
    payroll.generate(ctx, "county1", "demo-county", "2026-12")
    return "/api/v1/payroll/demo-county/2026-12"


def _payroll_routes() -> dict[str, Route]:
    # The county's clerk, approver, auditors and administrators read it; township staff and designers do not.
    return {"GET /payroll/<county>/<month>": Route("GET", lambda w: _payroll_url(w.ctx), allowed=COUNTY_VIEWERS)}


# --- 一门受理 (docs/intake.md) ----------------------------------------------------------------------------
_INTAKE = {
    "channel": "window",
    "village": "demo-village-1-1",
    "person_name": "甲",
    "need": "咨询",
    "need_kind": "other",
}


def _intake_url(ctx: Context) -> str:
    from engine.services import intake

    return f"/api/v1/intake/{intake.register(ctx, 'clerk1', dict(_INTAKE)).detail.row.number}"


def _intake_routes() -> dict[str, Route]:
    # Registering: the village's township staff and county staff; reading: they and the county's auditors.
    return {
        "POST /intake": Route("POST", lambda w: "/api/v1/intake", _INTAKE, allowed=("clerk1", "approver1"), ok=201),
        "GET /intake/<number>": Route("GET", lambda w: _intake_url(w.ctx), allowed=("clerk1", "approver1", "auditor1")),
    }


# --- 转介 (docs/referrals.md): a department's staff answer (none of PEOPLE); township and county staff refer ---
def _yibao_referral(ctx: Context) -> str:
    """A referral of a fresh case of 城关镇 to 县医疗保障局, made by clerk1."""
    from engine.services import referrals

    number = _fresh_case(ctx)
    return referrals.refer_case(
        ctx, "clerk1", number, department="demo-dept-yibao", kind="medical", reason="测试"
    ).number


def _referral_routes() -> dict[str, Route]:
    refer = {"department": "demo-dept-yibao", "kind": "medical", "reason": "申请医疗救助"}
    return {
        "GET /referrals": Route(
            "GET", lambda w: "/api/v1/referrals?status=open", allowed=("clerk1", "clerk2", *COUNTY_VIEWERS)
        ),
        "POST /referrals/<number>/answer": Route(
            "POST",
            lambda w: f"/api/v1/referrals/{_yibao_referral(w.ctx)}/answer",
            {"answer": "handled", "text": "已办结"},
            allowed=(),
        ),
        "POST /cases/<number>/referrals": Route(
            "POST",
            lambda w: f"/api/v1/cases/{_fresh_case(w.ctx)}/referrals",
            refer,
            allowed=("clerk1", *COUNTY_STARTERS),
            ok=201,
        ),
    }


# --- 监测预警 (docs/alerts.md): the county's clerk and approver import; of PEOPLE only approver1 ------------
def _alert_routes() -> dict[str, Route]:
    alert = {
        "id_number": "11010519800101001" + check_character("11010519800101001"),
        "name": "王五",
        "indicator": "unemployment",
        "level": "red",
        "alerted_on": "2026-12-02",
    }
    body = {"batch_id": "MATRIX-1", "source": "人社局", "alerts": [alert]}
    return {"POST /alerts": Route("POST", lambda w: "/api/v1/alerts", body, allowed=COUNTY_STARTERS, ok=201)}
