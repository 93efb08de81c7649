"""The BPMN subset the engine runs (docs/bpmn-subset.md), checked on the XML before Spiff sees it.

SpiffWorkflow parses far more of BPMN than our engine can honour: it builds specs for escalation
events, data stores or service tasks that then fail, hang or silently do nothing at run time, and
reports what it cannot parse in English or as bare Python exceptions. So every element of a
designer's file is held against the declared subset first, and anything outside it is refused by
name (element, line and what to draw instead). Only a file that passes reaches Spiff.
"""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from engine.domain.vocabulary import EVENT_DEFINITION_LABELS, EVENT_LABELS
from engine.errors import Problem
from engine.workflow.countersign_subset import CHILDREN as COUNTERSIGN_CHILDREN
from engine.workflow.countersign_subset import multi_instance_problems
from engine.workflow.namespaces import BPMN_NS, SPIFF_NS

# Diagram interchange (shapes, edges, bounds, colours): drawing only, never executed.
DIAGRAM_NAMESPACES = frozenset(
    {
        "http://www.omg.org/spec/BPMN/20100524/DI",
        "http://www.omg.org/spec/DD/20100524/DC",
        "http://www.omg.org/spec/DD/20100524/DI",
        "http://bpmn.io/schema/bpmn/biocolor/1.0",
        "http://www.omg.org/spec/BPMN/non-normative/color/1.0",
    }
)
# Namespaces whose attributes carry no behaviour: XML Schema instance types, the modeler's own notes.
NEUTRAL_ATTRIBUTE_NAMESPACES = frozenset(
    {
        "http://www.w3.org/2001/XMLSchema-instance",
        "http://www.w3.org/XML/1998/namespace",
        "http://camunda.org/schema/modeler/1.0",
        *DIAGRAM_NAMESPACES,
    }
)
# Other engines' dialects: their extensions mean something to those engines and nothing to ours.
DIALECTS = {
    "http://camunda.org/schema/1.0/bpmn": "Camunda",
    "http://camunda.org/schema/zeebe/1.0": "Camunda 8（Zeebe）",
    "http://activiti.org/bpmn": "Activiti",
    "http://flowable.org/bpmn": "Flowable",
}
SPIFF_DIALECT = f"本系统使用 SpiffWorkflow 方言（xmlns:spiffworkflow=“{SPIFF_NS}”）"

FLOW_NODES = frozenset(
    {
        "startEvent",
        "endEvent",
        "intermediateCatchEvent",
        "intermediateThrowEvent",
        "boundaryEvent",
        "userTask",
        "scriptTask",
        "businessRuleTask",
        "callActivity",
        "subProcess",
        "exclusiveGateway",
        "parallelGateway",
        "inclusiveGateway",
        "eventBasedGateway",
    }
)
# Flow nodes BPMN has and the subset leaves out: refused by name, yet still valid flow ends, so a
# sequence flow to one is not reported a second time as pointing nowhere.
OTHER_FLOW_NODES = frozenset(
    {"task", "manualTask", "serviceTask", "sendTask", "receiveTask", "transaction", "adHocSubProcess", "complexGateway"}
)
# Everything else of the subset: containers, flows, lanes, messages, labels and artifacts.
SUPPORTED = FLOW_NODES | {
    "definitions",
    "process",
    "collaboration",
    "participant",
    "messageFlow",
    "laneSet",
    "lane",
    "childLaneSet",
    "flowNodeRef",
    "sequenceFlow",
    "conditionExpression",
    "incoming",
    "outgoing",
    "script",
    "message",
    "timerEventDefinition",
    "timeDate",
    "timeDuration",
    "messageEventDefinition",
    "terminateEventDefinition",
    "documentation",
    "extensionElements",
    "textAnnotation",
    "text",
    "association",
    "group",
    "category",
    "categoryValue",
    # 会签: a multi-instance user task, checked further in countersign_subset (docs/countersign.md)
    "multiInstanceLoopCharacteristics",
    *COUNTERSIGN_CHILDREN,
}

