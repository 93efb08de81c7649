"""The BPMN notation's small marks: task type icons, event definitions (timer, message, signal, error,
terminate) and gateway markers, drawn inside a shape in the shape's state colour."""

from __future__ import annotations

import math

from lxml import etree

from web.kit.diagram.bpmn import Box, local
from web.kit.diagram.svg import Look, Svg
from web.kit.diagram.text import fmt, path, points


def task_icon(svg: Svg, group: etree._Element, box: Box, kind: str, look: Look) -> None:
    x, y = box.x + 7, box.y + 6
    stroke: dict[str, str | float] = {
        "stroke": look.stroke,
        "stroke_width": 1.1,
        "fill": "none",
        "class_": "bpmn-icon",
    }
    if kind == "userTask":  # a person: head and shoulders
        svg.el(group, "circle", cx=x + 6, cy=y + 4, r="3.2", **stroke)
        svg.el(
            group,
            "path",
            d=f"M{fmt(x)},{fmt(y + 14)} Q{fmt(x + 6)},{fmt(y + 3)} {fmt(x + 12)},{fmt(y + 14)} Z",
            **stroke,
        )
    elif kind == "scriptTask":  # a page with lines
        svg.el(group, "rect", x=x, y=y, width="11", height="13", **stroke)
        svg.el(
            group,
            "path",
            d=f"M{fmt(x + 2)},{fmt(y + 4)} h7 M{fmt(x + 2)},{fmt(y + 7)} h7 M{fmt(x + 2)},{fmt(y + 10)} h5",
            **stroke,
        )
    elif kind == "businessRuleTask":  # a table
        svg.el(group, "rect", x=x, y=y, width="14", height="11", **stroke)
        svg.el(group, "path", d=f"M{fmt(x)},{fmt(y + 4)} h14 M{fmt(x + 4)},{fmt(y + 4)} v7", **stroke)
    elif kind == "serviceTask":  # a gear, simplified
        svg.el(group, "circle", cx=x + 6, cy=y + 6, r="5", **stroke)
        svg.el(group, "circle", cx=x + 6, cy=y + 6, r="2", **stroke)
    elif kind in ("sendTask", "receiveTask"):  # an envelope
        envelope(svg, group, x, y + 1, 13.0, 9.0, look, filled=kind == "sendTask")


def envelope(
    svg: Svg, group: etree._Element, x: float, y: float, w: float, h: float, look: Look, *, filled: bool
) -> None:
    fill = look.stroke if filled else "#ffffff"
    line = "#ffffff" if filled else look.stroke
    svg.el(group, "rect", x=x, y=y, width=w, height=h, fill=fill, stroke=look.stroke, stroke_width=1.1)
    flap = f"M{fmt(x)},{fmt(y)} L{fmt(x + w / 2)},{fmt(y + h * 0.55)} L{fmt(x + w)},{fmt(y)}"
    svg.el(group, "path", d=flap, fill="none", stroke=line, stroke_width=1.1, class_="bpmn-marker")


def event(svg: Svg, group: etree._Element, box: Box, element: etree._Element, kind: str, look: Look) -> None:
    r = min(box.w, box.h) / 2
    cx, cy = box.cx, box.cy
    width = look.width + (2.0 if kind == "endEvent" else 0.0)
    dashed = kind == "boundaryEvent" and element.get("cancelActivity") == "false"
    attrs: dict[str, str | float] = {"fill": look.fill, "stroke": look.stroke, "stroke_width": width}
    if dashed:
        attrs["stroke_dasharray"] = "4 2"
    svg.el(group, "circle", cx=cx, cy=cy, r=r, **attrs)
    if kind in ("intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"):
        inner: dict[str, str | float] = {k: v for k, v in attrs.items() if k != "fill"}
        svg.el(group, "circle", cx=cx, cy=cy, r=r - 3.5, fill="none", **{**inner, "stroke_width": 1.2})
    definitions = {local(child) for child in element if isinstance(child.tag, str)}
    _event_definition(svg, group, box, definitions, look, throwing=kind in ("endEvent", "intermediateThrowEvent"))


