"""Starting and showing cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import observe, policy
from engine.clock import utcnow
from engine.context import Context
from engine.domain.roles import Level
from engine.errors import DuplicateFound, InvalidData, NotFound
from engine.lookups import ancestor_at_level, get_case, get_org_unit, get_user, latest_definition
from engine.persistence import Case, HumanTask, OrgUnit, ProcessInstance, User
from engine.queries import duplicates
from engine.queries.case_view import case_view
from engine.queries.startable import called_processes
from engine.queries.starting import starting_roles
from engine.records import audit, legal_clock
from engine.records.writeback import persist, record_new_task
from engine.results import CaseView
from engine.services.start_enrichment import enrich_start_data
from engine.workflow.catalog import START_FORM_SUFFIX
from engine.workflow.isolated import IsolatedProcess
from engine.workflow.starters import SYSTEM_ONLY
from forms import validate_form


def _start_data(process_forms: dict[str, Any], process_id: str, data: dict[str, Any]) -> dict[str, Any]:
    """Validate the start data with the process's start form; without one only `village` is accepted,
    so unknown keys never reach the workflow."""
    form = process_forms.get(f"{process_id}{START_FORM_SUFFIX}")
    if form is not None:
        return validate_form(form, data)
    unknown = sorted(set(data) - {"village"})
    if unknown:
        raise InvalidData("启动数据有误", {key: [f"未知字段：{key}"] for key in unknown})
    return {"village": data["village"]}


# Registrations checked for a member (低保) or the applicant (特困) already in a running case or an enrolment
# (engine.queries.duplicates). Not the re-checks or the exits, which act on an enrolment on purpose.
DUPLICATE_CHECKED = ("dibao_application", "tekun_application")
DUPLICATE_MESSAGE = "身份证号与在办案件或在保记录重复：请核实；确需登记的，请确认“仍然登记”后再提交"


def start_case(
    ctx: Context, process_id: str, username: str, data: dict[str, Any], *, confirm_duplicate: bool | None = None
) -> CaseView:
    """Start a case. `confirm_duplicate` asks for the duplicate check of a registration (DUPLICATE_CHECKED):
    False refuses a household with a member already in a running case or an enrolment (DuplicateFound,
    nothing stored); True registers it and records what was confirmed; None (the CLI, batches, tests)
    does not look."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        pending = prepare_start(ctx, session, user, process_id, data)
        matches = []
        if confirm_duplicate is not None and process_id in DUPLICATE_CHECKED:
            with session.no_autoflush:  # the new case must not find itself
                matches = duplicates.find_in_session(session, user, duplicates.household_id_numbers(pending.start_data))
            if matches and not confirm_duplicate:
                raise DuplicateFound(DUPLICATE_MESSAGE, matches)
        session.flush()
        begin_case(ctx, session, pending)
        if matches:
            _record_confirmed(session, pending, matches)
        return case_view(ctx, session, pending.case)


def _record_confirmed(session: Session, pending: PendingStart, matches: list[duplicates.DuplicateMatch]) -> None:
    found = [{"id_number": m.id_number, "case_number": m.case_number, "source": m.source} for m in matches]
    audit.record(
        session,
        "duplicate_confirmed",
        pending.actor,
        case_id=pending.case.id,
        instance_id=pending.instance.id,
        details={"matches": found},
    )


@dataclass
class PendingStart:
    """A case and its instance added to the session but not flushed yet (no ids, no number)."""

    case: Case
    instance: ProcessInstance
    process: IsolatedProcess
    start_data: dict[str, Any]
    related: Case | None
    actor: audit.Actor


def start_in_session(
    ctx: Context,
    session: Session,
    user: User,
    process_id: str,
    data: dict[str, Any],
) -> Case:
    """Start one case inside the caller's transaction."""
    pending = prepare_start(ctx, session, user, process_id, data)
    session.flush()  # one flush gives the case and its instance their ids
    begin_case(ctx, session, pending)
    return pending.case


def start_batch(
    ctx: Context,
    session: Session,
    user: User,
    process_id: str,
    datas: list[dict[str, Any]],
    lookups: dict[Any, Any] | None = None,
    *,
    by_system: bool = False,
) -> list[Case]:
    """Start many cases in the caller's transaction with a flush per step of the batch, not per case:
    SQLAlchemy's unit of work costs milliseconds per flush, far more than the inserts themselves.
    `lookups` may hold what the caller already loaded (("case", number) → related Case)."""
    lookups = {} if lookups is None else lookups
    with session.no_autoflush:
        pending = [prepare_start(ctx, session, user, process_id, data, lookups, by_system=by_system) for data in datas]
    session.flush()
    created = [task for p in pending for task in begin_case(ctx, session, p, audit_new_tasks=False)]
    session.flush()
    for task in created:
        record_new_task(session, task, pending[0].actor)
    return [p.case for p in pending]