_DATA_HINT = "流程数据就是任务数据（表单字段与脚本变量），无需声明数据对象"
# Unsupported elements designers meet in practice: what they are called and what to draw instead.
UNSUPPORTED: dict[str, tuple[str, str]] = {
    "task": ("无类型任务", "请改为用户任务 userTask（有人办理）或脚本任务 scriptTask（自动执行）"),
    "manualTask": ("手工任务", "请改为用户任务 userTask"),
    "serviceTask": ("服务任务", "请改为脚本任务 scriptTask，调用允许的辅助函数"),
    "sendTask": ("发送任务", "案件之间不互相发送消息；外部消息由系统投递给等待的捕获事件"),
    "receiveTask": ("接收任务", "请改为消息中间捕获事件 intermediateCatchEvent + messageEventDefinition"),
    "transaction": ("事务子流程", "请改为嵌入子流程 subProcess"),
    "adHocSubProcess": ("自由子流程", "请用并行网关画出各个任务"),
    "complexGateway": ("复杂网关", "请改用排他、包容或并行网关"),
    "standardLoopCharacteristics": ("循环任务", "请用排他网关画出回路"),
    "loopCardinality": ("按次数的多实例", "会签请用 loopDataInputRef 指定成员列表（docs/countersign.md）"),
    "dataObject": ("数据对象", _DATA_HINT),
    "dataObjectReference": ("数据对象引用", _DATA_HINT),
    "dataStore": ("数据存储", _DATA_HINT),
    "dataStoreReference": ("数据存储引用", _DATA_HINT),
    "dataInputAssociation": ("数据输入关联", _DATA_HINT),
    "dataOutputAssociation": ("数据输出关联", _DATA_HINT),
    "ioSpecification": ("输入输出规范", _DATA_HINT),
    "property": ("流程属性", _DATA_HINT),
    "escalationEventDefinition": ("升级事件", "超期升级请用定时器边界事件"),
    "errorEventDefinition": ("错误事件", "请用排他网关判断结果并走不同的分支"),
    "signalEventDefinition": ("信号事件", "外部通知请用消息事件 messageEventDefinition"),
    "conditionalEventDefinition": ("条件事件", "请用排他网关判断条件"),
    "compensateEventDefinition": ("补偿事件", "请把撤销步骤画成普通任务"),
    "cancelEventDefinition": ("取消事件", "取消事件只用于事务子流程，而事务子流程不受支持"),
    "linkEventDefinition": ("链接事件", "请直接画顺序流"),
    "timeCycle": ("循环定时器", "请用 timeDate（到期时间）或 timeDuration（时长）"),
    "escalation": ("升级定义", "升级事件不受支持"),
    "error": ("错误定义", "错误事件不受支持"),
    "signal": ("信号定义", "信号事件不受支持"),
    "correlationKey": ("消息关联", "消息按名称投递给等待它的案件，无需关联键"),
    "correlationProperty": ("消息关联属性", "消息按名称投递给等待它的案件，无需关联键"),
    "correlationSubscription": ("消息关联订阅", "消息按名称投递给等待它的案件，无需关联键"),
    "itemDefinition": ("数据类型定义", _DATA_HINT),
    "import": ("导入", "被调用的流程放在同一地区的目录中即可"),
    "choreography": ("编排图", "请画流程图（process）"),
    "conversation": ("会话图", "请画流程图（process）"),
}
# Event definitions each kind of event may carry (at most one); "" is the event without one.
EVENT_DEFINITIONS: dict[str, frozenset[str]] = {
    "startEvent": frozenset({""}),
    "endEvent": frozenset({"", "terminateEventDefinition"}),
    "intermediateThrowEvent": frozenset({""}),
    "intermediateCatchEvent": frozenset({"timerEventDefinition", "messageEventDefinition"}),
    "boundaryEvent": frozenset({"timerEventDefinition", "messageEventDefinition"}),
}
# spiffworkflow:* extensions the engine reads, and where: anything else would be ignored silently.
SPIFF_EXTENSIONS = {
    # userTask and startEvent have their own properties; every other holder only `documents`.
    "properties": frozenset(
        {
            "userTask",
            "startEvent",
            "scriptTask",
            "businessRuleTask",
            "endEvent",
            "intermediateCatchEvent",
            "intermediateThrowEvent",
            "boundaryEvent",
            "process",
        }
    ),
    "property": frozenset({"properties"}),
    "calledDecisionId": frozenset({"businessRuleTask"}),
    "messageVariable": frozenset({"messageEventDefinition"}),
    "preScript": frozenset({"userTask", "scriptTask", "businessRuleTask", "callActivity", "subProcess"}),
    "postScript": frozenset({"userTask", "scriptTask", "businessRuleTask", "callActivity", "subProcess"}),
}
# `documents`: what the element issues when it completes (engine/workflow/documents.py).
DOCUMENTS_PROPERTY = "documents"
USER_TASK_PROPERTIES = (
    "formKey",
    "dueWorkingDays",
    "prefill",
    "contextPanels",
    "returnTargets",
    DOCUMENTS_PROPERTY,
    "copies",  # 抄送: engine/workflow/copies.py
)
# A start event's property: who may start the process (engine/workflow/starters.py).
START_EVENT_PROPERTIES = ("startRoles", DOCUMENTS_PROPERTY)
OTHER_ELEMENT_PROPERTIES = (DOCUMENTS_PROPERTY,)
_PYTHON = frozenset({"", "python", "text/python", "text/x-python", "application/x-python"})
_CAMUNDA_HINTS = {
    "formKey": "表单请写成 <spiffworkflow:properties><spiffworkflow:property name=“formKey” value=“表单标识”/>",
    "formData": "表单字段写在 forms/definitions/<表单标识>.json 中，任务用 spiffworkflow:property formKey 指定",
    "formField": "表单字段写在 forms/definitions/<表单标识>.json 中，任务用 spiffworkflow:property formKey 指定",
    "decisionRef": "业务规则任务请写成 <spiffworkflow:calledDecisionId>决策标识</spiffworkflow:calledDecisionId>",
    "properties": "请改为 spiffworkflow:properties / spiffworkflow:property",
    "property": "请改为 spiffworkflow:properties / spiffworkflow:property",
    "assignee": "办理角色由任务所在泳道的名称决定（泳道名写角色标识或中文名称）",
    "candidateGroups": "办理角色由任务所在泳道的名称决定（泳道名写角色标识或中文名称）",
    "candidateUsers": "办理角色由任务所在泳道的名称决定（泳道名写角色标识或中文名称）",
    "dueDate": "办理期限请写成 spiffworkflow:property name=“dueWorkingDays”（工作日数）",
}


