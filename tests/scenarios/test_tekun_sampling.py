"""The county's random sample of 特困 cases through the real tekun_application BPMN (特认 Art. 16;
docs/tekun-sampling.md): 10 waiting cases at ratio 0.3 → exactly ceil(0.3 × 10) = 3 go to 县级抽查核实, the
other 7 straight to the decision; the draw is stored, audited, reproducible, and all or nothing."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.domain.tekun.sampling import draw
from engine.errors import Conflict, PermissionDenied
from engine.persistence import AuditEvent, HumanTask
from engine.persistence.tekun import TekunSample
from engine.services import audit_checkpoint, tasks, tekun_sampling
from tests.scenarios.flow import Users
from tests.scenarios.tekun_sampling_flow import NOTICE_OVER, TOWNSHIP_2, waiting_for_sampling

SEED = "a1b2c3d4e5f60718"


def test_ten_waiting_cases_three_sampled_the_rest_to_the_decision(ctx: Context) -> None:
    apps = waiting_for_sampling(ctx, [(Users(), 6), (TOWNSHIP_2, 4)])  # both townships of the demo county
    numbers = sorted(app.number for app in apps)
    assert all(app.open_task_names() == ["county_sampling"] for app in apps)
    with freeze_time(NOTICE_OVER):
        sample = tekun_sampling.draw_sample(ctx, "county1", seed=SEED)
    assert (sample.seed, sample.ratio, sample.population) == (SEED, "0.3", numbers)
    assert len(sample.selected) == 3
    assert sample.selected == draw(numbers, SEED, Decimal("0.3"))
    for app in apps:
        expected = ["county_check"] if app.number in sample.selected else ["county_decision"]
        assert app.open_task_names() == expected, app.number
    with ctx.db.read() as session:
        stored = session.get(TekunSample, sample.id)
        assert stored is not None
        assert stored.selected == sample.selected
        assert stored.drawn_by.username == "county1"
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "tekun_sample_drawn")).all()
        assert event.details == {
            "sample_id": sample.id,
            "seed": SEED,
            "ratio": "0.3",
            "population": numbers,
            "selected": sample.selected,
        }
        assert (event.actor_name, event.actor_role) == ("county1", "county_clerk")
        steps = session.scalars(select(HumanTask).where(HumanTask.task_name == "county_sampling")).all()
        assert {s.state for s in steps} == {"completed"}
        assert sorted(s.case.number for s in steps if s.submission and s.submission["sampled"]) == sample.selected
        assert {s.submission["sample_id"] for s in steps if s.submission} == {sample.id}
        assert {s.completed_by.username for s in steps if s.completed_by} == {"county1"}
    assert tekun_sampling.verify_sample(ctx, "auditor1", sample.id) is True
    assert audit_checkpoint.verify_chain(ctx).ok
    # Nothing waits any more: a second draw is refused and stores nothing.
    with freeze_time(NOTICE_OVER), pytest.raises(Conflict, match="没有等待随机抽查"):
        tekun_sampling.draw_sample(ctx, "approver1")


def test_a_system_drawn_seed_and_an_altered_sample_fails_verification(ctx: Context) -> None:
    apps = waiting_for_sampling(ctx, [(Users(), 3)])
    with freeze_time(NOTICE_OVER):
        sample = tekun_sampling.draw_sample(ctx, "approver1")
    assert len(sample.seed) == 16
    assert len(sample.selected) == 1
    assert sum(app.open_task_names() == ["county_check"] for app in apps) == 1
    assert tekun_sampling.verify_sample(ctx, "county1", sample.id) is True
    with ctx.db.write() as session:  # someone edits the stored selection behind the system's back
        row = session.get(TekunSample, sample.id)
        assert row is not None
        row.selected = sorted(set(sample.population) - set(sample.selected))[:1]
    assert tekun_sampling.verify_sample(ctx, "auditor1", sample.id) is False


def test_only_the_countys_staff_draw_and_only_their_own_cases(ctx: Context) -> None:
    waiting_for_sampling(ctx, [(Users(), 1), (Users.of_region("yantai"), 1)])
    with freeze_time(NOTICE_OVER):
        for who in ("clerk1", "head1", "auditor1", "verify1"):
            with pytest.raises(PermissionDenied, match="无权进行特困随机抽查"):
                tekun_sampling.draw_sample(ctx, who)
        own = tekun_sampling.draw_sample(ctx, "county1", seed="x")
        other = tekun_sampling.draw_sample(ctx, "approver_yantai", seed="x")
    assert len(own.population) == len(other.population) == 1
    assert own.population != other.population
    with pytest.raises(PermissionDenied):
        tekun_sampling.verify_sample(ctx, "approver_yantai", own.id)
    with pytest.raises(PermissionDenied):
        tekun_sampling.verify_sample(ctx, "clerk1", own.id)


def test_a_person_cannot_complete_the_sampling_step_by_hand(ctx: Context) -> None:
    (app,) = waiting_for_sampling(ctx, [(Users(), 1)])
    task = app.task("county_sampling")
    with freeze_time(NOTICE_OVER), pytest.raises(PermissionDenied, match="特困抽查"):
        tasks.complete(ctx, task.id, "county1", {"sampled": False, "sample_id": 1})
    assert app.open_task_names() == ["county_sampling"]


def test_the_draw_is_all_or_nothing(ctx: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    apps = waiting_for_sampling(ctx, [(Users(), 3)])
    real = tasks.complete_in
    calls: list[int] = []

    def fail_on_the_third(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 3:
            raise Conflict("流程实例已被其他操作更新")
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(tasks, "complete_in", fail_on_the_third)
    with freeze_time(NOTICE_OVER), pytest.raises(Conflict):
        tekun_sampling.draw_sample(ctx, "county1")
    assert all(app.open_task_names() == ["county_sampling"] for app in apps)
    with ctx.db.read() as session:
        assert session.scalars(select(TekunSample)).all() == []
        assert session.scalars(select(AuditEvent).where(AuditEvent.action == "tekun_sample_drawn")).all() == []


def test_two_draws_at_once_one_wins(ctx: Context) -> None:
    apps = waiting_for_sampling(ctx, [(Users(), 2)])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def work(username: str) -> None:
        barrier.wait(timeout=10)
        try:
            tekun_sampling.draw_sample(ctx, username)
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    with freeze_time(NOTICE_OVER):
        threads = [threading.Thread(target=work, args=(who,)) for who in ("county1", "approver1")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "ok"]
    with ctx.db.read() as session:
        assert len(session.scalars(select(TekunSample)).all()) == 1
    assert sorted(name for app in apps for name in app.open_task_names()) == ["county_check", "county_decision"]
