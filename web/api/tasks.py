"""The inbox and task actions, as tasks.* with the token's user (role and org-unit checks are theirs)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from engine.errors import InvalidData
from engine.queries import case_view, inbox, task_page
from engine.results import CompletionResult, TaskSummary
from engine.services import batch_tasks, tasks
from web.api.core import ctx, fields_under, me, operation
from web.api.inbox_schemas import BatchRequestSchema, BatchResultSchema, InboxListSchema, InboxQuerySchema
from web.api.links import case_of_task, open_task_links
from web.api.schemas import (
    CompleteRequestSchema,
    CompletionSchema,
    DraftRequestSchema,
    DraftSchema,
    TaskDetailSchema,
    TaskSummarySchema,
    TransferRequestSchema,
)

_WORKER = "任务所属机构内具有该任务角色的人员"


@operation(
    "GET",
    "/tasks",
    summary="工作台：待办 / 已签收 / 已办 / 超期，可查询、筛选、排序、分页",
    tag="tasks",
    query=InboxQuerySchema,
    response=InboxListSchema,
    errors=(401, 403, 422),
    description="q 为完整身份证号时精确匹配并记入审计日志，无权查看身份证号的角色得到 403。",
    links={**open_task_links("/items/0/id"), **case_of_task("/items/0/case_number")},
)
def list_tasks(query: dict[str, Any]) -> dict[str, Any]:
    limit = query["limit"]
    offset = (query["page"] - 1) * limit if "page" in query else query["offset"]
    asked = inbox.InboxQuery(
        view=query["view"],
        q=query.get("q", ""),
        process=query.get("process", ""),
        step=query.get("step", ""),
        village=query.get("village", ""),
        due=query.get("due", ""),
        sort=query.get("sort", ""),
        desc=query.get("order") == "desc",
        page=offset // limit + 1,
        page_size=limit,
    )
    # An offset that is not a multiple of limit (the older parameters) reads the page it falls in and cuts it.
    found = inbox.inbox(ctx(), me(), asked)
    skip = offset - (asked.page - 1) * limit
    rows = found.rows[skip:]
    if skip:
        rows += inbox.inbox(ctx(), me(), asked.with_page(asked.page + 1)).rows[: limit - len(rows)]
    return {
        "view": asked.view,
        "total": found.total,
        "limit": limit,
        "offset": offset,
        "page": asked.page,
        "pages": found.pages,
        "items": [_item(row) for row in rows],
    }


def _item(row: inbox.InboxRow) -> dict[str, Any]:
    task = row.task
    if task is None:  # only 我发起的 rows have no task, and the API has no such view
        raise ValueError(row.case_number)
    return {
        **asdict(task),
        "overdue": task.overdue,
        "completed_late": task.completed_late,
        "applicant": row.applicant,
        "village_name": row.village_name,
        "case_status": row.case_status,
        "case_outcome": row.case_outcome,
        "urgent": inbox.urgent(task),
    }


@operation(
    "POST",
    "/tasks/batch",
    summary="批量签收 / 批量审批：逐项办理，每项各自一个事务和审计事件，返回逐项结果",
    tag="tasks",
    body=BatchRequestSchema,
    response=BatchResultSchema,
    roles=f"每项任务各自检查：{_WORKER}",
    errors=(400, 401, 422),
    description=(
        "claim：逐项签收。complete：所选任务中本人可办理的须是同一环节，且该环节表单只要求结论（decision）和意见"
        "（opinion），同一结论和意见逐项提交；否则整批 422，fields 为 task_ids、decision 或 opinion。"
        "某项无权办理、已被他人签收或已办结时，该项 ok 为 false 并给出原因，其余照常办理。"
    ),
)
def batch(body: dict[str, Any]) -> batch_tasks.BatchResult:
    if body["action"] == "claim":
        return batch_tasks.batch_claim(ctx(), me(), body["task_ids"])
    return batch_tasks.batch_complete(ctx(), me(), body["task_ids"], body.get("decision", ""), body.get("opinion", ""))


@operation(
    "GET",
    "/tasks/<id:task_id>",
    summary="任务详情：表单定义、当前值、案件摘要、此前的审批意见和决策依据",
    tag="tasks",
    response=TaskDetailSchema,
    roles=f"{_WORKER}、签收人或办理人",
    errors=(401, 403, 404),
    links=case_of_task("/task/case_number"),
)
def show(task_id: int) -> dict[str, Any]:
    shown = task_page.show_task_in_context(ctx(), task_id, me())
    detail = shown.detail
    properties = (detail.form or {}).get("properties", {})
    return {
        "task": detail.summary,
        "form_key": detail.form_key,
        "form": detail.form,
        # The form's own fields only: the workflow data holds far more than this step may show.
        "data": {key: value for key, value in detail.data.items() if key in properties},
        "draft_saved_at": detail.draft_saved_at,
        "earlier_opinions": detail.earlier_opinions,
        # Whoever may see the task may see its case summary (as on the task page).
        "case": case_view.show_case(ctx(), detail.summary.case_number),
        # What the step decides on, as on the task page (身份证号 masked).
        "context": shown.context,
        # 会签: the member this task is for and the round's progress (docs/countersign.md); null otherwise.
        "countersign": shown.countersign,
    }


@operation(
    "POST",
    "/tasks/<id:task_id>/claim",
    summary="签收",
    tag="tasks",
    response=TaskSummarySchema,
    roles=_WORKER,
    errors=(401, 403, 404, 409),
    links={**open_task_links("/id"), **case_of_task("/case_number")},
)
def claim(task_id: int) -> TaskSummary:
    return tasks.claim(ctx(), task_id, me())


@operation(
    "POST",
    "/tasks/<id:task_id>/unclaim",
    summary="取消签收",
    tag="tasks",
    response=TaskSummarySchema,
    roles="签收人本人",
    errors=(401, 404, 409),
    links={**open_task_links("/id"), **case_of_task("/case_number")},
)
def unclaim(task_id: int) -> TaskSummary:
    return tasks.unclaim(ctx(), task_id, me())


@operation(
    "POST",
    "/tasks/<id:task_id>/transfer",
    summary="转办给本机构内具有相同角色的其他人员",
    tag="tasks",
    body=TransferRequestSchema,
    response=TaskSummarySchema,
    roles=_WORKER,
    errors=(400, 401, 403, 404, 409, 422),
    description="接收人（to）须是本机构内具有相同角色的其他人员；不是时得到 422，fields 为 to。",
    links=case_of_task("/case_number"),
)
def transfer(task_id: int, body: dict[str, Any]) -> TaskSummary:
    return tasks.transfer(ctx(), task_id, me(), body["to"], body["reason"])


@operation(
    "POST",
    "/tasks/<id:task_id>/complete",
    summary="提交任务表单",
    tag="tasks",
    body=CompleteRequestSchema,
    response=CompletionSchema,
    roles=_WORKER,
    errors=(400, 401, 403, 404, 409, 422, 500),
    description=(
        "data 为该任务表单的数据：表单定义见 GET /tasks/{task_id} 的 form（随任务而不同）。"
        "已办结的任务再次提交得到 409；表单数据有误得到 422，fields 以 data.字段 命名每个问题。"
    ),
    links={**open_task_links("/new_tasks/0/id"), **case_of_task("/case_number")},
)
def complete(task_id: int, body: dict[str, Any]) -> CompletionResult:
    with fields_under("data"):
        return tasks.complete(ctx(), task_id, me(), body["data"])


@operation(
    "PUT",
    "/tasks/<id:task_id>/draft",
    summary="暂存任务表单（不提交）",
    tag="tasks",
    body=DraftRequestSchema,
    response=DraftSchema,
    roles=_WORKER,
    errors=(400, 401, 403, 404, 409, 422),
    description=(
        "保存填写到一半的表单，任务不办结；再次打开任务（GET /tasks/{task_id}）时 data 为暂存的内容。"
        "提交后暂存内容清除。表单中没有的字段或超过 200 KB 得到 422，fields 以 data.字段 命名问题。"
    ),
    links=open_task_links("/task_id"),
)
def save_draft(task_id: int, body: dict[str, Any]) -> dict[str, Any]:
    try:
        saved_at = tasks.save_draft(ctx(), task_id, me(), body["data"])
    except InvalidData as exc:  # a field's problem is data.<field>; the whole draft's (size) is data
        named = {key if key == "data" else f"data.{key}": value for key, value in exc.fields.items()}
        raise InvalidData(exc.message, named) from None
    return {"task_id": task_id, "saved_at": saved_at}
