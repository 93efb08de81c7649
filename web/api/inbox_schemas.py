"""Schemas of the inbox routes: GET /tasks with search, filters, sort and pages (engine.queries.inbox), and
POST /tasks/batch (engine.services.batch_tasks). The older GET /tasks parameters keep their meaning."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.queries import inbox
from engine.services import batch_tasks
from web.api.fields import Int, Str, Strict
from web.api.schemas import TaskListQuerySchema, TaskListSchema, TaskSummarySchema, _text


def _choice(values: tuple[str, ...], description: str, labels: dict[str, str]) -> Str:
    return Str(
        required=False,
        validate=validate.OneOf(values, error=f"必须是 {'/'.join(values)} 之一"),
        metadata={"description": description, "x-enum-descriptions": labels},
    )


class InboxQuerySchema(TaskListQuerySchema):
    q = _text(
        inbox.MAX_TEXT,
        required=False,
        description="查询：案件编号（可不带年份，如 2026-0000123 或 123）、申请人姓名（开头一致）或完整身份证号"
        "（精确匹配，记入审计日志；须有查看身份证号的角色）",
    )
    step = _text(100, required=False, description="只看该环节（BPMN 任务 ID，如 county_confirmation）的任务")
    due = _choice(
        inbox.DUE_WINDOWS,
        "到期范围",
        {"overdue": "已过期限", "today": "今天（北京时间）到期", "week": "7 天内到期"},
    )
    sort = _choice(
        inbox.SORTS,
        "排序列（默认：已办按办结时间倒序，其余按办理期限）",
        {
            "applicant": "申请人",
            "case": "案件编号",
            "process": "流程",
            "step": "环节",
            "village": "村/社区",
            "due": "办理期限",
            "created": "任务产生时间",
            "completed": "办结时间",
        },
    )
    order = _choice(("asc", "desc"), "排序方向", {"asc": "升序", "desc": "降序"})
    page = Int(
        required=False,
        validate=validate.Range(min=1, max=10**6, error="必须在 1 到 1000000 之间"),
        metadata={"description": "页码（从 1 开始，每页 limit 条）；给出时代替 offset"},
    )


class InboxTaskSchema(TaskSummarySchema):
    applicant = fields.String(metadata={"description": "申请人（遮蔽，如 张*）"})
    village_name = fields.String()
    case_status = fields.String(metadata={"enum": ["open", "suspended", "closed", "cancelled"]})
    case_outcome = fields.String(allow_none=True)
    urgent = fields.Boolean(metadata={"description": "加急：按小时计算时限的环节，或 24 小时内到期"})


class InboxListSchema(TaskListSchema):
    page = fields.Integer()
    pages = fields.Integer()
    items = fields.List(fields.Nested(InboxTaskSchema))


class BatchRequestSchema(Strict):
    action = Str(
        required=True,
        validate=validate.OneOf(batch_tasks.ACTIONS, error="必须是 claim/complete 之一"),
        metadata={
            "description": "claim 批量签收 / complete 批量审批",
            "x-enum-descriptions": {"claim": "批量签收", "complete": "批量审批"},
        },
    )
    task_ids = fields.List(
        Int(validate=validate.Range(min=1, max=2**31 - 1, error="必须是正整数")),
        required=True,
        validate=validate.Length(min=1, max=batch_tasks.MAX_BATCH, error=f"须有 1 到 {batch_tasks.MAX_BATCH} 项"),
        error_messages={"required": "必填", "invalid": "必须是整数数组", "null": "不能为 null"},
        metadata={"description": "任务 ID；批量审批时须是同一环节的任务"},
    )
    decision = _text(32, required=False, description="批量审批的结论（该环节表单 decision 的取值之一）")
    opinion = _text(2000, required=False, description="批量审批的意见，逐项记入每件任务")


class BatchItemSchema(Schema):
    task_id = fields.Integer()
    ok = fields.Boolean()
    message = fields.String(metadata={"description": "成功时为办理结果，失败时为原因"})
    case_number = fields.String(allow_none=True)
    title = fields.String(allow_none=True)


class BatchResultSchema(Schema):
    action = fields.String(metadata={"enum": list(batch_tasks.ACTIONS)})
    succeeded = fields.Integer()
    failed = fields.Integer()
    items = fields.List(fields.Nested(BatchItemSchema))
