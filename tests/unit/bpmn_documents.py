"""Hypothesis strategies for BPMN files a designer might upload: the supported constructs and the
unsupported ones, valid and broken references, sub-processes nested inside each other, duplicate and
malformed ids, empty and huge names, other engines' dialects, and (sometimes) a file cut short.

A document is drawn as a small model (processes of nodes and flows) and written out with lxml, so
escaping is always right and only what the model says is wrong is wrong. `Document.acyclic` tells
whether its flows could loop: a loop of automatic steps never waits, so running one is left out.
"""

from __future__ import annotations

import copy
import itertools
from dataclasses import dataclass, field

from hypothesis import strategies as st
from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
NSMAP = {"bpmn": BPMN, "spiffworkflow": SPIFF, "camunda": CAMUNDA}

SUPPORTED_KINDS = [
    "userTask",
    "scriptTask",
    "businessRuleTask",
    "callActivity",
    "subProcess",
    "exclusiveGateway",
    "parallelGateway",
    "inclusiveGateway",
    "eventBasedGateway",
    "intermediateCatchEvent",
    "intermediateThrowEvent",
    "endEvent",
]
UNSUPPORTED_KINDS = ["task", "manualTask", "serviceTask", "sendTask", "receiveTask", "complexGateway", "transaction"]
DEFINITIONS = [
    "",
    "timeDuration",
    "timeDate",
    "timeCycle",
    "message",
    "terminate",
    "escalation",
    "error",
    "signal",
    "conditional",
    "link",
    "compensate",
]
# Attributes and extensions outside the subset, or half-written: "kind=value".
ODDITIES = [
    "scriptFormat=javascript",
    "scriptFormat=python",
    "isForCompensation=true",
    "triggeredByEvent=true",
    "priority=high",
    "property=",
    "property=formKey",
    "property=dueWorkingDays",
    "instructionsForEndUser=请核对",
    "preScript=a = 1",
    "postScript=import os",
    "calledDecisionId=subset_level",
    "messageVariable=v",
]
MUTATION_ATTRIBUTES = ["id", "sourceRef", "targetRef", "attachedToRef", "default", "messageRef", "calledElement",
                       "name", "isExecutable", "cancelActivity", "triggeredByEvent", "scriptFormat", "processRef",
                       "value"]  # fmt: skip
MUTATION_VALUES = ["ghost", "", "x" * 101, "a'b", "审核", "true", "false", "javascript", "formKey", "1x"]
_KINDS = ["task", "manualTask", "serviceTask", "receiveTask", "startEvent", "endEvent", "boundaryEvent",
          "sequenceFlow", "timerEventDefinition", "messageEventDefinition", "escalationEventDefinition",
          "terminateEventDefinition", "script", "dataObject", "lane", "process", "subProcess", "conditionExpression",
          "timeDuration", "extensionElements", "eventBasedGateway", "userTask", "message"]  # fmt: skip
MUTATION_TAGS = [
    *(f"{{{BPMN}}}{kind}" for kind in _KINDS),
    f"{{{SPIFF}}}property",
    f"{{{SPIFF}}}calledDecisionId",
    f"{{{CAMUNDA}}}formField",
]
SCRIPTS = ["a = 1", 'total = sum([1, 2])\nlevel = "county"', "import os", "x = (", "", "open('/etc/passwd')", "a = b"]
CONDITIONS = ["True", "amount >= 3200", "a ==", "__import__('os')", "", "level == 'county'"]
TIMERS = ['"P3D"', 'f"P{notice_days}D"', '"2026-03-20T00:00:00+08:00"', "P3D", "(", ""]
LANES = ["township_clerk", "县民政审批人", "janitor", "", "county_approver"]
FORM_KEYS = ["reference_review", "no_such_form", "", "../secrets", "Reference_Review"]
DECISIONS = ["subset_level", "no_such_decision", ""]

# What XML 1.0 can carry: no control characters, surrogates or non-characters.
xml_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=30)
names = st.one_of(
    st.just(""),
    xml_text,
    st.sampled_from(["审核", "乡镇审核 & 复核 <初审>", "  "]),
    st.integers(190, 210).map(lambda n: "审" * n),  # around the 200 the database keeps
    st.integers(1000, 5000).map(lambda n: "名" * n),
)
clean_names = st.one_of(st.just(""), xml_text, st.sampled_from(["审核", "乡镇审核 & 复核 <初审>", "审" * 200]))
ids = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True),
    st.sampled_from(["x", "start", "end", "p", "dup", "Task_1", "审核", "a'b", '"q"', "1abc", "", "a b", "i" * 101]),
)


