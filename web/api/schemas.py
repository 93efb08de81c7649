"""marshmallow schemas of the JSON API: request bodies and queries (loaded) and responses (dumped).

The OpenAPI document is generated from these classes (web.api.openapi), so what is documented is what
is checked. Request schemas check the envelope only (types, required keys, no unknown keys); the
content of a form, a household or a temporary-assistance input is the services' to validate, with
the forms package and its Chinese field labels, exactly as for the web pages and the CLI; the document
shows their forms instead (web.api.bodies).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.services.tasks import VIEWS
from web.api.context_schemas import ContextPanelSchema
from web.api.countersign_schemas import CountersignSchema
from web.api.delegation_schemas import DelegationSchema
from web.api.fields import Bool, Int, Json, Obj, Str, Strict, UtcDateTime
from web.api.form_schemas import NOT_BLANK  # somewhere a character that is not a blank

MAX_PAGE = 200


def _text(max_length: int, *, required: bool = True, description: str = "", not_blank: bool = False) -> Str:
    """`not_blank`: the service strips the text first, so the document asks for a non-blank character."""
    return Str(
        required=required,
        validate=validate.Length(min=1, max=max_length, error=f"长度须在 1 到 {max_length} 个字之间"),
        metadata={"description": description, **({"pattern": NOT_BLANK} if not_blank else {})},
    )


# --- requests ------------------------------------------------------------------------------------------


class TokenRequestSchema(Strict):
    username = _text(64, description="用户名")
    password = _text(1024, description="密码")


class TaskListQuerySchema(Strict):
    view = Str(
        load_default="open",
        validate=validate.OneOf(VIEWS, error=f"必须是 {'/'.join(VIEWS)} 之一"),
        metadata={
            "description": "待办 open / 已签收 claimed / 已办 done / 超期 overdue / 委派给我 delegated",
            "x-enum-descriptions": {
                "open": "待办",
                "claimed": "已签收",
                "done": "已办",
                "overdue": "超期",
                "delegated": "委派给我",
            },
        },
    )
    limit = Int(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE, error=f"必须在 1 到 {MAX_PAGE} 之间"))
    offset = Int(load_default=0, validate=validate.Range(min=0, max=10**9, error="必须是非负整数"))
    process = _text(64, required=False, description="只看该流程（流程 ID）的任务")
    village = _text(64, required=False, description="只看该村/社区（机构代码）的任务")


class TransferRequestSchema(Strict):
    to = _text(64, description="接收人用户名：本机构内具有相同角色的其他人员")
    reason = _text(500, description="转办理由", not_blank=True)


class CompleteRequestSchema(Strict):
    data = Obj(required=True, metadata={"description": "任务表单数据（字段见 GET /tasks/{task_id} 的 form）"})


class DraftRequestSchema(Strict):
    data = Obj(
        required=True,
        metadata={"description": "暂存的表单数据（只能是该任务表单的字段，不做完整校验；序列化后不超过 200 KB）"},
    )


class DraftSchema(Schema):
    task_id = fields.Integer()
    saved_at = UtcDateTime(metadata={"description": "暂存时间（UTC）"})


class StartCaseRequestSchema(Strict):
    process = _text(64, description="流程 ID，如 dibao_application")
    data = Obj(required=True, metadata={"description": '启动数据：{"village": 村/社区代码, …启动表单字段}'})
    confirm_duplicate = Bool(
        load_default=False,
        metadata={"description": "身份证号与在办案件或在保记录重复时，确认仍然登记（否则得到 409）"},
    )


# The two what-if envelopes: the region here; the rest is the services' request forms (also what the
# document shows, web.api.bodies), so the other keys pass through to them and their Chinese messages.
class AssessmentRequestSchema(Strict):
    region = _text(32, description="地区，如 default、yantai")
    as_of = Json(required=True)
    household = Json(required=True)


class TemporaryRequestSchema(Strict):
    region = _text(32, description="地区")
    as_of = Json(required=True)
    kind = Json(required=True)
    cause = Json(required=True)
    persons = Json(required=True)
    months = Json(required=True)
    household_type = Json(required=True)
    existing_recipient = Json()


class NoticeQuerySchema(Strict):
    village = _text(64, description="村/社区代码")


class ObjectionRequestSchema(Strict):
    # Lengths are the service's to check (with its own messages); here only the types and the document.
    text = Str(
        required=True, metadata={"description": "异议内容", "minLength": 1, "maxLength": 2000, "pattern": NOT_BLANK}
    )
    contact = Str(
        allow_none=True, load_default=None, metadata={"description": "联系方式（可选，不公开）", "maxLength": 200}
    )


class RegionRequestSchema(Strict):
    region = _text(32, required=False, description="地区；省略时为设计员本人所在地区")


# --- responses -----------------------------------------------------------------------------------------


class ErrorSchema(Schema):
    error = fields.String(metadata={"description": "错误代码，如 not_found、forbidden、invalid"})
    message = fields.String(metadata={"description": "中文说明"})
    request_id = fields.String()
    problems = fields.List(fields.Dict(), metadata={"description": "流程包校验问题（仅 bundle_invalid）"})
    retry_after = fields.Integer(metadata={"description": "多少秒后可再试（仅 rate_limited）"})
    duplicates = fields.List(
        fields.Dict(), metadata={"description": "重复的身份证号（遮蔽）及其在办案件或在保记录（仅 duplicate）"}
    )
    # `fields` would clash with Schema.fields, hence another attribute name for the same key.
    field_errors = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "字段 → 中文错误说明"},
    )


class TokenSchema(Schema):
    token = fields.String(metadata={"description": "只显示这一次；服务器只保存其 SHA-256"})
    token_type = fields.Constant("Bearer")
    username = fields.String()
    expires_at = UtcDateTime()


class TaskSummarySchema(Schema):
    id = fields.Integer()
    case_number = fields.String()
    process_id = fields.String()
    task_name = fields.String()
    title = fields.String()
    role = fields.String()
    org_unit = fields.String()
    village = fields.String()
    state = fields.String(metadata={"enum": ["open", "claimed", "completed", "cancelled"]})
    assignee = fields.String(allow_none=True)
    created_at = UtcDateTime()
    due_at = UtcDateTime(allow_none=True)
    completed_at = UtcDateTime(allow_none=True)
    completed_by = fields.String(allow_none=True)
    decision = fields.String(allow_none=True)
    opinion = fields.String(allow_none=True)
    overdue = fields.Boolean()
    completed_late = fields.Boolean()
    delegation = fields.Nested(DelegationSchema, allow_none=True, metadata={"description": "委派；没有时为空"})


class TaskListSchema(Schema):
    view = fields.String()
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
    items = fields.List(fields.Nested(TaskSummarySchema))


class LegalClockSchema(Schema):
    started_on = fields.Date()
    limit_days = fields.Integer()
    due_on = fields.Date()
    working_days_used = fields.Integer()
    stopped = fields.Boolean()
    overdue = fields.Boolean()
    extension_reason = fields.String(allow_none=True)


class NoticeSchema(Schema):
    """A 公示 entry: the public fields only."""

    id = fields.Integer()
    village = fields.String()
    village_name = fields.String()
    masked_name = fields.String()
    persons = fields.Integer()
    proposed_amount = fields.String()
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()


class EnrollmentSchema(Schema):
    status = fields.String()
    monthly_amount = fields.String()
    persons = fields.Integer()
    covered_members = fields.String(allow_none=True)
    starts_on = fields.Date()
    ends_on = fields.Date(allow_none=True)


class CaseSummarySchema(Schema):
    number = fields.String()
    kind = fields.String()
    region = fields.String()
    village = fields.String()
    status = fields.String()
    stage = fields.String(allow_none=True)
    created_at = UtcDateTime()
    decided_amount = fields.String(allow_none=True)
    outcome = fields.String(allow_none=True)
    decided_at = UtcDateTime(allow_none=True)
    legal_clock = fields.Nested(LegalClockSchema, allow_none=True)


class CaseSchema(CaseSummarySchema):
    process_version = fields.Integer()
    bundle_hash = fields.String()
    instance_status = fields.String()
    error_message = fields.String(allow_none=True)
    next_timer_at = UtcDateTime(allow_none=True)
    assessment = fields.Dict(allow_none=True)
    open_tasks = fields.Method(
        "_open_tasks", metadata={"type": "array", "items": {"$ref": "#/components/schemas/TaskSummary"}}
    )
    notices = fields.List(fields.Nested(NoticeSchema))
    enrollment = fields.Nested(EnrollmentSchema, allow_none=True)

    def _open_tasks(self, case: Any) -> list[dict[str, Any]]:
        rows = [t for t in case.tasks if t.state in ("open", "claimed")]
        return TaskSummarySchema(many=True).dump(rows)  # type: ignore[no-any-return]


class TaskDetailSchema(Schema):
    task = fields.Nested(TaskSummarySchema)
    form_key = fields.String(allow_none=True)
    form = fields.Dict(allow_none=True, metadata={"description": "表单定义（JSON Schema 子集 + 中文标签）"})
    data = fields.Dict(
        metadata={"description": "表单打开时的值：本任务的暂存内容；没有暂存时只有流程中声明的预填（prefill）"}
    )
    draft_saved_at = UtcDateTime(allow_none=True, metadata={"description": "data 为暂存内容时的暂存时间（UTC）"})
    earlier_opinions = fields.List(fields.Nested(TaskSummarySchema))
    case = fields.Nested(CaseSummarySchema)
    context = fields.List(
        fields.Nested(ContextPanelSchema),
        required=True,
        metadata={"description": "决策依据：该环节在流程中声明的面板，按声明顺序；未声明时为空列表"},
    )
    countersign = fields.Nested(
        CountersignSchema,
        allow_none=True,
        metadata={"description": "会签：本任务的成员和本轮会签进度；非会签任务为 null"},
    )


class CompletionSchema(Schema):
    task = fields.Nested(TaskSummarySchema)
    case_number = fields.String()
    case_status = fields.String()
    stage = fields.String(allow_none=True)
    new_tasks = fields.List(fields.Nested(TaskSummarySchema))


class HistoryEventSchema(Schema):
    seq = fields.Integer()
    occurred_at = UtcDateTime()
    action = fields.String()
    actor = fields.String(allow_none=True)
    actor_role = fields.String(allow_none=True)
    actor_org = fields.String(allow_none=True)
    task_id = fields.Integer(allow_none=True)
    details = fields.Dict()


class CaseHistorySchema(Schema):
    case_number = fields.String()
    events = fields.List(fields.Nested(HistoryEventSchema))


class SinglePersonSchema(Schema):
    name = fields.String()
    reason = fields.String()
    benefit_amount = fields.String()


class AssessmentSchema(Schema):
    region = fields.String()
    as_of = fields.String()
    standard = fields.String()
    minimum_wage = fields.String()
    countable_income = fields.String()
    excluded_income = fields.String()
    deductions = fields.String()
    per_capita_income = fields.String()
    category = fields.String(metadata={"enum": ["dibao", "marginal", "none"]})
    eligible = fields.Boolean()
    benefit_amount = fields.String()
    single_person_members = fields.List(fields.Nested(SinglePersonSchema))
    explanation = fields.List(fields.String())


class TemporaryResultSchema(Schema):
    region = fields.String()
    as_of = fields.String()
    kind = fields.String()
    cause = fields.String()
    standard = fields.String()
    township_limit = fields.String()
    amount = fields.String()
    months_counted = fields.Integer()
    approval_level = fields.String(metadata={"enum": ["township", "county", "committee"]})
    advance_payment = fields.String()
    remainder = fields.String()
    explanation = fields.List(fields.String())


class NoticeListSchema(Schema):
    village = fields.String()
    items = fields.List(fields.Nested(NoticeSchema))


class ObjectionReceiptSchema(Schema):
    objection_id = fields.Integer()
    notice_id = fields.Integer()
    received_at = UtcDateTime()


class ProcessVersionSchema(Schema):
    process_id = fields.String()
    region = fields.String()
    version = fields.Integer()
    title = fields.String()
    bundle_hash = fields.String()
    deployed_at = UtcDateTime()
    deployed_by = fields.String(allow_none=True)
    new = fields.Boolean(metadata={"description": "本次部署产生的新版本（仅部署结果）"})


class ProcessListSchema(Schema):
    items = fields.List(fields.Nested(ProcessVersionSchema))


class DeploymentSchema(Schema):
    region = fields.String()
    items = fields.List(fields.Nested(ProcessVersionSchema))


class ProblemSchema(Schema):
    file = fields.String()
    line = fields.Integer(allow_none=True)
    element = fields.String(allow_none=True)
    message = fields.String()


class BundleSchema(Schema):
    process_id = fields.String()
    title = fields.String()
    bundle_hash = fields.String()


class ValidationReportSchema(Schema):
    region = fields.String()
    ok = fields.Boolean()
    processes = fields.List(fields.Nested(BundleSchema))
    problems = fields.List(fields.Nested(ProblemSchema))


class AuditVerifySchema(Schema):
    ok = fields.Boolean()
    events_checked = fields.Integer()
    first_broken = fields.Integer(allow_none=True, metadata={"description": "第一个断裂事件的序号"})
    reason = fields.String(allow_none=True)


class OkSchema(Schema):
    ok = fields.Boolean()