def prepare_start(
    ctx: Context,
    session: Session,
    user: User,
    process_id: str,
    data: dict[str, Any],
    lookups: dict[Any, Any] | None = None,
    *,
    by_system: bool = False,
) -> PendingStart:
    """Check and build a new case; `lookups` lets a batch read each village and definition once. `by_system`:
    a background job starts it acting as `user`, which a process declared started by the system allows
    (engine.workflow.starters.SYSTEM) and a person's start does not."""
    cache: dict[Any, Any] = {} if lookups is None else lookups
    village_code = data.get("village")
    if not isinstance(village_code, str) or not village_code:
        raise InvalidData("启动数据有误", {"village": ["村/社区：必填"]})
    village = cache.get(("village", village_code)) or get_org_unit(session, village_code)
    if village.level != Level.VILLAGE:
        raise InvalidData("启动数据有误", {"village": [f"村/社区：{village.name} 不是村/社区"]})
    policy.check_may_start(user, village)
    cache[("village", village_code)] = village
    if "called" not in cache:
        cache["called"] = called_processes(session)
    if process_id in cache["called"]:
        raise NotFound(f"流程 {process_id} 由上级流程调用，不能单独登记案件")
    key = ("definition", process_id, village.region)
    definition = cache.get(key) or latest_definition(session, process_id, village.region)
    cache[key] = definition
    if ("starters", key) not in cache:  # a batch asks once: same definition, same user
        roles = starting_roles(session, definition)
        if not (by_system and roles == SYSTEM_ONLY):
            policy.check_may_start_process(user, village, definition.title, roles)
        cache[("starters", key)] = roles
    process = ctx.process(definition)
    start_data = _start_data(process.forms, process_id, data)
    # Facts the start form asks for (x-enrich) that only the database knows, e.g. earlier grants.
    start_form = process.forms.get(f"{process_id}{START_FORM_SUFFIX}")
    start_data = enrich_start_data(session, start_form, process_id, start_data)
    related = _related_case(session, start_data, village, cache)
    township = ancestor_at_level(village, Level.TOWNSHIP)
    county = ancestor_at_level(village, Level.COUNTY)
    case = Case(
        number=f"p-{uuid4().hex[:28]}",  # the real number needs the id; unique meanwhile, even in a batch
        kind=process_id,
        region=village.region,
        village=village,
        township_id=township.id if township else None,
        county_id=county.id if county else None,
        applicant_name=_applicant_name(start_data),
        data=start_data,
        household=start_data.get("household") if isinstance(start_data.get("household"), dict) else None,
        status="open",
        created_at=utcnow(),
        created_by_id=user.id,
        related_case_id=related.id if related else None,
    )
    instance = ProcessInstance(case=case, definition=definition, state=b"", status="running")
    session.add_all([case, instance])
    return PendingStart(case, instance, process, start_data, related, audit.Actor.of(user, _acting_role(user)))


def begin_case(
    ctx: Context, session: Session, pending: PendingStart, *, audit_new_tasks: bool = True
) -> list[HumanTask]:
    """Number the flushed case, record it and run its workflow to the first wait."""
    case, instance, definition = pending.case, pending.instance, pending.instance.definition
    case.number = f"{case.created_at:%Y}-{case.id:07d}"
    # The engine step first, the audit event after: recording takes the audit head's lock, which should not
    # be held while the child runs the process (docs/scaling.md). The rows written so far are new ones that
    # no other transaction can wait for.
    run = pending.process.start({**pending.start_data, "case_number": case.number})
    audit.record(
        session,
        "case_created",
        pending.actor,
        case_id=case.id,
        instance_id=instance.id,
        details={
            "case_number": case.number,
            "process_id": case.kind,
            "region": definition.region,
            "version": definition.version,
            "bundle_hash": definition.bundle_hash,
            "village": case.village.code,
            "related_case": pending.related.number if pending.related else None,
        },
    )
    observe.count_on_commit(session, observe.STARTS, case.kind)
    return persist(ctx, session, case, instance, run, pending.actor, audit_new_tasks=audit_new_tasks)


def _related_case(session: Session, data: dict[str, Any], village: OrgUnit, cache: dict[Any, Any]) -> Case | None:
    """A re-check or an exit names the case whose enrollment it acts on: it must be of the same village."""
    number = data.get("related_case")
    if not number:
        return None
    related = (
        cache.get(("case", str(number))) or session.scalars(select(Case).where(Case.number == str(number))).first()
    )
    if related is None or related.village_id != village.id:
        raise InvalidData("启动数据有误", {"related_case": [f"原案件编号：{village.name}没有案件 {number}"]})
    return related


def _acting_role(user: User) -> str | None:
    return min(user.roles) if user.roles else None


def _applicant_name(data: dict[str, Any]) -> str | None:
    household = data.get("household")
    if isinstance(household, dict):
        for member in household.get("members") or []:
            if isinstance(member, dict) and member.get("relation") == "self":
                return str(member.get("name"))
    name = data.get("applicant_name")
    return str(name) if name else None


def extend_legal_clock(ctx: Context, number: str, username: str, ground: str, reason: str) -> CaseView:
    with ctx.db.write() as session:
        case = get_case(session, number)
        legal_clock.extend(ctx, session, case, username, ground, reason)
        return case_view(ctx, session, case)
