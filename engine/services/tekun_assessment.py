"""The what-if 特困 assessment (docs/tekun-assessment.md: `dibao assess-tekun`, POST /api/v1/assessments/tekun).

Like the 低保 what-if assessment it reads the region's parameter files as they are in processes/ now; a
running case calls the BPMN helper `assess_tekun`, bound to the parameters deployed with its process version.
Nothing is stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.context import Context
from engine.domain.tekun import assess_tekun
from engine.services.assessment import region_parameters


def assess_tekun_person(ctx: Context, region: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The 特困 assessment of `{"as_of", "person", "supporters"}` under the region's current parameters.

    NotFound for an unknown region; InvalidData with a Chinese message per field path for bad input;
    engine.domain.assessment.ParameterProblem when the region's parameters lack a value for the date.
    """
    return assess_tekun(payload, region_parameters(ctx, region), region)