def short(text: str) -> str:
    """A name as quoted in a message: long enough to find, never the whole of a 50,000-character one."""
    return text if len(text) <= 40 else text[:40] + "…"


def local(node: etree._Element) -> str:
    return etree.QName(node).localname


def namespace(node: etree._Element) -> str | None:
    return etree.QName(node).namespace


def element_of(node: etree._Element) -> str | None:
    """The id of the node or of its nearest ancestor that has one: the element a problem is about.
    An event definition's own id is skipped: the designer sees, and looks for, the event."""
    current: etree._Element | None = node
    while current is not None:
        if isinstance(current.tag, str) and current.get("id") and not local(current).endswith("EventDefinition"):
            return current.get("id")
        current = current.getparent()
    return None


def _problem(origin: str, node: etree._Element, message: str) -> Problem:
    return Problem(origin, message, element_of(node), node.sourceline)


def subset_problems(origin: str, tree: etree._ElementTree) -> Iterator[Problem]:
    """Every element, event kind, attribute and extension of the file that the engine does not run."""
    root = tree.getroot()
    if namespace(root) != BPMN_NS or local(root) != "definitions":
        return  # not a BPMN file at all: structure.py says so, once
    for node in tree.iter():
        if not isinstance(node.tag, str) or _inside_reported(node):
            continue  # comments and processing instructions; the content of an element already refused
        yield from _dialect_attributes(origin, node)
        ns = namespace(node)
        if ns == BPMN_NS:
            yield from _bpmn_element(origin, node)
        elif ns in DIALECTS:
            yield _dialect_problem(origin, node, DIALECTS[ns], local(node))
        elif ns == SPIFF_NS:
            yield from _spiff_extension(origin, node)
        elif ns is None:
            yield _problem(
                origin, node, f"不认识的元素 {short(str(node.tag))}（没有命名空间）：BPMN 元素须在命名空间 {BPMN_NS} 中"
            )
        elif ns not in DIAGRAM_NAMESPACES and node.getparent() is not None:
            yield _problem(
                origin, node, f"不认识的扩展元素 {short(str(node.tag))}：{SPIFF_DIALECT}，只识别 spiffworkflow 扩展"
            )


def _inside_reported(node: etree._Element) -> bool:
    """Whether the node sits inside an element that is refused as a whole (its content is moot)."""
    for ancestor in node.iterancestors():
        ns = namespace(ancestor)
        if ns == SPIFF_NS and local(ancestor) != "properties":
            return True
        if ns == BPMN_NS and local(ancestor) not in SUPPORTED:
            return True
        if ns not in (BPMN_NS, SPIFF_NS, *DIAGRAM_NAMESPACES):
            return True
    return False


def _dialect_attributes(origin: str, node: etree._Element) -> Iterator[Problem]:
    for name in node.attrib:
        qname = etree.QName(name)
        if qname.namespace in DIALECTS:
            yield _dialect_problem(origin, node, DIALECTS[qname.namespace], qname.localname)


def _dialect_problem(origin: str, node: etree._Element, dialect: str, name: str) -> Problem:
    prefix = {"Camunda": "camunda", "Camunda 8（Zeebe）": "zeebe"}.get(dialect, dialect.lower())
    hint = _CAMUNDA_HINTS.get(name, "本系统不支持它，请删除")
    return _problem(origin, node, f"使用了 {dialect} 方言的扩展 {prefix}:{short(name)}：{SPIFF_DIALECT}；{hint}")


