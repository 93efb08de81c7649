"""The county's random sample of the 特困 cases waiting for its check (特认 Art. 16; docs/tekun-sampling.md).

`draw_sample` is one transaction, all or nothing: it reads the open `county_sampling` steps of the county's
`tekun_application` cases (the population), draws with a fresh seed and the region's `tekun_sample_ratio` in
force (engine.domain.tekun.sampling.draw), stores the TekunSample, records `tekun_sample_drawn` with seed,
ratio, population and selection, and completes every waiting step through the normal task completion with
{"sampled": bool, "sample_id": id}: the sampled cases go on to 县级抽查核实, the others to the decision. Two draws
at once cannot both complete a step: the second meets a changed instance version and is refused (409).

`verify_sample` draws again from what the sample stored and says whether the selection is the same.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from sqlalchemy.orm import Session

from engine import policy
from engine.clock import china_today, utcnow
from engine.context import Context
from engine.domain.tekun.sampling import RATIO_PARAMETER, draw, read_ratio
from engine.errors import Conflict, InvalidData, NotFound
from engine.lookups import get_user
from engine.persistence import OrgUnit, User
from engine.persistence.tekun import TekunSample
from engine.queries.tekun_sampling import SampleResult, waiting_tasks
from engine.records import audit
from engine.records.advancing import Advance, advancing
from engine.records.window import parameters_in_force
from engine.services import tasks

MAX_SEED = 64  # TekunSample.seed
STALE_MESSAGE = "抽查期间有案件被其他操作更新，本次抽查未生效，请刷新后重新抽取"
NOTHING_WAITING = "本县目前没有等待随机抽查的特困案件"


def draw_sample(ctx: Context, username: str, seed: str | None = None) -> SampleResult:
    """Draw the county's sample over every waiting case and complete their sampling steps (one transaction)."""
    seed = _seed(seed)
    with advancing(ctx, stale=STALE_MESSAGE) as step:
        session = step.session
        user = get_user(session, username)
        policy.tekun.check_may_draw(user)
        county = user.org_unit
        waiting = waiting_tasks(session, county.id)
        if not waiting:
            raise Conflict(NOTHING_WAITING)
        ratio_text = str(parameters_in_force(ctx, session, county.region).value(RATIO_PARAMETER, china_today()))
        ratio = read_ratio(ratio_text)
        population = sorted(task.case.number for task in waiting)
        selected = draw(population, seed, ratio)
        sample = _store(session, user, county, seed, ratio, population, selected)
        actor = audit.Actor.of(user, _role(user))
        audit.record(
            session,
            "tekun_sample_drawn",
            actor,
            details={
                "sample_id": sample.id,
                "seed": seed,
                "ratio": str(ratio),
                "population": population,
                "selected": selected,
            },
        )
        chosen = set(selected)
        for task in waiting:
            data = {"sampled": task.case.number in chosen, "sample_id": sample.id}
            tasks.complete_in(Advance(ctx, session), task, user, actor, data)
        return _result(sample, county, user)


def verify_sample(ctx: Context, username: str, sample_id: int) -> bool:
    """Whether drawing again from the stored seed, population and ratio gives the stored selection."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        sample = _sample(session, user, sample_id)
        return draw(list(sample.population), sample.seed, Decimal(sample.ratio)) == list(sample.selected)


def get_sample(ctx: Context, username: str, sample_id: int) -> SampleResult:
    with ctx.db.read() as session:
        user = get_user(session, username)
        sample = _sample(session, user, sample_id)
        return _result(sample, sample.county, sample.drawn_by)


def _sample(session: Session, user: User, sample_id: int) -> TekunSample:
    policy.tekun.check_may_see_samples(user)
    sample = session.get(TekunSample, sample_id)
    if sample is None:
        raise NotFound(f"抽查 {sample_id} 不存在")
    policy.tekun.check_sample_in_county(user, sample.county_id, sample_id)
    return sample


def _seed(seed: str | None) -> str:
    if seed is None:
        return secrets.token_hex(8)
    if not seed.strip() or len(seed) > MAX_SEED or not seed.isprintable():
        raise InvalidData("抽查种子有误", {"seed": [f"随机种子：必须是 1 至 {MAX_SEED} 个可打印字符"]})
    return seed


def _role(user: User) -> str:
    return "county_clerk" if "county_clerk" in user.roles else "county_approver"


def _store(
    session: Session,
    user: User,
    county: OrgUnit,
    seed: str,
    ratio: Decimal,
    population: list[str],
    selected: list[str],
) -> TekunSample:
    sample = TekunSample(
        county_id=county.id,
        drawn_by_id=user.id,
        drawn_at=utcnow(),
        seed=seed,
        ratio=str(ratio),
        population=population,
        selected=selected,
    )
    session.add(sample)
    session.flush()  # its id goes into every completed step's data
    return sample


def _result(sample: TekunSample, county: OrgUnit, user: User) -> SampleResult:
    return SampleResult(
        id=sample.id,
        county=county.name,
        drawn_by=user.display_name,
        drawn_at=sample.drawn_at,
        seed=sample.seed,
        ratio=sample.ratio,
        population=list(sample.population),
        selected=list(sample.selected),
    )
