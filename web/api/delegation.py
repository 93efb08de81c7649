"""委派 (docs/delegation.md): the holder of a claimed task hands it to a colleague to fill in, the delegate hands
it back, the holder may recall it. engine.services.delegation with the token's user; the checks are
engine.policy's."""

from __future__ import annotations

from typing import Any

from marshmallow import validate

from engine.results import TaskSummary
from engine.services import delegation
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict
from web.api.links import case_of_task, open_task_links
from web.api.schemas import TaskSummarySchema, _text


def _note(description: str) -> Str:
    return Str(
        required=False,
        allow_none=True,
        validate=validate.Length(max=delegation.MAX_NOTE, error=f"不能超过 {delegation.MAX_NOTE} 个字"),
        metadata={"description": description},
    )


class DelegateRequestSchema(Strict):
    to = _text(64, description="被委派人用户名：本机构内具有该任务角色的其他在岗人员")
    note = _note("委派说明（可选）")


class HandBackRequestSchema(Strict):
    note = _note("交回说明（可选）")


@operation(
    "POST",
    "/tasks/<id:task_id>/delegate",
    summary="委派：签收人把任务交给本机构同岗位同事填写",
    tag="tasks",
    body=DelegateRequestSchema,
    response=TaskSummarySchema,
    roles="该任务的签收人",
    errors=(400, 401, 403, 404, 409, 422),
    description=(
        "被委派人只能暂存（PUT /tasks/{task_id}/draft）和交回，不能提交。非签收人 403；已在委派中 409；"
        "被委派人是本人、已停用、不属于任务所属机构或没有任务角色时 422，fields 为 to。"
    ),
    links={**open_task_links("/id"), **case_of_task("/case_number")},
)
def delegate(task_id: int, body: dict[str, Any]) -> TaskSummary:
    return delegation.delegate(ctx(), task_id, me(), body["to"], body.get("note"))


@operation(
    "POST",
    "/tasks/<id:task_id>/hand-back",
    summary="交回：被委派人把填写好的任务交回签收人审核提交",
    tag="tasks",
    body=HandBackRequestSchema,
    body_optional=True,
    response=TaskSummarySchema,
    roles="该任务当前的被委派人",
    errors=(400, 401, 403, 404, 409, 422),
    description="暂存的内容随任务交回，签收人打开表单时即为交回的内容。不是被委派人 403。",
    links={**open_task_links("/id"), **case_of_task("/case_number")},
)
def hand_back(task_id: int, body: dict[str, Any]) -> TaskSummary:
    return delegation.hand_back(ctx(), task_id, me(), body.get("note"))


@operation(
    "POST",
    "/tasks/<id:task_id>/recall",
    summary="收回委派：交回之前，签收人收回任务自己办理",
    tag="tasks",
    response=TaskSummarySchema,
    roles="该任务的签收人",
    errors=(401, 403, 404, 409),
    description="被委派人已暂存的内容保留为任务的暂存内容。没有正在进行的委派 409。",
    links={**open_task_links("/id"), **case_of_task("/case_number")},
)
def recall(task_id: int) -> TaskSummary:
    return delegation.recall(ctx(), task_id, me())
