"""Issuing in the step's transaction (engine/records/documents.py, docs/documents.md#issuing): what deploy
refuses about declarations, and a document that cannot be rendered failing its step with nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engine.errors import BundleInvalid, WorkflowFailed
from engine.persistence import IssuedDocument, ProcessInstance
from engine.records.documents import DocumentFailed
from tests.conftest import MakeContext
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"
_FORM_LINE = '<spiffworkflow:property name="formKey" value="dibao_intake_review" />'


def _declare_on_intake_review(processes_dir: Path, documents: str, template: str | None) -> None:
    bpmn = processes_dir / "default" / "dibao_application.bpmn"
    text = bpmn.read_text(encoding="utf-8")
    assert _FORM_LINE in text
    declaration = f'{_FORM_LINE}\n          <spiffworkflow:property name="documents" value="{documents}" />'
    bpmn.write_text(text.replace(_FORM_LINE, declaration, 1), encoding="utf-8")
    if template is not None:
        (processes_dir / "default" / "documents" / f"{documents}.html").write_text(template, encoding="utf-8")


def test_a_declared_document_without_a_template_is_refused_naming_the_element(
    processes_dir: Path, make_context: MakeContext
) -> None:
    _declare_on_intake_review(processes_dir, "receipt", None)
    with pytest.raises(BundleInvalid) as refused:
        make_context()
    messages = [(p.element, p.message) for p in refused.value.problems]
    assert ("intake_review", "“受理审查”出具的文书 receipt 没有模板（documents/receipt.html）") in messages


def test_a_template_reading_an_unknown_form_value_is_refused_naming_the_file(
    processes_dir: Path, make_context: MakeContext
) -> None:
    template = (
        '{% extends "_layout.html" %}{% block title %}回执{% endblock %}'
        "{% block body %}{{ step.values.salary }}{% endblock %}"
    )
    _declare_on_intake_review(processes_dir, "receipt", template)
    with pytest.raises(BundleInvalid) as refused:
        make_context()
    problems = [(p.file, p.message) for p in refused.value.problems]
    assert (
        "default/documents/receipt.html",
        "文书模板 receipt.html：第 1 行读取的 step.values.salary 不是办理步骤表单中的字段",
    ) in problems


@freeze_time(START)
def test_a_document_that_cannot_be_rendered_fails_its_step_and_changes_nothing(
    processes_dir: Path, make_context: MakeContext, tmp_path: Path
) -> None:
    # Passes deploy (an item of a declared list), fails at render: the household has one member.
    template = (
        '{% extends "_layout.html" %}{% block title %}回执{% endblock %}'
        "{% block body %}{{ household.members[9].name }}{% endblock %}"
    )
    _declare_on_intake_review(processes_dir, "receipt", template)
    ctx = make_context()
    app = Application(ctx, household(member("张三", "self", ("wage", "500.00")))).start()
    with pytest.raises(DocumentFailed, match=r"文书模板 receipt\.html 无法生成") as failed:
        app.accept()
    assert isinstance(failed.value, WorkflowFailed)
    assert failed.value.element == "intake_review"
    assert app.open_task_names() == ["intake_review"]  # the step did not complete
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(IssuedDocument)) == 0
        statuses = list(session.scalars(select(ProcessInstance.status)))
    assert statuses == ["running"]  # not parked in error: the clerk may try again
    assert not any((tmp_path / "documents").rglob("*"))
