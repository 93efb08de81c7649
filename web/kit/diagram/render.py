"""BPMN diagrams as SVG, drawn on the server from the file's DI (design.md §5: they work offline and print).

Pure: lxml only, no SpiffWorkflow, no database. The caller says which elements are `done` or `active`
and which sequence flows were taken; everything else is drawn `pending`. Each shape and flow carries
those words as CSS classes (for app.css), and the look of each state is also written as SVG
presentation attributes, because the app's Content-Security-Policy forbids inline `<style>` and
`style=""` (default-src 'self') while presentation attributes are plain SVG: the drawing keeps its
colours on its own, embedded in a page, saved as a file or printed.

All text goes through lxml's serializer, so names from a BPMN file (a designer's input) are escaped;
links come only from the caller, keyed by call activity id.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from lxml import etree

from engine.domain.roles import ROLE_LABELS

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SVG = "http://www.w3.org/2000/svg"

MAX_BPMN_BYTES = 2 * 1024 * 1024  # the deployment limit (engine/workflow/xmlsafe.py)

TASKS = frozenset(
    {"task", "userTask", "scriptTask", "serviceTask", "businessRuleTask", "manualTask", "sendTask", "receiveTask"}
)
SUBPROCESSES = frozenset({"subProcess", "transaction", "adHocSubProcess"})
EVENTS = frozenset({"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"})
GATEWAYS = frozenset({"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"})

STATE_LABELS = {"done": "已完成", "active": "当前所在", "pending": "未到达"}
FONT = '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif'


@dataclass(frozen=True)
class Look:
    stroke: str
    fill: str
    width: float
    text: str


# Grey, green, orange: and widths that differ too, so a black-and-white print still tells them apart.
LOOKS = {
    "pending": Look("#8a929b", "#ffffff", 1.2, "#3d434a"),
    "done": Look("#1a6b35", "#e8f5ec", 2.0, "#1f2328"),
    "active": Look("#c25700", "#fff1db", 3.5, "#1f2328"),
}
FLOW_LOOKS = {"pending": Look("#9aa1a9", "none", 1.2, "#5b636e"), "done": Look("#1a6b35", "none", 2.2, "#1a6b35")}


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


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _local(element: etree._Element) -> str:
    return etree.QName(element).localname


def _parse(bpmn: str | bytes) -> etree._Element:
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


def _number(element: etree._Element, name: str) -> float:
    try:
        value = float(element.get(name, "0"))
    except ValueError:
        return 0.0
    return value if math.isfinite(value) else 0.0


def _bounds(shape: etree._Element) -> Box | None:
    bounds = shape.find(_q(DC, "Bounds"))
    if bounds is None:
        return None
    return Box(_number(bounds, "x"), _number(bounds, "y"), _number(bounds, "width"), _number(bounds, "height"))


def _label_bounds(shape: etree._Element) -> Box | None:
    label = shape.find(_q(BPMNDI, "BPMNLabel"))
    return _bounds(label) if label is not None else None


def _choose_plane(root: etree._Element, process_id: str | None) -> etree._Element:
    """The plane drawing this process: its own, or its collaboration's (the pool that refers to it)."""
    planes = list(root.iter(_q(BPMNDI, "BPMNPlane")))
    if not planes:
        raise DiagramError("流程文件没有图形布局信息（BPMNDiagram），无法绘制")
    if process_id is None:
        return planes[0]
    if not any(p.get("id") == process_id for p in root.iter(_q(BPMN, "process"))):
        raise DiagramError(f"流程文件中没有流程 {process_id}")
    owners = {process_id}
    for participant in root.iter(_q(BPMN, "participant")):
        if participant.get("processRef") == process_id:
            collaboration = participant.getparent()
            if collaboration is not None and collaboration.get("id"):
                owners.add(str(collaboration.get("id")))
    for plane in planes:
        if plane.get("bpmnElement") in owners:
            return plane
    if len(planes) == 1 and len(list(root.iter(_q(BPMN, "process")))) == 1:
        return planes[0]
    raise DiagramError(f"流程文件中没有流程 {process_id} 的图形布局")


