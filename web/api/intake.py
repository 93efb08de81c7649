"""一门受理 as JSON (docs/intake.md): register a request (a hotline platform's ticket, a window's walk-in) and
read one back. engine.services.intake validates and registers; who may (and where) is engine.policy's."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from marshmallow import Schema, fields, validate

from engine.domain.vocabulary_window import INTAKE_CHANNEL_LABELS, INTAKE_NEED_LABELS
from engine.queries import intake as reads
from engine.queries.intake import IntakeDetail
from engine.services import intake
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict, UtcDateTime
from web.api.form_schemas import ID_NUMBER_FORMAT, ID_NUMBER_PATTERN, ORG_UNIT_PATTERN, TEXT_PATTERN

_WHO = "村/社区协理员（本村）、乡镇经办人和负责人（本乡镇）、县民政经办人和审批人（本县，须指定乡镇或村）"


# What the service checks, stated as schema keywords so a client (and the fuzzer) can see it; the rest is in
# words: a hotline channel needs its ticket, and the township and village name units of the caller's scope.
_TEXT = validate.Regexp(TEXT_PATTERN, error="前后不能是空白")
_CODE = validate.Regexp(f"^$|{ORG_UNIT_PATTERN}", error="须为机构代码")


class IntakeRequestSchema(Strict):
    channel = Str(
        required=True,
        validate=validate.OneOf(list(INTAKE_CHANNEL_LABELS), error="没有这种受理渠道"),
        metadata={"description": "受理渠道：" + "、".join(f"{k}（{v}）" for k, v in INTAKE_CHANNEL_LABELS.items())},
    )
    external_ticket = Str(
        load_default="",
        validate=[validate.Length(max=64), validate.Regexp(f"^$|{TEXT_PATTERN}", error="前后不能是空白")],
        metadata={"description": "热线工单号：12345、12349 热线来件必填"},
    )
    township = Str(
        load_default="", validate=_CODE, metadata={"description": "分办乡镇代码（县级人员未指定村/社区时必填）"}
    )
    village = Str(load_default="", validate=_CODE, metadata={"description": "村/社区代码（协理员可省略，即本村）"})
    person_name = Str(required=True, validate=[validate.Length(1, 100), _TEXT], metadata={"description": "求助人姓名"})
    id_number = Str(
        load_default="",
        validate=validate.Regexp(f"^$|{ID_NUMBER_PATTERN}", error="须为 18 位身份证号"),
        metadata={"description": "身份证号（可选，须通过校验）", "format": ID_NUMBER_FORMAT},
    )
    phone = Str(
        load_default="",
        validate=validate.Regexp(r"^$|^[0-9+\-()][0-9+\-() ]{3,18}[0-9+\-()]$", error="只能包含数字，5 至 20 位"),
        metadata={"description": "联系电话（可选）"},
    )
    need = Str(required=True, validate=[validate.Length(1, 2000), _TEXT], metadata={"description": "诉求内容"})
    need_kind = Str(
        required=True,
        validate=validate.OneOf(list(INTAKE_NEED_LABELS), error="没有这种诉求类别"),
        metadata={"description": "诉求类别：" + "、".join(f"{k}（{v}）" for k, v in INTAKE_NEED_LABELS.items())},
    )


class IntakeSchema(Schema):
    number = fields.String(metadata={"description": "受理编号，如 SL-2026-000001"})
    status = fields.String(metadata={"description": "registered、started、referred 或 closed"})
    status_label = fields.String()
    channel = fields.String()
    channel_label = fields.String()
    external_ticket = fields.String(allow_none=True)
    person_name = fields.String()
    id_number_masked = fields.String(allow_none=True, metadata={"description": "身份证号（脱敏）"})
    need_kind_label = fields.String()
    township = fields.String()
    village = fields.String(allow_none=True)
    registered_at = UtcDateTime()
    due_at = UtcDateTime(metadata={"description": "分办期限（按渠道的工作日数）"})
    overdue = fields.Boolean()
    case_number = fields.String(allow_none=True)
    referral_number = fields.String(allow_none=True)
    feedback = fields.String(allow_none=True)
    satisfaction_label = fields.String(allow_none=True)
    repeated = fields.Boolean(metadata={"description": "仅登记时：该热线工单此前已登记，返回的是已登记的事项"})


_ONE = IntakeSchema()


def _values(detail: IntakeDetail) -> dict[str, Any]:
    row = detail.row
    values = {name: getattr(row, name) for name in IntakeSchema._declared_fields if hasattr(row, name)}
    return {**values, "feedback": detail.feedback, "satisfaction_label": detail.satisfaction_label}


@operation(
    "POST",
    "/intake",
    summary="一门受理：登记一件来件（窗口、热线、网格等），返回受理编号、状态和分办期限",
    tag="intake",
    body=IntakeRequestSchema,
    response=IntakeSchema,
    status=201,
    roles=_WHO,
    errors=(400, 401, 403, 404, 409, 422),
    description=(
        "201。同一热线渠道的同一工单号再次提交：内容相同则返回已登记的事项（repeated 为 true，不重复登记），"
        "内容不同则 409。字段有误时 422，fields 逐项说明。"
    ),
)
def register(body: dict[str, Any]) -> Response:
    registered = intake.register(ctx(), me(), body)
    reply = jsonify({**_ONE.dump(_values(registered.detail)), "repeated": not registered.created})
    reply.status_code = 201
    return reply


@operation(
    "GET",
    "/intake/<number>",
    summary="一件一门受理事项：状态、分办期限、分办结果和反馈（身份证号脱敏）",
    tag="intake",
    response=IntakeSchema,
    roles="本辖区的村/社区协理员、乡镇和县民政人员、审计人员、系统管理员",
)
def show(number: str) -> dict[str, Any]:
    return _values(reads.intake_page(ctx(), me(), number))
