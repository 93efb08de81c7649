"""撤回, 退回 and an administrator's move as JSON (docs/withdraw-and-return.md); the checks are the services'."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from engine.results import CompletionResult
from engine.services import rewinding
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict
from web.api.links import case_of_task
from web.api.schemas import CompletionSchema, TaskSummarySchema, _text


class WithdrawRequestSchema(Strict):
    reason = _text(500, description="撤回理由", not_blank=True)


class ReturnRequestSchema(Strict):
    to = Str(required=True, metadata={"description": "退回到的步骤标识（本任务的 BPMN 中 returnTargets 声明的步骤）"})
    reason = _text(500, description="退回理由（显示在重新办理的任务页上）", not_blank=True)


class MoveRequestSchema(Strict):
    to = Str(required=True, metadata={"description": "调整到的步骤标识（案件曾经办理过的用户任务）"})
    reason = _text(500, description="调整理由", not_blank=True)


class MovedSchema(Schema):
    case_number = fields.String()
    stage = fields.String(allow_none=True)
    reopened = fields.List(fields.Nested(TaskSummarySchema))


@operation(
    "POST",
    "/tasks/<id:task_id>/withdraw",
    summary="撤回本人已办结的步骤（下一步尚未签收、暂存时）",
    tag="tasks",
    body=WithdrawRequestSchema,
    response=CompletionSchema,
    roles="办结该步骤的本人",
    errors=(400, 401, 403, 404, 409, 422),
    description=(
        "步骤重新打开并由本人签收，原提交内容作为暂存；下一步从待办中撤下。"
        "下一步已签收、已暂存或案件已被推进时得到 409，不是本人办结的步骤得到 403。"
    ),
    links=case_of_task("/case_number"),
)
def withdraw(task_id: int, body: dict[str, Any]) -> CompletionResult:
    return rewinding.withdraw(ctx(), task_id, me(), body["reason"])


@operation(
    "POST",
    "/tasks/<id:task_id>/return",
    summary="退回到本任务声明的前序步骤",
    tag="tasks",
    body=ReturnRequestSchema,
    response=CompletionSchema,
    roles="任务所属机构内具有该任务角色的人员",
    errors=(400, 401, 403, 404, 409, 422),
    description="to 不是本任务声明的可退回步骤（或本案件尚未办理过）时得到 422，fields 为 to。",
    links=case_of_task("/case_number"),
)
def return_to(task_id: int, body: dict[str, Any]) -> CompletionResult:
    return rewinding.return_to(ctx(), task_id, me(), body["to"], body["reason"])


@operation(
    "POST",
    "/cases/<number>/move",
    summary="系统管理员将案件的流程调整到曾经办理过的步骤",
    tag="cases",
    body=MoveRequestSchema,
    response=MovedSchema,
    roles="系统管理（admin），案件在其管理范围内",
    errors=(400, 401, 403, 404, 409, 422),
    description="目标步骤不存在或案件尚未办理过时得到 422，fields 为 to；流程已结束时得到 409。",
)
def move(number: str, body: dict[str, Any]) -> rewinding.Moved:
    return rewinding.move_case(ctx(), me(), number, body["to"], body["reason"])
