"""OpenAPI links between operations: from a created case to its reads, from a task to its actions.

A client (and a fuzzer's stateful phase) follows them from one response to the next request without
guessing: POST /cases → the case number → GET /cases/{number}, …/history; the case's first open task →
GET /tasks/{id}, claim, unclaim, transfer, complete, 暂存; a completion's next task → the same again."""

from __future__ import annotations

from typing import Any

Link = dict[str, Any]


def _link(operation_id: str, description: str, **parameters: str) -> Link:
    return {"operationId": operation_id, "parameters": parameters, "description": description}


CASE_LINKS: dict[str, Link] = {
    "GetCase": _link("cases_show", "该案件", number="$response.body#/number"),
    "GetHistory": _link("cases_history", "该案件的审计事件", number="$response.body#/number"),
}


def open_task_links(pointer: str) -> dict[str, Link]:
    """Links to the task whose id the response holds at the JSON pointer (e.g. /open_tasks/0/id)."""
    value = f"$response.body#{pointer}"
    return {
        "GetTask": _link("tasks_show", "该任务", task_id=value),
        "ClaimTask": _link("tasks_claim", "签收该任务", task_id=value),
        "UnclaimTask": _link("tasks_unclaim", "取消签收该任务", task_id=value),
        "TransferTask": _link("tasks_transfer", "转办该任务", task_id=value),
        "CompleteTask": _link("tasks_complete", "提交该任务", task_id=value),
        "SaveDraft": _link("tasks_save_draft", "暂存该任务的表单", task_id=value),
    }


def case_of_task(pointer: str) -> dict[str, Link]:
    """Links to the case whose number the response holds at the JSON pointer (e.g. /case_number)."""
    return {"GetTaskCase": _link("cases_show", "任务所属案件", number=f"$response.body#{pointer}")}
