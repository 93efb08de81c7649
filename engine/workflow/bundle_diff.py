"""A readable diff between two deployed versions of a bundle (issue 6: "not a raw XML diff").

Input is two `ProcessDefinition.files` dicts as catalog._bundle builds them: "bpmn/<file>.bpmn",
"dmn/<file>.dmn", "parameters/<n>.toml" (layered, default first) and "forms/<key>.json". The result is a
list of `Change`s, each with a Chinese sentence, grouped by kind for the designer's diff page.

What is compared, and by what key (ids are what a designer keeps stable; names are what they edit):
- BPMN, per process id: tasks (name, lane, form key, type, due days, script), sequence flows (source,
  target, condition), lanes (by id: added, removed, renamed), timers (element, expression), call
  activities (called process).
- DMN, per decision id: input/output columns and rules (by rule id, or position when a rule has none).
- Forms, per form key: fields by dotted path (title, type, required, options).
- Parameters: the merged effective parameters, per name and effective date.

Pure: lxml via the hardened parser, no database. A file that no longer parses is reported as one change
instead of failing the whole page (deployment refused such files, so it only happens with old data).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from lxml import etree

from engine.domain.parameters import Parameter, Value, layered_parameters
from engine.domain.roles import ROLE_LABELS, role_for_lane
from engine.errors import InvalidData
from engine.workflow.catalog import BPMN_PREFIX, DMN_PREFIX, FORM_PREFIX, PARAM_PREFIX
from engine.workflow.namespaces import BPMN_NS, SPIFF_NS
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

# Kinds in the order the diff page shows them, with their headings.
KIND_LABELS: dict[str, str] = {
    "process": "流程",
    "task": "任务",
    "flow": "顺序流",
    "lane": "泳道",
    "timer": "定时器",
    "call": "调用活动",
    "decision": "决策表",
    "rule": "决策规则",
    "form": "表单",
    "field": "表单字段",
    "parameter": "参数",
    "file": "文件",
}

TASK_TYPES: dict[str, str] = {
    "task": "任务",
    "userTask": "用户任务",
    "scriptTask": "脚本任务",
    "serviceTask": "服务任务",
    "businessRuleTask": "决策任务",
    "manualTask": "手工任务",
    "sendTask": "发送任务",
    "receiveTask": "接收任务",
}
FIELD_TYPES = {
    "string": "文本",
    "number": "数字",
    "integer": "整数",
    "boolean": "是/否",
    "array": "列表",
    "object": "分组",
}
TIMER_KINDS = {"timeDuration": "时长", "timeDate": "时间", "timeCycle": "周期"}


@dataclass(frozen=True)
class Change:
    kind: str  # a key of KIND_LABELS
    action: str  # ADDED | REMOVED | CHANGED
    scope: str  # what it belongs to, for the reader: "流程 dibao_application", "表单 dibao_first_review"
    element: str | None  # the element id, rule id, field path or parameter name
    sentence: str


@dataclass(frozen=True)
class ChangeGroup:
    kind: str
    label: str
    changes: list[Change]


@dataclass(frozen=True)
class BundleDiff:
    changes: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def groups(self) -> list[ChangeGroup]:
        """Changes by kind, in KIND_LABELS order; kinds without changes are left out."""
        return [
            ChangeGroup(kind, label, [c for c in self.changes if c.kind == kind])
            for kind, label in KIND_LABELS.items()
            if any(c.kind == kind for c in self.changes)
        ]

    def sentences(self) -> list[str]:
        return [c.sentence for c in self.changes]


def diff_bundles(old: Mapping[str, Any], new: Mapping[str, Any]) -> BundleDiff:
    """Everything that changed from the files `old` to the files `new`."""
    changes: list[Change] = []
    changes += _diff_bpmn(_texts(old, BPMN_PREFIX), _texts(new, BPMN_PREFIX))
    changes += _diff_dmn(_texts(old, DMN_PREFIX), _texts(new, DMN_PREFIX))
    changes += _diff_forms(_texts(old, FORM_PREFIX), _texts(new, FORM_PREFIX))
    changes += _diff_parameters(_texts(old, PARAM_PREFIX), _texts(new, PARAM_PREFIX))
    return BundleDiff(changes)


def _texts(files: Mapping[str, Any], prefix: str) -> dict[str, str]:
    return {name: str(text) for name, text in sorted(files.items()) if name.startswith(prefix)}


def _q(text: str) -> str:
    return f"“{text}”"


def _show(value: object) -> str:
    if value is None or value == "":
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _arrow(old: object, new: object) -> str:
    return f"{_show(old)} → {_show(new)}"


# ---------------------------------------------------------------- BPMN


@dataclass(frozen=True)
class _Task:
    name: str
    type: str
    lane: str | None
    form_key: str | None
    due_days: str | None
    script: str | None


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


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def _text(element: etree._Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _properties(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    for prop in element.iter(f"{{{SPIFF_NS}}}property"):
        if prop.get("name"):
            found[str(prop.get("name"))] = str(prop.get("value") or "")
    return found


def lane_label(name: str | None) -> str:
    """A lane as a reader knows it: the role's Chinese label when the lane names a role."""
    if not name:
        return "（无泳道）"
    role = role_for_lane(name)
    return ROLE_LABELS[role] if role else name


