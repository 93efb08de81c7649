"""A document's title, and the sample context a designer previews a template against (docs/documents-for-designers.md).

The sample fills every field of engine.documents.fields.CONTEXT with a plausible made-up value, so a
template shows its whole layout; nothing in it comes from a real case, and its verification code
(``SAMPLE_CODE``) is not one any document could have. ``mark_preview`` stamps a preview's HTML on every
page, so a printed preview cannot pass for an issued document.
"""

from __future__ import annotations

import html as html_text
import re
from collections.abc import Iterator, Mapping
from typing import Any

from jinja2 import TemplateError

from engine.documents.fields import CONTEXT, AnyKeys, ListOf, Shape
from engine.documents.templates import DocumentSandbox, html_title, render_html

SAMPLE_CODE = "样例-0000-0000"  # not of the alphabet engine.domain.document_codes draws from
SAMPLE_MARK = "样例 · 预览，非正式文书，不可核验"
CASE_MARK = "预览 · 非正式文书，不可核验"
_BODY_END = re.compile(r"</body\s*>", re.IGNORECASE)

_SAMPLE_STEP: dict[str, Any] = {
    "step": "county_confirmation",
    "title": "审核确认",
    "decision": "approve",
    "decision_label": "同意",
    "opinion": "经审核，符合最低生活保障条件，同意。",
    "signer": "王样例",
    "role_label": "县级审批人",
    "unit": "样例县民政局",
    "date": "2027年3月1日",
    "values": {},
}
_SAMPLE_MEMBER: dict[str, Any] = {
    "name": "张样例",
    "relation": "本人",
    "id_number_masked": "110105********0000",
    "age": 45,
    "health": "健康",
    "work": "灵活就业",
    "monthly_income": "1500.00",
}
_SAMPLE: dict[str, Any] = {
    "doc": {
        "title": "样例文书",
        "code": SAMPLE_CODE,
        "version": 1,
        "issued_on": "2027年3月1日",
        "verify_url": "（样例，无核验网址）",
        "replaces_code": None,
        "correction_reason": None,
    },
    "issuer": {
        "unit": "样例县民政局",
        "county": "样例县民政局",
        "township": "样例镇人民政府",
        "village": "样例村民委员会",
        "address": "样例县人民路 1 号",
        "telephone": "0000-0000000",
    },
    "case": {
        "number": "样例-2027-0001",
        "process_title": "最低生活保障申请",
        "region_label": "样例地区",
        "county": "样例县",
        "township": "样例镇",
        "village": "样例村",
        "applicant": "张样例",
        "applicant_masked": "张**",
        "id_number_masked": "110105********0000",
        "address": "样例镇样例村 1 组 1 号",
        "registered_on": "2027年1月5日",
        "decided_on": "2027年3月1日",
        "outcome_label": "批准",
        "amount": "630.00",
        "start_month": "2027年3月",
        "persons": 2,
        "termination_reason": "申请人撤回申请",
        "terminated_on": "2027年2月1日",
    },
    "household": {
        "members": [_SAMPLE_MEMBER, {**_SAMPLE_MEMBER, "name": "李样例", "relation": "配偶", "monthly_income": "0.00"}],
        "persons": 2,
        "monthly_income": "1500.00",
        "per_capita_income": "750.00",
    },
    "assessment": {
        "standard": "1065.00",
        "per_capita_income": "750.00",
        "amount": "630.00",
        "eligible_label": "符合",
        "reasons": ["家庭月人均收入高于当地保障标准（样例）"],
    },
    "step": _SAMPLE_STEP,
    "steps": [{**_SAMPLE_STEP, "step": "first_review", "title": "初审", "role_label": "乡镇经办人"}, _SAMPLE_STEP],
    "notice": {
        "starts_on": "2027年2月1日",
        "ends_on": "2027年2月7日",
        "days": 7,
        "address": "样例村村务公开栏",
        "telephone": "0000-0000000",
    },
    "legal": {
        "reconsideration_days": 60,
        "litigation_months": 6,
        "reconsideration_body": "样例县人民政府",
        "court": "样例县人民法院",
    },
    "data": {
        "missing_materials": ["户口簿复印件（样例）", "收入证明（样例）"],
        "supplement_deadline": "2027年1月20日",
        "approval_level_label": "县级审批",
        "advance_amount": "500.00",
        "advance_on": "2027年1月6日",
        "review_panel": [{"name": "赵样例", "vote_label": "同意"}, {"name": "钱样例", "vote_label": "同意"}],
        "review_recused": ["孙样例"],
        "review_votes_for": 5,
        "review_votes_against": 0,
        "exit_months": 3,
        "stop_reason": "家庭月人均收入已高于保障标准（样例）",
    },
}


