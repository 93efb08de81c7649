"""The `prefill` task property (docs/step-data.md): how it reads, and what deploy refuses about it."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import file_sources
from engine.workflow.catalog import validate_sources
from engine.workflow.checks import PrefillSyntax, prefill_pairs

FORMS = PROJECT_ROOT / "forms" / "definitions"
SOURCE = PROJECT_ROOT / "processes" / "default" / "reference_review.bpmn"  # with its decision table
DUE = '<spiffworkflow:property name="dueWorkingDays" value="5" />'


def test_prefill_reads_fields_and_renamed_variables_in_order() -> None:
    assert prefill_pairs({"prefill": "investigators, notice_text = opinion ,"}) == [
        ("investigators", "investigators"),
        ("notice_text", "opinion"),
    ]
    assert prefill_pairs({}) == []
    with pytest.raises(PrefillSyntax):
        prefill_pairs({"prefill": "notice_text=opinion.text"})


def _problems(tmp_path: Path, prefill: str) -> list[tuple[str | None, str]]:
    text = SOURCE.read_text(encoding="utf-8")
    # township_review's first property line is its formKey; add the prefill after its due days.
    position = text.index('<bpmn:userTask id="township_review"')
    due = text.index(DUE, position)
    added = f'\n          <spiffworkflow:property name="prefill" value="{prefill}" />'
    text = text[:due] + DUE + added + text[due + len(DUE) :]
    path = tmp_path / "reference_review.bpmn"
    path.write_text(text, encoding="utf-8")
    table = PROJECT_ROOT / "processes" / "default" / "reference_approval_level.dmn"
    result = validate_sources(file_sources([path, table]), FORMS)
    return [(p.element, p.message) for p in result.problems]


def test_a_prefill_of_the_forms_own_fields_deploys(tmp_path: Path) -> None:
    assert _problems(tmp_path, "opinion=applicant_name") == []


def test_a_prefill_naming_a_field_the_form_lacks_is_refused_naming_the_task(tmp_path: Path) -> None:
    assert _problems(tmp_path, "opinion, amount=requested_amount") == [
        ("township_review", "prefill 中的字段 amount 不在表单 reference_review 中")
    ]


def test_a_prefill_that_does_not_parse_is_refused_in_chinese(tmp_path: Path) -> None:
    ((element, message),) = _problems(tmp_path, "opinion=a b")
    assert element == "township_review"
    assert message == "prefill 中的“opinion=a b”有误：应写作“字段”或“字段=流程变量”，以逗号分隔"