def _read_process(process: etree._Element) -> _Process:
    model = _Process((process.get("name") or "").strip() or str(process.get("id")))
    lane_of: dict[str, str] = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        lane_id = str(lane.get("id") or "")
        model.lanes[lane_id] = (lane.get("name") or "").strip()
        for ref in lane.iter(f"{{{BPMN_NS}}}flowNodeRef"):
            if ref.text:
                lane_of[ref.text.strip()] = model.lanes[lane_id]
    for element in process.iter():
        kind, element_id = _local(element), element.get("id")
        if not element_id or kind in ("lane", "laneSet", "process"):
            continue
        name = (element.get("name") or "").strip() or element_id
        model.names[element_id] = name
        if kind in TASK_TYPES:
            properties = _properties(element)
            script = _text(element.find(f"{{{BPMN_NS}}}script")) if kind == "scriptTask" else None
            model.tasks[element_id] = _Task(
                name, kind, lane_of.get(element_id), properties.get("formKey"), properties.get("dueWorkingDays"), script
            )
        elif kind == "sequenceFlow":
            condition = _text(element.find(f"{{{BPMN_NS}}}conditionExpression"))
            model.flows[element_id] = _Flow(
                str(element.get("sourceRef") or ""), str(element.get("targetRef") or ""), condition, name
            )
        elif kind == "callActivity":
            model.calls[element_id] = _Call(name, str(element.get("calledElement") or ""))
        timer = element.find(f"{{{BPMN_NS}}}timerEventDefinition")
        if timer is not None:
            for child in timer:
                if _local(child) in TIMER_KINDS:
                    model.timers[element_id] = _Timer(name, _local(child), _text(child) or "")
    return model


def _read_bpmn(files: Mapping[str, str], changes: list[Change]) -> dict[str, _Process]:
    processes: dict[str, _Process] = {}
    for name, text in files.items():
        try:
            root = parse_xml(text.encode()).getroot()
        except UnsafeXml as exc:
            changes.append(Change("file", CHANGED, name, None, f"文件 {name} 无法解析：{exc.message}"))
            continue
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            if process.get("id"):
                processes[str(process.get("id"))] = _read_process(process)
    return processes