class PreviewValues(Mapping[str, Any]):
    """A step's form values in a preview: which step issues the document is not known there, so any
    field a template reads (deploy checks it against the issuing step's form) has a value, `filler`
    where the known values have none."""

    def __init__(self, known: Mapping[str, Any], filler: str) -> None:
        self._known, self._filler = dict(known), filler

    def __getitem__(self, key: str) -> Any:
        return self._known.get(key, self._filler)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str)

    def __iter__(self) -> Iterator[str]:
        return iter(self._known)

    def __len__(self) -> int:
        return len(self._known)


def preview_steps(context: dict[str, Any], filler: str) -> None:
    """Every step's values in `context` made PreviewValues, so `step.values.<field>` prints in a preview."""
    for step in [context["step"], *context["steps"]]:
        step["values"] = PreviewValues(step.get("values") or {}, filler)


def _shaped(shape: Shape, sample: Any) -> Any:
    """The sample cut to `shape`: every declared key present (a field added later prints as blank)."""
    if isinstance(shape, ListOf):  # each item cut to the item's shape too
        return [_shaped(shape.item, item) for item in sample] if isinstance(sample, list) else []
    if isinstance(shape, AnyKeys):
        return dict(sample) if isinstance(sample, Mapping) else {}
    if isinstance(shape, Mapping):
        given = sample if isinstance(sample, Mapping) else {}
        return {key: _shaped(inner, given.get(key)) for key, inner in shape.items()}
    return sample


def sample_context(qr: str) -> dict[str, Any]:
    """The whole document context with sample values; `qr` is the QR image to print (a data: URI)."""
    context: dict[str, Any] = _shaped(CONTEXT, _SAMPLE)
    context["doc"]["qr"] = qr
    preview_steps(context, "（样例）")
    return context


def document_title(file: str, templates: Mapping[str, str]) -> str:
    """The document's title as it prints (its <title>), from its ``title`` block when it has one, else
    the <title> of the sample render; the file name without ".html" when neither gives one."""
    fallback = file.removesuffix(".html")
    if file not in templates:
        return fallback
    try:
        template = DocumentSandbox(templates).get_template(file)
        block = template.blocks.get("title")
        if block is not None:
            title = html_text.unescape("".join(block(template.new_context(sample_context(""))))).strip()
        else:
            title = html_title(render_html(file, templates, sample_context("")))
    except (TemplateError, TypeError, ValueError, ArithmeticError):
        return fallback
    return title or fallback


def mark_preview(html: str, mark: str) -> str:
    """The rendered HTML with `mark` across every page (a fixed element repeats on each printed page)."""
    text = html_text.escape(mark)
    stamp = (
        '<div style="position: fixed; top: 40%; left: 0; right: 0; text-align: center; font-size: 36pt; '
        f'color: rgba(200, 0, 0, 0.25); transform: rotate(-30deg); z-index: 1000;">{text}</div>'
        f'<div style="position: fixed; top: -1.5cm; left: 0; font-size: 9pt; color: #c00;">{text}</div>'
    )
    if _BODY_END.search(html):
        return _BODY_END.sub(lambda _: stamp + "</body>", html, count=1)
    return html + stamp