def _bpmn_element(origin: str, node: etree._Element) -> Iterator[Problem]:
    name = local(node)
    if name not in SUPPORTED:
        label, hint = UNSUPPORTED.get(name, ("的 BPMN 元素", "请从图中删除它"))
        yield _problem(origin, node, f"不支持{label} {short(name)}：{hint}")
        return
    if name in EVENT_DEFINITIONS:
        yield from _event_kind(origin, node, name)
    if name == "multiInstanceLoopCharacteristics":
        yield from multi_instance_problems(origin, node)
    yield from _attribute_problems(origin, node, name)


def _event_kind(origin: str, node: etree._Element, kind: str) -> Iterator[Problem]:
    definitions = [local(c) for c in node if isinstance(c.tag, str) and local(c).endswith("EventDefinition")]
    label = EVENT_LABELS[kind]
    if len(definitions) > 1:
        yield _problem(origin, node, f"一个{label}只能有一个事件定义（不支持多重事件：{'、'.join(definitions)}）")
        return
    definition = definitions[0] if definitions else ""
    allowed = EVENT_DEFINITIONS[kind]
    if definition in allowed or (definition and definition not in EVENT_DEFINITION_LABELS):
        return  # an unknown definition is refused as an element of its own
    if definition == "":
        kinds = "或".join(EVENT_DEFINITION_LABELS[d] for d in sorted(allowed))
        yield _problem(origin, node, f"{label}必须带一个{kinds}事件定义")
    else:
        what = EVENT_DEFINITION_LABELS[definition]
        hint = "流程由受理登记或系统启动，开始事件不带事件定义" if kind == "startEvent" else "请删除该事件定义"
        yield _problem(origin, node, f"不支持{what}{label} {definition}：{hint}")


def _attribute_problems(origin: str, node: etree._Element, name: str) -> Iterator[Problem]:
    if name == "process" and node.get("isExecutable", "true") != "true":
        yield _problem(origin, node, "流程标记为不可执行（isExecutable=“false”）：请设为 true，或把它从文件中删除")
    if name == "subProcess" and node.get("triggeredByEvent") == "true":
        yield _problem(origin, node, "不支持事件子流程（triggeredByEvent）：请用边界事件")
    if node.get("isForCompensation") == "true":
        yield _problem(origin, node, "不支持补偿活动（isForCompensation）")
    if name == "eventBasedGateway" and (
        node.get("instantiate") == "true" or node.get("eventGatewayType") == "Parallel"
    ):
        yield _problem(origin, node, "事件网关不能用于启动流程（instantiate / eventGatewayType=Parallel）")
    language = node.get("scriptFormat") if name == "scriptTask" else node.get("language")
    expression = name in ("scriptTask", "conditionExpression", "timeDate", "timeDuration")
    if expression and language is not None and language.strip().lower() not in _PYTHON:
        yield _problem(origin, node, f"不支持的脚本语言“{language[:40]}”：脚本、条件和定时器表达式都是 Python")


def _spiff_extension(origin: str, node: etree._Element) -> Iterator[Problem]:
    name = local(node)
    parent = node.getparent()
    holder = parent.getparent() if parent is not None and local(parent) == "extensionElements" else parent
    places = SPIFF_EXTENSIONS.get(name)
    if places is None:
        yield _problem(origin, node, f"不支持的 SpiffWorkflow 扩展 spiffworkflow:{short(name)}：本系统不读取它，请删除")
        return
    where = local(holder) if holder is not None else ""
    if where not in places:
        yield _problem(origin, node, f"spiffworkflow:{name} 不能用在 {where} 中（只用于 {'、'.join(sorted(places))}）")
    if name == "property":
        yield from _property_problems(origin, node)


def _property_problems(origin: str, node: etree._Element) -> Iterator[Problem]:
    key, value = node.get("name"), node.get("value")
    holder = node.getparent()
    holder = holder.getparent() if holder is not None else None  # properties → extensionElements
    holder = holder.getparent() if holder is not None else None
    kind = local(holder) if holder is not None else ""
    allowed = {"startEvent": START_EVENT_PROPERTIES, "userTask": USER_TASK_PROPERTIES}.get(
        kind, OTHER_ELEMENT_PROPERTIES
    )
    if key is None:
        yield _problem(origin, node, "任务属性 spiffworkflow:property 缺少 name")
    elif key not in allowed:
        yield _problem(
            origin,
            node,
            f"不支持的{ {'startEvent': '开始事件', 'userTask': '任务'}.get(kind, '元素') }属性"
            f" spiffworkflow:property name=“{short(key)}”"
            f"（可用：{'、'.join(allowed)}）",
        )
    elif value is None:
        yield _problem(origin, node, f"任务属性 {short(key)} 缺少 value")
