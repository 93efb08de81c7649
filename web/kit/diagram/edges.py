"""Sequence flows (taken or not, with their names), message flows and associations, and the arrowheads."""

from __future__ import annotations

import itertools
import math

from lxml import etree

from web.kit.diagram.bpmn import DI, label_bounds, local, number, q
from web.kit.diagram.drawing import Drawing
from web.kit.diagram.svg import FLOW_LOOKS, Look, Svg
from web.kit.diagram.text import fit, fmt, wrap


def markers(svg: Svg, defs: etree._Element) -> None:
    """The arrowheads: one per flow state, and an open one for message flows."""
    for state, look in FLOW_LOOKS.items():
        size = "10" if state == "done" else "8"
        marker = _marker(svg, defs, f"{svg.prefix}-arrow-{state}", size)
        svg.el(marker, "path", d="M0,0 L10,5 L0,10 z", fill=look.stroke)
    open_marker = _marker(svg, defs, f"{svg.prefix}-arrow-open", "8")
    svg.el(open_marker, "path", d="M0,0 L10,5 L0,10", fill="none", stroke="#5b636e", stroke_width=1.2)


def _marker(svg: Svg, defs: etree._Element, marker_id: str, size: str) -> etree._Element:
    return svg.el(
        defs,
        "marker",
        id=marker_id,
        viewBox="0 0 10 10",
        refX="9",
        refY="5",
        markerWidth=size,
        markerHeight=size,
        markerUnits="userSpaceOnUse",
        orient="auto",
    )


def draw_edge(d: Drawing, parent: etree._Element, edge: etree._Element) -> None:
    element_id = str(edge.get("bpmnElement"))
    element = d.model.get(element_id)
    waypoints = [(number(p, "x"), number(p, "y")) for p in edge.iter(q(DI, "waypoint"))]
    if element is None or len(waypoints) < 2:
        return
    d.points.extend(waypoints)
    kind = local(element)
    line = " ".join(f"{'M' if i == 0 else 'L'}{fmt(x)},{fmt(y)}" for i, (x, y) in enumerate(waypoints))
    svg = d.svg
    if kind == "sequenceFlow":
        _sequence_flow(d, parent, edge, element, waypoints, line)
    elif kind == "messageFlow":
        group = svg.el(parent, "g", class_="bpmn-message-flow", data_element=element_id)
        svg.el(
            group,
            "path",
            d=line,
            fill="none",
            stroke="#5b636e",
            stroke_dasharray="6 4",
            marker_end=f"url(#{svg.prefix}-arrow-open)",
        )
    else:  # associations: dotted, no arrowhead
        group = svg.el(parent, "g", class_="bpmn-association", data_element=element_id)
        svg.el(group, "path", d=line, fill="none", stroke="#8a929b", stroke_dasharray="2 3")


def _sequence_flow(
    d: Drawing,
    parent: etree._Element,
    edge: etree._Element,
    element: etree._Element,
    waypoints: list[tuple[float, float]],
    line: str,
) -> None:
    element_id = str(edge.get("bpmnElement"))
    svg = d.svg
    state = d.flow_state(element_id)
    look = FLOW_LOOKS[state]
    group = svg.el(parent, "g", class_=f"bpmn-flow {state}", data_element=element_id)
    name = (element.get("name") or "").strip()
    svg.text_el(group, "title", f"{name or '顺序流'}（{'已走过' if state == 'done' else '未走过'}）")
    svg.el(
        group,
        "path",
        d=line,
        fill="none",
        stroke=look.stroke,
        stroke_width=look.width,
        stroke_linejoin="round",
        marker_end=f"url(#{svg.prefix}-arrow-{state})",
    )
    if name:
        _edge_label(svg, group, edge, waypoints, name, look)


def _edge_label(
    svg: Svg, group: etree._Element, edge: etree._Element, waypoints: list[tuple[float, float]], name: str, look: Look
) -> None:
    size = 11.0
    label = label_bounds(edge)
    if label is not None:
        lines = fit(wrap(name, max(label.w, 60.0), size), 3, max(label.w, 60.0), size)
        svg.text(group, lines, label.cx, label.y + size, size, look, halo=True)
        return
    # Without label bounds: beside the first long enough segment, near the source (a gateway's
    # branch names belong next to the gateway).
    segments = list(itertools.pairwise(waypoints))
    (x1, y1), (x2, y2) = next((s for s in segments if math.dist(*s) >= 40), max(segments, key=lambda s: math.dist(*s)))
    mx, my = (x1 + x2) / 2, (y1 + y2) / 2
    lines = fit(wrap(name, 90.0, size), 2, 90.0, size)
    if abs(y2 - y1) <= abs(x2 - x1):  # horizontal: above the line
        svg.text(group, lines, mx, my - 5 - (len(lines) - 1) * size * 1.25, size, look, halo=True)
    else:  # vertical: to the right of it
        svg.text(group, lines, mx + 5, my + size * 0.35, size, look, anchor="start", halo=True)
