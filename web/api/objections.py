"""待处理异议 over the API: the objections to 公示 of the caller's cases that nobody has dealt with yet
(engine.queries.objections: pending while the 公示 runs, and after it until the case's next step)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.queries import objections
from engine.queries.objections import PendingObjections
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict, UtcDateTime

STATES = ("pending",)


class ObjectionQuerySchema(Strict):
    state = Str(
        load_default="pending",
        validate=validate.OneOf(STATES, error="必须是 pending"),
        metadata={
            "description": "待处理 pending（目前只提供待处理的异议）",
            "x-enum-descriptions": {"pending": "待处理"},
        },
    )


class ObjectionItemSchema(Schema):
    id = fields.Integer(attribute="objection_id")
    case_number = fields.String()
    process_id = fields.String()
    village_name = fields.String()
    applicant_name = fields.String(allow_none=True)
    text = fields.String(metadata={"description": "异议内容"})
    channel = fields.String(metadata={"description": "提交渠道：public 公示栏 / api 接口 / web 网页 / cli 代为登记"})
    contact_given = fields.Boolean(metadata={"description": "异议人是否留有联系方式（联系方式本身不在此返回）"})
    received_at = UtcDateTime()
    notice_open = fields.Boolean(metadata={"description": "公示是否仍在进行"})
    notice_ends_at = UtcDateTime()
    task_id = fields.Integer(allow_none=True, metadata={"description": "调用者可办理的该案件待办任务"})


class ObjectionListSchema(Schema):
    state = fields.String()
    total = fields.Integer(metadata={"description": "待处理异议总数（items 最多返回最早的 200 条）"})
    items = fields.List(fields.Nested(ObjectionItemSchema))


@operation(
    "GET",
    "/objections",
    summary="本机构辖区案件的待处理公示异议",
    tag="cases",
    query=ObjectionQuerySchema,
    response=ObjectionListSchema,
    roles="乡镇经办人、乡镇负责人、县民政经办人和审批人，只看本机构辖区的案件",
    errors=(400, 401, 403, 422),
    description="公示期间收到的异议立即列出；公示结束后，直到案件的下一步（异议处理）办结为止。",
)
def pending(query: dict[str, Any]) -> dict[str, Any]:
    found: PendingObjections = objections.pending_objections(ctx(), me())
    return {"state": query["state"], "total": found.total, "items": found.items}