@dataclass
class Node:
    id: str
    kind: str
    name: str
    definition: str = ""
    text: str = ""  # script, timer expression, called element, form key or decision
    attached_to: str = ""
    children: list[Node] = field(default_factory=list)
    flows: list[tuple[str, str, str, str | None]] = field(default_factory=list)  # id, source, target, condition
    camunda: bool = False
    interrupting: bool = True
    default: str | None = None  # a gateway's default flow
    message: str = "m"  # what a message event definition refers to
    extra: str = ""  # an odd attribute or extension the node carries


@dataclass
class Document:
    xml: bytes
    acyclic: bool


# A "clean" document uses these, with the values that are right for them, so that enough generated
# documents are accepted and go on to run.
CLEAN = {
    "exclusiveGateway": [""],
    "parallelGateway": [""],
    "inclusiveGateway": [""],
    "scriptTask": SCRIPTS[:2],
    "userTask": ["reference_review"],
    "businessRuleTask": ["subset_level"],
    "callActivity": ["called_review"],
    "intermediateThrowEvent": [""],
    "intermediateCatchEvent": ['"P3D"', 'f"P{notice_days}D"'],
    "subProcess": [""],
}


@st.composite
def _clean_node(draw: st.DrawFn, depth: int, pool: list[str], prefix: str) -> Node:
    kind = draw(st.sampled_from(sorted(CLEAN) if depth < 2 else sorted(set(CLEAN) - {"subProcess"})))
    node = Node(f"{prefix}n{len(pool)}", kind, draw(clean_names))
    pool.append(node.id)
    node.text = draw(st.sampled_from(CLEAN[kind]))
    if kind == "intermediateCatchEvent":
        node.definition = "timeDuration"
    elif kind == "subProcess":
        node.children, node.flows = draw(_body(depth + 1, clean=True, prefix=f"{node.id}_"))
    return node


@st.composite
def _node(draw: st.DrawFn, depth: int, pool: list[str]) -> Node:
    kind = draw(st.sampled_from(SUPPORTED_KINDS * 3 + UNSUPPORTED_KINDS + ["boundaryEvent"] * 2))
    node = Node(draw(ids), kind, draw(names), camunda=draw(st.integers(0, 3)) == 0)
    node.message = draw(st.sampled_from(["m", "m", "ghost", ""]))
    node.extra = draw(st.sampled_from(["", "", "", *ODDITIES]))
    pool.append(node.id)
    if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "endEvent", "boundaryEvent"):
        node.definition = draw(st.sampled_from(DEFINITIONS))
        node.text = draw(st.sampled_from(TIMERS))
        node.interrupting = draw(st.booleans())
        node.attached_to = draw(st.sampled_from([*pool, "ghost"]))
    elif kind == "scriptTask":
        node.text = draw(st.sampled_from(SCRIPTS))
    elif kind == "userTask":
        node.text = draw(st.sampled_from(FORM_KEYS))
    elif kind == "businessRuleTask":
        node.text = draw(st.sampled_from(DECISIONS))
    elif kind == "callActivity":
        node.text = draw(st.sampled_from(["called_review", "p", "nowhere", ""]))
    elif kind in ("subProcess", "transaction") and depth < 3:
        node.children, node.flows = draw(_body(depth + 1))
    return node


@st.composite
def _body(
    draw: st.DrawFn, depth: int, clean: bool = False, prefix: str = ""
) -> tuple[list[Node], list[tuple[str, str, str, str | None]]]:
    pool: list[str] = []
    if clean:
        start = Node(f"{prefix}start", "startEvent", "")
        pool.append(start.id)
        steps = draw(st.lists(_clean_node(depth, pool, prefix), max_size=5 if depth == 0 else 2))
        nodes = [start, *steps, Node(f"{prefix}end", "endEvent", "")]
        flows = [(f"f_{a.id}", a.id, b.id, None) for a, b in itertools.pairwise(nodes)]
        return nodes, flows
    start = Node(draw(st.sampled_from(["start", "s", *(["dup"] if depth else [])])), "startEvent", draw(names))
    start.definition = draw(st.sampled_from(["", "", "", "timeDuration", "message"]))
    pool.append(start.id)
    nodes = [start, *draw(st.lists(_node(depth, pool), max_size=6 if depth == 0 else 3))]
    ends = st.sampled_from([*pool, "ghost", ""])
    flows = []
    # Mostly a chain (so some documents are valid), plus random extra flows.
    for index, (source, target) in enumerate(itertools.pairwise(nodes)):
        if draw(st.integers(0, 9)) > 0:
            flows.append((f"f{depth}_{index}", source.id, target.id, draw(st.none() | st.sampled_from(CONDITIONS))))
    for index in range(draw(st.integers(0, 3))):
        flows.append((f"g{depth}_{index}", draw(ends), draw(ends), draw(st.none() | st.sampled_from(CONDITIONS))))
    for node in nodes:
        if node.kind.endswith("Gateway"):
            node.default = draw(st.none() | st.sampled_from([*(f[0] for f in flows), "ghost"]))
    return nodes, flows


