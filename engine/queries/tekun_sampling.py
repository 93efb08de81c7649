"""The 特困抽查 page's reading (docs/tekun-sampling.md): the county's 特困 cases waiting for the random sample and
the county's past samples. Applicants' names are masked: the page is for choosing nothing by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine import policy
from engine.context import Context
from engine.domain.privacy import mask_name
from engine.lookups import get_user
from engine.persistence import Case, HumanTask, ProcessInstance
from engine.persistence.tekun import TekunSample
from engine.records.writeback import OPEN_STATES

RECENT_SAMPLES = 50


@dataclass(frozen=True)
class SampleResult:
    id: int
    county: str
    drawn_by: str
    drawn_at: datetime  # naive UTC
    seed: str
    ratio: str
    population: list[str]
    selected: list[str]


@dataclass(frozen=True)
class WaitingCase:
    case_number: str
    village: str
    applicant: str  # masked
    waiting_since: datetime  # naive UTC
    due_at: datetime | None


@dataclass(frozen=True)
class SamplingPage:
    county: str
    may_draw: bool
    waiting: list[WaitingCase]
    samples: list[SampleResult]  # newest first


def waiting_tasks(session: Session, county_id: int) -> list[HumanTask]:
    """The open sampling steps of the county's 特困 applications, oldest first. A case an administrator paused, or
    whose instance is in error, waits outside the population until it may move again: the draw completes every
    step it draws over, and such a step cannot be completed."""
    return list(
        session.scalars(
            select(HumanTask)
            .join(Case, Case.id == HumanTask.case_id)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .options(
                joinedload(HumanTask.instance).joinedload(ProcessInstance.definition),
                joinedload(HumanTask.case),
            )
            .where(
                HumanTask.process_id == policy.tekun.SAMPLING_PROCESS,
                HumanTask.task_name == policy.tekun.SAMPLING_TASK,
                HumanTask.state.in_(OPEN_STATES),
                Case.county_id == county_id,
                Case.status != "suspended",
                ProcessInstance.status.not_in(("error", "suspended", "completed", "cancelled")),
            )
            .order_by(HumanTask.created_at, HumanTask.id)
        ).unique()
    )


def sampling_page(ctx: Context, username: str) -> SamplingPage:
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.tekun.check_may_see_samples(user)
        county = user.org_unit
        waiting = [
            WaitingCase(
                case_number=task.case.number,
                village=task.case.village.name,
                applicant=mask_name(task.case.applicant_name or ""),
                waiting_since=task.created_at,
                due_at=task.due_at,
            )
            for task in waiting_tasks(session, county.id)
        ]
        rows = session.scalars(
            select(TekunSample)
            .where(TekunSample.county_id == county.id)
            .order_by(TekunSample.id.desc())
            .limit(RECENT_SAMPLES)
        ).all()
        samples = [
            SampleResult(
                id=row.id,
                county=county.name,
                drawn_by=row.drawn_by.display_name,
                drawn_at=row.drawn_at,
                seed=row.seed,
                ratio=row.ratio,
                population=list(row.population),
                selected=list(row.selected),
            )
            for row in rows
        ]
        return SamplingPage(county.name, policy.tekun.may_draw(user), waiting, samples)
