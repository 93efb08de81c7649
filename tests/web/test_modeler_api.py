"""The JSON of the modeler's properties panel (web/designer/modeler_api.py): the option lists a designer
picks from, the expression check as they type (deploy's sandbox rules, Chinese reasons), the region
scope (403 for another region's designer and for a clerk) and the CSRF header on the POST."""

from __future__ import annotations

import json
from typing import Any

import pytest
from werkzeug.test import TestResponse

from engine.context import Context
from engine.services import designer
from tests.web.conftest import Browser

OPTIONS = "/designer/modeler/{region}/options"
CHECK = "/designer/modeler/{region}/check-expression"


def _check(browser: Browser, body: object, *, region: str = "default", csrf: bool = True) -> TestResponse:
    headers = {"X-CSRFToken": browser.token()} if csrf else {}
    return browser.client.post(CHECK.format(region=region), json=body, headers=headers)


def _keys(rows: list[dict[str, str]]) -> dict[str, str]:
    return {row["key"]: row["label"] for row in rows}


def test_the_options_list_what_the_region_can_name(make_browser: Any) -> None:
    reply = make_browser("designer1").get(OPTIONS.format(region="default"))
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    body = reply.get_json()
    assert body["region"] == "default"
    forms = _keys(body["forms"])
    assert forms["dibao_first_review"] == "初审"
    assert "dibao_intake_review" in forms
    roles = _keys(body["roles"])
    assert roles["township_clerk"] == "乡镇经办人"
    assert "designer" not in roles  # no lane works as the designer, auditor or admin
    assert "admin" not in roles
    documents = _keys(body["documents"])
    assert "termination_notice" in documents
    assert not any(key.startswith("_") or key.endswith(".html") for key in documents)
    processes = _keys(body["processes"])
    assert {"dibao_application", "public_notice", "democratic_review"} <= set(processes)
    assert all(label for label in processes.values())
    decisions = _keys(body["decisions"])
    assert "temporary_approval_level" in decisions
    assert decisions["reference_approval_level"] == "确定审批层级"
    assert _keys(body["panels"])["applicant"] == "申请人"
    # A time limit may name a parameter of whole working days, offered by its Chinese name.
    assert _keys(body["parameters"])["temporary_paperwork_working_days"]
    assert "notice_days" not in _keys(body["parameters"])  # 公示天数 counts calendar days
    assert "reminder_days_before_due" not in _keys(body["parameters"])  # a reminder's offset, not a limit


def test_a_region_designer_sees_their_region_set(make_browser: Any) -> None:
    body = make_browser("designer_yantai").get(OPTIONS.format(region="yantai")).get_json()
    assert body["region"] == "yantai"
    assert "dibao_application" in _keys(body["processes"])  # inherited from default


@pytest.mark.parametrize(("who", "status"), [("designer_yantai", 403), ("clerk1", 403), ("auditor1", 403)])
def test_others_are_refused_with_a_chinese_message(make_browser: Any, who: str, status: int) -> None:
    browser = make_browser(who)
    reply = browser.get(OPTIONS.format(region="default"))
    assert reply.status_code == status
    checked = _check(browser, {"kind": "condition", "text": "True"})
    assert checked.status_code == status
    assert checked.get_json()["ok"] is False
    assert "无权" in checked.get_json()["message"]


def test_a_visitor_is_sent_to_the_login_page(make_browser: Any) -> None:
    reply = make_browser(None).get(OPTIONS.format(region="default"))
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/login")


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("condition", "decision == 'approve'"),
        ("condition", "per_capita_income < param('dibao_standard') and not objections"),
        ("timer", 'f"P{notice_days}D"'),
        ("timer", "notice_ends_at"),
    ],
)
def test_a_good_expression_passes(make_browser: Any, kind: str, text: str) -> None:
    reply = _check(make_browser("designer1"), {"kind": kind, "text": text})
    assert reply.status_code == 200
    assert reply.get_json() == {"ok": True, "message": reply.get_json()["message"]}
    assert "可以通过部署校验" in reply.get_json()["message"]


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("condition", "__import__('os').system('id')", "顺序流条件无法在沙箱中编译：不允许使用 __import__"),
        ("condition", "open('/etc/passwd').read()", "顺序流条件无法在沙箱中编译：不允许调用 open"),
        ("condition", "decision.__class__", "不允许访问以下划线开头的名称或属性：__class__"),
        ("condition", "decision ==", "顺序流条件无法在沙箱中编译：语法错误"),
        ("timer", "", "定时器表达式不能为空"),
        ("timer", "x" * 2001, "定时器表达式过长（最多 2000 个字符）"),
    ],
)
def test_a_bad_expression_is_named_in_chinese(make_browser: Any, kind: str, text: str, message: str) -> None:
    reply = _check(make_browser("designer1"), {"kind": kind, "text": text})
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["ok"] is False
    assert message in body["message"]


@pytest.mark.parametrize(
    "body",
    [{"kind": "script", "text": "1"}, {"kind": "condition", "text": 5}, ["condition", "1"], "x"],
)
def test_a_malformed_request_is_422(make_browser: Any, body: object) -> None:
    reply = _check(make_browser("designer1"), body)
    assert reply.status_code == 422
    assert reply.get_json()["ok"] is False


def test_the_check_needs_the_csrf_header(make_browser: Any) -> None:
    reply = _check(make_browser("designer1"), {"kind": "condition", "text": "True"}, csrf=False)
    assert reply.status_code == 400


def test_the_options_follow_the_designers_drafts(ctx: Context, make_browser: Any) -> None:
    """A draft form definition offers its new title; a draft process file offers its process."""
    form = json.loads((ctx.settings.forms_dir / "dibao_first_review.json").read_text(encoding="utf-8"))
    form["title"] = "初审（草稿标题）"
    designer.save_file(ctx, "designer1", "default", "dibao_first_review.json", json.dumps(form).encode())
    bpmn = (ctx.settings.processes_dir / "default" / "public_notice.bpmn").read_text(encoding="utf-8")
    renamed = bpmn.replace('id="public_notice"', 'id="public_notice_copy"')
    designer.save_file(ctx, "designer1", "default", "public_notice_copy.bpmn", renamed.encode())
    body = make_browser("designer1").get(OPTIONS.format(region="default")).get_json()
    assert _keys(body["forms"])["dibao_first_review"] == "初审（草稿标题）"
    assert "public_notice_copy" in _keys(body["processes"])
