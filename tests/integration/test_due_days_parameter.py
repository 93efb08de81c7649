"""A user task's time limit may name a region parameter (dueWorkingDays = "supplement_deadline_days"):
deploy validation checks that the parameter exists and holds whole day counts, and a task that opens takes
the value in force that day, so a dated change of the parameter reaches later tasks without a new BPMN."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from engine.domain.parameters import layered_parameters
from engine.workflow.bundle import directory_sources
from engine.workflow.catalog import CatalogResult, validate_sources
from engine.workflow.due_days import due_days
from engine.workflow.runtime import LoadedProcess
from forms import FORMS_DIR
from tests.conftest import CALENDAR_DIR

DEFAULT = Path(__file__).resolve().parents[2] / "processes" / "default"
REGISTER_LIMIT = '<spiffworkflow:property name="dueWorkingDays" value="3" />'
DATED_LIMIT = "\n[register_limit_days]\n2026-01-01 = 4\n2027-01-01 = 6\n"


def _validated(tmp_path: Path, limit: str, extra_parameters: str = DATED_LIMIT) -> CatalogResult:
    bundle = tmp_path / "default"
    shutil.copytree(DEFAULT, bundle)
    process = bundle / "reference_review.bpmn"
    text = process.read_text(encoding="utf-8")
    assert REGISTER_LIMIT in text
    process.write_text(text.replace(REGISTER_LIMIT, REGISTER_LIMIT.replace('"3"', f'"{limit}"')), encoding="utf-8")
    parameters = bundle / "parameters.toml"
    parameters.write_text(parameters.read_text(encoding="utf-8") + extra_parameters, encoding="utf-8")
    return validate_sources(directory_sources(bundle), FORMS_DIR)


def _register_due(result: CatalogResult, day: date) -> int | None:
    (bundle,) = [b for b in result.bundles if b.process_id == "reference_review"]
    process = LoadedProcess("reference_review", bundle.files, calendar_dir=CALENDAR_DIR, today=lambda: day)
    (task,) = process.start({}).ready_user_tasks()
    assert task.name == "register"
    return task.due_working_days


def test_a_task_takes_the_limit_in_force_the_day_it_opens(tmp_path: Path) -> None:
    result = _validated(tmp_path, "register_limit_days")
    assert result.problems == []
    assert _register_due(result, date(2026, 12, 31)) == 4
    assert _register_due(result, date(2027, 1, 1)) == 6


@pytest.mark.parametrize(
    ("limit", "extra", "message"),
    [
        ("no_such_days", DATED_LIMIT, "办理时限（dueWorkingDays）引用的参数“no_such_days”在本地区参数中不存在"),
        ("dibao_standard_urban", DATED_LIMIT, "引用的参数“dibao_standard_urban”不是 0–365 的整数天数"),
        ("register_limit_days", "\n[register_limit_days]\n2026-01-01 = 400\n", "不是 0–365 的整数天数"),
        ("五天", DATED_LIMIT, "办理时限（dueWorkingDays）必须是 0–365 的整数或参数名，而不是“五天”"),
        ("366", DATED_LIMIT, "办理时限（dueWorkingDays）不能超过 365 个工作日"),
    ],
)
def test_a_limit_that_is_not_a_day_count_is_refused_on_its_task(
    tmp_path: Path, limit: str, extra: str, message: str
) -> None:
    result = _validated(tmp_path, limit, extra)
    assert result.bundles == []
    assert [p.element for p in result.problems] == ["register"]
    assert message in result.problems[0].message


def test_due_days_reads_numbers_and_parameters() -> None:
    parameters = layered_parameters([("p.toml", DATED_LIMIT)])
    assert due_days("7", parameters, date(2026, 5, 1)) == 7
    assert due_days("register_limit_days", parameters, date(2026, 5, 1)) == 4
    assert due_days("register_limit_days", parameters, date(2025, 5, 1)) is None  # not yet in force
    assert due_days(None, parameters, date(2026, 5, 1)) is None
