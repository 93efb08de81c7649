"""转介 as JSON (docs/referrals.md): the token user's referrals (a department user: their department's;
township and county staff: their scope's), a department's answer, and referring a case. The referral is named
by its number (ZJ-2026-000001) everywhere: pages, API and CLI. engine.services.referrals writes; who may is
engine.policy.referrals'."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.domain.vocabulary_window import REFERRAL_KIND_LABELS, REFERRAL_STATUS_LABELS
from engine.errors import NotFound
from engine.queries import referrals as views
from engine.queries.referrals import ReferralRow
from engine.services import referrals
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict, UtcDateTime
from web.api.schemas import _text

MAX_NUMBER = 32
_STATUSES = ("open", *REFERRAL_STATUS_LABELS)


class ReferralQuerySchema(Strict):
    status = Str(
        required=False,
        validate=validate.OneOf(_STATUSES, error=f"必须是 {'、'.join(_STATUSES)} 之一"),
        metadata={
            "description": "只看这一状态；open 为待接收和办理中；不填为全部",
            "x-enum-descriptions": {"open": "待接收和办理中", **REFERRAL_STATUS_LABELS},
        },
    )


class ReferralSchema(Schema):
    number = fields.String(metadata={"description": "转介编号，如 ZJ-2026-000001"})
    kind = fields.String(metadata={"enum": list(REFERRAL_KIND_LABELS)})
    kind_label = fields.String(metadata={"description": "转介事项"})
    status = fields.String(metadata={"enum": list(REFERRAL_STATUS_LABELS)})
    status_label = fields.String()
    source_label = fields.String(metadata={"description": "来源：案件转介或一门受理转介"})
    department_code = fields.String()
    department_name = fields.String()
    case_number = fields.String(allow_none=True)
    person_name = fields.String()
    id_number = fields.String(allow_none=True, metadata={"description": "身份证号（已脱敏）"})
    reason = fields.String(metadata={"description": "转介事由"})
    referred_by = fields.String()
    referred_at = UtcDateTime()
    due_at = UtcDateTime(metadata={"description": "反馈期限（参数 referral_feedback_days 个工作日）"})
    overdue = fields.Boolean(metadata={"description": "未反馈且已过反馈期限"})
    accepted_at = UtcDateTime(allow_none=True)
    answer_text = fields.String(allow_none=True, metadata={"description": "办理结果或非本部门事项的原因"})
    answered_by = fields.String(allow_none=True)
    answered_at = UtcDateTime(allow_none=True)


class ReferralListSchema(Schema):
    items = fields.List(fields.Nested(ReferralSchema))


class AnswerRequestSchema(Strict):
    answer = Str(
        required=True,
        validate=validate.OneOf(tuple(referrals.ANSWERS), error="必须是 handled 或 not_ours"),
        metadata={"description": "handled：已办结；not_ours：非本部门事项"},
    )
    text = _text(referrals.MAX_TEXT, description="办理结果（handled）或原因（not_ours）", not_blank=True)


class ReferRequestSchema(Strict):
    department = Str(
        required=True, validate=validate.Length(min=1, max=64), metadata={"description": "接收部门的机构代码"}
    )
    kind = Str(
        required=True,
        validate=validate.OneOf(tuple(REFERRAL_KIND_LABELS), error="没有这种转介事项"),
        metadata={"description": "转介事项", "x-enum-descriptions": REFERRAL_KIND_LABELS},
    )
    reason = _text(referrals.MAX_TEXT, description="转介事由", not_blank=True)


def _number(number: str) -> str:
    if len(number) > MAX_NUMBER:
        raise NotFound("转介不存在")
    return number


@operation(
    "GET",
    "/referrals",
    summary="转介：部门经办人看本部门的转介，乡镇、县民政人员看本辖区的转介（按反馈期限）",
    tag="referrals",
    query=ReferralQuerySchema,
    response=ReferralListSchema,
    roles="部门经办人（本部门）；乡镇经办人、负责人（本乡镇案件的和本人转介的）；县民政经办人、审批人、审计、系统管理（本县）",
    errors=(400, 401, 403, 422),
    description=f"最多返回 {views.LIST_LIMIT} 条。身份证号已脱敏。",
)
def list_referrals(query: dict[str, Any]) -> dict[str, Any]:
    return {"items": views.list_referrals(ctx(), me(), query.get("status"))}


@operation(
    "POST",
    "/referrals/<number>/answer",
    summary="部门反馈转介：已办结（附办理结果）或非本部门事项（附原因）",
    tag="referrals",
    body=AnswerRequestSchema,
    response=ReferralSchema,
    roles="接收该转介的部门的部门经办人",
    errors=(400, 401, 403, 404, 409, 422),
    description="其他部门或非部门人员 403；已反馈的再反馈 409；反馈结果或内容有误 422（fields 为 answer、text）。",
)
def answer(number: str, body: dict[str, Any]) -> ReferralRow:
    return referrals.answer(ctx(), me(), _number(number), answer=body["answer"], text=body["text"])


@operation(
    "POST",
    "/cases/<number>/referrals",
    summary="把案件的家庭转介给本县的部门（专项救助等），部门在反馈期限内反馈",
    tag="referrals",
    body=ReferRequestSchema,
    response=ReferralSchema,
    status=201,
    roles="本辖区的乡镇经办人、乡镇负责人和县民政经办人、审批人",
    errors=(400, 401, 403, 404, 422),
    description="接收单位不是部门、不是本县的部门或不存在时 422（fields 为 department）。",
)
def refer(number: str, body: dict[str, Any]) -> ReferralRow:
    return referrals.refer_case(
        ctx(), me(), number, department=body["department"], kind=body["kind"], reason=body["reason"]
    )
