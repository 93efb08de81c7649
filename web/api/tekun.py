"""The 特困 what-if assessment (docs/tekun-assessment.md): POST /api/v1/assessments/tekun. Nothing is stored."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.context import Context
from engine.domain.vocabulary import DISABILITY_TYPES, REGISTERED_TYPES
from engine.domain.vocabulary_tekun import (
    TEKUN_ADL_INDICATORS,
    TEKUN_CARE_TIERS,
    TEKUN_INCOME_KINDS,
    TEKUN_SUPPORTER_RELATIONS,
    TEKUN_SUPPORTER_STATUSES,
)
from engine.services import tekun_assessment
from web.api.core import ctx, operation
from web.api.fields import Json, Str, Strict


class TekunRequestSchema(Strict):
    region = Str(
        required=True,
        validate=validate.Length(min=1, max=32, error="长度须在 1 到 32 个字之间"),
        metadata={"description": "地区"},
    )
    as_of = Json(required=True)
    person = Json(required=True)
    supporters = Json()


class TekunConditionsSchema(Schema):
    no_work_ability = fields.Boolean()
    no_income = fields.Boolean()
    no_supporter = fields.Boolean()


class TekunResultSchema(Schema):
    region = fields.String()
    as_of = fields.String()
    age = fields.Integer()
    eligible = fields.Boolean()
    conditions = fields.Nested(TekunConditionsSchema)
    reasons = fields.List(fields.String())
    dibao_standard = fields.String()
    countable_income = fields.String()
    basic = fields.String()
    adl_failed = fields.Integer()
    care_tier = fields.String(metadata={"enum": list(TEKUN_CARE_TIERS)})
    last_year_minimum_wage = fields.String()
    care = fields.String()
    total = fields.String()
    explanation = fields.List(fields.String())


_DATE = {"type": "string", "format": "date"}
_AMOUNT = {"type": "string", "pattern": "^[0-9]{1,10}(\\.[0-9]{1,2})?$", "description": "元/月（小于 100 亿）"}


def _enum(codes: dict[str, str], description: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(codes), "description": description}


def _person() -> dict[str, Any]:
    six = len(TEKUN_ADL_INDICATORS)
    return {
        "type": "object",
        "required": ["birth_date", "adl"],
        "properties": {
            "birth_date": {**_DATE, "description": "出生日期（不晚于评估日期）"},
            "registered_type": _enum(REGISTERED_TYPES, "户籍类型，决定适用城市或农村低保标准；默认 urban"),
            "disability": {
                "type": "object",
                "nullable": True,
                "required": ["grade", "type"],
                "properties": {
                    "grade": {"type": "integer", "minimum": 1, "maximum": 4},
                    "type": _enum(DISABILITY_TYPES, "残疾类别"),
                },
            },
            "incomes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["kind", "monthly_amount"],
                    "properties": {"kind": _enum(TEKUN_INCOME_KINDS, "收入类别"), "monthly_amount": _AMOUNT},
                },
            },
            "adl": {
                "description": f"生活自理能力 {six} 项指标（{'、'.join(TEKUN_ADL_INDICATORS)}），"
                "true 表示该项不能自理；或只给不能自理项数",
                "oneOf": [
                    {"type": "array", "items": {"type": "boolean"}, "minItems": six, "maxItems": six},
                    {
                        "type": "object",
                        "required": ["failed"],
                        "properties": {"failed": {"type": "integer", "minimum": 0, "maximum": six}},
                    },
                ],
            },
        },
    }


def tekun_body(_ctx: Context) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """The request as the domain reads it (engine.domain.tekun.shape), for the OpenAPI document."""
    supporter = {
        "type": "object",
        "required": ["relation", "status"],
        "properties": {
            "relation": _enum(TEKUN_SUPPORTER_RELATIONS, "与申请人的关系"),
            "status": _enum(TEKUN_SUPPORTER_STATUSES, "义务人状况"),
        },
    }
    schema = {
        "type": "object",
        "required": ["region", "as_of", "person"],
        "additionalProperties": False,
        "description": "特困人员认定评估：评估日期及其上一年末须有该地区生效的参数（全国默认参数自 2021-07-01 起），"
        "否则得到 422。",
        "properties": {
            "region": {"type": "string", "minLength": 1, "maxLength": 32, "description": "地区，如 default、yantai"},
            "as_of": {**_DATE, "description": "评估日期"},
            "person": _person(),
            "supporters": {"type": "array", "items": supporter, "description": "法定赡养、抚养、扶养义务人"},
        },
    }
    return {"TekunRequest": schema}, {"$ref": "#/components/schemas/TekunRequest"}


@operation(
    "POST",
    "/assessments/tekun",
    summary="特困人员认定评估（按 processes/ 中该地区当前的参数）",
    tag="assessments",
    body=TekunRequestSchema,
    response=TekunResultSchema,
    errors=(400, 401, 404, 422),
    body_document=tekun_body,
)
def assess_tekun(body: dict[str, Any]) -> dict[str, Any]:
    region = body.pop("region")
    return tekun_assessment.assess_tekun_person(ctx(), region, body)
