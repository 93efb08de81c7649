"""批量签收 and 批量审批: the same action on several tasks, each in its own transaction.

Each task goes through engine.services.tasks (claim / complete): its own transaction, its own audit
event, its own scope check. A task that fails (outside the user's scope, claimed by someone else, already
done, a workflow error) is a line 失败 with the reason in the result; the others are unaffected.

批量审批 is for decisions only: every selected task must be the same step (process and task name), and
that step's form may require nothing but `decision` and `opinion`; one decision and one opinion are then
applied to each. A form that asks for more (an investigation, a household) is refused as a whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engine import policy
from engine.context import Context
from engine.errors import DibaoError, InvalidData
from engine.lookups import get_user
from engine.persistence import HumanTask, ProcessInstance, User
from engine.services import tasks

MAX_BATCH = 100
DECISION_FIELDS = frozenset({"decision", "opinion"})
ACTIONS = ("claim", "complete")
_MAX_OPINION = 2000


@dataclass(frozen=True)
class BatchItem:
    task_id: int
    ok: bool
    message: str  # 成功: what happened; 失败: why
    case_number: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class BatchResult:
    action: str
    items: list[BatchItem]

    @property
    def succeeded(self) -> int:
        return sum(item.ok for item in self.items)

    @property
    def failed(self) -> int:
        return len(self.items) - self.succeeded


def _ids(task_ids: list[int]) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in task_ids))
    if not ids:
        raise InvalidData("请至少选择一项任务", {"task_ids": ["所选任务：请至少选择一项"]})
    if len(ids) > MAX_BATCH:
        raise InvalidData("所选任务过多", {"task_ids": [f"所选任务：一次最多 {MAX_BATCH} 项"]})
    return ids


def _labels(ctx: Context, username: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Case number and step of the tasks the user may see; a task outside scope stays "任务 <id>" in the result."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        rows = session.scalars(select(HumanTask).where(HumanTask.id.in_(ids)).options(joinedload(HumanTask.case)))
        return {t.id: (t.case.number, t.title) for t in rows if _may_see(user, t)}


def _may_see(user: User, task: HumanTask) -> bool:
    return policy.may_work(user, task) or user.id in (task.assignee_id, task.completed_by_id)


def _item(task_id: int, ok: bool, message: str, labels: dict[int, tuple[str, str]]) -> BatchItem:
    number, title = labels.get(task_id, (None, None))
    return BatchItem(task_id, ok, message, number, title)


def batch_claim(ctx: Context, username: str, task_ids: list[int]) -> BatchResult:
    """签收 each task (tasks.claim), one transaction each."""
    ids = _ids(task_ids)
    labels = _labels(ctx, username, ids)
    items = []
    for task_id in ids:
        try:
            tasks.claim(ctx, task_id, username)
            items.append(_item(task_id, True, "已签收", labels))
        except DibaoError as error:
            items.append(_item(task_id, False, str(error), labels))
    return BatchResult("claim", items)


def batch_complete(ctx: Context, username: str, task_ids: list[int], decision: str, opinion: str) -> BatchResult:
    """提交 each task with the same decision and opinion (tasks.complete), one transaction each."""
    ids = _ids(task_ids)
    values = {"decision": decision.strip(), "opinion": opinion.strip()}
    _check_decision_form(ctx, username, ids, values)
    labels = _labels(ctx, username, ids)
    items = []
    for task_id in ids:
        try:
            tasks.complete(ctx, task_id, username, dict(values))
            items.append(_item(task_id, True, "已提交", labels))
        except InvalidData as error:
            reasons = "；".join(m for messages in error.fields.values() for m in messages)
            items.append(_item(task_id, False, reasons or str(error), labels))
        except DibaoError as error:
            items.append(_item(task_id, False, str(error), labels))
    return BatchResult("complete", items)


def _check_decision_form(ctx: Context, username: str, ids: list[int], values: dict[str, str]) -> None:
    """The tasks the user may work are one step whose form is a decision and an opinion, and the values fit it.
    Tasks outside the user's scope are left to fail one by one (they tell nothing about the step)."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        found = session.scalars(
            select(HumanTask)
            .where(HumanTask.id.in_(ids))
            .options(joinedload(HumanTask.instance).joinedload(ProcessInstance.definition))
        ).all()
        workable = [t for t in found if policy.may_work(user, t)]
        if len({(t.process_id, t.task_name) for t in workable}) > 1:
            raise InvalidData(
                "批量审批只能用于同一环节的任务", {"task_ids": ["所选任务：须是同一流程的同一环节，请先按环节筛选"]}
            )
        if not workable:
            return  # each fails on its own (无权办理 / 不存在)
        task = workable[0]
        form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
        schema: dict[str, Any] = dict(form.schema) if form else {}
    required = set(schema.get("required", []))
    if form is None or not required <= DECISION_FIELDS or "decision" not in schema.get("properties", {}):
        raise InvalidData(
            f"“{task.title}”不能批量审批",
            {"task_ids": [f"所选任务：“{task.title}”的表单除结论和意见外还须填写其他内容，请逐件办理"]},
        )
    _check_values(schema, values)


def _check_values(schema: dict[str, Any], values: dict[str, str]) -> None:
    properties = schema.get("properties", {})
    decision = properties.get("decision", {})
    choices = decision.get("enum") or []
    errors: dict[str, list[str]] = {}
    title = decision.get("title", "结论")
    if not values["decision"]:
        errors["decision"] = [f"{title}：必填"]
    elif choices and values["decision"] not in choices:
        errors["decision"] = [f"{title}：取值无效"]
    opinion_title = properties.get("opinion", {}).get("title", "意见")
    if "opinion" in schema.get("required", []) and not values["opinion"]:
        errors["opinion"] = [f"{opinion_title}：必填"]
    elif len(values["opinion"]) > _MAX_OPINION:
        errors["opinion"] = [f"{opinion_title}：不能超过 {_MAX_OPINION} 字"]
    if errors:
        raise InvalidData("批量审批信息有误", errors)


def decision_choices(ctx: Context, username: str, task_id: int) -> list[tuple[str, str]]:
    """The decision values and labels of a task's form, for the batch form (empty when not batchable)."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        task = session.get(HumanTask, task_id)
        if task is None or not policy.may_work(user, task):
            return []
        form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
    if form is None or not set(form.schema.get("required", [])) <= DECISION_FIELDS:
        return []
    decision = form.schema.get("properties", {}).get("decision", {})
    labels = decision.get("x-enum-labels", {})
    return [(str(value), str(labels.get(value, value))) for value in decision.get("enum", [])]
