"""Sequence flows (taken or not, with their names), message flows and associations, and the arrowheads."""

from __future__ import annotations

import itertools
import math

from lxml import etree

from web.kit.diagram.bpmn import DI, Box, label_bounds, local, number, q
from web.kit.diagram.drawing import Drawing
from web.kit.diagram.placement import Point, Spot, choose
from web.kit.diagram.svg import FLOW_LOOKS, Look, Svg
from web.kit.diagram.text import fit, fmt, text_width, wrap


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
        _edge_label(d, group, edge, waypoints, name, look)


def _edge_label(
    d: Drawing, group: etree._Element, edge: etree._Element, waypoints: list[Point], name: str, look: Look
) -> None:
    """A flow's name: where the DI puts it, else beside one of its first segments (a gateway's branch names
    belong next to the gateway), on the first side no other flow runs through."""
    size = 11.0
    label = label_bounds(edge)
    width = max(label.w, 60.0) if label is not None else 90.0
    lines = fit(wrap(name, width, size), 3 if label is not None else 2, width, size)
    text_w = max(text_width(line, size) for line in lines)
    height = len(lines) * size * 1.25 + 2
    spots: list[Spot] = []
    if label is not None:
        spots.append(Spot(label.cx, label.y, "middle", Box(label.cx - text_w / 2, label.y, text_w, height)))
    segments = list(itertools.pairwise(waypoints))
    long_enough = [s for s in segments if math.dist(*s) >= 40] or [max(segments, key=lambda s: math.dist(*s))]
    for (x1, y1), (x2, y2) in long_enough[:3]:
        spots += _beside((x1 + x2) / 2, (y1 + y2) / 2, abs(y2 - y1) <= abs(x2 - x1), text_w, height)
    spot = choose(spots, d.lines_except(str(edge.get("bpmnElement"))))
    d.svg.text(group, lines, spot.x, spot.top + size, size, look, anchor=spot.anchor, halo=True)


def _beside(mx: float, my: float, horizontal: bool, width: float, height: float) -> list[Spot]:
    """Above then below a horizontal segment's middle; right then left of a vertical one's."""
    if horizontal:
        above, below = my - 4 - height, my + 4
        return [
            Spot(mx, above, "middle", Box(mx - width / 2, above, width, height)),
            Spot(mx, below, "middle", Box(mx - width / 2, below, width, height)),
        ]
    top = my - height / 2
    return [
        Spot(mx + 5, top, "start", Box(mx + 5, top, width, height)),
        Spot(mx - 5, top, "end", Box(mx - 5 - width, top, width, height)),
    ]
