"""A hostile regional draft fails its own instance and nothing else (issue 11).

Each draft in tests/data/bundles/hostile_* passes deploy-time validation (but for the BaseException
route, which validation now refuses) and does one thing that used to take the system down: leave a
value no serializer stores, compute a modular power for 21 seconds, pad a string to 3 GB, compare
two 10¹⁰-element structures in one C call, allocate a gigabyte in a comprehension. It runs as the
yantai region's override of the reference process, beside a default-region case. Expected: the
yantai instance is parked in `error` with a Chinese message naming the step, the default region's
timer fires in the same sweep, the sweep is not retried in a loop, and the audit chain is intact.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine import lookups
from engine.context import Context
from engine.errors import WorkflowFailed
from engine.persistence import AuditEvent
from engine.queries import case_view
from engine.queries import notices as notice_board
from engine.records import audit
from engine.services import cases, tasks, timers
from engine.services import worker as worker_loop
from engine.settings import PROJECT_ROOT
from engine.workflow.bundle import directory_sources
from engine.workflow.catalog import validate_sources
from tests.conftest import BUNDLES, MakeContext, add_fixture_process
from tests.scenarios.flow import Application, Users
from web import create_app

START = "2026-11-23 01:00:00"
NOTICE_OVER = "2026-12-01 01:00:00"
REGISTER = {"applicant_name": "王五", "household_size": 1, "requested_amount": "100"}
STEP_TIMEOUT = 3.0  # seconds an engine step may run in these tests before its child is killed

# hostile DMN (runs after the notice timer) -> words the yantai instance's error message must contain
AFTER_THE_TIMER = {
    "hostile_unstorable": ("decide_level", "range"),
    "hostile_modpow": ("decide_level", "模乘方的结果过大"),
    "hostile_padding": ("decide_level", "填充对齐的结果过大"),
    "hostile_memory": (None, "内存"),
    "hostile_slow_compare": (None, f"超过 {STEP_TIMEOUT:g} 秒"),
}


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _two_regions_waiting(ctx: Context) -> dict[str, str]:
    """A yantai case (the hostile override) and a default-region case, both in their 公示 period."""
    numbers = {}
    with freeze_time(START):
        for clerk, village in (("clerk_yantai", "yantai-village"), ("clerk1", "demo-village-1-1")):
            numbers[clerk] = cases.start_case(ctx, "reference_review", clerk, {"village": village}).number
            (task,) = tasks.list_tasks(ctx, clerk)
            tasks.complete(ctx, task.id, clerk, REGISTER)
    return numbers


def _workflow_errors(ctx: Context, number: str) -> list[dict[str, object]]:
    with ctx.db.read() as session:
        case_id = lookups.get_case(session, number).id
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.action == "workflow_error")
        )
        return [dict(e.details) for e in events]


@pytest.mark.parametrize("name", sorted(AFTER_THE_TIMER))
def test_a_hostile_draft_after_the_timer_fails_alone_and_other_regions_fire(
    make_context: MakeContext, processes_dir: Path, name: str
) -> None:
    add_fixture_process(processes_dir, name, region="yantai")
    # Generous CPU and wall-clock limits, so that the memory cap (not a time limit) stops the memory hog
    # even on a loaded machine; only the unguarded C call is meant to meet the step timeout.
    timeout = STEP_TIMEOUT if name == "hostile_slow_compare" else 60.0
    ctx = make_context(engine_timeout=timeout, script_budget=5.0)
    numbers = _two_regions_waiting(ctx)
    memory_before = _rss_mb()
    with freeze_time(NOTICE_OVER):
        started = time.monotonic()
        assert timers.tick(ctx) == 2
        elapsed = time.monotonic() - started
        assert timers.tick(ctx) == 0  # parked, not met again
    assert elapsed < timeout + 8
    assert _rss_mb() - memory_before < 200  # whatever the child allocated stayed in the child

    element, words = AFTER_THE_TIMER[name]
    hostile = case_view.show_case(ctx, numbers["clerk_yantai"])
    assert hostile.instance_status == "error"
    assert hostile.next_timer_at is None
    assert words in (hostile.error_message or ""), hostile.error_message
    if element is not None:
        assert element in (hostile.error_message or "")
    assert [e["message"] for e in _workflow_errors(ctx, numbers["clerk_yantai"])] == [hostile.error_message]

    healthy = case_view.show_case(ctx, numbers["clerk1"])
    assert healthy.instance_status == "running"
    assert [t.task_name for t in healthy.tasks if t.state == "open"] == ["township_review"]
    # The engine host recovered from whatever the child went through: the next step works.
    (review,) = tasks.list_tasks(ctx, "clerk1")
    done = tasks.complete(ctx, review.id, "clerk1", {"decision": "approve", "opinion": "同意"})
    assert done.case_status == "closed"
    assert audit.verify(ctx.db).ok


def test_the_base_exception_route_is_refused_at_deploy() -> None:
    # approval_level == "county" and (x for x in []).throw(Exception.mro()[1]("x")): Exception.mro()[1]
    # is BaseException, which passed Spiff's `except Exception` and ended the timer thread.
    result = validate_sources(
        directory_sources(BUNDLES / "hostile_base_exception"), PROJECT_ROOT / "forms" / "definitions"
    )
    assert not result.ok
    (problem,) = [p for p in result.problems if p.element == "flow_level_gateway_to_county_review"]
    assert "mro" in problem.message
    assert "throw" in problem.message


def test_a_script_that_leaves_unstorable_data_fails_its_step_naming_the_variable(
    make_context: MakeContext, processes_dir: Path
) -> None:
    add_fixture_process(processes_dir, "hostile_script_unstorable", region="yantai")
    ctx = make_context()
    number = cases.start_case(ctx, "reference_review", "clerk_yantai", {"village": "yantai-village"}).number
    (task,) = tasks.list_tasks(ctx, "clerk_yantai")
    with pytest.raises(WorkflowFailed) as failed:
        tasks.complete(ctx, task.id, "clerk_yantai", REGISTER)
    assert failed.value.element == "prepare_notice"
    assert "leftover.ok[2]" in failed.value.message
    assert "集合" in failed.value.message
    view = case_view.show_case(ctx, number)
    assert view.instance_status == "error"
    assert [t.state for t in view.tasks] == ["open"]  # the completion was rolled back
    assert audit.verify(ctx.db).ok


def test_the_worker_thread_survives_a_hostile_instance(make_context: MakeContext, processes_dir: Path) -> None:
    add_fixture_process(processes_dir, "hostile_memory", region="yantai")
    ctx = make_context(engine_timeout=60.0, script_budget=5.0)
    numbers = _two_regions_waiting(ctx)
    with freeze_time(NOTICE_OVER):
        stop = threading.Event()
        worker = threading.Thread(target=worker_loop.run_worker, args=(ctx, stop, 0.01))
        worker.start()
        try:
            for _ in range(2000):  # wait for the worker's sweep (bounded), not for the clock
                if case_view.show_case(ctx, numbers["clerk_yantai"]).instance_status == "error":
                    break
                stop.wait(0.01)
            assert worker.is_alive()
        finally:
            stop.set()
            worker.join(timeout=10)
    assert case_view.show_case(ctx, numbers["clerk_yantai"]).instance_status == "error"
    assert case_view.show_case(ctx, numbers["clerk1"]).tasks[-1].task_name == "township_review"


def test_the_public_board_shows_what_the_engine_derives_not_what_a_script_says(
    make_context: MakeContext, processes_dir: Path
) -> None:
    # The yantai override sets proposed_amount to the applicant's birth date out of the ID number, the
    # persons to 42 and the covered "member" to the ID number itself, then goes on to the 公示.
    add_fixture_process(processes_dir, "hostile_public_leak", region="yantai")
    ctx = make_context()
    household = {
        "registered_type": "urban",
        "existing_recipient": False,
        "poverty_alleviation_registered": False,
        "assets_pass": True,
        "last_year_total_income": "18000.00",
        "members": [
            _member("张三", "self", "110105198001010112", [{"kind": "wage", "monthly_amount": "1500.00"}]),
            _member("李四", "spouse", "110105198203150228", []),
            _member("张小明", "child", "110105201006200315", []),
        ],
        "rigid_expenses": [],
    }
    with freeze_time(START):
        app = Application(ctx, household, Users.of_region("yantai")).start()
        app.accept().investigate().first_review()
        (notice,) = notice_board.open_notices(ctx, "yantai-village")
    # n = 3, p = 1,500 / 3 = 500 < 800: (800 − 500) × 3 = 900.00 for 3 people, under the applicant's name.
    assert (notice.masked_name, notice.persons, notice.proposed_amount) == ("张*", 3, "900.00")
    page = create_app(ctx, {"TESTING": True}).test_client().get("/public/notices/yantai-village").get_data(as_text=True)
    assert "19800101" not in page
    assert "42" not in page


def _member(name: str, relation: str, id_number: str, incomes: list[dict[str, str]]) -> dict[str, object]:
    return {
        "name": name,
        "id_number": id_number,
        "relation": relation,
        "disability": None,
        "major_illness": False,
        "self_paid_medical_last_year": "0.00",
        "employment": {"status": "employed" if incomes else "none", "started": "2024-03-01" if incomes else None},
        "incomes": incomes,
    }
