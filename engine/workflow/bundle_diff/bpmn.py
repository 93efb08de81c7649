"""The BPMN part of a bundle diff: each process read into a small model of what a designer edits
(tasks, sequence flows, lanes, timers, call activities), and how each of those kinds reads when added,
removed or changed. Separate because it is the largest file kind, with five element kinds of its own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from lxml import etree

from engine.domain.roles import role_for_lane
from engine.domain.vocabulary import ROLE_LABELS, TASK_TYPES, TIMER_KINDS
from engine.workflow.bundle_diff.changes import Change, quote, show
from engine.workflow.bundle_diff.compare import (
    Attribute,
    Kind,
    Pair,
    attribute_changes,
    compare,
    local,
    read_elements,
    text_of,
    top_level,
)
from engine.workflow.countersign_subset import countersign_summary
from engine.workflow.namespaces import BPMN_NS, SPIFF_NS


@dataclass(frozen=True)
class _Task:
    name: str
    type: str
    lane: str | None
    form_key: str | None
    due_days: str | None
    script: str | None
    prefill: str | None = None  # the declared starting values of its form (docs/step-data.md)
    panels: str | None = None  # contextPanels (docs/decision-context.md)
    returns: str | None = None  # returnTargets (docs/withdraw-and-return.md)
    countersign: str | None = None  # 会签: members, results, condition (docs/countersign.md)
    copies: str | None = None  # 抄送 (docs/urge-and-copy.md)


@dataclass(frozen=True)
class _Flow:
    source: str
    target: str
    condition: str | None
    name: str


@dataclass(frozen=True)
class _Timer:
    name: str
    kind: str
    expression: str


@dataclass(frozen=True)
class _Call:
    name: str
    called: str


@dataclass
class _Process:
    name: str
    names: dict[str, str] = field(default_factory=dict)  # every element id → its name (or id)
    tasks: dict[str, _Task] = field(default_factory=dict)
    flows: dict[str, _Flow] = field(default_factory=dict)
    lanes: dict[str, str] = field(default_factory=dict)
    timers: dict[str, _Timer] = field(default_factory=dict)
    calls: dict[str, _Call] = field(default_factory=dict)


def diff_bpmn(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    tag = f"{{{BPMN_NS}}}process"
    old, new = (
        read_elements(old_files, tag, _read_process, changes),
        read_elements(new_files, tag, _read_process, changes),
    )
    changes += compare(PROCESSES, Pair(old, new))
    return changes


# ---------------------------------------------------------------- reading


def _properties(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in element.iter(f"{{{SPIFF_NS}}}property"):
        if prop.get("name"):
            found[str(prop.get("name"))] = str(prop.get("value") or "")
    return found


def _lanes(process: etree._Element, model: _Process) -> dict[str, str]:
    """Reads the lanes into `model`; returns each element id → the name of the lane it is in."""
    lane_of: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        lane_id = str(lane.get("id") or "")
        model.lanes[lane_id] = (lane.get("name") or "").strip()
        for ref in lane.iter(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text:
                lane_of[ref.text.strip()] = model.lanes[lane_id]
    return lane_of


def _read_process(process: etree._Element) -> _Process:
    model = _Process((process.get("name") or "").strip() or str(process.get("id")))
    lane_of = _lanes(process, model)
    for element in process.iter():
        kind, element_id = local(element), element.get("id")
        if not element_id or kind in ("lane", "laneSet", "process"):
            continue
        name = (element.get("name") or "").strip() or element_id
        model.names[element_id] = name
        if kind in TASK_TYPES:
            properties = _properties(element)
            script = text_of(element.find(f"{{{BPMN_NS}}}script")) if kind == "scriptTask" else None
            model.tasks[element_id] = _Task(
                name,
                kind,
                lane_of.get(element_id),
                properties.get("formKey"),
                properties.get("dueWorkingDays"),
                script,
                properties.get("prefill"),
                properties.get("contextPanels"),
                properties.get("returnTargets"),
                countersign_summary(element),
                properties.get("copies"),
            )
        elif kind == "sequenceFlow":
            condition = text_of(element.find(f"{{{BPMN_NS}}}conditionExpression"))
            model.flows[element_id] = _Flow(
                str(element.get("sourceRef") or ""), str(element.get("targetRef") or ""), condition, name
            )
        elif kind == "callActivity":
            model.calls[element_id] = _Call(name, str(element.get("calledElement") or ""))
        timer = element.find(f"{{{BPMN_NS}}}timerEventDefinition")
        if timer is not None:
            for child in timer:
                if local(child) in TIMER_KINDS:
                    model.timers[element_id] = _Timer(name, local(child), text_of(child) or "")
    return model


# ---------------------------------------------------------------- wording


def lane_label(name: str | None) -> str:
    """A lane as a reader knows it: the role's Chinese label when the lane names a role."""
    if not name:
        return "（无泳道）"
    role = role_for_lane(name)
    return ROLE_LABELS[role] if role else name


def _task_type(kind: str) -> str:
    return TASK_TYPES.get(kind, kind)


