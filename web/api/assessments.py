"""What-if calculations: household assessment and temporary assistance. Nothing is stored."""

from __future__ import annotations

from typing import Any

from engine.services import assessment, temporary
from web.api.bodies import assessment_body, temporary_body
from web.api.core import ctx, operation
from web.api.schemas import AssessmentRequestSchema, AssessmentSchema, TemporaryRequestSchema, TemporaryResultSchema


@operation(
    "POST",
    "/assessments",
    summary="家庭经济状况评估（按 processes/ 中该地区当前的参数）",
    tag="assessments",
    body=AssessmentRequestSchema,
    response=AssessmentSchema,
    errors=(400, 401, 404, 422),
    body_document=assessment_body,
)
def assess(body: dict[str, Any]) -> dict[str, Any]:
    region = body.pop("region")
    return assessment.assess_household(ctx(), region, body)


@operation(
    "POST",
    "/assessments/temporary",
    summary="临时救助测算",
    tag="assessments",
    body=TemporaryRequestSchema,
    response=TemporaryResultSchema,
    errors=(400, 401, 404, 422),
    body_document=temporary_body,
)
def assess_temporary(body: dict[str, Any]) -> dict[str, Any]:
    region = body.pop("region")
    return temporary.assess_temporary(ctx(), region, body)
