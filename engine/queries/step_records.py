"""办理记录: who decided what, when, in every completed step of a case (docs/step-data.md).

Each completed task keeps the form values it was completed with (HumanTask.submission), so a step's
record is its own: a county visit and a township visit are two records, a step met twice in a loop is
two records, and nothing a later step enters changes an earlier one. The values are shown with the
form's own words (field titles, x-enum-labels), nested lists and groups flattened into readable lines,
身份证号 masked. Tasks completed before the column existed (submission NULL) show their decision and
opinion only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.context import Context
from engine.domain.id_numbers import mask_id_number
from engine.domain.roles import role_label
from engine.domain.vocabulary import DECISION_LABELS, TASK_STATE_LABELS
from engine.persistence import HumanTask, ProcessInstance
from engine.records.audit import mask_pii

# Shown in the record's head, not among its fields.
_HEAD_FIELDS = ("decision", "opinion")
# A record's field list stays readable: a 20-member household is long enough.
_MAX_LINES = 300


@dataclass(frozen=True)
class StepField:
    label: str
    value: str


@dataclass(frozen=True)
class StepRecord:
    task_id: int
    title: str
    step: str  # the BPMN element id (task_name)
    process_id: str
    who: str  # display name
    role: str
    role_label: str
    at: datetime  # naive UTC
    decision: str | None
    decision_label: str | None
    opinion: str | None
    fields: list[StepField] = field(default_factory=list)
    from_submission: bool = True  # False: completed before step records existed (decision and opinion only)
    # 委派 (docs/delegation.md): who filled the form in for the holder (`who`, who completed it), display name.
    filled_by: str | None = None
    # A record taken back (撤回) or rolled back (退回, an administrator's move): shown, but not current.
    state_label: str | None = None


# Rows that were completed once: the current ones, and those a 撤回/退回 took back (docs/withdraw-and-return.md).
ROLLED_BACK_STATES = ("withdrawn", "superseded")


def completed_steps(session: Session, case_id: int) -> list[HumanTask]:
    """The case's completed tasks in completion order, read once per page: the 办理记录, the household
    checks and the decision context are all views of these rows. Steps taken back (撤回, 退回) are among
    them as history; the decision context reads only the current ones."""
    query = (
        select(HumanTask)
        .where(
            HumanTask.case_id == case_id,
            HumanTask.state.in_(("completed", *ROLLED_BACK_STATES)),
            HumanTask.completed_by_id.is_not(None),
        )
        .options(
            joinedload(HumanTask.instance).joinedload(ProcessInstance.definition),
            joinedload(HumanTask.completed_by),
            joinedload(HumanTask.delegate),
        )
        .order_by(HumanTask.completed_at, HumanTask.id)
    )
    return list(session.scalars(query).unique())  # a user row joins its roles


def step_records(ctx: Context, done: list[HumanTask]) -> list[StepRecord]:
    """Every completed task (completed_steps), with what it was completed with."""
    return [_record(ctx, task) for task in done]


def _record(ctx: Context, task: HumanTask) -> StepRecord:
    form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
    schema: Mapping[str, Any] = form.schema if form is not None else {}
    submission = task.submission
    values: Mapping[str, Any] = submission if isinstance(submission, dict) else {}
    who = task.completed_by.display_name if task.completed_by is not None else "—"
    return StepRecord(
        task_id=task.id,
        title=task.title,
        step=task.task_name,
        process_id=task.process_id,
        who=who,
        role=task.role,
        role_label=role_label(task.role),
        at=task.completed_at or task.created_at,
        decision=task.decision,
        decision_label=_decision_label(schema, task.decision),
        opinion=task.opinion,
        fields=list(_lines(schema, values)),
        from_submission=submission is not None,
        filled_by=_filled_by(task),
        state_label=TASK_STATE_LABELS.get(task.state) if task.state in ROLLED_BACK_STATES else None,
    )


def _filled_by(task: HumanTask) -> str | None:
    """The delegate whose hand-back the holder completed; a recalled delegation left nothing (it is cleared)."""
    if task.delegate is None or task.handed_back_at is None:
        return None
    return task.delegate.display_name


def _decision_label(schema: Mapping[str, Any], decision: str | None) -> str | None:
    if decision is None:
        return None
    node = schema.get("properties", {}).get("decision")
    labels = node.get("x-enum-labels") if isinstance(node, dict) else None
    if isinstance(labels, dict) and decision in labels:
        return str(labels[decision])
    return DECISION_LABELS.get(decision, decision)


def _lines(schema: Mapping[str, Any], values: Mapping[str, Any]) -> Iterator[StepField]:
    count = 0
    for name, node in _ordered(schema):
        if name in _HEAD_FIELDS:
            continue
        for line in _flatten(str(node.get("title", name)), node, values.get(name)):
            count += 1
            if count > _MAX_LINES:
                yield StepField("…", "其余内容从略")
                return
            yield line


def _ordered(schema: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """The schema's properties in its display order (x-order first, then the rest)."""
    properties = schema.get("properties")
    if not isinstance(properties, dict):
        return []
    order = [n for n in schema.get("x-order", []) if n in properties]
    order += [n for n in properties if n not in order]
    return [(n, properties[n]) for n in order if isinstance(properties[n], dict)]


def _flatten(label: str, node: Mapping[str, Any], value: Any) -> Iterator[StepField]:
    """One line per scalar: a group's fields as "组 · 字段", a list's items as "列表 第 2 项 · 字段"."""
    if value is None or value == "" or value == [] or value == {}:
        return
    if isinstance(value, dict):
        for name, child in _ordered(node):
            yield from _flatten(f"{label} · {child.get('title', name)}", child, value.get(name))
        return
    found = node.get("items")
    items: Mapping[str, Any] = found if isinstance(found, dict) else {}
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        for index, item in enumerate(value, start=1):
            yield from _flatten(f"{label} 第 {index} 项", items, item)
        return
    if isinstance(value, list):
        yield StepField(label, "、".join(_scalar(items, v) for v in value))
        return
    yield StepField(label, _scalar(node, value))


def _scalar(node: Mapping[str, Any], value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    labels = node.get("x-enum-labels")
    if isinstance(labels, dict) and str(value) in labels:
        return str(labels[str(value)])
    text = str(value)
    if node.get("format") == "id_number":
        return mask_id_number(text)
    return str(mask_pii(text))
