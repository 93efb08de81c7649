"""A task whose form has a list of members, each with a list of incomes, through the web: 添加 / 删除
items without JavaScript, errors at nested fields with the values kept, and the data stored."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent
from engine.services import cases, tasks
from engine.settings import PROJECT_ROOT
from tests.conftest import MakeContext
from tests.web.conftest import Browser, make_app

NESTED_FORM = {
    "title": "受理登记（含家庭成员）",
    "type": "object",
    "required": ["applicant_name", "household_size", "requested_amount", "members"],
    "properties": {
        "applicant_name": {"type": "string", "title": "申请人姓名", "minLength": 1},
        "household_size": {"type": "integer", "title": "家庭人口", "minimum": 1},
        "requested_amount": {"type": "string", "format": "money", "title": "申请金额（元）"},
        "members": {
            "type": "array",
            "title": "家庭成员",
            "minItems": 1,
            "items": {
                "type": "object",
                "title": "家庭成员",
                "required": ["name", "id_number"],
                "properties": {
                    "name": {"type": "string", "title": "姓名", "minLength": 1},
                    "id_number": {"type": "string", "format": "id_number", "title": "身份证号"},
                    "incomes": {
                        "type": "array",
                        "title": "月收入",
                        "items": {
                            "type": "object",
                            "title": "收入",
                            "required": ["monthly_amount"],
                            "properties": {
                                "monthly_amount": {"type": "string", "format": "money", "title": "月均金额（元）"}
                            },
                        },
                    },
                },
                "x-order": ["name", "id_number", "incomes"],
            },
        },
    },
    "x-order": ["applicant_name", "household_size", "requested_amount", "members"],
}
ID_1, ID_2 = "110101199003074514", "110101198506151230"


@pytest.fixture
def nested_ctx(make_context: MakeContext, processes_dir: Path, tmp_path: Path) -> Context:
    """The reference process once more as `nested_check`, its 受理登记 using the form above."""
    forms_dir = tmp_path / "forms"
    shutil.copytree(PROJECT_ROOT / "forms" / "definitions", forms_dir)
    (forms_dir / "nested_register.json").write_text(json.dumps(NESTED_FORM, ensure_ascii=False), encoding="utf-8")
    bpmn = (processes_dir / "default" / "reference_review.bpmn").read_text(encoding="utf-8")
    bpmn = (
        bpmn.replace('id="reference_review"', 'id="nested_check"')
        .replace('processRef="reference_review"', 'processRef="nested_check"')
        .replace('value="reference_register"', 'value="nested_register"')
    )
    (processes_dir / "default" / "nested_check.bpmn").write_text(bpmn, encoding="utf-8")
    return make_context(forms_dir=forms_dir)


def _names(html: str) -> list[str]:
    """The names a browser posts: not those of the blank items in <template>s (forms.js clones them)."""
    innermost = re.compile(r"<template\b(?:(?!<template\b).)*?</template>", re.DOTALL)
    posted, before = html, ""
    while posted != before:  # nested templates: the innermost first
        before, posted = posted, innermost.sub("", posted)
    return re.findall(r'name="(f\.members[^"]*)"', posted)


def test_members_are_added_removed_validated_and_stored(nested_ctx: Context) -> None:
    cases.start_case(nested_ctx, "nested_check", "clerk1", {"village": "demo-village-1-1"})
    (task,) = tasks.list_tasks(nested_ctx, "clerk1")
    browser = Browser(make_app(nested_ctx).test_client())
    browser.login("clerk1")
    url = f"/tasks/{task.id}/complete"
    first = browser.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert _names(first) == ["f.members._n", "f.members.0.name", "f.members.0.id_number", "f.members.0.incomes._n"]

    base = {"f.applicant_name": "张三", "f.household_size": "2", "f.requested_amount": "900", "f.members._n": "1"}
    one = {**base, "f.members.0.name": "张三", "f.members.0.id_number": ID_1, "f.members.0.incomes._n": "0"}
    added = browser.post(url, {**one, "_op": "add:members"})
    assert added.status_code == 200
    html = added.get_data(as_text=True)
    assert 'name="f.members._n" value="2"' in html
    assert 'name="f.members.1.name"' in html
    assert 'value="张三"' in html
    assert f'value="{ID_1}"' in html

    two = {
        **one,
        "f.members._n": "2",
        "f.members.1.name": "",
        "f.members.1.id_number": "",
        "f.members.1.incomes._n": "0",
    }
    with_income = browser.post(url, {**two, "_op": "add:members.1.incomes"}).get_data(as_text=True)
    assert 'name="f.members.1.incomes.0.monthly_amount"' in with_income

    refused = browser.post(url, {**two, "f.members.1.incomes._n": "1", "f.members.1.incomes.0.monthly_amount": "x"})
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "家庭成员第 2 项·姓名：必填" in html
    assert 'name="f.members.1.incomes.0.monthly_amount" value="x"' in html
    assert "家庭成员第 2 项·月收入第 1 项·月均金额（元）" in html

    removed = browser.post(url, {**two, "_op": "remove:members.1"}).get_data(as_text=True)
    assert 'name="f.members._n" value="1"' in removed
    assert "f.members.1.name" not in removed

    second = {"f.members.1.name": "李四", "f.members.1.id_number": ID_2, "f.members.1.incomes._n": "1"}
    done = browser.post(url, {**two, **second, "f.members.1.incomes.0.monthly_amount": "1500"})
    assert done.status_code == 302
    with nested_ctx.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "task_completed")).one()
    members = event.details["changes"]["members"]["after"]
    assert [m["name"] for m in members] == ["张三", "李四"]
    assert members[1]["incomes"] == [{"monthly_amount": "1500.00"}]
