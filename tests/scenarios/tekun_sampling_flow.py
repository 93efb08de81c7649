"""特困 applications brought to the county's random sample through the real tekun_application BPMN
(tests/scenarios/tekun_flow.py), several at once, in one or more townships (docs/tekun-sampling.md)."""

from __future__ import annotations

from freezegun import freeze_time

from engine.context import Context
from engine.lookups import get_user
from engine.persistence import HumanTask
from engine.records import audit
from engine.records.advancing import advancing
from engine.services import tasks, timers
from tests.scenarios.flow import Users
from tests.scenarios.tekun_flow import TekunApplication

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"  # 7 days and an hour later: every 公示 timer is due
TOWNSHIP_2 = Users(village="demo-village-2-1", clerk="clerk2", head="head2")


def waiting_for_sampling(ctx: Context, per_users: list[tuple[Users, int]]) -> list[TekunApplication]:
    """Start, accept, investigate and 初审 `count` applications for each Users at START; after the 公示 (the clock
    left at NOTICE_OVER by the caller's freeze) every one waits at county_sampling."""
    apps: list[TekunApplication] = []
    with freeze_time(START):
        for users, count in per_users:
            for _ in range(count):
                apps.append(TekunApplication(ctx, users).start().accept().investigate().first_review())
    with freeze_time(NOTICE_OVER):
        timers.tick(ctx)
    return apps


def complete_sampling_step(app: TekunApplication, sampled: bool, sample_id: int = 1) -> None:
    """The case's county_sampling step completed the way the sampling service completes it, with the outcome
    chosen: for a scenario about what follows the sample (a single waiting case is always sampled, ceil(0.3 × 1)
    = 1, so "not sampled" needs this). A person cannot do this (policy.tekun); the draw itself is tested in
    tests/scenarios/test_tekun_sampling.py."""
    task_id = app.task("county_sampling").id
    with advancing(app.ctx) as step:
        user = get_user(step.session, app.users.county_clerk)
        task = step.session.get(HumanTask, task_id)
        assert task is not None
        actor = audit.Actor.of(user, task.role)
        tasks.complete_in(step, task, user, actor, {"sampled": sampled, "sample_id": sample_id})