def _diff_bpmn(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    old, new = _read_bpmn(old_files, changes), _read_bpmn(new_files, changes)
    for pid in sorted(old.keys() | new.keys()):
        scope = f"流程 {pid}"
        if pid not in old:
            changes.append(Change("process", ADDED, scope, pid, f"新增流程{_q(new[pid].name)}（{pid}）"))
            continue
        if pid not in new:
            changes.append(Change("process", REMOVED, scope, pid, f"删除流程{_q(old[pid].name)}（{pid}）"))
            continue
        a, b = old[pid], new[pid]
        if a.name != b.name:
            changes.append(Change("process", CHANGED, scope, pid, f"流程 {pid} 改名：{_q(a.name)} → {_q(b.name)}"))
        changes += _diff_tasks(scope, a, b)
        changes += _diff_flows(scope, a, b)
        changes += _diff_lanes(scope, a, b)
        changes += _diff_timers(scope, a, b)
        changes += _diff_calls(scope, a, b)
    return changes


def _task_details(task: _Task) -> str:
    parts = [f"泳道 {lane_label(task.lane)}"]
    if task.type != "userTask":
        parts.append(TASK_TYPES.get(task.type, task.type))
    if task.form_key:
        parts.append(f"表单 {task.form_key}")
    if task.due_days:
        parts.append(f"时限 {task.due_days} 个工作日")
    return "，".join(parts)


def _diff_tasks(scope: str, a: _Process, b: _Process) -> Iterator[Change]:
    for tid in sorted(a.tasks.keys() | b.tasks.keys()):
        old, new = a.tasks.get(tid), b.tasks.get(tid)
        if old is None and new is not None:
            yield Change("task", ADDED, scope, tid, f"新增任务{_q(new.name)}（{_task_details(new)}）")
        elif new is None and old is not None:
            yield Change("task", REMOVED, scope, tid, f"删除任务{_q(old.name)}（{_task_details(old)}）")
        elif old is not None and new is not None and old != new:
            subject = f"任务{_q(new.name)}"
            if old.name != new.name:
                yield Change("task", CHANGED, scope, tid, f"任务{_q(old.name)}改名为{_q(new.name)}")
            if old.lane != new.lane:
                lanes = f"{lane_label(old.lane)} → {lane_label(new.lane)}"
                yield Change("task", CHANGED, scope, tid, f"{subject}的泳道：{lanes}")
            if old.form_key != new.form_key:
                yield Change("task", CHANGED, scope, tid, f"{subject}的表单：{_arrow(old.form_key, new.form_key)}")
            if old.type != new.type:
                types = f"{TASK_TYPES.get(old.type, old.type)} → {TASK_TYPES.get(new.type, new.type)}"
                yield Change("task", CHANGED, scope, tid, f"{subject}的类型：{types}")
            if old.due_days != new.due_days:
                days = _arrow(old.due_days, new.due_days)
                yield Change("task", CHANGED, scope, tid, f"{subject}的办理时限（工作日）：{days}")
            if old.script != new.script:
                yield Change("task", CHANGED, scope, tid, f"{subject}的脚本：{_arrow(old.script, new.script)}")


def _flow_ends(flow: _Flow, process: _Process) -> str:
    return f"{_q(process.names.get(flow.source, flow.source))} → {_q(process.names.get(flow.target, flow.target))}"


def _diff_flows(scope: str, a: _Process, b: _Process) -> Iterator[Change]:
    for fid in sorted(a.flows.keys() | b.flows.keys()):
        old, new = a.flows.get(fid), b.flows.get(fid)
        if old is None and new is not None:
            condition = f"（条件 {new.condition}）" if new.condition else ""
            yield Change("flow", ADDED, scope, fid, f"新增顺序流 {_flow_ends(new, b)}{condition}")
        elif new is None and old is not None:
            yield Change("flow", REMOVED, scope, fid, f"删除顺序流 {_flow_ends(old, a)}")
        elif old is not None and new is not None:
            if (old.source, old.target) != (new.source, new.target):
                ends = f"{_flow_ends(old, a)} 改为 {_flow_ends(new, b)}"
                yield Change("flow", CHANGED, scope, fid, f"顺序流 {fid} 的两端：{ends}")
            if old.condition != new.condition:
                conditions = _arrow(old.condition, new.condition)
                yield Change("flow", CHANGED, scope, fid, f"顺序流 {_flow_ends(new, b)} 的条件：{conditions}")


def _diff_lanes(scope: str, a: _Process, b: _Process) -> Iterator[Change]:
    for lid in sorted(a.lanes.keys() | b.lanes.keys()):
        old, new = a.lanes.get(lid), b.lanes.get(lid)
        if old is None and new is not None:
            yield Change("lane", ADDED, scope, lid, f"新增泳道{_q(lane_label(new))}")
        elif new is None and old is not None:
            yield Change("lane", REMOVED, scope, lid, f"删除泳道{_q(lane_label(old))}")
        elif old != new:
            yield Change("lane", CHANGED, scope, lid, f"泳道 {lid} 改名：{_q(lane_label(old))} → {_q(lane_label(new))}")


def _diff_timers(scope: str, a: _Process, b: _Process) -> Iterator[Change]:
    for eid in sorted(a.timers.keys() | b.timers.keys()):
        old, new = a.timers.get(eid), b.timers.get(eid)
        if old is None and new is not None:
            what = TIMER_KINDS[new.kind]
            yield Change("timer", ADDED, scope, eid, f"新增定时器{_q(new.name)}（{what} {new.expression}）")
        elif new is None and old is not None:
            yield Change(
                "timer", REMOVED, scope, eid, f"删除定时器{_q(old.name)}（{TIMER_KINDS[old.kind]} {old.expression}）"
            )
        elif old is not None and new is not None and (old.kind, old.expression) != (new.kind, new.expression):
            before = f"{TIMER_KINDS[old.kind]} {old.expression}"
            after = f"{TIMER_KINDS[new.kind]} {new.expression}"
            yield Change("timer", CHANGED, scope, eid, f"定时器{_q(new.name)}：{before} → {after}")


def _diff_calls(scope: str, a: _Process, b: _Process) -> Iterator[Change]:
    for cid in sorted(a.calls.keys() | b.calls.keys()):
        old, new = a.calls.get(cid), b.calls.get(cid)
        if old is None and new is not None:
            yield Change("call", ADDED, scope, cid, f"新增调用活动{_q(new.name)}（调用 {new.called}）")
        elif new is None and old is not None:
            yield Change("call", REMOVED, scope, cid, f"删除调用活动{_q(old.name)}（调用 {old.called}）")
        elif old is not None and new is not None:
            if old.called != new.called:
                yield Change(
                    "call", CHANGED, scope, cid, f"调用活动{_q(new.name)}调用的流程：{old.called} → {new.called}"
                )
            if old.name != new.name:
                yield Change("call", CHANGED, scope, cid, f"调用活动{_q(old.name)}改名为{_q(new.name)}")


# ---------------------------------------------------------------- DMN


@dataclass(frozen=True)
class _Rule:
    label: str  # "rule_township（乡镇审批）" or "第 2 条"
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass
class _Decision:
    name: str
    hit_policy: str
    inputs: list[str]  # column labels
    outputs: list[str]
    rules: dict[str, _Rule] = field(default_factory=dict)


def _dmn_children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if _local(child) == name]


