"""审计档案: an auditor's read-only view of one case (docs/auditor.md): who did what, when, with which
data, under which process version, and whether the case's part of the audit chain is intact.

This module decides what the dossier reads (the case's events, its instances and every one its events
name, its tasks, objections, the deployers) and assembles it; how one event reads is events', the chain
check verify's, who may read access'. Everything comes from columns and the audit log; reading it is
recorded (`audit.dossier_viewed`, or `audit.exported` for an export) in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.domain.vocabulary import OBJECTION_CHANNEL_LABELS, OUTCOME_LABELS
from engine.errors import InvalidData
from engine.persistence import AuditEvent, Case, HumanTask, Notice, Objection, OrgUnit, ProcessInstance, User
from engine.queries.diagrams import bundle_processes
from engine.queries.dossier.access import (
    DOSSIER_VIEWED,
    EXPORT_FORMATS,
    EXPORTED,
    PII_VIEWED,
    case_for_auditor,
    record_read,
)
from engine.queries.dossier.events import dossier_event, org_names_of, people_of, pii_view
from engine.queries.dossier.model import (
    CalledProcess,
    CaseFacts,
    Dossier,
    ObjectionEntry,
    ProcessInForce,
    TimerFired,
)
from engine.queries.dossier.times import china, china_text
from engine.queries.dossier.verify import event_rows, verify_rows
from engine.queries.household_copy import household_checks
from engine.queries.step_records import completed_steps, step_records
from engine.queries.task_summaries import summaries


def dossier(ctx: Context, username: str, number: str, export: str | None = None) -> Dossier:
    """The case's dossier, as it stood before this read; recorded as `audit.dossier_viewed`, or as
    `audit.exported` with `export` (a key of EXPORT_FORMATS) in the same transaction, so no dossier
    leaves without its trace."""
    if export is not None and export not in EXPORT_FORMATS:
        raise InvalidData("导出格式有误", {"format": [f"导出格式：不支持 {export}"]})
    with ctx.db.write() as session:
        user, case = case_for_auditor(session, username, number)
        built = _build(ctx, session, user, case)
        details = {"case_number": case.number, **({"format": export} if export else {})}
        record_read(session, user, EXPORTED if export else DOSSIER_VIEWED, details, case)
        return built


def _build(ctx: Context, session: Session, user: User, case: Case) -> Dossier:
    pairs = event_rows(session, case)
    events = [event for event, _ in pairs]
    instances = _instances(session, case, events)
    forms = {i.id: ctx.process(i.definition).forms for i in instances.values()}
    tasks = {t.id: t for t in summaries(session, HumanTask.case_id == case.id, order_by=HumanTask.id)}
    people, orgs = people_of(session, events), org_names_of(session, events)
    own = [i for i in instances.values() if i.case_id == case.id]
    done = completed_steps(session, case.id)
    return Dossier(
        facts=_facts(session, case, own),
        processes=[_in_force(ctx, session, i) for i in own],
        events=[dossier_event(e, tasks, forms, instances, people, orgs) for e in events],
        timers=[
            TimerFired(e.seq, e.occurred_at, china(e.occurred_at), china_text(e.details.get("due_at")))
            for e in events
            if e.action == "timer_fired"
        ],
        objections=_objections(session, case),
        pii_views=[
            pii_view(e, case.number, people, orgs) for e in events if e.action in (PII_VIEWED, DOSSIER_VIEWED, EXPORTED)
        ],
        verification=verify_rows(session, [row for _, row in pairs]),
        generated_at=utcnow(),
        generated_by=user.username,
        steps=step_records(ctx, done),
        household_checks=tuple(household_checks(done)),
    )


def _instances(session: Session, case: Case, events: Sequence[AuditEvent]) -> dict[int, ProcessInstance]:
    """The case's own instances and any other one its events name (a re-check changing its enrollment)."""
    named = {e.instance_id for e in events if e.instance_id is not None}
    query = (
        select(ProcessInstance)
        .where(or_(ProcessInstance.case_id == case.id, ProcessInstance.id.in_(named)))
        .order_by(ProcessInstance.id)
    )
    return {i.id: i for i in session.scalars(query)}


def _facts(session: Session, case: Case, instances: Sequence[ProcessInstance]) -> CaseFacts:
    units = {
        u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_([case.township_id, case.county_id])))
    }
    creator = session.get(User, case.created_by_id) if case.created_by_id else None
    related = session.get(Case, case.related_case_id) if case.related_case_id else None
    title = instances[-1].definition.title if instances else case.kind
    township = units.get(case.township_id) if case.township_id else None
    county = units.get(case.county_id) if case.county_id else None
    return CaseFacts(
        number=case.number,
        kind=case.kind,
        process_title=title,
        applicant_name=case.applicant_name,
        region=case.region,
        village_name=case.village.name,
        township_name=township.name if township else None,
        county_name=county.name if county else None,
        status=case.status,
        stage=case.stage,
        outcome=case.outcome,
        outcome_label=OUTCOME_LABELS.get(case.outcome, case.outcome) if case.outcome else None,
        decided_amount=f"{case.decided_amount:.2f}" if case.decided_amount is not None else None,
        decided_at=case.decided_at,
        created_at=case.created_at,
        created_by=f"{creator.display_name}（{creator.username}）" if creator else None,
        closed_at=case.closed_at,
        clock_started_at=case.clock_started_at,
        clock_limit_days=case.clock_limit_days,
        clock_extension_reason=case.clock_extension_reason,
        related_case=related.number if related else None,
    )


def _in_force(ctx: Context, session: Session, instance: ProcessInstance) -> ProcessInForce:
    definition = instance.definition
    sources = bundle_processes(definition)
    reached = ctx.process(definition).restore(instance.state).element_states() if instance.state else {}
    called: list[str] = []
    pending = [definition.process_id]
    while pending:  # every process the case's process may call, directly or through another call
        source = sources.get(pending.pop(0))
        for target in source.calls.values() if source else ():
            if target in sources and target not in called and target != definition.process_id:
                called.append(target)
                pending.append(target)
    deployer = session.get(User, definition.deployed_by_id) if definition.deployed_by_id else None
    return ProcessInForce(
        instance_id=instance.id,
        process_id=definition.process_id,
        title=definition.title,
        region=definition.region,
        version=definition.version,
        bundle_hash=definition.bundle_hash,
        deployed_at=definition.deployed_at,
        deployed_by=deployer.username if deployer else None,
        instance_status=instance.status,
        started_at=instance.created_at,
        called=[CalledProcess(pid, sources[pid].title, bool(reached.get(pid))) for pid in called],
    )


def _objections(session: Session, case: Case) -> list[ObjectionEntry]:
    rows = session.execute(
        select(Objection, Notice.id)
        .join(Notice, Notice.id == Objection.notice_id)
        .where(Notice.case_id == case.id)
        .order_by(Objection.received_at, Objection.id)
    ).all()
    return [
        ObjectionEntry(
            o.id,
            int(notice_id),
            o.received_at,
            china(o.received_at),
            OBJECTION_CHANNEL_LABELS.get(o.channel, o.channel),
            o.text,
            bool(o.contact),
        )
        for o, notice_id in rows
    ]