@st.composite
def documents(draw: st.DrawFn) -> Document:
    root = etree.Element(f"{{{BPMN}}}definitions", nsmap=NSMAP, id="defs", targetNamespace="https://dibao.local/t")
    # wild: anything goes; clean: valid by construction; mutated: a clean file with one to three defects,
    # which (unlike a wild one) usually has no other problem that would keep it from Spiff.
    mode = draw(st.sampled_from(["wild", "clean", "mutated", "mutated"]))
    clean = mode != "wild"
    message = etree.SubElement(root, f"{{{BPMN}}}message", id="m")
    if clean or draw(st.booleans()):
        message.set("name", "objection" if clean else draw(st.sampled_from(["objection", ""])))
    for index in range(1 if clean else draw(st.integers(0, 2))):
        process = etree.SubElement(root, f"{{{BPMN}}}process", id=draw(st.sampled_from(["p", "q", "dup", f"p{index}"])))
        process.set("name", draw(clean_names if clean else names))
        process.set("isExecutable", "true" if clean else draw(st.sampled_from(["true", "true", "true", "false"])))
        nodes, flows = draw(_body(0, clean))
        _lanes(draw, process, [n.id for n in nodes], clean)
        _write_body(process, nodes, flows)
    if not clean and draw(st.booleans()):
        collaboration = etree.SubElement(root, f"{{{BPMN}}}collaboration", id="c")
        etree.SubElement(
            collaboration, f"{{{BPMN}}}participant", id="pool", processRef=draw(st.sampled_from(["p", "zz"]))
        )
    for _ in range(draw(st.integers(1, 3)) if mode == "mutated" else 0):
        _mutate(draw, root)
    xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    if not clean and draw(st.integers(0, 19)) == 0:
        xml = xml[: draw(st.integers(0, len(xml)))]  # a file cut short
    return Document(xml, _acyclic(root))


def _mutate(draw: st.DrawFn, root: etree._Element) -> None:
    """One defect: an attribute set to another element's id or to junk, an element removed, copied
    (same id), turned into another kind, given a stray child, or given other text."""
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    target = draw(st.sampled_from(elements))
    parent = target.getparent()
    values = [*(e.get("id") or "" for e in elements), *MUTATION_VALUES]
    kind = draw(st.sampled_from(["attribute", "attribute", "remove", "copy", "retag", "child", "text"]))
    if kind == "attribute":
        target.set(draw(st.sampled_from(MUTATION_ATTRIBUTES)), draw(st.sampled_from(values)))
    elif kind == "remove" and parent is not None:
        parent.remove(target)
    elif kind == "copy" and parent is not None:
        parent.append(copy.deepcopy(target))
    elif kind == "retag":
        target.tag = draw(st.sampled_from(MUTATION_TAGS))
    elif kind == "child":
        child = etree.SubElement(target, draw(st.sampled_from(MUTATION_TAGS)))
        if draw(st.booleans()):
            child.set("id", draw(st.sampled_from(values)))
    else:
        target.text = draw(st.sampled_from([*SCRIPTS, *CONDITIONS, *TIMERS, *values]))