def _entry(entry: etree._Element) -> str:
    text = next((_text(child) for child in entry if _local(child) == "text"), None)
    return text if text and text != "-" else "任意"


def _read_decision(decision: etree._Element) -> _Decision:
    table = next(iter(_dmn_children(decision, "decisionTable")), None)
    name = (decision.get("name") or "").strip() or str(decision.get("id"))
    if table is None:
        return _Decision(name, "", [], [])
    inputs = [
        str(i.get("label") or _text(next(iter(i.iter("{*}text")), None)) or i.get("id") or "")
        for i in _dmn_children(table, "input")
    ]
    outputs = [str(o.get("label") or o.get("name") or o.get("id") or "") for o in _dmn_children(table, "output")]
    model = _Decision(name, str(table.get("hitPolicy") or "UNIQUE"), inputs, outputs)
    for index, rule in enumerate(_dmn_children(table, "rule"), start=1):
        description = _text(next(iter(_dmn_children(rule, "description")), None))
        rule_id = rule.get("id")
        key = str(rule_id) if rule_id else f"#{index}"
        label = rule_id or f"第 {index} 条"
        label = f"{label}（{description}）" if description else label
        model.rules[key] = _Rule(
            label,
            tuple(_entry(e) for e in _dmn_children(rule, "inputEntry")),
            tuple(_entry(e) for e in _dmn_children(rule, "outputEntry")),
        )
    return model