def _char_width(ch: str, size: float) -> float:
    if ch == " ":
        return size * 0.3
    if ord(ch) < 0x2E80:  # Latin, digits, punctuation: about half an em
        return size * (0.62 if ch.isupper() or ch.isdigit() else 0.52)
    return size  # CJK and full-width forms: one em


def text_width(text: str, size: float) -> float:
    return sum(_char_width(ch, size) for ch in text)


def wrap(text: str, max_width: float, size: float) -> list[str]:
    """Greedy line breaking that works for Chinese (any character may end a line) and breaks Latin
    words at a space where it can. Names are cut at 300 characters: nobody reads more in a box."""
    lines: list[str] = []
    for paragraph in text[:300].splitlines() or [""]:
        current, width = "", 0.0
        for ch in paragraph:
            w = _char_width(ch, size)
            if current and width + w > max_width:
                cut = current.rfind(" ")
                if ch != " " and ord(ch) < 0x2E80 and ord(current[-1]) < 0x2E80 and cut > 0:
                    lines.append(current[:cut])
                    current = current[cut + 1 :]
                else:
                    lines.append(current.rstrip())
                    current = ""
                width = text_width(current, size)
                if ch == " " and not current:
                    continue
            current += ch
            width += w
        lines.append(current)
    return lines


def _fit(lines: list[str], max_lines: int, max_width: float, size: float) -> list[str]:
    if len(lines) <= max_lines:
        return lines
    kept = lines[: max(max_lines, 1)]
    last = kept[-1]
    while last and text_width(last + "…", size) > max_width:
        last = last[:-1]
    kept[-1] = last + "…"
    return kept


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _path(*commands: tuple[str, float, float]) -> str:
    """SVG path data from (command, x, y) steps, e.g. ("M", 0, 0), ("L", 10, 5)."""
    return " ".join(f"{c}{_fmt(x)},{_fmt(y)}" for c, x, y in commands)


def _points(*corners: tuple[float, float]) -> str:
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in corners)


class _Svg:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.root = etree.Element(_q(SVG, "svg"), nsmap={None: SVG})

    def el(self, parent: etree._Element, tag: str, /, **attrs: str | float) -> etree._Element:
        """An SVG element; attribute names in Python spelling (stroke_width, class_) become SVG's."""
        element = etree.SubElement(parent, _q(SVG, tag))
        for key, value in attrs.items():
            element.set(key.rstrip("_").replace("_", "-"), _fmt(value) if isinstance(value, float) else str(value))
        return element

    def text_el(self, parent: etree._Element, tag: str, content: str, /, **attrs: str | float) -> etree._Element:
        element = self.el(parent, tag, **attrs)
        element.text = content  # lxml escapes it when serializing
        return element

    def text(
        self,
        parent: etree._Element,
        lines: list[str],
        x: float,
        y_first: float,
        size: float,
        look: Look,
        *,
        anchor: str = "middle",
        weight: str | None = None,
        halo: bool = False,
        cls: str = "bpmn-text",
    ) -> None:
        attrs: dict[str, str | float] = {
            "x": x,
            "y": y_first,
            "font_size": float(size),
            "text_anchor": anchor,
            "fill": look.text,
            "class_": cls,
        }
        if weight:
            attrs["font_weight"] = weight
        if halo:  # a white outline behind the letters keeps flow names readable where lines cross them
            attrs.update(stroke="#ffffff", stroke_width=3.0, stroke_linejoin="round", paint_order="stroke")
        node = self.el(parent, "text", **attrs)
        for index, line in enumerate(lines):
            span = self.text_el(node, "tspan", line, x=x)
            if index:
                span.set("dy", _fmt(size * 1.25))


