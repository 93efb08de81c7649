"""Importing alerts (engine.services.alerts, docs/alerts.md): one transaction, idempotent by batch id, merging
within the window, county scope; and the same through `dibao alerts import`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select

from engine.context import Context
from engine.errors import Conflict, InvalidData, PermissionDenied
from engine.persistence import Case
from engine.persistence.alerts import Alert, AlertBatch
from engine.queries import alerts as views
from engine.services import alert_processes, alert_queue, alerts
from tests.integration.cli_support import demo_cli
from tests.scenarios.households import id_number
from web.cli import main

HEADER = "身份证号,姓名,预警指标,预警等级,预警来源,预警日期,村/社区\n"
NOW = "2026-12-03 02:00:00"


def _csv(*lines: str) -> bytes:
    return (HEADER + "".join(line + "\n" for line in lines)).encode()


def _counts(ctx: Context) -> tuple[int, int, int]:
    with ctx.db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(AlertBatch)) or 0,
            session.scalar(select(func.count()).select_from(Alert)) or 0,
            session.scalar(select(func.count()).select_from(Case)) or 0,
        )


@freeze_time(NOW)
def test_the_same_batch_again_returns_its_result_and_other_content_is_a_conflict(ctx: Context) -> None:
    content = _csv(
        f"{id_number()},王五,失业,红色,人社局,2026-12-02,demo-village-1-1", "bad,赵六,失业,红色,人社局,2026-12-02,"
    )
    first = alerts.import_file(ctx, "county1", content, "a.csv", "B-1")
    assert (first.imported, first.rejected, first.repeated, len(first.opened_cases)) == (1, 1, False, 1)
    before = _counts(ctx)
    again = alerts.import_file(ctx, "approver1", content, "a.csv", "B-1")
    assert (again.imported, again.rejected, again.report, again.repeated) == (1, 1, first.report, True)
    assert _counts(ctx) == before
    with pytest.raises(Conflict, match="批次号 B-1 已用于另一份内容不同的预警文件"):
        alerts.import_file(ctx, "county1", content + b"\n", "a.csv", "B-1")


@freeze_time(NOW)
def test_a_failure_while_opening_the_processes_leaves_nothing(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> list[str]:
        raise RuntimeError("engine down")

    monkeypatch.setattr(alert_processes, "open_verifications", broken)
    before = _counts(ctx)
    with pytest.raises(RuntimeError):
        alerts.import_file(
            ctx, "county1", _csv(f"{id_number()},王五,失业,红色,人社局,2026-12-02,demo-village-1-1"), "a.csv", "B-2"
        )
    assert _counts(ctx) == before


@freeze_time(NOW)
def test_nothing_valid_is_refused_whole_with_the_report(ctx: Context) -> None:
    with pytest.raises(InvalidData) as refused:
        alerts.import_file(ctx, "county1", _csv("110105198001011234,王五,失业,红色,人社局,2026-12-02,"), "a.csv", "B-3")
    assert refused.value.fields == {"rows": ["第 1 行 身份证号：校验码不正确"]}
    assert _counts(ctx)[:2] == (0, 0)


@freeze_time(NOW)
def test_rows_of_one_household_merge_within_the_window_and_not_beyond(ctx: Context) -> None:
    person = id_number()
    result = alerts.import_file(
        ctx,
        "county1",
        _csv(
            f"{person},王五,失业,黄色,人社局,2026-11-01,",
            f"{person},王五,大额医疗支出,红色,医保局,2026-11-30,",  # 29 days later: merged, raised to red
            f"{person},王五,突发灾害,橙色,应急局,2026-12-02,",  # 31 days after the first: a new alert
        ),
        "a.csv",
        "B-4",
    )
    assert (result.imported, result.merged) == (2, 1)
    with ctx.db.read() as session:
        levels = [(a.level, a.merged_count) for a in session.scalars(select(Alert).order_by(Alert.id))]
    assert levels == [("red", 1), ("orange", 0)]


def test_only_county_staff_import_and_see_their_own_county(ctx: Context) -> None:
    content = _csv(f"{id_number()},王五,失业,红色,人社局,2026-12-02,")
    for who in ("clerk1", "auditor1", "designer1"):
        with pytest.raises(PermissionDenied):
            alerts.import_file(ctx, who, content, "a.csv", "B-5")
    alerts.import_file(ctx, "county1", content, "a.csv", "B-5")
    assert views.register(ctx, "auditor1").total == 1
    assert views.register(ctx, "approver_yantai").total == 0  # another county
    with pytest.raises(Conflict, match="已被其他县使用"):
        alerts.import_file(ctx, "approver_yantai", content, "a.csv", "B-5")
    with pytest.raises(PermissionDenied):
        views.alert(ctx, "approver_yantai", 1)


def test_the_cli_prints_the_report_and_fails_when_rows_were_refused(
    tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = demo_cli(tmp_path, processes_dir, monkeypatch)
    file = tmp_path / "alerts.csv"
    file.write_bytes(_csv(f"{id_number()},王五,失业,红色,人社局,2026-12-02,", "bad,赵六,失业,红色,人社局,2026-12-02,"))
    result = runner.invoke(main, ["alerts", "import", str(file), "--as", "county1"])
    assert result.exit_code == 2, result.output
    assert "共 2 行，新登记 1 条，并入已有预警 0 条，退回 1 行" in result.output
    assert "第 2 行：身份证号：必须是 18 位身份证号码" in result.output
    listed = runner.invoke(main, ["alerts", "list", "--as", "county1"])
    assert listed.exit_code == 0, listed.output
    assert "红色预警\t王五" in listed.output
    assert "未指定村/社区" in listed.output


@freeze_time(NOW)
def test_a_batch_opening_many_processes_queues_them_for_the_worker(
    ctx: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(alerts, "INLINE_STARTS", 2)
    lines = [f"{id_number()},居民{i},突发灾害,黄色,应急局,2026-12-02,demo-village-2-1" for i in range(3)]
    result = alerts.import_file(ctx, "county1", _csv(*lines), "a.csv", "B-Q")
    assert (result.imported, result.opened_cases) == (3, [])
    with ctx.db.read() as session:
        assert [(a.status, a.process_state) for a in session.scalars(select(Alert))] == [("open", "queued")] * 3
    assert alert_queue.open_queued(ctx) == 3
    assert alert_queue.open_queued(ctx) == 0
    with ctx.db.read() as session:
        found = list(session.scalars(select(Alert)))
        assert [(a.status, a.process_state) for a in found] == [("verifying", "opened")] * 3
        kinds = session.scalars(select(Case.kind).where(Case.id.in_([a.opened_case_id for a in found]))).all()
        assert kinds == ["alert_verification"] * 3
