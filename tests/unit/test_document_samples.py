"""The designer's sample context, document titles and the template line diff (engine.documents.samples,
engine.workflow.bundle_diff.documents)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.documents.fields import CONTEXT, AnyKeys, ListOf, Shape
from engine.documents.samples import SAMPLE_CODE, document_title, sample_context
from engine.documents.templates import render_html
from engine.workflow.bundle_diff import ADDED, CHANGED, REMOVED, diff_bundles

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "processes/default/documents").glob("*.html")}


def _keys(shape: Shape, value: Any, path: str = "") -> list[str]:
    """The declared keys missing from `value`."""
    if isinstance(shape, ListOf | AnyKeys) or not isinstance(shape, Mapping):
        return []
    missing = [f"{path}{k}" for k in shape if k not in value]
    return missing + [m for k in shape if k in value for m in _keys(shape[k], value[k], f"{path}{k}.")]


def test_the_sample_has_every_declared_field() -> None:
    context = sample_context("data:,")
    assert _keys(CONTEXT, context) == []
    assert context["doc"]["code"] == SAMPLE_CODE


def test_every_default_template_renders_against_the_sample() -> None:
    for name in TEMPLATES:
        if not name.startswith("_"):
            html = render_html(name, TEMPLATES, sample_context("data:,"))
            assert SAMPLE_CODE in html, name


def test_titles() -> None:
    assert document_title("confirmation_notice.html", TEMPLATES) == "最低生活保障确认通知书"
    plain = {"plain.html": "<html><head><title>简单 &amp; 文书</title></head></html>"}
    assert document_title("plain.html", plain) == "简单 & 文书"
    assert document_title("broken.html", {"broken.html": "{% if %}"}) == "broken"
    assert document_title("missing.html", {}) == "missing"


def test_template_changes_are_line_diffs() -> None:
    layout = TEMPLATES["_layout.html"]
    notice = TEMPLATES["confirmation_notice.html"]
    old = {"documents/_layout.html": layout, "documents/confirmation_notice.html": notice, "documents/gone.html": "x"}
    new = {
        "documents/_layout.html": layout,
        "documents/confirmation_notice.html": notice.replace("每月保障金", "每月发放保障金"),
        "documents/extra.html": "<title>新文书</title>\n<p>一</p>",
    }
    changes = {c.element: c for c in diff_bundles(old, new).changes if c.kind == "document"}
    assert set(changes) == {"confirmation_notice.html", "extra.html", "gone.html"}
    changed = changes["confirmation_notice.html"]
    assert changed.action == CHANGED
    assert changed.sentence.startswith("修改文书模板“最低生活保障确认通知书”")
    assert [m for m, _ in changed.lines].count("+") == 1
    assert any(m == "-" and "每月保障金" in line for m, line in changed.lines)
    assert changes["extra.html"].action == ADDED
    assert "新文书" in changes["extra.html"].sentence
    assert changes["gone.html"].action == REMOVED


def test_a_step_value_prints_in_the_sample() -> None:
    templates = {"t.html": "<p>{{ step.values.household_income_note }}|{{ steps[0].values.x }}</p>"}
    assert render_html("t.html", templates, sample_context("data:,")) == "<p>（样例）|（样例）</p>"
