"""临时救助 use cases: the what-if calculation (`dibao assess-temporary`, docs/contracts.md) and the count of
earlier grants a new request starts with (the repeat-grant rule, docs/rules.md#scenarios scenario 12).

The what-if reads the region's files in processes/ as they are now, like `dibao assess`: the
parameters and the region's DMN table `temporary_approval_level`, evaluated by the engine exactly as
a case's business rule task evaluates the deployed copy, so the level has one source of truth.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import CHINA, to_china, to_utc, utcnow
from engine.context import Context
from engine.domain import temporary, vocabulary
from engine.errors import InvalidData
from engine.persistence import Case
from engine.services.assessment import region_parameters
from engine.workflow.bundle import region_sources
from engine.workflow.decisions import evaluate_decision
from forms import FormDefinition, validate_form


def _enum(title: str, labels: Mapping[str, str]) -> dict[str, Any]:
    return {"type": "string", "title": title, "enum": list(labels), "x-enum-labels": dict(labels)}


# The what-if request (docs/contracts.md "Temporary assistance input"), with the domain's own labels.
REQUEST_FORM: dict[str, Any] = {
    "title": "临时救助测算",
    "type": "object",
    "required": ["as_of", "kind", "cause", "persons", "months", "household_type"],
    "properties": {
        "as_of": {"type": "string", "format": "date", "title": "测算日期"},
        "kind": _enum("救助类型", vocabulary.TEMPORARY_KINDS),
        "cause": _enum("困难事由", vocabulary.TEMPORARY_CAUSES),
        "persons": {"type": "integer", "title": "受困家庭人口（人）", "minimum": 1, "maximum": temporary.MAX_PERSONS},
        "months": {"type": "integer", "title": "困难持续月数（月）", "minimum": 1, "maximum": temporary.MAX_MONTHS},
        "household_type": _enum("家庭类型", vocabulary.HOUSEHOLD_TYPES),
        "existing_recipient": {"type": "boolean", "title": "已是本地低保或特困救助对象"},
    },
    "x-order": ["as_of", "kind", "cause", "persons", "months", "household_type", "existing_recipient"],
}


def assess_temporary(ctx: Context, region: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The temporary-assistance result of docs/contracts.md for `payload` under the region's current files.

    NotFound for an unknown region; InvalidData with one Chinese message per field for bad input;
    ParameterProblem when a parameter is missing or the table gives no level; BundleInvalid or
    WorkflowFailed when the region's DMN table is broken. Nothing is stored.
    """
    sources = region_sources(ctx.settings.processes_dir, region)
    parameters = region_parameters(ctx, region)
    definition = FormDefinition.from_dict("temporary_request", REQUEST_FORM)
    try:
        cleaned = validate_form(definition, payload)
    except InvalidData as exc:
        raise InvalidData("临时救助测算数据有误", fields=exc.fields) from None
    cleaned.setdefault("existing_recipient", False)

    def decide(basis: Mapping[str, Any]) -> Any:
        # The data key the process's business rule task sees is `grant_basis`: same table, same input.
        outputs = evaluate_decision(
            sources,
            temporary.DECISION_ID,
            {"grant_basis": dict(basis)},
            time_budget=ctx.settings.script_budget,
            calendar_dir=ctx.calendar_dir,
        )
        return outputs.get("approval_level")

    return temporary.assess_temporary(cleaned, parameters, region, decide)


def prior_grants(session: Session, process_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """Start-data enrichment "prior_grants": earlier grants to the same applicant for the same cause
    this calendar year (China time), as `prior_grants` (a count) and `prior_grant_cases` (their numbers).

    A grant is a case of this process decided with an amount above zero: an advance paid before the
    rest was refused is a grant too. The applicant is matched by ID number, wherever they applied.
    """
    number = str(data.get("applicant_id_number") or "").upper()
    cause = data.get("cause")
    year = to_china(utcnow()).year
    start = to_utc(datetime(year, 1, 1, tzinfo=CHINA))
    end = to_utc(datetime(year + 1, 1, 1, tzinfo=CHINA))
    decided = session.scalars(
        select(Case)
        .where(Case.kind == process_id, Case.decided_at >= start, Case.decided_at < end, Case.decided_amount > 0)
        .order_by(Case.id)
    )
    # The ID number and the cause live in the start data (JSON); decided grants of one year are few
    # enough to compare here rather than through database-specific JSON operators.
    numbers = [
        case.number
        for case in decided
        if number
        and str(case.data.get("applicant_id_number") or "").upper() == number
        and case.data.get("cause") == cause
    ]
    return {"prior_grants": len(numbers), "prior_grant_cases": numbers}