class _Renderer:
    def __init__(
        self,
        root: etree._Element,
        plane: etree._Element,
        states: Mapping[str, str],
        flows_taken: Collection[str],
        links: Mapping[str, str],
        prefix: str,
    ) -> None:
        self.model = {str(e.get("id")): e for e in root.iter() if isinstance(e.tag, str) and e.get("id")}
        self.plane = plane
        self.states = states
        self.flows_taken = flows_taken
        self.links = links
        self.svg = _Svg(prefix)
        self.boxes: dict[str, Box] = {}
        self.points: list[tuple[float, float]] = []
        self.current_marked = False

    # --- states -------------------------------------------------------------------------------
    def state(self, element_id: str) -> str:
        value = self.states.get(element_id, "pending")
        return value if value in ("done", "active") else "pending"

    def flow_state(self, element_id: str) -> str:
        return "done" if element_id in self.flows_taken else "pending"

    # --- drawing ------------------------------------------------------------------------------
    def render(self, title: str | None) -> str:
        svg = self.svg
        root = svg.root
        root.set("class", "bpmn-diagram")
        root.set("role", "img")
        root.set("font-family", FONT)
        heading = svg.text_el(root, "title", title or "流程图")
        heading.set("id", f"{svg.prefix}-title")
        root.set("aria-labelledby", f"{svg.prefix}-title")
        self._markers(svg.el(root, "defs"))
        layers = {name: svg.el(root, "g", class_=f"bpmn-layer-{name}") for name in ("pools", "shapes", "flows", "top")}
        shapes = list(self.plane.iter(_q(BPMNDI, "BPMNShape")))
        # Pools and lanes first (they are the background), then activities, events on top of tasks
        # (boundary events sit on a task's edge), flows above the shapes so arrowheads stay visible.
        for shape in shapes:
            element = self.model.get(str(shape.get("bpmnElement")))
            if element is not None and _local(element) in ("participant", "lane"):
                self._pool_or_lane(layers["pools"], shape, element)
        for shape in shapes:
            element = self.model.get(str(shape.get("bpmnElement")))
            if element is None or _local(element) in ("participant", "lane"):
                continue
            target = layers["top"] if _local(element) == "boundaryEvent" else layers["shapes"]
            self._shape(target, shape, element)
        for edge in self.plane.iter(_q(BPMNDI, "BPMNEdge")):
            self._edge(layers["flows"], edge)
        self._size(root)
        return etree.tostring(root, encoding="unicode")

    def _markers(self, defs: etree._Element) -> None:
        for state, look in FLOW_LOOKS.items():
            size = "10" if state == "done" else "8"
            marker = self.svg.el(
                defs,
                "marker",
                id=f"{self.svg.prefix}-arrow-{state}",
                viewBox="0 0 10 10",
                refX="9",
                refY="5",
                markerWidth=size,
                markerHeight=size,
                markerUnits="userSpaceOnUse",
                orient="auto",
            )
            self.svg.el(marker, "path", d="M0,0 L10,5 L0,10 z", fill=look.stroke)
        open_marker = self.svg.el(
            defs,
            "marker",
            id=f"{self.svg.prefix}-arrow-open",
            viewBox="0 0 10 10",
            refX="9",
            refY="5",
            markerWidth="8",
            markerHeight="8",
            markerUnits="userSpaceOnUse",
            orient="auto",
        )
        self.svg.el(open_marker, "path", d="M0,0 L10,5 L0,10", fill="none", stroke="#5b636e", stroke_width=1.2)

    def _remember(self, box: Box) -> None:
        self.points.extend([(box.x, box.y), (box.x + box.w, box.y + box.h)])

    def _size(self, root: etree._Element) -> None:
        if not self.points:
            self.points = [(0.0, 0.0), (200.0, 100.0)]
        xs, ys = [p[0] for p in self.points], [p[1] for p in self.points]
        margin = 12.0
        x0, y0 = min(xs) - margin, min(ys) - margin
        width, height = max(xs) - x0 + margin, max(ys) - y0 + margin
        root.set("viewBox", f"{_fmt(x0)} {_fmt(y0)} {_fmt(width)} {_fmt(height)}")
        root.set("width", _fmt(width))
        root.set("height", _fmt(height))
        root.set("preserveAspectRatio", "xMinYMin meet")

    def _group(self, parent: etree._Element, element: etree._Element, kind: str, state: str) -> etree._Element:
        element_id = str(element.get("id"))
        href = self.links.get(element_id) if _local(element) == "callActivity" else None
        if href:
            parent = self.svg.el(parent, "a", href=href, class_="bpmn-link")
        group = self.svg.el(parent, "g", class_=f"bpmn-el bpmn-{kind} {state}", data_element=element_id)
        if state == "active" and not self.current_marked:
            # A fragment link (#<prefix>-current) scrolls a wide diagram to where the case is: no script needed.
            group.set("id", f"{self.svg.prefix}-current")
            self.current_marked = True
        name = (element.get("name") or "").strip()
        described = f"{name or element_id}（{STATE_LABELS[state]}）"
        if href:
            described += "：点击查看子流程"
        self.svg.text_el(group, "title", described)
        return group

    def _pool_or_lane(self, parent: etree._Element, shape: etree._Element, element: etree._Element) -> None:
        box = _bounds(shape)
        if box is None:
            return
        self._remember(box)
        kind = _local(element)
        name = (element.get("name") or "").strip()
        if kind == "participant" and not name:
            process = self.model.get(str(element.get("processRef")))
            name = (process.get("name") or "").strip() if process is not None else ""
        if kind == "lane":
            name = ROLE_LABELS.get(name, name)  # lanes name roles by key (design.md §3): show the label
        group = self.svg.el(
            parent,
            "g",
            class_=f"bpmn-{'pool' if kind == 'participant' else 'lane'}",
            data_element=str(element.get("id")),
        )
        self.svg.text_el(group, "title", name or str(element.get("id")))
        horizontal = shape.get("isHorizontal", "true") != "false"
        fill = "#fbfcfd" if kind == "participant" else "none"
        self.svg.el(
            group, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill=fill, stroke="#5b636e", stroke_width=1.0
        )
        if not name:
            return
        size = 14.0 if kind == "participant" else 13.0
        look = Look("#000", "#fff", 1, "#1f2328")
        band = 30.0
        if horizontal:
            # The name runs bottom-to-top in the header band at the left, as BPMN tools draw it.
            if kind == "participant":
                self.svg.el(
                    group, "line", x1=box.x + band, y1=box.y, x2=box.x + band, y2=box.y + box.h, stroke="#5b636e"
                )
            lines = _fit(wrap(name, box.h - 10, size), 2, box.h - 10, size)
            cx, cy = box.x + band / 2, box.y + box.h / 2
            node = self.svg.el(group, "g", transform=f"rotate(-90 {_fmt(cx)} {_fmt(cy)})")
            first = cy + size * 0.35 - (len(lines) - 1) * size * 0.625
            self.svg.text(node, lines, cx, first, size, look, weight="bold", cls="bpmn-lane-name")
        else:
            lines = _fit(wrap(name, box.w - 10, size), 2, box.w - 10, size)
            self.svg.text(group, lines, box.cx, box.y + size + 6, size, look, weight="bold", cls="bpmn-lane-name")

    def _shape(self, parent: etree._Element, shape: etree._Element, element: etree._Element) -> None:
        box = _bounds(shape)
        if box is None:
            return
        self._remember(box)
        kind = _local(element)
        state = self.state(str(element.get("id")))
        look = LOOKS[state]
        name = (element.get("name") or "").strip()
        if kind in TASKS or kind == "callActivity" or kind in SUBPROCESSES:
            group = self._group(parent, element, "activity", state)
            self._activity(group, box, element, kind, look, name)
        elif kind in EVENTS:
            group = self._group(parent, element, "event", state)
            self._event(group, box, element, kind, look)
            self._outside_label(group, shape, box, name, look)
        elif kind in GATEWAYS:
            group = self._group(parent, element, "gateway", state)
            self._gateway(group, box, kind, look)
            self._outside_label(group, shape, box, name, look)
        elif kind == "textAnnotation":
            group = self.svg.el(parent, "g", class_="bpmn-annotation")
            bottom = box.y + box.h
            path = _path(("M", box.x + 10, box.y), ("L", box.x, box.y), ("L", box.x, bottom), ("L", box.x + 10, bottom))
            self.svg.el(group, "path", d=path, fill="none", stroke="#5b636e")
            text = "".join(element.findtext(_q(BPMN, "text")) or "").strip()
            lines = _fit(wrap(text, box.w - 8, 11.0), max(int((box.h - 4) // 14), 1), box.w - 8, 11.0)
            self.svg.text(group, lines, box.x + 5, box.y + 14, 11.0, LOOKS["pending"], anchor="start")
        else:  # data objects, data stores and whatever else: a plain box with the name
            group = self._group(parent, element, "other", state)
            self.svg.el(group, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill=look.fill, stroke=look.stroke)
            self._outside_label(group, shape, box, name, look)

    def _activity(
        self, group: etree._Element, box: Box, element: etree._Element, kind: str, look: Look, name: str
    ) -> None:
        # A call activity has the thick border of the BPMN notation, on top of its state's width.
        width = look.width + (2.0 if kind == "callActivity" else 0.0)
        self.svg.el(
            group,
            "rect",
            x=box.x,
            y=box.y,
            width=box.w,
            height=box.h,
            rx="10",
            ry="10",
            fill=look.fill,
            stroke=look.stroke,
            stroke_width=width,
        )
        self._task_icon(group, box, kind, look)
        size = 12.0
        bottom_reserve = 16.0 if kind == "callActivity" or kind in SUBPROCESSES else 4.0
        max_width = box.w - 12
        max_lines = max(int((box.h - 18 - bottom_reserve) // (size * 1.25)), 1)
        lines = _fit(wrap(name, max_width, size), max_lines, max_width, size)
        middle = box.y + 8 + (box.h - 8 - bottom_reserve) / 2
        first = middle + size * 0.35 - (len(lines) - 1) * size * 0.625
        self.svg.text(group, lines, box.cx, first, size, look)
        if kind == "callActivity" or kind in SUBPROCESSES:
            # The collapsed-subprocess marker: a small square with a plus at the bottom centre.
            sx, sy = box.cx - 7, box.y + box.h - 17
            self.svg.el(
                group, "rect", x=sx, y=sy, width="14", height="14", fill="#ffffff", stroke=look.stroke, stroke_width=1.2
            )
            plus = f"M{_fmt(sx + 3)},{_fmt(sy + 7)} H{_fmt(sx + 11)} M{_fmt(sx + 7)},{_fmt(sy + 3)} V{_fmt(sy + 11)}"
            self.svg.el(group, "path", d=plus, stroke=look.stroke, stroke_width=1.6, fill="none", class_="bpmn-marker")

    def _task_icon(self, group: etree._Element, box: Box, kind: str, look: Look) -> None:
        x, y = box.x + 7, box.y + 6
        stroke: dict[str, str | float] = {
            "stroke": look.stroke,
            "stroke_width": 1.1,
            "fill": "none",
            "class_": "bpmn-icon",
        }
        if kind == "userTask":  # a person: head and shoulders
            self.svg.el(group, "circle", cx=x + 6, cy=y + 4, r="3.2", **stroke)
            self.svg.el(
                group,
                "path",
                d=f"M{_fmt(x)},{_fmt(y + 14)} Q{_fmt(x + 6)},{_fmt(y + 3)} {_fmt(x + 12)},{_fmt(y + 14)} Z",
                **stroke,
            )
        elif kind == "scriptTask":  # a page with lines
            self.svg.el(group, "rect", x=x, y=y, width="11", height="13", **stroke)
            self.svg.el(
                group,
                "path",
                d=f"M{_fmt(x + 2)},{_fmt(y + 4)} h7 M{_fmt(x + 2)},{_fmt(y + 7)} h7 M{_fmt(x + 2)},{_fmt(y + 10)} h5",
                **stroke,
            )
        elif kind == "businessRuleTask":  # a table
            self.svg.el(group, "rect", x=x, y=y, width="14", height="11", **stroke)
            self.svg.el(group, "path", d=f"M{_fmt(x)},{_fmt(y + 4)} h14 M{_fmt(x + 4)},{_fmt(y + 4)} v7", **stroke)
        elif kind == "serviceTask":  # a gear, simplified
            self.svg.el(group, "circle", cx=x + 6, cy=y + 6, r="5", **stroke)
            self.svg.el(group, "circle", cx=x + 6, cy=y + 6, r="2", **stroke)
        elif kind in ("sendTask", "receiveTask"):  # an envelope
            self._envelope(group, x, y + 1, 13.0, 9.0, look, filled=kind == "sendTask")

    def _envelope(
        self, group: etree._Element, x: float, y: float, w: float, h: float, look: Look, *, filled: bool
    ) -> None:
        fill = look.stroke if filled else "#ffffff"
        line = "#ffffff" if filled else look.stroke
        self.svg.el(group, "rect", x=x, y=y, width=w, height=h, fill=fill, stroke=look.stroke, stroke_width=1.1)
        flap = f"M{_fmt(x)},{_fmt(y)} L{_fmt(x + w / 2)},{_fmt(y + h * 0.55)} L{_fmt(x + w)},{_fmt(y)}"
        self.svg.el(group, "path", d=flap, fill="none", stroke=line, stroke_width=1.1, class_="bpmn-marker")

    def _event(self, group: etree._Element, box: Box, element: etree._Element, kind: str, look: Look) -> None:
        r = min(box.w, box.h) / 2
        cx, cy = box.cx, box.cy
        width = look.width + (2.0 if kind == "endEvent" else 0.0)
        dashed = kind == "boundaryEvent" and element.get("cancelActivity") == "false"
        attrs: dict[str, str | float] = {"fill": look.fill, "stroke": look.stroke, "stroke_width": width}
        if dashed:
            attrs["stroke_dasharray"] = "4 2"
        self.svg.el(group, "circle", cx=cx, cy=cy, r=r, **attrs)
        if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"):
            inner: dict[str, str | float] = {k: v for k, v in attrs.items() if k != "fill"}
            self.svg.el(group, "circle", cx=cx, cy=cy, r=r - 3.5, fill="none", **{**inner, "stroke_width": 1.2})
        definitions = {_local(child) for child in element if isinstance(child.tag, str)}
        throwing = kind in ("endEvent", "intermediateThrowEvent")
        if "timerEventDefinition" in definitions:
            self._clock(group, cx, cy, r * 0.55, look)
        elif "messageEventDefinition" in definitions:
            w = r * 0.95
            self._envelope(group, cx - w / 2, cy - w * 0.33, w, w * 0.66, look, filled=throwing)
        elif "signalEventDefinition" in definitions:
            s = r * 0.55
            path = _path(("M", cx, cy - s), ("L", cx + s, cy + s * 0.7), ("L", cx - s, cy + s * 0.7)) + " Z"
            self.svg.el(
                group,
                "path",
                d=path,
                fill=look.stroke if throwing else "none",
                stroke=look.stroke,
                class_="bpmn-marker",
            )
        elif "errorEventDefinition" in definitions or "escalationEventDefinition" in definitions:
            s = r * 0.5
            path = _path(
                ("M", cx - s, cy + s),
                ("L", cx - s * 0.3, cy - s),
                ("L", cx + s * 0.3, cy + s * 0.2),
                ("L", cx + s, cy - s),
            )
            self.svg.el(group, "path", d=path, fill="none", stroke=look.stroke, stroke_width=1.5, class_="bpmn-marker")
        elif "terminateEventDefinition" in definitions:
            self.svg.el(group, "circle", cx=cx, cy=cy, r=r * 0.55, fill=look.stroke, class_="bpmn-marker")

    def _clock(self, group: etree._Element, cx: float, cy: float, r: float, look: Look) -> None:
        self.svg.el(
            group,
            "circle",
            cx=cx,
            cy=cy,
            r=r,
            fill="#ffffff",
            stroke=look.stroke,
            stroke_width=1.3,
            class_="bpmn-marker",
        )
        hands = f"M{_fmt(cx)},{_fmt(cy - r * 0.75)} L{_fmt(cx)},{_fmt(cy)} L{_fmt(cx + r * 0.55)},{_fmt(cy + r * 0.2)}"
        self.svg.el(group, "path", d=hands, fill="none", stroke=look.stroke, stroke_width=1.3, class_="bpmn-marker")

    def _gateway(self, group: etree._Element, box: Box, kind: str, look: Look) -> None:
        cx, cy = box.cx, box.cy
        points = _points((cx, box.y), (box.x + box.w, cy), (cx, box.y + box.h), (box.x, cy))
        self.svg.el(group, "polygon", points=points, fill=look.fill, stroke=look.stroke, stroke_width=look.width)
        s = min(box.w, box.h) * 0.2
        marker: dict[str, str | float] = {
            "stroke": look.stroke,
            "stroke_width": 3.0,
            "fill": "none",
            "class_": "bpmn-marker",
            "stroke_linecap": "round",
        }
        if kind == "exclusiveGateway":
            d = _path(("M", cx - s, cy - s), ("L", cx + s, cy + s), ("M", cx + s, cy - s), ("L", cx - s, cy + s))
            self.svg.el(group, "path", d=d, **marker)
        elif kind == "parallelGateway":
            t = s * 1.2
            d = _path(("M", cx - t, cy), ("L", cx + t, cy), ("M", cx, cy - t), ("L", cx, cy + t))
            self.svg.el(group, "path", d=d, **marker)
        elif kind == "inclusiveGateway":
            self.svg.el(group, "circle", cx=cx, cy=cy, r=s * 1.1, **{**marker, "stroke_width": 2.5})
        elif kind == "complexGateway":
            d = " ".join(
                f"M{_fmt(cx - s * 1.1 * math.cos(a))},{_fmt(cy - s * 1.1 * math.sin(a))} "
                f"L{_fmt(cx + s * 1.1 * math.cos(a))},{_fmt(cy + s * 1.1 * math.sin(a))}"
                for a in (0.0, math.pi / 4, math.pi / 2, 3 * math.pi / 4)
            )
            self.svg.el(group, "path", d=d, **{**marker, "stroke_width": 2.5})
        elif kind == "eventBasedGateway":  # a double circle around a pentagon
            thin: dict[str, str | float] = {**marker, "stroke_width": 1.2}
            self.svg.el(group, "circle", cx=cx, cy=cy, r=s * 1.45, **thin)
            self.svg.el(group, "circle", cx=cx, cy=cy, r=s * 1.15, **thin)
            corners = [
                (
                    cx + s * 0.75 * math.cos(-math.pi / 2 + i * 2 * math.pi / 5),
                    cy + s * 0.75 * math.sin(-math.pi / 2 + i * 2 * math.pi / 5),
                )
                for i in range(5)
            ]
            self.svg.el(group, "polygon", points=" ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in corners), **thin)

    def _outside_label(self, group: etree._Element, shape: etree._Element, box: Box, name: str, look: Look) -> None:
        if not name:
            return
        size = 11.0
        label = _label_bounds(shape)
        width = max(label.w if label else 0.0, 90.0)
        lines = _fit(wrap(name, width, size), 3, width, size)
        cx = label.cx if label else box.cx
        top = label.y if label else box.y + box.h + 4
        self.svg.text(group, lines, cx, top + size, size, look, halo=True)
        self._remember(Box(cx - width / 2, top, width, len(lines) * size * 1.25 + 2))

    def _edge(self, parent: etree._Element, edge: etree._Element) -> None:
        element_id = str(edge.get("bpmnElement"))
        element = self.model.get(element_id)
        points = [(_number(p, "x"), _number(p, "y")) for p in edge.iter(_q(DI, "waypoint"))]
        if element is None or len(points) < 2:
            return
        self.points.extend(points)
        kind = _local(element)
        path = " ".join(f"{'M' if i == 0 else 'L'}{_fmt(x)},{_fmt(y)}" for i, (x, y) in enumerate(points))
        if kind == "sequenceFlow":
            state = self.flow_state(element_id)
            look = FLOW_LOOKS[state]
            group = self.svg.el(parent, "g", class_=f"bpmn-flow {state}", data_element=element_id)
            name = (element.get("name") or "").strip()
            self.svg.text_el(group, "title", f"{name or '顺序流'}（{'已走过' if state == 'done' else '未走过'}）")
            self.svg.el(
                group,
                "path",
                d=path,
                fill="none",
                stroke=look.stroke,
                stroke_width=look.width,
                stroke_linejoin="round",
                marker_end=f"url(#{self.svg.prefix}-arrow-{state})",
            )
            if name:
                self._edge_label(group, edge, points, name, look)
        elif kind == "messageFlow":
            group = self.svg.el(parent, "g", class_="bpmn-message-flow", data_element=element_id)
            self.svg.el(
                group,
                "path",
                d=path,
                fill="none",
                stroke="#5b636e",
                stroke_dasharray="6 4",
                marker_end=f"url(#{self.svg.prefix}-arrow-open)",
            )
        else:  # associations: dotted, no arrowhead
            group = self.svg.el(parent, "g", class_="bpmn-association", data_element=element_id)
            self.svg.el(group, "path", d=path, fill="none", stroke="#8a929b", stroke_dasharray="2 3")

    def _edge_label(
        self, group: etree._Element, edge: etree._Element, points: list[tuple[float, float]], name: str, look: Look
    ) -> None:
        size = 11.0
        label = _label_bounds(edge)
        if label is not None:
            lines = _fit(wrap(name, max(label.w, 60.0), size), 3, max(label.w, 60.0), size)
            self.svg.text(group, lines, label.cx, label.y + size, size, look, halo=True)
            return
        # Without label bounds: beside the first long enough segment, near the source (a gateway's
        # branch names belong next to the gateway).
        segments = list(itertools.pairwise(points))
        (x1, y1), (x2, y2) = next(
            (s for s in segments if math.dist(*s) >= 40), max(segments, key=lambda s: math.dist(*s))
        )
        mx, my = (x1 + x2) / 2, (y1 + y2) / 2
        lines = _fit(wrap(name, 90.0, size), 2, 90.0, size)
        if abs(y2 - y1) <= abs(x2 - x1):  # horizontal: above the line
            self.svg.text(group, lines, mx, my - 5 - (len(lines) - 1) * size * 1.25, size, look, halo=True)
        else:  # vertical: to the right of it
            self.svg.text(group, lines, mx + 5, my + size * 0.35, size, look, anchor="start", halo=True)


def render_svg(
    bpmn: str | bytes,
    process_id: str | None = None,
    *,
    states: Mapping[str, str] | None = None,
    flows_taken: Collection[str] = (),
    links: Mapping[str, str] | None = None,
    title: str | None = None,
    id_prefix: str = "bpmn",
) -> str:
    """The SVG text of `process_id`'s diagram in the BPMN file `bpmn`.

    `states` maps element ids to "done" or "active" (anything else is drawn pending); `flows_taken`
    are the sequence flow ids drawn as taken; `links` maps call activity ids to the address of the
    called process's diagram. `id_prefix` keeps the arrowhead ids unique if a page shows two diagrams.
    """
    root = _parse(bpmn)
    plane = _choose_plane(root, process_id)
    renderer = _Renderer(root, plane, states or {}, frozenset(flows_taken), links or {}, id_prefix)
    return renderer.render(title or _process_name(root, process_id))


def _process_name(root: etree._Element, process_id: str | None) -> str | None:
    for process in root.iter(_q(BPMN, "process")):
        if process_id is None or process.get("id") == process_id:
            return (process.get("name") or "").strip() or process.get("id")
    return None


def call_activities(bpmn: str | bytes, process_id: str | None = None) -> dict[str, str]:
    """Call activity id → the id of the process it calls, for the caller to build drill-down links."""
    root = _parse(bpmn)
    found: dict[str, str] = {}
    for process in _processes(root, process_id):
        for call in process.iter(_q(BPMN, "callActivity")):
            if call.get("id") and call.get("calledElement"):
                found[str(call.get("id"))] = str(call.get("calledElement"))
    return found


def _processes(root: etree._Element, process_id: str | None) -> Iterable[etree._Element]:
    return [p for p in root.iter(_q(BPMN, "process")) if process_id is None or p.get("id") == process_id]


def element_names(bpmn: str | bytes, process_id: str | None = None) -> dict[str, str]:
    """Element id → its name (or id) for the flow nodes of a process, to list where a case is in words."""
    root = _parse(bpmn)
    names: dict[str, str] = {}
    for process in _processes(root, process_id):
        for element in process.iter():
            if isinstance(element.tag, str) and element.get("id") and _local(element) not in ("sequenceFlow",):
                names[str(element.get("id"))] = (element.get("name") or "").strip() or str(element.get("id"))
    return names
