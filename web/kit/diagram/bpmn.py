"""Reading a BPMN file for drawing: parsed safely, the plane that draws a process, shapes' bounds, names.

Pure lxml: no SpiffWorkflow (web may not import engine.workflow), so the parsing rules of deployment are
repeated here: no DTD, no entities, no network, the same size limit.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

MAX_BPMN_BYTES = 2 * 1024 * 1024  # the deployment limit (engine/workflow/xmlsafe.py)

TASKS = frozenset(
    {"task", "userTask", "scriptTask", "serviceTask", "businessRuleTask", "manualTask", "sendTask", "receiveTask"}
)
SUBPROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"})


class DiagramError(Exception):
    """The file cannot be drawn: not well-formed, unsafe, or without a diagram for the process."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


def q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


def parse(bpmn: str | bytes) -> etree._Element:
    data = bpmn.encode() if isinstance(bpmn, str) else bpmn
    if len(data) > MAX_BPMN_BYTES:
        raise DiagramError("流程文件过大，无法绘制")
    # No DTD, no entities, no network: the same rules as deployment (web may not import engine.workflow).
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DiagramError("流程文件含有 DOCTYPE 或实体声明，拒绝绘制")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise DiagramError(f"流程文件格式错误：{exc.msg}") from None


def number(element: etree._Element, name: str) -> float:
    try:
        value = float(element.get(name, "0"))
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0


def bounds(shape: etree._Element) -> Box | None:
    found = shape.find(q(DC, "Bounds"))
    if found is None:
        return None
    return Box(number(found, "x"), number(found, "y"), number(found, "width"), number(found, "height"))


def label_bounds(shape: etree._Element) -> Box | None:
    label = shape.find(q(BPMNDI, "BPMNLabel"))
    return bounds(label) if label is not None else None


def choose_plane(root: etree._Element, process_id: str | None) -> etree._Element:
    """The plane drawing this process: its own, or its collaboration's (the pool that refers to it)."""
    planes = list(root.iter(q(BPMNDI, "BPMNPlane")))
    if not planes:
        raise DiagramError("流程文件没有图形布局信息（BPMNDiagram），无法绘制")
    if process_id is None:
        return planes[0]
    if not any(p.get("id") == process_id for p in root.iter(q(BPMN, "process"))):
        raise DiagramError(f"流程文件中没有流程 {process_id}")
    owners = {process_id}
    for participant in root.iter(q(BPMN, "participant")):
        if participant.get("processRef") == process_id:
            collaboration = participant.getparent()
            if collaboration is not None and collaboration.get("id"):
                owners.add(str(collaboration.get("id")))
    for plane in planes:
        if plane.get("bpmnElement") in owners:
            return plane
    if len(planes) == 1 and len(list(root.iter(q(BPMN, "process")))) == 1:
        return planes[0]
    raise DiagramError(f"流程文件中没有流程 {process_id} 的图形布局")


def process_name(root: etree._Element, process_id: str | None) -> str | None:
    for process in root.iter(q(BPMN, "process")):
        if process_id is None or process.get("id") == process_id:
            return (process.get("name") or "").strip() or process.get("id")
    return None


def _processes(root: etree._Element, process_id: str | None) -> Iterable[etree._Element]:
    return [p for p in root.iter(q(BPMN, "process")) if process_id is None or p.get("id") == process_id]


def call_activities(bpmn: str | bytes, process_id: str | None = None) -> dict[str, str]:
    """Call activity id → the id of the process it calls, for the caller to build drill-down links."""
    root = parse(bpmn)
    found: dict[str, str] = {}
    for process in _processes(root, process_id):
        for call in process.iter(q(BPMN, "callActivity")):
            if call.get("id") and call.get("calledElement"):
                found[str(call.get("id"))] = str(call.get("calledElement"))
    return found


def element_names(bpmn: str | bytes, process_id: str | None = None) -> dict[str, str]:
    """Element id → its name (or id) for the flow nodes of a process, to list where a case is in words."""
    root = parse(bpmn)
    names: dict[str, str] = {}
    for process in _processes(root, process_id):
        for element in process.iter():
            if isinstance(element.tag, str) and element.get("id") and local(element) not in ("sequenceFlow",):
                names[str(element.get("id"))] = (element.get("name") or "").strip() or str(element.get("id"))
    return names
