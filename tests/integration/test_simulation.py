"""政策模拟测算 through its service and read model on a real database (docs/policy-simulation.md).

The households are the five of tests/unit/test_simulation.py, worked out by hand there (S 800 → 850):
H1 +150 and H2 +100 in 城关镇, H4 +50 in 河西乡; +300 a month, +3,600 a year.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from engine.clock import utcnow
from engine.context import Context
from engine.domain.simulation_parameters import Override
from engine.errors import InvalidData, PermissionDenied
from engine.lookups import get_org_unit
from engine.persistence import AuditEvent, Case, Enrollment, SimulationJob
from engine.queries import simulation as reads
from engine.services import designer, simulation
from tests.bench.simulation_data import insert_rows
from tests.conftest import MakeContext
from tests.unit.test_simulation import FIVE

AS_OF = date(2027, 1, 1)
RAISE = [
    Override("dibao_standard_urban", "850", AS_OF),
    Override("dibao_standard_rural", "850.00", AS_OF),
]


def _seed(ctx: Context) -> None:
    """FIVE as stored: H1 and H4 enrolled (paid 900 and 800), H2, H3, H5 rejected within 12 months; plus
    what the simulation must leave out: a stopped enrolment and an application decided 13 months ago,
    and an enrolment of another region."""
    recent = utcnow() - timedelta(days=30)
    h1, h2, h3, h4, h5 = (row.household for row in FIVE)
    with ctx.db.write() as session:
        town1 = get_org_unit(session, "demo-village-1-1")
        town2 = get_org_unit(session, "demo-village-2-1")
        insert_rows(
            session,
            "default",
            town1,
            [("张三", h1, "active", "approved", "900.00"), ("李四", h2, None, "rejected", None)],
            decided_at=recent,
        )
        insert_rows(
            session,
            "default",
            town2,
            [
                ("王五", h3, None, "rejected", None),
                ("赵六", h4, "active", "approved", "800.00"),
                ("孙七", h5, None, "rejected", None),
            ],
            decided_at=recent,
            first_number=10,
        )
        long_ago = recent - timedelta(days=400)
        stale = [("周九", h2, None, "rejected", None), ("钱八", h1, "stopped", "approved", "900.00")]
        insert_rows(session, "default", town2, stale, decided_at=long_ago, first_number=20)
        yantai = get_org_unit(session, "yantai-village")
        insert_rows(
            session,
            "yantai",
            yantai,
            [("吴十", h1, "active", "approved", "900.00")],
            decided_at=recent,
            first_number=30,
        )


def _snapshot(ctx: Context) -> list[Any]:
    with ctx.db.read() as session:
        enrolments = session.execute(
            select(Enrollment.id, Enrollment.status, Enrollment.monthly_amount, Enrollment.household)
        ).all()
        cases = session.execute(select(Case.id, Case.status, Case.outcome, Case.decided_amount, Case.household)).all()
        return [*map(tuple, enrolments), *map(tuple, cases)]


def _jobs(ctx: Context) -> int:
    with ctx.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(SimulationJob)) or 0)


def _actions(ctx: Context) -> list[str]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_a_what_if_matches_the_hand_computed_five_and_changes_nothing(ctx: Context) -> None:
    _seed(ctx)
    before = _snapshot(ctx)
    job_id = simulation.start(ctx, "designer1", use_draft=False, overrides=RAISE)
    queued = reads.job(ctx, "designer1", job_id)
    assert (queued.status, queued.total, queued.done, queued.as_of) == ("queued", 5, 0, AS_OF)
    assert [(c["label"], c["old"], c["new"]) for c in queued.changes] == [
        ("城市低保标准（元/人·月）", "800.00 元", "850.00 元"),
        ("农村低保标准（元/人·月）", "800.00 元", "850.00 元"),
    ]
    assert simulation.run_job(ctx, job_id) is True
    assert simulation.run_job(ctx, job_id) is False  # finished: nobody computes it twice
    done = reads.job(ctx, "designer1", job_id)
    assert (done.status, done.done, done.percent) == ("done", 5, 100)
    summary = done.summary or {}
    assert summary["counts"]["newly_eligible"] == 1
    assert summary["counts"]["changed"] == 2
    assert summary["total"]["monthly_difference"] == "300.00"
    assert summary["total"]["yearly_difference"] == "3600.00"
    assert {g["name"]: g["yearly_difference"] for g in summary["by_township"]} == {
        "城关镇": "3000.00",
        "河西乡": "600.00",
    }
    assert {g["name"]: g["households"] for g in summary["by_source"]} == {"enrollment": 2, "case": 3}
    rows = reads.affected_rows(ctx, "designer1", job_id)
    # Largest change first: H1 +150 (paid 900), H2 +100 (rejected, paid 0), H4 +50 (paid 800).
    assert [(r["masked_name"], r["township"], r["current"], r["old"], r["new"], r["outcome"]) for r in rows] == [
        ("张*", "城关镇", "900.00", "900.00", "1050.00", "changed"),
        ("李*", "城关镇", "0.00", "0.00", "100.00", "newly_eligible"),
        ("赵*", "河西乡", "800.00", "800.00", "850.00", "changed"),
    ]
    assert _snapshot(ctx) == before
    assert "simulation_started" in _actions(ctx)


def test_invalid_parameters_give_the_report_and_store_nothing(ctx: Context) -> None:
    bad = [Override("dibao_standard_urban", "-5", AS_OF), Override("marginal_multiplier", "0.5", AS_OF)]
    with pytest.raises(InvalidData) as raised:
        simulation.start(ctx, "designer1", use_draft=False, overrides=bad)
    assert raised.value.message == "拟议参数未通过校验，未进行测算"
    assert raised.value.fields["parameters"] == [
        "参数“城市低保标准（元/人·月）”（dibao_standard_urban）：须是不小于 0 的金额，单位元，如 850 或 850.00"
    ]
    with pytest.raises(InvalidData) as raised:
        simulation.start(ctx, "county1", use_draft=False, overrides=[Override("marginal_multiplier", "0.5", AS_OF)])
    assert raised.value.fields["parameters"] == [
        "参数 marginal_multiplier 在 2027-01-01 的取值 '0.5' 不可用：必须是不小于 1 的数"
    ]
    with pytest.raises(InvalidData) as raised:  # the same values as in force: nothing to simulate
        simulation.start(ctx, "designer1", use_draft=False, overrides=[Override("marginal_multiplier", "1.5", AS_OF)])
    assert "与现行参数相同" in raised.value.fields["parameters"][0]
    assert _jobs(ctx) == 0


def test_who_may_simulate_and_see_a_run(ctx: Context) -> None:
    _seed(ctx)
    with pytest.raises(PermissionDenied):
        simulation.start(ctx, "clerk1", use_draft=False, overrides=RAISE)
    with pytest.raises(PermissionDenied):
        simulation.start(ctx, "designer1", use_draft=False, overrides=RAISE, region="yantai")
    with pytest.raises(InvalidData, match="拟议参数未通过校验"):
        simulation.start(ctx, "county1", use_draft=True)  # drafts are the designer's
    county_job = simulation.start(ctx, "county1", use_draft=False, overrides=RAISE)
    assert reads.job(ctx, "county1", county_job).scope_name == "示范县"
    assert reads.job(ctx, "approver1", county_job).total == 5
    assert reads.job(ctx, "designer1", county_job).region == "default"
    with pytest.raises(PermissionDenied):
        reads.job(ctx, "designer_yantai", county_job)
    with pytest.raises(PermissionDenied):
        reads.job(ctx, "head1", county_job)
    assert [j.id for j in reads.recent_jobs(ctx, "approver1")] == [county_job]
    assert reads.recent_jobs(ctx, "approver_yantai") == []


def test_the_designers_draft_is_the_proposal(ctx: Context) -> None:
    _seed(ctx)
    with pytest.raises(InvalidData, match="拟议参数未通过校验"):
        simulation.start(ctx, "designer1", use_draft=True)  # no draft yet
    text = (ctx.settings.processes_dir / "default" / "parameters.toml").read_text(encoding="utf-8")
    drafted = text.replace(
        '[dibao_standard_urban]\n2021-07-01 = "800.00"',
        '[dibao_standard_urban]\n2021-07-01 = "800.00"\n2027-01-01 = "850.00"',
    )
    assert drafted != text
    designer.save_file(ctx, "designer1", "default", "parameters.toml", drafted.encode())
    job_id = simulation.start(ctx, "designer1", use_draft=True)
    view = reads.job(ctx, "designer1", job_id)
    # The day the draft's new value takes effect, since none was given.
    assert (view.source, view.as_of) == ("draft", AS_OF)
    assert [c["name"] for c in view.changes] == ["dibao_standard_urban"]
    simulation.run_job(ctx, job_id)
    assert (reads.job(ctx, "designer1", job_id).summary or {})["total"]["monthly_difference"] == "300.00"


def test_csv_lists_affected_households_and_totals(ctx: Context) -> None:
    _seed(ctx)
    job_id = simulation.start(ctx, "designer1", use_draft=False, overrides=RAISE)
    simulation.run_job(ctx, job_id)
    lines = [[str(cell) for cell in line] for line in simulation.export_csv(ctx, "designer1", job_id)]
    assert lines[0][:4] == ["序号", "来源", "户主（脱敏）", "乡镇"]
    assert lines[1] == [
        "1",
        "在保家庭",
        "张*",
        "城关镇",
        "低保",
        "低保",
        "900.00",
        "900.00",
        "1050.00",
        "150.00",
        "金额变化",
    ]
    assert lines[2][2] == "李*"
    assert lines[2][-1] == "新纳入"
    assert lines[2][4:6] == ["低保边缘", "低保"]
    assert lines[-1][:3] == ["合计", "", "5 户"]
    assert lines[-1][-2:] == ["300.00", "全年 3600.00"]
    assert "simulation_exported" in _actions(ctx)


def test_progress_is_written_page_by_page(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(ctx)
    job_id = simulation.start(ctx, "designer1", use_draft=False, overrides=RAISE)
    monkeypatch.setattr(reads, "PAGE", 2)
    seen: list[int] = []
    original = simulation._set

    def spy(ctx: Context, job: int, **values: Any) -> None:
        if "done" in values and "status" not in values:
            seen.append(values["done"])
        original(ctx, job, **values)

    monkeypatch.setattr(simulation, "_set", spy)
    simulation.run_job(ctx, job_id)
    assert seen == [2, 4, 5]  # the two enrolments, then the three applications two at a time


def test_the_worker_runs_queued_and_stalled_runs(ctx: Context) -> None:
    _seed(ctx)
    first = simulation.start(ctx, "designer1", use_draft=False, overrides=RAISE)
    second = simulation.start(ctx, "county1", use_draft=False, overrides=RAISE)
    with ctx.db.write() as session:  # a runner that stopped beating five minutes ago
        job = session.get(SimulationJob, second)
        assert job is not None
        job.status, job.heartbeat_at = "running", utcnow() - timedelta(minutes=5)
    assert simulation.run_pending(ctx) == 2
    assert [reads.job(ctx, "designer1", j).status for j in (first, second)] == ["done", "done"]
    assert simulation.run_pending(ctx) == 0


def test_a_failed_run_says_why(ctx: Context) -> None:
    job_id = simulation.start(ctx, "designer1", use_draft=False, overrides=RAISE)
    with ctx.db.write() as session:
        job = session.get(SimulationJob, job_id)
        assert job is not None
        job.proposal = {"old": [["x.toml", "[broken"]], "new": [], "overrides": []}
    simulation.run_job(ctx, job_id)
    failed = reads.job(ctx, "designer1", job_id)
    assert failed.status == "failed"
    assert failed.error
    assert "x.toml" in failed.error
    assert Decimal(failed.percent) == 0


@pytest.mark.postgres
def test_the_hand_computed_run_on_postgresql_and_one_claim_only(make_context: MakeContext) -> None:
    ctx = make_context()
    assert ctx.db.is_postgres
    _seed(ctx)
    before = _snapshot(ctx)
    job_id = simulation.start(ctx, "designer1", use_draft=False, overrides=RAISE)
    assert simulation._claim(ctx, job_id) is True
    assert simulation._claim(ctx, job_id) is False  # a second runner finds it taken
    with ctx.db.write() as session:  # hand it back, as a stalled runner's would be after STALL_AFTER
        job = session.get(SimulationJob, job_id)
        assert job is not None
        job.heartbeat_at = utcnow() - timedelta(minutes=5)
    assert simulation.run_job(ctx, job_id) is True
    summary = reads.job(ctx, "designer1", job_id).summary or {}
    assert summary["total"]["yearly_difference"] == "3600.00"
    assert {g["name"]: g["households"] for g in summary["by_source"]} == {"enrollment": 2, "case": 3}
    assert [r["masked_name"] for r in reads.affected_rows(ctx, "designer1", job_id)] == ["张*", "李*", "赵*"]
    assert _snapshot(ctx) == before


def test_each_region_simulates_its_own_households(ctx: Context) -> None:
    _seed(ctx)
    job_id = simulation.start(ctx, "designer_yantai", use_draft=False, overrides=RAISE)
    simulation.run_job(ctx, job_id)
    view = reads.job(ctx, "designer_yantai", job_id)
    # 烟台's one enrolment (吴十, H1: 900 → 1,050), nothing of the default region.
    assert (view.region, view.total) == ("yantai", 1)
    assert (view.summary or {})["total"]["monthly_difference"] == "150.00"
    with pytest.raises(PermissionDenied):
        reads.job(ctx, "designer1", job_id)
