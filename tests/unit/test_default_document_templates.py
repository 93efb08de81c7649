"""The default document templates (docs/documents-catalogue.md): they pass the deploy check, and a case
with nothing known yet renders as blanks to fill in, never "None"; member facts come out in words."""

from __future__ import annotations

import pytest

from engine.documents.fields import CONTEXT
from engine.documents.templates import render_html, template_problems
from engine.records.document_context import blank
from engine.records.document_facts import member_facts
from engine.settings import PROJECT_ROOT
from tests.scenarios.households import member

DOCUMENTS = PROJECT_ROOT / "processes" / "default" / "documents"
TEMPLATES = {path.name: path.read_text(encoding="utf-8") for path in DOCUMENTS.glob("*.html")}
ISSUED = sorted(name for name in TEMPLATES if not name.startswith("_"))


def test_every_fixed_name_has_a_template() -> None:
    expected = {
        "missing_materials_notice",
        "verification_consent",
        "home_visit_record",
        "democratic_review_record",
        "public_notice_sheet",
        "approval_form",
        "confirmation_notice",
        "rejection_notice",
        "gradual_exit_notice",
        "stop_benefit_notice",
        "temporary_approval_form",
        "termination_notice",
        "tekun_confirmation_notice",
        "tekun_rejection_notice",
    }
    assert {name.removesuffix(".html") for name in ISSUED} == expected


@pytest.mark.parametrize("name", ISSUED)
def test_template_passes_the_deploy_check(name: str) -> None:
    assert template_problems(name, TEMPLATES) == []


@pytest.mark.parametrize("name", ISSUED)
def test_nothing_known_renders_as_blanks(name: str) -> None:
    context = blank(CONTEXT)
    context["step"]["values"] = {"notice_text": None}  # the issuing step's required text, not yet written
    html = render_html(name, TEMPLATES, context)
    assert "None" not in html
    assert "<title>" in html


def test_member_facts_in_words() -> None:
    person = member("张三", "self", ("wage", "1500.00"), ("support", "200.00"), disability=(2, "physical"))
    person["id_number"] = "110105198001010016"
    facts = member_facts(person)
    assert facts["relation"] == "本人（申请人）"
    assert facts["health"] == "肢体残疾二级"
    assert facts["monthly_income"] == "1700.00"
    assert isinstance(facts["age"], int)
    assert facts["age"] >= 45