def _event_definition(
    svg: Svg, group: etree._Element, box: Box, definitions: set[str], look: Look, *, throwing: bool
) -> None:
    r = min(box.w, box.h) / 2
    cx, cy = box.cx, box.cy
    if "timerEventDefinition" in definitions:
        _clock(svg, group, cx, cy, r * 0.55, look)
    elif "messageEventDefinition" in definitions:
        w = r * 0.95
        envelope(svg, group, cx - w / 2, cy - w * 0.33, w, w * 0.66, look, filled=throwing)
    elif "signalEventDefinition" in definitions:
        s = r * 0.55
        triangle = path(("M", cx, cy - s), ("L", cx + s, cy + s * 0.7), ("L", cx - s, cy + s * 0.7)) + " Z"
        svg.el(
            group,
            "path",
            d=triangle,
            fill=look.stroke if throwing else "none",
            stroke=look.stroke,
            class_="bpmn-marker",
        )
    elif "errorEventDefinition" in definitions or "escalationEventDefinition" in definitions:
        s = r * 0.5
        bolt = path(
            ("M", cx - s, cy + s),
            ("L", cx - s * 0.3, cy - s),
            ("L", cx + s * 0.3, cy + s * 0.2),
            ("L", cx + s, cy - s),
        )
        svg.el(group, "path", d=bolt, fill="none", stroke=look.stroke, stroke_width=1.5, class_="bpmn-marker")
    elif "terminateEventDefinition" in definitions:
        svg.el(group, "circle", cx=cx, cy=cy, r=r * 0.55, fill=look.stroke, class_="bpmn-marker")


def _clock(svg: Svg, group: etree._Element, cx: float, cy: float, r: float, look: Look) -> None:
    svg.el(
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
    hands = f"M{fmt(cx)},{fmt(cy - r * 0.75)} L{fmt(cx)},{fmt(cy)} L{fmt(cx + r * 0.55)},{fmt(cy + r * 0.2)}"
    svg.el(group, "path", d=hands, fill="none", stroke=look.stroke, stroke_width=1.3, class_="bpmn-marker")


def gateway(svg: Svg, group: etree._Element, box: Box, kind: str, look: Look) -> None:
    cx, cy = box.cx, box.cy
    diamond = points((cx, box.y), (box.x + box.w, cy), (cx, box.y + box.h), (box.x, cy))
    svg.el(group, "polygon", points=diamond, fill=look.fill, stroke=look.stroke, stroke_width=look.width)
    s = min(box.w, box.h) * 0.2
    marker: dict[str, str | float] = {
        "stroke": look.stroke,
        "stroke_width": 3.0,
        "fill": "none",
        "class_": "bpmn-marker",
        "stroke_linecap": "round",
    }
    if kind == "exclusiveGateway":
        d = path(("M", cx - s, cy - s), ("L", cx + s, cy + s), ("M", cx + s, cy - s), ("L", cx - s, cy + s))
        svg.el(group, "path", d=d, **marker)
    elif kind == "parallelGateway":
        t = s * 1.2
        d = path(("M", cx - t, cy), ("L", cx + t, cy), ("M", cx, cy - t), ("L", cx, cy + t))
        svg.el(group, "path", d=d, **marker)
    elif kind == "inclusiveGateway":
        svg.el(group, "circle", cx=cx, cy=cy, r=s * 1.1, **{**marker, "stroke_width": 2.5})
    elif kind == "complexGateway":
        d = " ".join(
            f"M{fmt(cx - s * 1.1 * math.cos(a))},{fmt(cy - s * 1.1 * math.sin(a))} "
            f"L{fmt(cx + s * 1.1 * math.cos(a))},{fmt(cy + s * 1.1 * math.sin(a))}"
            for a in (0.0, math.pi / 4, math.pi / 2, 3 * math.pi / 4)
        )
        svg.el(group, "path", d=d, **{**marker, "stroke_width": 2.5})
    elif kind == "eventBasedGateway":  # a double circle around a pentagon
        _event_based_marker(svg, group, cx, cy, s, {**marker, "stroke_width": 1.2})


def _event_based_marker(
    svg: Svg, group: etree._Element, cx: float, cy: float, s: float, thin: dict[str, str | float]
) -> None:
    svg.el(group, "circle", cx=cx, cy=cy, r=s * 1.45, **thin)
    svg.el(group, "circle", cx=cx, cy=cy, r=s * 1.15, **thin)
    corners = [
        (
            cx + s * 0.75 * math.cos(-math.pi / 2 + i * 2 * math.pi / 5),
            cy + s * 0.75 * math.sin(-math.pi / 2 + i * 2 * math.pi / 5),
        )
        for i in range(5)
    ]
    svg.el(group, "polygon", points=" ".join(f"{fmt(x)},{fmt(y)}" for x, y in corners), **thin)
