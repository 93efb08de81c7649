"""Issue 18 part 1: 50 running 低保 applications at different steps of v1 migrate to a v2 that renames 初审
and adds 核对结果复核 (tests/scenarios/migration_flow.py); the dry-run table is checked case by case, then
the migration runs and a migrated case is driven to its end on v2 (docs/process-migration.md)."""

from __future__ import annotations

from pathlib import Path

from freezegun import freeze_time
from sqlalchemy import select

from engine import lookups
from engine.context import Context
from engine.persistence import ProcessInstance
from engine.queries import case_page
from engine.queries import notices as notice_board
from engine.records import audit
from engine.services import migration
from tests.scenarios.flow import Application
from tests.scenarios.migration_flow import STAGES, deploy_v2, park, verify

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
MIGRATED = "2026-11-25 01:00:00"  # two days into the 公示 of the cases parked in it
NOTICE_OVER = "2026-11-30 02:00:00"  # their 公示 is over (it would not be, had the migration restarted it)
SECOND_NOTICE_OVER = "2026-12-02 03:00:00"  # the 公示 begun after the migration is over
MAPPING = {"first_review": "township_review"}

# Stage → (steps before, steps after, kept, created, cancelled), as the dry run must report them.
EXPECTED = {
    "intake": (["intake_review"], ["intake_review"], ["intake_review"], [], []),
    "investigation": (["start_investigation"], ["start_investigation"], ["start_investigation"], [], []),
    "visit_and_check": (
        ["home_visit", "data_verification"],
        ["home_visit", "data_verification"],
        ["home_visit", "data_verification"],
        [],
        [],
    ),
    "check": (["data_verification"], ["data_verification"], ["data_verification"], [], []),
    # 初审 is kept: the same open task, now named 乡镇初审.
    "review": (["first_review"], ["township_review"], ["township_review"], [], []),
    # In 公示: nothing open, the wait goes on (its 7 days are not restarted).
    "notice": (["notice_wait"], ["notice_wait"], [], [], []),
}


def _names(steps: tuple[migration.Step, ...]) -> list[str]:
    return [s.name for s in steps]


def _version(ctx: Context, number: str) -> tuple[int, str]:
    with ctx.db.read() as session:
        case = lookups.get_case(session, number)
        instance = session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)).one()
        return instance.definition.version, instance.status


def test_fifty_cases_at_different_steps_migrate_from_v1_to_v2(ctx: Context, processes_dir: Path) -> None:
    parked: dict[str, tuple[str, Application]] = {}
    with freeze_time(START):
        for index in range(50):
            stage = STAGES[index % len(STAGES)]
            app = park(ctx, index, stage)
            parked[app.number] = (stage, app)
    timers_before = {n: _timer(ctx, n) for n, (s, _) in parked.items() if s == "notice"}
    with freeze_time(MIGRATED):
        v2 = deploy_v2(ctx, processes_dir)
        assert v2 == 2

        table = migration.dry_run(ctx, "designer1", "dibao_application", "default", v2, MAPPING)
        assert [(r.bpmn_id, r.title) for r in table.changes.added] == [("verification_review", "核对结果复核")]
        assert [(a.bpmn_id, b.bpmn_id) for a, b in table.changes.realigned] == [("first_review", "township_review")]
        assert len(table.rows) == 50
        assert table.movable == 50
        for row in table.rows:
            stage, _ = parked[row.number]
            before, after, kept, created, cancelled = EXPECTED[stage]
            assert sorted(_names(row.before)) == sorted(before), row.number
            assert sorted(_names(row.after)) == sorted(after), row.number
            assert sorted(_names(row.kept)) == sorted(kept), row.number
            assert (_names(row.created), _names(row.cancelled)) == (created, cancelled), row.number
            assert row.from_version == 1
            assert row.reason is None
            if stage == "review":
                assert [s.title for s in row.after] == ["乡镇初审"]
        # The dry run changed nothing.
        assert all(_version(ctx, n)[0] == 1 for n in parked)

        done = migration.execute(ctx, "designer1", "dibao_application", "default", v2, MAPPING)
        assert done.migrated == 50
        for number, (stage, app) in parked.items():
            assert _version(ctx, number)[0] == 2
            assert sorted(app.open_task_names()) == sorted(EXPECTED[stage][2]), number
            if stage == "review":
                assert [t.title for t in app.open_tasks()] == ["乡镇初审"]
            history = audit.case_history(ctx.db, _case_id(ctx, number))
            (event,) = [e for e in history if e.action == "instance_migrated"]
            assert (event.details["from_version"], event.details["to_version"]) == (1, 2)
            assert event.details["mapping"] == MAPPING
            assert event.actor_name == "designer1"
        review = next(n for n, (stage, _) in parked.items() if stage == "review")
        timeline = [e.text for e in case_page.case_page(ctx, review, "clerk1").timeline]
        assert "流程从第 1 版迁移到第 2 版；步骤对应：first_review → township_review" in timeline
        # The 公示 of the cases in it still ends 7 days after it began.
        assert {n: _timer(ctx, n) for n in timers_before} == timers_before
        # Nothing left on v1: a second run finds nothing to move, and says so.
        again = migration.dry_run(ctx, "designer1", "dibao_application", "default", v2, MAPPING)
        assert again.rows == []

        # A case parked before 信息核对 now goes through v2's new step, then 乡镇初审, 公示 and the decision.
        check = next(app for stage, app in parked.values() if stage == "check")
        verify(check, "data_verification")
        assert check.open_task_names() == ["verification_review"]
        verify(check, "verification_review")
        assert check.open_task_names() == ["township_review"]
        check.complete("township_review", check.users.head, {"decision": "approve", "opinion": "拟予保障"})
        assert notice_board.open_notices(ctx, "demo-village-1-1")
    with freeze_time(NOTICE_OVER):
        # The cases that were in 公示 during the migration end it on v2 on day 7 and reach the county.
        assert check.end_notice() == len(timers_before)
        noticed = [app for stage, app in parked.values() if stage == "notice"]
        assert all(app.open_task_names() == ["county_confirmation"] for app in noticed)
        assert check.open_task_names() == []
    with freeze_time(SECOND_NOTICE_OVER):
        check.end_notice()
        assert check.open_task_names() == ["county_confirmation"]
        check.confirm()
        assert check.view().status == "closed"
    assert audit.verify(ctx.db).ok


def _timer(ctx: Context, number: str) -> object:
    with ctx.db.read() as session:
        case = lookups.get_case(session, number)
        return session.scalars(select(ProcessInstance.next_timer_at).where(ProcessInstance.case_id == case.id)).one()


def _case_id(ctx: Context, number: str) -> int:
    with ctx.db.read() as session:
        return lookups.get_case(session, number).id
