"""The document template sandbox (engine/documents/templates.py, docs/documents.md#the-sandbox): what deploy
refuses, and what a render does with what deploy cannot see."""

from __future__ import annotations

import pytest
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError

from engine.documents.templates import money, render_html, template_problems, templates_used

LAYOUT = (
    "<html><head><title>{% block title %}{% endblock %}</title></head>"
    "<body>{% block body %}{% endblock %}</body></html>"
)


def _doc(body: str, title: str = "测试文书") -> dict[str, str]:
    return {
        "_layout.html": LAYOUT,
        "t.html": '{% extends "_layout.html" %}{% block title %}' + title + "{% endblock %}"
        "{% block body %}" + body + "{% endblock %}",
    }


def _problems(body: str, step_fields: frozenset[str] | None = None) -> list[str]:
    return template_problems("t.html", _doc(body), step_fields)


def test_a_template_reading_declared_fields_passes() -> None:
    body = (
        "{{ case.applicant }}{{ case.amount|money }}{% for m in household.members %}{{ loop.index }}"
        "{{ m.name }}{{ m.id_number_masked }}{% endfor %}{% for s in steps %}{{ s.title }}{{ s.values.opinion }}"
        "{% endfor %}{{ household.members[0].name }}{% set x = case.number %}{{ x }}{{ doc.code }}"
        '<img src="{{ doc.qr }}"><a href="#top">顶部</a>'
    )
    assert _problems(body) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{{ case.salary }}", "第 1 行读取了文书上下文中没有的字段 case.salary"),
        ("{{ secret }}", "第 1 行读取了文书上下文中没有的字段 secret"),
        ("{% for m in household.members %}{{ m.bank }}{% endfor %}", "字段 m.bank"),
        ("{{ case.__class__ }}", "字段 case.__class__"),
        ("{{ ().__class__ }}", "不允许的属性 __class__"),
        ("{{ 'abc'.upper }}", "不允许的属性 upper"),
        ("{{ range(10) }}", "不允许的函数调用"),
        ("{% macro m() %}x{% endmacro %}", "不允许的宏（macro）"),
        ('{% import "_layout.html" as l %}', "不允许的导入（import）"),
        ('{% include "missing.html" %}', "引用的模板 missing.html 不存在"),
        ("{% for m in household.members recursive %}{{ loop(m) }}{% endfor %}", "递归循环"),
        ('<img src="http://example.com/seal.png">', "引用了外部资源“http://example.com/seal.png”"),
        ('<link rel="stylesheet" href="file:///etc/passwd">', "引用了外部资源“file:///etc/passwd”"),
        ("<style>@import 'https://fonts.example/x.css';</style>", "引用了外部资源"),
        ("<style>body { background: url(//evil/x.png) }</style>", "引用了外部资源“//evil/x.png”"),
        ("{{ case.number", "语法错误"),
    ],
)
def test_deploy_refuses_what_the_sandbox_would_not_allow(body: str, message: str) -> None:
    problems = _problems(body)
    assert any(message in p for p in problems), problems
    assert all(p.startswith("文书模板 ") for p in problems)


def test_a_step_value_must_be_a_field_of_the_issuing_steps_form() -> None:
    assert _problems("{{ step.values.opinion }}", frozenset({"opinion"})) == []
    (problem,) = _problems("{{ step.values.bank_account }}", frozenset({"opinion"}))
    assert "step.values.bank_account 不是办理步骤表单中的字段" in problem
    assert _problems("{{ step.values.anything }}") == []  # an event has no form to check against


def test_the_layout_is_checked_with_the_document_that_extends_it() -> None:
    templates = _doc("x")
    templates["_layout.html"] = LAYOUT.replace("<body>", "<body>{{ password }}")
    (problem,) = template_problems("t.html", templates)
    assert problem == "文书模板 _layout.html：第 1 行读取了文书上下文中没有的字段 password"
    assert templates_used("t.html", templates) == {"t.html", "_layout.html"}


def test_an_extends_cycle_is_refused() -> None:
    templates = {"a.html": '{% extends "b.html" %}', "b.html": '{% extends "a.html" %}'}
    assert any("形成循环" in p for p in template_problems("a.html", templates))


def test_rendering_escapes_values_blanks_none_and_reads_only_keys() -> None:
    templates = _doc("[{{ case.applicant }}][{{ case.amount }}][{{ case.items }}]")
    html = render_html("t.html", templates, {"case": {"applicant": "<b>张三</b>", "amount": None, "items": "x"}})
    assert "[&lt;b&gt;张三&lt;/b&gt;][][x]" in html
    with pytest.raises(TemplateError):  # a dict's method is not a field
        render_html("t.html", _doc("{{ case.keys }}"), {"case": {}})


def test_a_huge_repetition_stops_the_render() -> None:
    with pytest.raises(SecurityError):
        render_html("t.html", _doc("{{ 'x' * 1000000 }}"), {})
    with pytest.raises(SecurityError):
        render_html("t.html", _doc("{{ 2 ** 8 }}"), {})
    assert "ababab" in render_html("t.html", _doc("{{ 'ab' * 3 }}"), {})


def test_an_index_past_the_end_is_an_error_at_render_not_a_crash() -> None:
    with pytest.raises(TemplateError):
        render_html("t.html", _doc("{{ household.members[3].name }}"), {"household": {"members": []}})


def test_money_prints_two_decimals_and_blank_for_nothing() -> None:
    assert (money("900"), money(12.5), money(None), money("")) == ("900.00", "12.50", "", "")
