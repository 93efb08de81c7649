"""The shape of a BPMN file, checked before Spiff parses it: ids, references and sequence flows.

Spiff follows references blindly (a sequence flow to a missing element, a boundary event attached
to nothing, a message that is not declared) and fails with English text or Python exceptions, or
not at all: a task with no way out simply ends its branch, an unreachable task is never parsed and
so never checked. These rules make every such file a list of problems naming element and line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from engine.errors import Problem
from engine.workflow.namespaces import BPMN_NS, SPIFF_NS
from engine.workflow.subset import FLOW_NODES, OTHER_FLOW_NODES, element_of, local, namespace, short

# What the database keeps of a process and its steps (engine.persistence.process): longer is refused.
MAX_PROCESS_ID, MAX_ELEMENT_ID, MAX_NAME = 64, 100, 200
# xsd:ID is an NCName; Spiff also writes ids into XPath expressions, where a quote would break them.
_NCNAME = re.compile(r"^[^\W\d][\w.\-]*$")
_GATEWAYS = frozenset({"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway"})
_CONDITIONAL = frozenset({"exclusiveGateway", "inclusiveGateway"})
_ATTACHABLE = frozenset({"userTask", "subProcess", "callActivity"})
_CONTAINERS = frozenset({"process", "subProcess"})
# Unsupported kinds of flow node are refused by subset.py; here they only need to exist.
_ANY_FLOW_NODE = FLOW_NODES | OTHER_FLOW_NODES


def _q(name: str) -> str:
    return f"{{{BPMN_NS}}}{name}"


def _problem(origin: str, node: etree._Element, message: str) -> Problem:
    return Problem(origin, message, element_of(node), node.sourceline)


@dataclass
class _Container:
    """A process or an embedded sub-process: the flow nodes and sequence flows directly in it."""

    node: etree._Element
    nodes: dict[str, etree._Element] = field(default_factory=dict)
    flows: list[etree._Element] = field(default_factory=list)
    outgoing: dict[str, list[etree._Element]] = field(default_factory=dict)
    incoming: dict[str, list[etree._Element]] = field(default_factory=dict)


def structure_problems(origin: str, tree: etree._ElementTree) -> Iterator[Problem]:
    root = tree.getroot()
    if namespace(root) != BPMN_NS or local(root) != "definitions":
        found = short(str(root.tag))
        yield _problem(origin, root, f"不是 BPMN 文件：根元素应为命名空间 {BPMN_NS} 中的 definitions，而不是 {found}")
        return
    id_problems, duplicated = _id_problems(origin, root)
    yield from id_problems
    if duplicated:
        return  # with two elements of one id every reference is ambiguous: the rest would mislead
    processes = root.findall(_q("process"))
    if not processes:
        yield _problem(origin, root, "文件中没有流程（bpmn:process）")
    messages = {m.get("id"): m for m in root.iter(_q("message"))}
    yield from _message_problems(origin, messages)
    for process in processes:
        yield from _name_problems(origin, process, MAX_PROCESS_ID)
        for container in _containers(process):
            yield from _container_problems(origin, container, messages)
        yield from _lane_problems(origin, process)
    for participant in root.iter(_q("participant")):
        ref = participant.get("processRef")
        if ref is not None and ref not in {p.get("id") for p in processes}:
            yield _problem(origin, participant, f"参与者（池）引用的流程 {short(ref)} 不在本文件中")


def _id_problems(origin: str, root: etree._Element) -> tuple[list[Problem], bool]:
    """Missing, malformed and too long ids, and whether any id is used twice."""
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    duplicated = False
    for node in root.iter():
        if not isinstance(node.tag, str) or namespace(node) != BPMN_NS:
            continue  # other namespaces' ids (a dialect's form fields) are not BPMN's
        element_id = node.get("id")
        if element_id is None:
            if local(node) in _ANY_FLOW_NODE | _CONTAINERS | {"sequenceFlow", "lane", "message"}:
                problems.append(Problem(origin, f"{local(node)} 元素缺少标识 id", element_of(node), node.sourceline))
            continue
        if not _NCNAME.match(element_id):
            rule = "须以字母或下划线开头，只含字母、数字、_、-、."
            problems.append(_problem(origin, node, f"标识“{short(element_id)}”不合法：{rule}"))
        elif len(element_id) > MAX_ELEMENT_ID:
            problems.append(_problem(origin, node, f"标识过长（{len(element_id)} 个字符，最多 {MAX_ELEMENT_ID}）"))
        if element_id in seen:
            duplicated = True
            problems.append(_problem(origin, node, f"标识 {short(element_id)} 重复（第 {seen[element_id]} 行已使用）"))
        else:
            seen[element_id] = node.sourceline or 0
    return problems, duplicated


def _name_problems(origin: str, process: etree._Element, max_id: int) -> Iterator[Problem]:
    process_id = process.get("id") or ""
    if len(process_id) > max_id:
        yield _problem(origin, process, f"流程标识过长（{len(process_id)} 个字符，最多 {max_id}）")
    for node in process.iter():
        size = len(node.get("name") or "") if isinstance(node.tag, str) and namespace(node) == BPMN_NS else 0
        if size > MAX_NAME:
            yield _problem(origin, node, f"名称过长（{size} 个字符，最多 {MAX_NAME}）")


def _message_problems(origin: str, messages: dict[str | None, etree._Element]) -> Iterator[Problem]:
    for message in messages.values():
        name = (message.get("name") or "").strip()
        if not name:
            yield _problem(origin, message, "消息缺少名称 name（系统按名称投递消息）")
        elif len(name) > MAX_ELEMENT_ID:
            yield _problem(origin, message, f"消息名称过长（最多 {MAX_ELEMENT_ID} 个字符）")


def _containers(process: etree._Element) -> Iterator[_Container]:
    stack = [process]
    while stack:
        node = stack.pop()
        container = _Container(node)
        for child in node:
            if not isinstance(child.tag, str) or namespace(child) != BPMN_NS:
                continue
            name = local(child)
            if name in _ANY_FLOW_NODE and child.get("id"):
                container.nodes[child.get("id") or ""] = child
                if name == "subProcess":
                    stack.append(child)
            elif name == "sequenceFlow":
                container.flows.append(child)
                container.outgoing.setdefault(child.get("sourceRef") or "", []).append(child)
                container.incoming.setdefault(child.get("targetRef") or "", []).append(child)
        yield container


def _container_problems(
    origin: str, container: _Container, messages: dict[str | None, etree._Element]
) -> Iterator[Problem]:
    yield from _flow_problems(origin, container)
    starts = [n for n in container.nodes.values() if local(n) == "startEvent"]
    what = "流程" if local(container.node) == "process" else "子流程"
    if len(starts) != 1:
        yield _problem(origin, container.node, f"{what}必须恰好有一个开始事件（现有 {len(starts)} 个）")
    if local(container.node) == "subProcess" and not any(local(n) == "endEvent" for n in container.nodes.values()):
        yield _problem(origin, container.node, "子流程必须至少有一个结束事件")
    for node_id, node in container.nodes.items():
        yield from _node_problems(origin, container, node_id, node)
        for definition in node:
            if isinstance(definition.tag, str) and local(definition) == "messageEventDefinition":
                yield from _message_ref_problems(origin, definition, messages)
            elif isinstance(definition.tag, str) and local(definition) == "timerEventDefinition":
                yield from _timer_problems(origin, definition)


def _flow_problems(origin: str, container: _Container) -> Iterator[Problem]:
    for flow in container.flows:
        for end in ("sourceRef", "targetRef"):
            ref = flow.get(end)
            if not ref:
                yield _problem(origin, flow, f"顺序流缺少 {end}")
            elif ref not in container.nodes:
                yield _problem(origin, flow, f"顺序流的 {end} 指向本{_where(container)}中不存在的元素 {short(ref)}")
        condition = flow.find(_q("conditionExpression"))
        source = container.nodes.get(flow.get("sourceRef") or "")
        if condition is not None and source is not None:
            if local(source) not in _CONDITIONAL:
                yield _problem(origin, flow, "只有排他网关和包容网关的出口顺序流可以带条件")
            elif not (condition.text or "").strip():
                yield _problem(origin, flow, "顺序流的条件为空")


def _where(container: _Container) -> str:
    return "流程" if local(container.node) == "process" else "子流程"


def _node_problems(origin: str, container: _Container, node_id: str, node: etree._Element) -> Iterator[Problem]:
    kind = local(node)
    if node.get("triggeredByEvent") == "true":
        return  # an event sub-process has no flows by design; subset.py refuses it
    outgoing = container.outgoing.get(node_id, [])
    incoming = container.incoming.get(node_id, [])
    if kind in ("startEvent", "boundaryEvent") and incoming:
        yield _problem(origin, node, "开始事件和边界事件不能有入口顺序流")
    elif kind not in ("startEvent", "boundaryEvent") and not incoming:
        yield _problem(origin, node, "没有入口顺序流：流程永远不会到达这里")
    if kind == "endEvent":
        if outgoing:
            yield _problem(origin, node, "结束事件不能有出口顺序流")
    elif not outgoing:
        yield _problem(origin, node, "没有出口顺序流：请连到下一步或结束事件")
    elif kind not in _GATEWAYS and len(outgoing) > 1:
        yield _problem(origin, node, f"有 {len(outgoing)} 条出口顺序流：分支请用网关")
    if kind in _GATEWAYS:
        yield from _gateway_problems(origin, container, node, outgoing)
    elif kind == "boundaryEvent":
        target = container.nodes.get(node.get("attachedToRef") or "")
        if target is None or local(target) not in _ATTACHABLE:
            yield _problem(origin, node, "边界事件必须附着在本流程的用户任务、子流程或调用活动上（attachedToRef）")
    yield from _task_problems(origin, node, kind)


def _gateway_problems(
    origin: str, container: _Container, node: etree._Element, outgoing: list[etree._Element]
) -> Iterator[Problem]:
    kind = local(node)
    default = node.get("default")
    flow_ids = [f.get("id") for f in outgoing]
    if default is not None and (kind not in _CONDITIONAL or default not in flow_ids):
        yield _problem(origin, node, f"默认顺序流 {short(default)} 不是本网关的出口顺序流")
    if kind in _CONDITIONAL and len(outgoing) > 1:
        for flow in outgoing:
            if flow.get("id") != default and flow.find(_q("conditionExpression")) is None:
                yield _problem(origin, flow, "网关的出口顺序流缺少条件（或把它设为网关的默认顺序流）")
    if kind == "eventBasedGateway":
        for flow in outgoing:
            target = container.nodes.get(flow.get("targetRef") or "")
            if target is not None and local(target) != "intermediateCatchEvent":
                yield _problem(origin, flow, "事件网关之后必须是定时器或消息中间捕获事件")
            elif target is not None and len(container.incoming.get(target.get("id") or "", [])) != 1:
                yield _problem(origin, target, "事件网关之后的捕获事件只能有这一条入口顺序流")


def _task_problems(origin: str, node: etree._Element, kind: str) -> Iterator[Problem]:
    if kind == "scriptTask":
        scripts = node.findall(_q("script"))
        if len(scripts) != 1 or not (scripts[0].text or "").strip():
            yield _problem(origin, node, "脚本任务必须有且只有一段非空的脚本 bpmn:script")
    elif kind == "businessRuleTask":
        refs = node.findall(f"{_q('extensionElements')}/{{{SPIFF_NS}}}calledDecisionId")
        if len(refs) != 1 or not (refs[0].text or "").strip():
            yield _problem(origin, node, "业务规则任务必须指定一个决策表（spiffworkflow:calledDecisionId）")
    elif kind == "callActivity" and not (node.get("calledElement") or "").strip():
        yield _problem(origin, node, "调用活动缺少被调用流程的标识 calledElement")


def _message_ref_problems(
    origin: str, definition: etree._Element, messages: dict[str | None, etree._Element]
) -> Iterator[Problem]:
    ref = definition.get("messageRef")
    if not ref:
        yield _problem(origin, definition, "消息事件缺少 messageRef（须引用本文件中声明的 bpmn:message）")
    elif ref not in messages:
        yield _problem(origin, definition, f"消息事件引用的消息 {short(ref)} 没有在本文件中声明（bpmn:message）")


def _timer_problems(origin: str, definition: etree._Element) -> Iterator[Problem]:
    specs = [c for c in definition if isinstance(c.tag, str) and local(c) in ("timeDate", "timeDuration", "timeCycle")]
    if len(specs) != 1:
        yield _problem(origin, definition, "定时器必须有且只有一个 timeDate 或 timeDuration")
    elif not (specs[0].text or "").strip():
        yield _problem(origin, definition, f"定时器的 {local(specs[0])} 表达式为空")


def _lane_problems(origin: str, process: etree._Element) -> Iterator[Problem]:
    known = {n.get("id") for n in process.iter() if isinstance(n.tag, str) and local(n) in _ANY_FLOW_NODE}
    owner: dict[str, etree._Element] = {}
    for ref in process.iter(_q("flowNodeRef")):
        lane = ref.getparent()
        target = (ref.text or "").strip()
        if target not in known:
            yield _problem(origin, ref, f"泳道引用了本流程中不存在的元素 {short(target)}")
        elif lane is None:
            continue
        elif target in owner and not _nested(owner[target], lane):
            yield _problem(
                origin, ref, f"元素 {short(target)} 同时属于两个泳道（{owner[target].get('id')}、{lane.get('id')}）"
            )
        else:
            owner[target] = lane


def _nested(one: etree._Element, other: etree._Element) -> bool:
    """Whether one lane holds the other (a lane's nodes are often listed again in the lane around it)."""
    return one in other.iterancestors() or other in one.iterancestors()