def _read_dmn(files: Mapping[str, str], changes: list[Change]) -> dict[str, _Decision]:
    decisions: dict[str, _Decision] = {}
    for name, text in files.items():
        try:
            root = parse_xml(text.encode()).getroot()
        except UnsafeXml as exc:
            changes.append(Change("file", CHANGED, name, None, f"文件 {name} 无法解析：{exc.message}"))
            continue
        for decision in root.iter("{*}decision"):
            if decision.get("id"):
                decisions[str(decision.get("id"))] = _read_decision(decision)
    return decisions


def _rule_text(rule: _Rule, decision: _Decision) -> str:
    conditions = "，".join(f"{_column(decision.inputs, i)} {v}" for i, v in enumerate(rule.inputs) if v != "任意")
    results = "，".join(f"{_column(decision.outputs, i)} = {v}" for i, v in enumerate(rule.outputs))
    return f"{conditions or '任意'} → {results or '（无结果）'}"


def _column(columns: list[str], index: int) -> str:
    return columns[index] if index < len(columns) else f"第 {index + 1} 列"


def _diff_dmn(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    old, new = _read_dmn(old_files, changes), _read_dmn(new_files, changes)
    for did in sorted(old.keys() | new.keys()):
        scope = f"决策表 {did}"
        if did not in old:
            changes.append(Change("decision", ADDED, scope, did, f"新增决策表{_q(new[did].name)}（{did}）"))
            continue
        if did not in new:
            changes.append(Change("decision", REMOVED, scope, did, f"删除决策表{_q(old[did].name)}（{did}）"))
            continue
        a, b = old[did], new[did]
        table = f"决策表{_q(b.name)}"
        if a.hit_policy != b.hit_policy:
            policy = _arrow(a.hit_policy, b.hit_policy)
            changes.append(Change("decision", CHANGED, scope, did, f"{table}的命中策略：{policy}"))
        for what, before, after in (("输入列", a.inputs, b.inputs), ("输出列", a.outputs, b.outputs)):
            if before != after:
                columns = f"{'、'.join(before) or '（无）'} → {'、'.join(after) or '（无）'}"
                changes.append(Change("decision", CHANGED, scope, did, f"{table}的{what}：{columns}"))
        changes += _diff_rules(scope, table, a, b)
    return changes


def _diff_rules(scope: str, table: str, a: _Decision, b: _Decision) -> Iterator[Change]:
    for key in [*a.rules, *(k for k in b.rules if k not in a.rules)]:
        old, new = a.rules.get(key), b.rules.get(key)
        if old is None and new is not None:
            yield Change("rule", ADDED, scope, key, f"{table}新增规则 {new.label}：{_rule_text(new, b)}")
        elif new is None and old is not None:
            yield Change("rule", REMOVED, scope, key, f"{table}删除规则 {old.label}：{_rule_text(old, a)}")
        elif old is not None and new is not None:
            count = max(len(old.inputs), len(new.inputs))
            for i in range(count):
                before, after = _at(old.inputs, i), _at(new.inputs, i)
                if before != after:
                    column = _column(b.inputs, i)
                    yield Change(
                        "rule", CHANGED, scope, key, f"{table}规则 {new.label} 的条件“{column}”：{before} → {after}"
                    )
            for i in range(max(len(old.outputs), len(new.outputs))):
                before, after = _at(old.outputs, i), _at(new.outputs, i)
                if before != after:
                    column = _column(b.outputs, i)
                    yield Change(
                        "rule", CHANGED, scope, key, f"{table}规则 {new.label} 的结果“{column}”：{before} → {after}"
                    )


def _at(values: tuple[str, ...], index: int) -> str:
    return values[index] if index < len(values) else "（无）"


# ---------------------------------------------------------------- forms


@dataclass(frozen=True)
class _Field:
    title: str
    type: str
    required: bool
    options: tuple[str, ...]


def _read_fields(schema: Mapping[str, Any], prefix: str = "") -> dict[str, _Field]:
    """Fields by dotted path; an array's item fields are "members[].name"."""
    fields: dict[str, _Field] = {}
    required = set(schema.get("required") or [])
    for key, spec in (schema.get("properties") or {}).items():
        if not isinstance(spec, Mapping):
            continue
        path = f"{prefix}{key}"
        options = tuple(str(v) for v in spec.get("enum") or [])
        fields[path] = _Field(str(spec.get("title") or key), str(spec.get("type") or ""), key in required, options)
        if isinstance(spec.get("properties"), Mapping):
            fields.update(_read_fields(spec, f"{path}."))
        items = spec.get("items")
        if isinstance(items, Mapping) and isinstance(items.get("properties"), Mapping):
            fields.update(_read_fields(items, f"{path}[]."))
    return fields


def _read_form(name: str, text: str, changes: list[Change]) -> tuple[str, dict[str, _Field]] | None:
    try:
        schema = json.loads(text)
    except ValueError:
        changes.append(Change("file", CHANGED, name, None, f"文件 {name} 不是有效的 JSON"))
        return None
    if not isinstance(schema, Mapping):
        return None
    return str(schema.get("title") or ""), _read_fields(schema)


def _diff_forms(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    key_of = {name: name[len(FORM_PREFIX) :].removesuffix(".json") for name in [*old_files, *new_files]}
    for name in sorted(old_files.keys() | new_files.keys()):
        key, scope = key_of[name], f"表单 {key_of[name]}"
        old = _read_form(name, old_files[name], changes) if name in old_files else None
        new = _read_form(name, new_files[name], changes) if name in new_files else None
        if old is None and new is not None:
            changes.append(Change("form", ADDED, scope, key, f"新增表单{_q(new[0] or key)}（{key}）"))
        elif new is None and old is not None:
            changes.append(Change("form", REMOVED, scope, key, f"不再使用表单{_q(old[0] or key)}（{key}）"))
        elif old is not None and new is not None:
            if old[0] != new[0]:
                changes.append(Change("form", CHANGED, scope, key, f"表单 {key} 的标题：{_q(old[0])} → {_q(new[0])}"))
            changes += _diff_fields(scope, f"表单{_q(new[0] or key)}", old[1], new[1])
    return changes


def _field_details(spec: _Field) -> str:
    parts = [FIELD_TYPES.get(spec.type, spec.type or "未注明类型"), "必填" if spec.required else "选填"]
    if spec.options:
        parts.append(f"选项 {'、'.join(spec.options)}")
    return "，".join(parts)


def _diff_fields(scope: str, form: str, old: Mapping[str, _Field], new: Mapping[str, _Field]) -> Iterator[Change]:
    for path in [*old, *(p for p in new if p not in old)]:
        a, b = old.get(path), new.get(path)
        if a is None and b is not None:
            yield Change("field", ADDED, scope, path, f"{form}新增字段{_q(b.title)} {path}（{_field_details(b)}）")
        elif b is None and a is not None:
            yield Change("field", REMOVED, scope, path, f"{form}删除字段{_q(a.title)} {path}")
        elif a is not None and b is not None and a != b:
            subject = f"{form}字段{_q(b.title)} {path}"
            if a.title != b.title:
                yield Change("field", CHANGED, scope, path, f"{subject}的标题：{_q(a.title)} → {_q(b.title)}")
            if a.type != b.type:
                types = f"{FIELD_TYPES.get(a.type, a.type)} → {FIELD_TYPES.get(b.type, b.type)}"
                yield Change("field", CHANGED, scope, path, f"{subject}的类型：{types}")
            if a.required != b.required:
                yield Change("field", CHANGED, scope, path, f"{subject}改为{'必填' if b.required else '选填'}")
            if a.options != b.options:
                added = [o for o in b.options if o not in a.options]
                removed = [o for o in a.options if o not in b.options]
                parts = ([f"新增 {'、'.join(added)}"] if added else []) + (
                    [f"删除 {'、'.join(removed)}"] if removed else []
                )
                yield Change("field", CHANGED, scope, path, f"{subject}的选项：{'；'.join(parts) or '顺序调整'}")


# ---------------------------------------------------------------- parameters

_HEADER = re.compile(r"^\[([A-Za-z0-9_\-]+)\]\s*$")
_LABEL_END = re.compile(r"[（(：:，,。；;]")
MAX_LABEL = 16


def parameter_labels(text: str) -> dict[str, str]:
    """Parameter name → the short Chinese name its comment starts with ("# 公示天数（…）" → 公示天数).

    The comment block right above a table describes it; its first words up to a bracket or a
    punctuation mark are the name. Too long a phrase is no name, and a parameter without a comment
    has none: the sentence then shows the key alone.
    """
    labels: dict[str, str] = {}
    block: list[str] = []
    for raw in text.splitlines():
        line = raw.strip()
        header = _HEADER.match(line)
        if header and block:
            label = _LABEL_END.split(block[0], maxsplit=1)[0].strip().strip('“”"')
            if label and len(label) <= MAX_LABEL and not label.startswith("-"):
                labels[header.group(1)] = label
        if line.startswith("#"):
            block.append(line.lstrip("#").strip())
        else:
            block = []
    return labels


def _merged(files: Mapping[str, str], changes: list[Change]) -> tuple[dict[str, Parameter], dict[str, str]]:
    ordered = [(name, files[name]) for name in sorted(files, key=_layer)]
    labels: dict[str, str] = {}
    for _, text in ordered:  # the default file's description wins: a region's comment explains its reason
        for name, label in parameter_labels(text).items():
            labels.setdefault(name, label)
    try:
        return dict(layered_parameters(ordered).by_name), labels
    except InvalidData as exc:
        changes.append(Change("file", CHANGED, "parameters.toml", None, f"参数文件无法解析：{exc.message}"))
        return {}, labels


def _layer(name: str) -> int:
    """parameters/<n>.toml: the layering order (default first) is the number, not the text ("10" > "9")."""
    stem = name[len(PARAM_PREFIX) :].removesuffix(".toml")
    return int(stem) if stem.isdigit() else 0


def _periods(parameter: Parameter) -> str:
    return "；".join(f"{_show(v)}（自 {d.isoformat()} 起）" for d, v in parameter.periods)


def _value_on(parameter: Parameter, day: date) -> Value | None:
    try:
        return parameter.value_on(day)
    except KeyError:
        return None


def _diff_parameters(old_files: Mapping[str, str], new_files: Mapping[str, str]) -> list[Change]:
    changes: list[Change] = []
    (old, old_labels), (new, new_labels) = _merged(old_files, changes), _merged(new_files, changes)
    scope = "参数 parameters.toml"
    for name in sorted(old.keys() | new.keys()):
        label = old_labels.get(name) or new_labels.get(name)
        named = f"{label} {name}" if label else name
        a, b = old.get(name), new.get(name)
        if a is None and b is not None:
            changes.append(Change("parameter", ADDED, scope, name, f"新增参数 {named}：{_periods(b)}"))
        elif b is None and a is not None:
            changes.append(Change("parameter", REMOVED, scope, name, f"删除参数 {named}（原为 {_periods(a)}）"))
        elif a is not None and b is not None and a.periods != b.periods:
            subject = named if label else f"参数 {name}"
            for start, end, before, after in _timeline_changes(a, b):
                when = f"自 {start.isoformat()} 起" if end is None else f"{start.isoformat()} 至 {end.isoformat()}"
                sentence = f"{subject}：{_in_force(before)} → {_in_force(after)}（{when}）"
                changes.append(Change("parameter", CHANGED, scope, name, sentence))
    return changes


def _in_force(value: Value | None) -> str:
    return "未生效" if value is None else _show(value)


def _timeline_changes(a: Parameter, b: Parameter) -> list[tuple[date, date | None, Value | None, Value | None]]:
    """The stretches of time in which the value in force differs: (first day, last day or None for
    open-ended, old value, new value). A region restating a default value from a later date shows
    only the stretch before that date, where the value really changed."""
    starts = sorted({d for d, _ in a.periods} | {d for d, _ in b.periods})
    stretches: list[tuple[date, date | None, Value | None, Value | None]] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] - timedelta(days=1) if index + 1 < len(starts) else None
        before, after = _value_on(a, start), _value_on(b, start)
        if before == after and type(before) is type(after):
            continue
        if stretches and stretches[-1][1] == start - timedelta(days=1) and stretches[-1][2:] == (before, after):
            stretches[-1] = (stretches[-1][0], end, before, after)  # the same change continues
        else:
            stretches.append((start, end, before, after))
    return stretches
