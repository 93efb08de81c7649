"""催办 as JSON (docs/urge-and-copy.md): engine.services.urging with the token's user; the checks are
engine.policy's, the rate limit is the process's parameter `urge_min_interval_hours`."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from engine.queries.urges import MAX_MESSAGE
from engine.services import urging
from web.api.core import ctx, me, operation
from web.api.fields import Strict, UtcDateTime
from web.api.links import case_of_task
from web.api.schemas import _text


class UrgeRequestSchema(Strict):
    message = _text(MAX_MESSAGE, description=f"催办内容（必填，不超过 {MAX_MESSAGE} 个字）", not_blank=True)


class UrgeResultSchema(Schema):
    task_id = fields.Integer()
    case_number = fields.String()
    title = fields.String(metadata={"description": "任务名称"})
    urged_at = UtcDateTime()
    urged = fields.List(fields.String(), metadata={"description": "收到催办通知的用户名"})
    next_allowed_at = UtcDateTime(metadata={"description": "该任务下次可催办的最早时间"})


@operation(
    "POST",
    "/tasks/<id:task_id>/urge",
    summary="催办：上级督促正在办理该任务的人员尽快办理",
    tag="tasks",
    body=UrgeRequestSchema,
    response=UrgeResultSchema,
    roles="本辖区的乡镇负责人（本乡镇及其村/社区的任务）、县民政审批人和经办人（本县的任务）",
    errors=(400, 401, 403, 404, 409, 422, 429),
    description=(
        "通知任务的签收人，未签收时通知任务所属机构内具有该任务角色的人员。辖区外或角色不符 403；"
        "任务已办结 409；催办内容为空或过长 422（fields 为 message）；"
        "距该任务上次催办不足流程参数 urge_min_interval_hours 规定的小时数时 429，Retry-After 为还需等待的秒数，"
        "message 写明下次可催办的时间。"
    ),
    links=case_of_task("/case_number"),
)
def urge(task_id: int, body: dict[str, Any]) -> urging.UrgeResult:
    return urging.urge(ctx(), task_id, me(), body["message"])
