"""Migration refusals (docs/process-migration.md): bad input refuses the whole request and changes
nothing; a case that cannot move (a step it met was removed, it changed since the dry run) is refused
on its own and stays on its old version while the others migrate."""

from __future__ import annotations

from pathlib import Path

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine import lookups
from engine.context import Context
from engine.errors import InvalidData, NotFound, PermissionDenied
from engine.persistence import HumanTask, ProcessInstance
from engine.services import migration
from tests.scenarios.flow import Application
from tests.scenarios.migration_flow import deploy_text, park, without_home_visit

P, R = "dibao_application", "default"


def _state(ctx: Context, number: str) -> tuple[int, int, list[tuple[str, str]]]:
    """The case's version, instance lock version and open tasks (name, state)."""
    with ctx.db.read() as session:
        case = lookups.get_case(session, number)
        instance = session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)).one()
        tasks = session.scalars(select(HumanTask).where(HumanTask.case_id == case.id).order_by(HumanTask.id))
        return instance.definition.version, instance.lock_version, [(t.task_name, t.state) for t in tasks]


@pytest.fixture
def parked(ctx: Context, processes_dir: Path) -> dict[str, Application]:
    """Three cases on v1 (at 受理审查, at 入户调查 + 信息核对, at 初审), and v2 without 入户调查."""
    with freeze_time("2026-11-23 01:00:00"):
        cases = {stage: park(ctx, i, stage) for i, stage in enumerate(("intake", "visit_and_check", "review"))}
        path = processes_dir / "default" / "dibao_application.bpmn"
        assert deploy_text(ctx, processes_dir, without_home_visit(path.read_text(encoding="utf-8"))) == 2
    return cases


@freeze_time("2026-11-23 02:00:00")
def test_a_case_that_met_a_removed_step_is_refused_and_stays_on_v1(
    ctx: Context, parked: dict[str, Application]
) -> None:
    table = migration.dry_run(ctx, "designer1", P, R, 2)
    assert [(s.bpmn_id, s.title) for s in table.changes.removed] == [("home_visit", "入户调查")]
    reasons = {r.number: r.reason for r in table.rows}
    assert reasons[parked["intake"].number] is None  # 入户调查 lies ahead of it: only predicted
    assert reasons[parked["visit_and_check"].number] == (
        "新版本中没有步骤“入户调查”（home_visit），案件正停在该步骤；请为它指定映射"
    )
    assert (
        reasons[parked["review"].number] == "新版本中没有步骤“入户调查”（home_visit），案件已经过该步骤；请为它指定映射"
    )
    before = {stage: _state(ctx, app.number) for stage, app in parked.items()}

    done = migration.execute(ctx, "designer1", P, R, 2)
    assert {r.number: r.migrated for r in done.rows} == {
        parked["intake"].number: True,
        parked["visit_and_check"].number: False,
        parked["review"].number: False,
    }
    for stage in ("visit_and_check", "review"):
        assert _state(ctx, parked[stage].number) == before[stage]  # untouched: version, lock, tasks
    assert _state(ctx, parked["intake"].number)[0] == 2

    # With a mapping the case that passed 入户调查 moves (its history now points at 信息核对).
    mapped = migration.execute(
        ctx, "designer1", P, R, 2, {"home_visit": "data_verification"}, [parked["review"].number]
    )
    assert [r.migrated for r in mapped.rows] == [True]


@freeze_time("2026-11-23 02:00:00")
def test_bad_requests_are_refused_and_change_nothing(ctx: Context, parked: dict[str, Application]) -> None:
    before = {stage: _state(ctx, app.number) for stage, app in parked.items()}
    with pytest.raises(PermissionDenied, match="只能迁移本地区（default）的案件"):
        migration.dry_run(ctx, "designer1", P, "yantai", 2)
    with pytest.raises(PermissionDenied, match="只能迁移本地区（yantai）"):
        migration.execute(ctx, "designer_yantai", P, R, 2)
    with pytest.raises(PermissionDenied, match="需要本地区的流程设计或县级系统管理角色"):
        migration.execute(ctx, "clerk1", P, R, 2)
    with pytest.raises(NotFound, match="没有第 9 版（已部署：第 1 版、第 2 版）"):
        migration.execute(ctx, "designer1", P, R, 9)
    with pytest.raises(NotFound, match="地区 default 没有部署流程 no_such_process"):
        migration.execute(ctx, "designer1", "no_such_process", R, 2)
    with pytest.raises(InvalidData, match="新版本中没有步骤“nowhere”"):
        migration.execute(ctx, "designer1", P, R, 2, {"home_visit": "nowhere"})
    with pytest.raises(InvalidData, match="原版本中没有步骤“nowhere”"):
        migration.execute(ctx, "designer1", P, R, 2, {"nowhere": "data_verification"})
    with pytest.raises(InvalidData, match="类型不同"):
        migration.execute(ctx, "designer1", P, R, 2, {"home_visit": "investigation_join"})
    with pytest.raises(InvalidData, match="案件 2026-9999999 不存在"):
        migration.execute(ctx, "designer1", P, R, 2, None, ["2026-9999999"])
    assert {stage: _state(ctx, app.number) for stage, app in parked.items()} == before

    # Once a case is on v2, going back to v1 is refused, for it and for the whole region.
    intake = parked["intake"].number
    assert [r.migrated for r in migration.execute(ctx, "admin1", P, R, 2, None, [intake]).rows] == [True]
    with pytest.raises(InvalidData, match=f"案件 {intake} 已在第 2 版，不能迁移到相同或更早的第 1 版"):
        migration.execute(ctx, "designer1", P, R, 1, None, [intake])
    with pytest.raises(InvalidData, match="不能迁移到相同或更早的版本"):
        migration.dry_run(ctx, "designer1", P, R, 1)


@freeze_time("2026-11-23 02:00:00")
def test_a_case_that_moved_after_the_dry_run_is_refused_and_left_on_v1(
    ctx: Context, parked: dict[str, Application]
) -> None:
    table = migration.dry_run(ctx, "designer1", P, R, 2)
    seen = {r.number: r.lock_version for r in table.rows}
    intake = parked["intake"]
    intake.accept()  # a clerk works the case between the dry run and the migration
    moved = _state(ctx, intake.number)

    done = migration.execute(ctx, "designer1", P, R, 2, None, [intake.number], expected=seen)
    (row,) = done.rows
    assert not row.migrated
    assert row.reason is not None
    assert row.reason.startswith("案件在预览后已有变化")
    assert _state(ctx, intake.number) == moved


@pytest.mark.postgres
@freeze_time("2026-11-23 02:00:00")
def test_refusals_and_migration_on_postgresql(ctx: Context, parked: dict[str, Application]) -> None:
    test_a_case_that_met_a_removed_step_is_refused_and_stays_on_v1(ctx, parked)


@freeze_time("2026-11-23 02:00:00")
def test_an_instance_in_error_is_no_candidate_and_naming_it_is_refused(
    ctx: Context, parked: dict[str, Application]
) -> None:
    broken = parked["intake"].number
    with ctx.db.write() as session:
        case = lookups.get_case(session, broken)
        instance = session.scalars(select(ProcessInstance).where(ProcessInstance.case_id == case.id)).one()
        instance.status = "error"
    assert broken not in {r.number for r in migration.dry_run(ctx, "designer1", P, R, 2).rows}
    with pytest.raises(InvalidData, match=f"案件 {broken} 的流程处于错误状态（需管理员先处理），不能迁移"):
        migration.execute(ctx, "designer1", P, R, 2, None, [broken])
    assert _state(ctx, broken)[0] == 1