def _task_details(task: _Task) -> str:
    parts = [f"泳道 {lane_label(task.lane)}"]
    if task.type != "userTask":
        parts.append(_task_type(task.type))
    if task.form_key:
        parts.append(f"表单 {task.form_key}")
    if task.due_days:
        parts.append(f"时限 {task.due_days} 个工作日")
    if task.countersign:
        parts.append(task.countersign)
    return "，".join(parts)


_TASK_ATTRIBUTES: tuple[Attribute[_Task], ...] = (
    ("的泳道", lambda t: t.lane, lane_label),
    ("的表单", lambda t: t.form_key, show),
    ("的类型", lambda t: t.type, _task_type),
    ("的办理时限（工作日）", lambda t: t.due_days, show),
    ("的决策依据面板", lambda t: t.panels, show),
    ("的脚本", lambda t: t.script, show),
    ("的预填（prefill）", lambda t: t.prefill, show),
    ("的可退回步骤", lambda t: t.returns, show),
    ("的会签设置", lambda t: t.countersign, show),
    ("的抄送角色", lambda t: t.copies, show),
)


def _task_changes(_: Pair[_Process], tid: str, old: _Task, new: _Task) -> Iterator[str]:
    if old.name != new.name:
        yield f"任务{quote(old.name)}改名为{quote(new.name)}"
    yield from attribute_changes(f"任务{quote(new.name)}", old, new, _TASK_ATTRIBUTES)


def _ends(flow: _Flow, process: _Process) -> str:
    return (
        f"{quote(process.names.get(flow.source, flow.source))} → {quote(process.names.get(flow.target, flow.target))}"
    )


def _flow_added(pair: Pair[_Process], fid: str, flow: _Flow) -> str:
    condition = f"（条件 {flow.condition}）" if flow.condition else ""
    return f"新增顺序流 {_ends(flow, pair.new)}{condition}"


def _flow_changes(pair: Pair[_Process], fid: str, old: _Flow, new: _Flow) -> Iterator[str]:
    if (old.source, old.target) != (new.source, new.target):
        yield f"顺序流 {fid} 的两端：{_ends(old, pair.old)} 改为 {_ends(new, pair.new)}"
    yield from attribute_changes(f"顺序流 {_ends(new, pair.new)} ", old, new, [("的条件", lambda f: f.condition, show)])


def _timer_text(timer: _Timer) -> str:
    return f"{TIMER_KINDS[timer.kind]} {timer.expression}"


def _call_changes(_: Pair[_Process], cid: str, old: _Call, new: _Call) -> Iterator[str]:
    yield from attribute_changes(f"调用活动{quote(new.name)}", old, new, [("调用的流程", lambda c: c.called, str)])
    if old.name != new.name:
        yield f"调用活动{quote(old.name)}改名为{quote(new.name)}"


# ---------------------------------------------------------------- the kinds, in the order they are listed

_TASKS: Kind[_Process, _Task] = Kind(
    "task",
    items=lambda process: process.tasks,
    added=lambda _, tid, task: f"新增任务{quote(task.name)}（{_task_details(task)}）",
    removed=lambda _, tid, task: f"删除任务{quote(task.name)}（{_task_details(task)}）",
    changed=_task_changes,
)
_FLOWS: Kind[_Process, _Flow] = Kind(
    "flow",
    items=lambda process: process.flows,
    added=_flow_added,
    removed=lambda pair, fid, flow: f"删除顺序流 {_ends(flow, pair.old)}",
    changed=_flow_changes,
)
_LANES: Kind[_Process, str] = Kind(
    "lane",
    items=lambda process: process.lanes,
    added=lambda _, lid, lane: f"新增泳道{quote(lane_label(lane))}",
    removed=lambda _, lid, lane: f"删除泳道{quote(lane_label(lane))}",
    changed=lambda _, lid, old, new: [f"泳道 {lid} 改名：{quote(lane_label(old))} → {quote(lane_label(new))}"],
)
_TIMERS: Kind[_Process, _Timer] = Kind(
    "timer",
    items=lambda process: process.timers,
    added=lambda _, eid, timer: f"新增定时器{quote(timer.name)}（{_timer_text(timer)}）",
    removed=lambda _, eid, timer: f"删除定时器{quote(timer.name)}（{_timer_text(timer)}）",
    changed=lambda _, eid, old, new: attribute_changes(f"定时器{quote(new.name)}", old, new, [("", _timer_text, str)]),
)
_CALLS: Kind[_Process, _Call] = Kind(
    "call",
    items=lambda process: process.calls,
    added=lambda _, cid, call: f"新增调用活动{quote(call.name)}（调用 {call.called}）",
    removed=lambda _, cid, call: f"删除调用活动{quote(call.name)}（调用 {call.called}）",
    changed=_call_changes,
)
PROCESSES = top_level(
    "process",
    "流程",
    lambda process: process.name,
    changed=lambda _, pid, old, new: attribute_changes(f"流程 {pid} ", old, new, [("改名", lambda p: p.name, quote)]),
    parts=(_TASKS, _FLOWS, _LANES, _TIMERS, _CALLS),
)