def _lanes(draw: st.DrawFn, process: etree._Element, node_ids: list[str], clean: bool) -> None:
    lane_set = etree.SubElement(process, f"{{{BPMN}}}laneSet", id=f"{process.get('id')}_lanes")
    if clean:
        lane = etree.SubElement(lane_set, f"{{{BPMN}}}lane", id=f"{process.get('id')}_lane", name="township_clerk")
        for ref in node_ids:
            etree.SubElement(lane, f"{{{BPMN}}}flowNodeRef").text = ref
        return
    for index, name in enumerate(draw(st.lists(st.sampled_from(LANES), min_size=1, max_size=2))):
        lane = etree.SubElement(lane_set, f"{{{BPMN}}}lane", id=f"{process.get('id')}_lane{index}", name=name)
        for ref in draw(st.lists(st.sampled_from([*node_ids, "ghost"]), max_size=len(node_ids) + 1)):
            etree.SubElement(lane, f"{{{BPMN}}}flowNodeRef").text = ref


def _write_body(parent: etree._Element, nodes: list[Node], flows: list[tuple[str, str, str, str | None]]) -> None:
    for node in nodes:
        element = etree.SubElement(parent, f"{{{BPMN}}}{node.kind}", id=node.id, name=node.name)
        if node.camunda:
            element.set(f"{{{CAMUNDA}}}formKey", "apply")
        if node.default is not None:
            element.set("default", node.default)
        _content(element, node)
        _oddity(element, node.extra)
    for flow_id, source, target, condition in flows:
        flow = etree.SubElement(parent, f"{{{BPMN}}}sequenceFlow", id=flow_id, sourceRef=source, targetRef=target)
        if condition is not None:
            etree.SubElement(flow, f"{{{BPMN}}}conditionExpression").text = condition


def _content(element: etree._Element, node: Node) -> None:
    extensions = etree.SubElement(element, f"{{{BPMN}}}extensionElements")
    if node.kind == "scriptTask":
        etree.SubElement(element, f"{{{BPMN}}}script").text = node.text
    elif node.kind == "userTask":
        properties = etree.SubElement(extensions, f"{{{SPIFF}}}properties")
        etree.SubElement(properties, f"{{{SPIFF}}}property", name="formKey", value=node.text)
    elif node.kind == "businessRuleTask":
        etree.SubElement(extensions, f"{{{SPIFF}}}calledDecisionId").text = node.text
    elif node.kind == "callActivity":
        element.set("calledElement", node.text)
    elif node.kind == "boundaryEvent":
        element.set("attachedToRef", node.attached_to)
        element.set("cancelActivity", "true" if node.interrupting else "false")
    elif node.kind in ("subProcess", "transaction"):
        _write_body(element, node.children, node.flows)
    if node.definition:
        _definition(element, node)


def _definition(element: etree._Element, node: Node) -> None:
    if node.definition.startswith("time"):
        timer = etree.SubElement(element, f"{{{BPMN}}}timerEventDefinition")
        etree.SubElement(timer, f"{{{BPMN}}}{node.definition}").text = node.text
    elif node.definition == "message":
        definition = etree.SubElement(element, f"{{{BPMN}}}messageEventDefinition", messageRef=node.message)
        variable = etree.SubElement(
            etree.SubElement(definition, f"{{{BPMN}}}extensionElements"), f"{{{SPIFF}}}messageVariable"
        )
        variable.text = "payload"
    else:
        etree.SubElement(element, f"{{{BPMN}}}{node.definition}EventDefinition")


def _oddity(element: etree._Element, oddity: str) -> None:
    if not oddity:
        return
    kind, _, value = oddity.partition("=")
    if kind in ("scriptFormat", "isForCompensation", "triggeredByEvent", "priority"):
        element.set(kind, value)
        return
    extensions = element.find(f"{{{BPMN}}}extensionElements")
    assert extensions is not None
    if kind == "property":
        properties = etree.SubElement(extensions, f"{{{SPIFF}}}properties")
        etree.SubElement(properties, f"{{{SPIFF}}}property", **({"name": value} if value else {}))
    else:
        etree.SubElement(extensions, f"{{{SPIFF}}}{kind}").text = value


def _acyclic(root: etree._Element) -> bool:
    """Whether the file's sequence flows, taken together, form no loop."""
    edges: dict[str, set[str]] = {}
    for flow in root.iter(f"{{{BPMN}}}sequenceFlow"):
        edges.setdefault(flow.get("sourceRef") or "", set()).add(flow.get("targetRef") or "")
    seen: set[str] = set()
    done: set[str] = set()

    def visit(node_id: str) -> bool:
        if node_id in done:
            return True
        if node_id in seen:
            return False
        seen.add(node_id)
        ok = all(visit(target) for target in edges.get(node_id, ()))
        done.add(node_id)
        return ok

    return all(visit(n) for n in list(edges))
