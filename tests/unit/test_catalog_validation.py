"""Validation of hand-written diagrams the corpus of issue 23 broke: embedded sub-processes."""

from __future__ import annotations

from pathlib import Path

from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import file_sources
from engine.workflow.catalog import validate_sources

FORMS = PROJECT_ROOT / "forms" / "definitions"
DATA = Path(__file__).parent.parent / "data" / "validation"


def test_embedded_subprocess_is_validated_not_crashed_on_and_its_tasks_are_checked() -> None:
    # Parsing a process registers its sub-process as a process of its own; iterating the parser's
    # dict while that happened raised "dictionary changed size during iteration".
    result = validate_sources(file_sources([DATA / "embedded_import.bpmn"]), FORMS)
    assert [(p.element, p.line, p.message) for p in result.problems] == [
        ("bad", 10, "脚本无法在沙箱中编译：不允许使用 import 语句")
    ]
