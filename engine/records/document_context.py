"""The document context: what a template may read, built from the case record (docs/documents.md#fields).

The shape is engine.documents.fields.CONTEXT, every declared key present (None where the record has no
value), so a template that passed deploy never meets an undefined field. Like the 公示 board's values
(engine.records.notice_values), everything comes from the case record and the steps' submissions, never
from workflow variables a designer's script could set to anything; 身份证号 are masked throughout.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import to_china, utcnow
from engine.documents.fields import CONTEXT, MEMBER, STEP, AnyKeys, ListOf, Shape
from engine.domain.id_numbers import mask_id_number
from engine.domain.parameters import Parameters
from engine.domain.privacy import mask_name
from engine.domain.roles import role_label
from engine.domain.vocabulary import DECISION_LABELS, OUTCOME_LABELS
from engine.persistence import Case, HumanTask, OrgUnit
from engine.records import document_facts as facts
from engine.records.audit import mask_pii

Context = dict[str, Any]


def chinese_date(moment: datetime | None) -> str | None:
    """A stored (naive UTC) moment as the date printed on paper: 2027年3月1日 (Beijing time)."""
    if moment is None:
        return None
    day = to_china(moment).date()
    return f"{day.year}年{day.month}月{day.day}日"


def blank(shape: Shape) -> Any:
    """A value of `shape` with every declared key present and nothing known."""
    if isinstance(shape, ListOf):
        return []
    if isinstance(shape, AnyKeys):
        return {}
    if isinstance(shape, Mapping):
        return {key: blank(inner) for key, inner in shape.items()}
    return None


def fill(shape: Shape, values: Mapping[str, Any]) -> dict[str, Any]:
    """`values` cut to the declared keys of `shape` (a group of fields, e.g. CONTEXT["case"]), the missing
    ones blank."""
    if not isinstance(shape, Mapping):
        raise TypeError("fill() takes a group of fields")
    filled = blank(shape)
    for key in filled:
        if key in values and values[key] is not None:
            filled[key] = values[key]
    return dict(filled)


def step_values(task: HumanTask) -> dict[str, Any]:
    """One completed step as documents see it (engine.documents.fields.STEP)."""
    signer = task.completed_by.display_name if task.completed_by else None
    values = {
        "step": task.task_name,
        "title": task.title,
        "decision": task.decision,
        # A code no vocabulary names prints as a blank, never as the raw key.
        "decision_label": DECISION_LABELS.get(task.decision or "") or facts.VOTES.get(task.decision or ""),
        "opinion": task.opinion,
        "signer": signer,
        "role_label": role_label(task.role),
        "unit": task.org_unit.name if task.org_unit else None,
        "date": chinese_date(task.completed_at),
        "values": mask_pii(dict(task.submission or {})),
    }
    return fill(STEP, values)


def completed_steps(session: Session, case_id: int) -> list[HumanTask]:
    query = (
        select(HumanTask)
        .where(HumanTask.case_id == case_id, HumanTask.state == "completed", HumanTask.completed_by_id.is_not(None))
        .order_by(HumanTask.completed_at, HumanTask.id)
    )
    return list(session.scalars(query))


def _unit_names(case: Case, session: Session) -> dict[str, str | None]:
    def name(unit_id: int | None) -> str | None:
        unit = session.get(OrgUnit, unit_id) if unit_id else None
        return unit.name if unit else None

    return {"village": case.village.name, "township": name(case.township_id), "county": name(case.county_id)}


def _members(household: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    members = household.get("members") if isinstance(household, Mapping) else None
    rows: list[dict[str, Any]] = []
    for member in members if isinstance(members, Sequence) and not isinstance(members, str) else []:
        if isinstance(member, Mapping):
            id_number = member.get("id_number")
            rows.append(
                fill(
                    MEMBER,
                    {
                        "name": member.get("name"),
                        "id_number_masked": mask_id_number(id_number) if isinstance(id_number, str) else None,
                        **facts.member_facts(member),
                    },
                )
            )
    return rows


def case_values(session: Session, case: Case) -> dict[str, Any]:
    units = _unit_names(case, session)
    household = case.household or (case.data or {}).get("household")
    members = _members(household if isinstance(household, Mapping) else None)
    applicant = case.applicant_name or (members[0]["name"] if members else None)
    applicant_id = members[0]["id_number_masked"] if members else None
    amount = f"{case.decided_amount:.2f}" if isinstance(case.decided_amount, Decimal) else None
    values = {
        "number": case.number,
        "process_title": None,
        "region_label": case.region,
        **units,
        "applicant": applicant,
        "applicant_masked": mask_name(applicant) if applicant else None,
        "id_number_masked": applicant_id,
        "registered_on": chinese_date(case.created_at),
        "decided_on": chinese_date(case.decided_at),
        "outcome_label": OUTCOME_LABELS.get(case.outcome or "", case.outcome),
        "amount": amount,
        "persons": len(members) or None,
    }
    return fill(CONTEXT["case"], values)


def _merge(target: dict[str, Any], values: Mapping[str, Any]) -> None:
    """Known values over the blanks: only declared keys, and None leaves the blank."""
    for key, value in values.items():
        if key in target and value is not None:
            target[key] = value


def build_context(
    session: Session,
    case: Case,
    task: HumanTask | None,
    issuer: OrgUnit | None,
    doc: Mapping[str, Any],
    process_title: str | None = None,
    parameters: Parameters | None = None,
) -> Context:
    """The whole context for one document of `case`, issued by `task` (None: an event or a case action)."""
    context: Context = blank(CONTEXT)
    context["doc"] = fill(CONTEXT["doc"], {"issued_on": chinese_date(utcnow()), **doc})
    context["case"] = case_values(session, case)
    context["case"]["process_title"] = process_title
    _merge(context["case"], facts.case_facts(session, case))
    units = _unit_names(case, session)
    issuer_values = {**units, "unit": issuer.name if issuer else units["county"], **facts.issuer_facts(parameters)}
    context["issuer"] = fill(CONTEXT["issuer"], issuer_values)
    household = case.household or (case.data or {}).get("household")
    context["household"]["members"] = _members(household if isinstance(household, Mapping) else None)
    context["household"]["persons"] = len(context["household"]["members"]) or None
    assessment, incomes = facts.assessment_facts(case)
    _merge(context["assessment"], assessment)
    _merge(context["household"], incomes)
    _merge(context["notice"], facts.notice_facts(session, case, parameters))
    _merge(context["legal"], facts.legal_facts(parameters))
    _merge(context["data"], facts.data_facts(session, case, task, parameters))
    steps = completed_steps(session, case.id)
    context["steps"] = [step_values(step) for step in steps]
    if task is not None:
        context["step"] = step_values(task)
    return context
