"""What the anonymous 公示 board shows of a case, derived by the engine from the case record alone.

The board is public. Were its numbers read from workflow data, a regional designer's script could set
them to anything (an income, digits of an ID number) and publish it. So the engine computes them here
from what clerks entered on forms, with the definition's parameters, as domain code does everywhere:

* a 低保 household (the start form's, or the corrected one a later form recorded, ``Case.household``):
  the assessment and the proposal of engine.domain give the persons covered and the monthly amount;
  a 单人户 is published under the covered members' names;
* a temporary-assistance request (the start form's kind, cause, persons, months …): the formula amount
  of engine.domain.temporary and the persons of the request;
* a 特困 person (application or termination, docs/tekun.md): one person at the basic living standard only.

Names are masked (张*, 王*明). The 公示 period ends when the process stops listening for objections.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from engine.domain.assessment import assess
from engine.domain.benefit import benefit_proposal
from engine.domain.parameters import Parameters
from engine.domain.privacy import mask_name
from engine.domain.tekun import tekun_basic_standard
from engine.domain.temporary import temporary_basis
from engine.domain.vocabulary_tekun import TEKUN_NOTICE_PROCESSES
from engine.errors import DibaoError, WorkflowFailed
from engine.persistence import Case
from forms import FormDefinition

HOUSEHOLD_REF = "household"  # form fields declared {"$ref": "household"} hold a household
_TEMPORARY_KEYS = ("kind", "cause", "persons", "months", "household_type", "existing_recipient")


@dataclass(frozen=True)
class PublicValues:
    masked_name: str
    persons: int
    amount: Decimal


def record_entered_household(case: Case, form: FormDefinition | None, data: Mapping[str, Any]) -> None:
    """Keep the household a completed form carried (validated by the form) as the case's household."""
    properties: Mapping[str, Any] = (form.schema.get("properties") or {}) if form is not None else {}
    for name, node in properties.items():
        if isinstance(node, Mapping) and node.get("$ref") == HOUSEHOLD_REF and isinstance(data.get(name), dict):
            case.household = data[name]


def public_values(case: Case, parameters: Parameters, on: date) -> PublicValues:
    """The public fields of the case's 公示 on day `on`; WorkflowFailed if the record allows none."""
    start: Mapping[str, Any] = case.data or {}
    household = case.household or start.get("household")
    try:
        if case.kind in TEKUN_NOTICE_PROCESSES:
            return _tekun_values(case, start, parameters, on)
        if isinstance(household, Mapping):
            return _household_values(case, household, parameters, on)
        if all(key in start for key in _TEMPORARY_KEYS):
            request = {"as_of": on.isoformat(), **{key: start[key] for key in _TEMPORARY_KEYS}}
            amount = Decimal(temporary_basis(request, parameters)["amount"])
            return PublicValues(mask_name(case.applicant_name or ""), int(start["persons"]), amount)
    except DibaoError as problem:
        raise WorkflowFailed(f"无法由案件记录得出公示内容：{problem.message}", "public_notice") from None
    raise WorkflowFailed("无法由案件记录得出公示内容：案件没有家庭或临时救助申请数据", "public_notice")


def _household_values(case: Case, household: Mapping[str, Any], parameters: Parameters, on: date) -> PublicValues:
    proposal = benefit_proposal(assess(household, on, parameters, case.region), household)
    members = [str(name) for name in proposal["members"]]
    # A 单人户 notice names the covered people, not the household's applicant.
    shown = members if proposal["basis"] == "single_person" and members else [case.applicant_name or ""]
    return PublicValues(
        "、".join(mask_name(name) for name in shown), int(proposal["persons"]), Decimal(proposal["amount"])
    )


def _tekun_values(case: Case, start: Mapping[str, Any], parameters: Parameters, on: date) -> PublicValues:
    """A 特困 person: one person, at the basic living standard (never the care standard, which tells the
    public how far the person can look after themselves)."""
    registered = start.get("registered_type")
    if registered not in ("urban", "rural"):
        person = (case.household or {}).get("person") if isinstance(case.household, Mapping) else None
        registered = person.get("registered_type") if isinstance(person, Mapping) else "urban"
    amount = tekun_basic_standard(parameters, on, str(registered or "urban"))
    return PublicValues(mask_name(case.applicant_name or ""), 1, amount)
