"""The what-if household assessment (docs/contracts.md: `dibao assess`, POST /api/v1/assessments).

This assessment reads the parameter files as they are in processes/ now (the region's
parameters.toml layered over the default one), so it answers "what would this household get
under the current files". A running case does not use it: its BPMN calls the `assess` helper,
bound to the parameters deployed with its process version, so editing processes/ changes
nothing for a case until a new version is deployed and a new case starts on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from engine.context import Context
from engine.domain.assessment import assess, household_problems
from engine.domain.parameters import Parameters, layered_parameters
from engine.errors import InvalidData
from engine.workflow.bundle import region_sources
from forms import FormDefinition, validate_form

HOUSEHOLD_FORM = "household"
# The request envelope; the household part is the household form itself, so the what-if
# assessment accepts exactly what an application's start form accepts.
REQUEST_FORM: dict[str, Any] = {
    "title": "家庭经济状况评估",
    "type": "object",
    "required": ["as_of", "household"],
    "properties": {
        "as_of": {"type": "string", "format": "date", "title": "评估日期"},
        "household": {"$ref": HOUSEHOLD_FORM},
    },
    "x-order": ["as_of", "household"],
}


def assess_household(ctx: Context, region: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The what-if assessment (docs/contracts.md) of `{"as_of": "YYYY-MM-DD", "household": {...}}`.

    The parameters are the region's files in processes/ as they are now; a running case instead
    uses the parameters deployed with its process version (the BPMN `assess` helper).

    NotFound for an unknown region; InvalidData with one Chinese message per field path for bad
    input; engine.domain.assessment.ParameterProblem when the region's parameters lack a value.
    Nothing is stored.
    """
    parameters = region_parameters(ctx, region)
    definition = FormDefinition.from_dict("assessment_request", REQUEST_FORM, ctx.settings.forms_dir)
    try:
        cleaned = validate_form(definition, payload)
    except InvalidData as exc:
        raise InvalidData("评估数据有误", fields=exc.fields) from None
    problems = household_problems(cleaned["household"])
    if problems:
        raise InvalidData("评估数据有误", fields=problems)
    return assess(cleaned["household"], date.fromisoformat(cleaned["as_of"]), parameters, region)


def region_parameters(ctx: Context, region: str) -> Parameters:
    """The region's parameters as the files in processes/ state them now (NotFound for an unknown region)."""
    sources = region_sources(ctx.settings.processes_dir, region)
    return layered_parameters(
        (source.origin, source.content.decode("utf-8", errors="replace")) for source in sources.parameters
    )
