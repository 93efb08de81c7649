"""A designer's upload is refused by name or reported, never a crash: nesting that breaks recursive
parsers, a draft form no task names yet, and a diagram from another engine (issue 23)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidData
from engine.persistence import DraftFile
from engine.services import designer
from tests.integration.test_drafts import PROJECT


@pytest.mark.parametrize(
    ("filename", "content", "words"),
    [
        ("household_copy.json", b"[" * 100_000, "嵌套过深"),
        ("parameters.toml", b"a = " + b"[" * 5_000, "嵌套过深"),
    ],
)
def test_deep_nesting_is_refused_at_upload(ctx: Context, filename: str, content: bytes, words: str) -> None:
    with pytest.raises(InvalidData) as error:
        designer.save_file(ctx, "designer1", "default", filename, content)
    assert words in error.value.message + "".join(m for ms in error.value.fields.values() for m in ms)
    with ctx.db.read() as session:
        assert session.scalars(select(DraftFile)).first() is None


def test_a_draft_form_no_task_names_is_still_checked(ctx: Context) -> None:
    designer.save_file(
        ctx, "designer1", "default", "spare_form.json", b'{"title": "", "type": "object", "properties": {}}'
    )
    report = designer.validate_draft(ctx, "designer1", "default")
    assert [(p.file, p.message) for p in report.problems] == [
        (f"{designer.DRAFT_ORIGIN}forms/definitions/spare_form.json", "缺少表单标题 title")
    ]


def test_a_camunda_diagram_is_reported_with_the_dialect_to_use(ctx: Context) -> None:
    bpmn = (PROJECT / "processes" / "default" / "reference_review.bpmn").read_text(encoding="utf-8")
    camunda = bpmn.replace(
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"',
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" xmlns:camunda="http://camunda.org/schema/1.0/bpmn"',
    ).replace(
        '<bpmn:userTask id="register" name="受理登记">',
        '<bpmn:userTask id="register" name="受理登记" camunda:assignee="clerk1">',
    )
    designer.save_file(ctx, "designer1", "default", "reference_review.bpmn", camunda.encode())
    report = designer.validate_draft(ctx, "designer1", "default")
    (problem,) = report.problems
    assert (problem.file, problem.element) == (f"{designer.DRAFT_ORIGIN}default/reference_review.bpmn", "register")
    assert problem.message.startswith("使用了 Camunda 方言的扩展 camunda:assignee：本系统使用 SpiffWorkflow 方言")
    assert problem.message.endswith("办理角色由任务所在泳道的名称决定（泳道名写角色标识或中文名称）")
