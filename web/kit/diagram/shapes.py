"""Flow nodes and annotations: each shape of the plane drawn by its kind, with its name inside (activities)
or below (events, gateways, data)."""

from __future__ import annotations

from lxml import etree

from web.kit.diagram.bpmn import BPMN, EVENTS, GATEWAYS, SUBPROCESSES, TASKS, Box, bounds, label_bounds, local, q
from web.kit.diagram.drawing import Drawing
from web.kit.diagram.placement import Spot, around, choose
from web.kit.diagram.svg import LOOKS, Look
from web.kit.diagram.symbols import event, gateway, task_icon
from web.kit.diagram.text import fit, fmt, path, text_width, wrap


def draw_shape(d: Drawing, parent: etree._Element, shape: etree._Element, element: etree._Element) -> None:
    box = bounds(shape)
    if box is None:
        return
    d.remember(box)
    kind = local(element)
    state = d.state(str(element.get("id")))
    look = LOOKS[state]
    name = (element.get("name") or "").strip()
    if kind in TASKS or kind == "callActivity" or kind in SUBPROCESSES:
        group = d.group(parent, element, "activity", state)
        _activity(d, group, box, kind, look, name)
    elif kind in EVENTS:
        group = d.group(parent, element, "event", state)
        event(d.svg, group, box, element, kind, look)
        _outside_label(d, group, shape, box, name, look)
    elif kind in GATEWAYS:
        group = d.group(parent, element, "gateway", state)
        gateway(d.svg, group, box, kind, look)
        _outside_label(d, group, shape, box, name, look)
    elif kind == "textAnnotation":
        _annotation(d, parent, box, element)
    else:  # data objects, data stores and whatever else: a plain box with the name
        group = d.group(parent, element, "other", state)
        d.svg.el(group, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill=look.fill, stroke=look.stroke)
        _outside_label(d, group, shape, box, name, look)


def _annotation(d: Drawing, parent: etree._Element, box: Box, element: etree._Element) -> None:
    group = d.svg.el(parent, "g", class_="bpmn-annotation")
    bottom = box.y + box.h
    outline = path(("M", box.x + 10, box.y), ("L", box.x, box.y), ("L", box.x, bottom), ("L", box.x + 10, bottom))
    d.svg.el(group, "path", d=outline, fill="none", stroke="#5b636e")
    text = "".join(element.findtext(q(BPMN, "text")) or "").strip()
    lines = fit(wrap(text, box.w - 8, 11.0), max(int((box.h - 4) // 14), 1), box.w - 8, 11.0)
    d.svg.text(group, lines, box.x + 5, box.y + 14, 11.0, LOOKS["pending"], anchor="start")


def _activity(d: Drawing, group: etree._Element, box: Box, kind: str, look: Look, name: str) -> None:
    svg = d.svg
    # A call activity has the thick border of the BPMN notation, on top of its state's width.
    width = look.width + (2.0 if kind == "callActivity" else 0.0)
    svg.el(
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
    task_icon(svg, group, box, kind, look)
    size = 12.0
    bottom_reserve = 16.0 if kind == "callActivity" or kind in SUBPROCESSES else 4.0
    max_width = box.w - 12
    max_lines = max(int((box.h - 18 - bottom_reserve) // (size * 1.25)), 1)
    lines = fit(wrap(name, max_width, size), max_lines, max_width, size)
    middle = box.y + 8 + (box.h - 8 - bottom_reserve) / 2
    first = middle + size * 0.35 - (len(lines) - 1) * size * 0.625
    svg.text(group, lines, box.cx, first, size, look)
    if kind == "callActivity" or kind in SUBPROCESSES:
        # The collapsed-subprocess marker: a small square with a plus at the bottom centre.
        sx, sy = box.cx - 7, box.y + box.h - 17
        svg.el(group, "rect", x=sx, y=sy, width="14", height="14", fill="#ffffff", stroke=look.stroke, stroke_width=1.2)
        plus = f"M{fmt(sx + 3)},{fmt(sy + 7)} H{fmt(sx + 11)} M{fmt(sx + 7)},{fmt(sy + 3)} V{fmt(sy + 11)}"
        svg.el(group, "path", d=plus, stroke=look.stroke, stroke_width=1.6, fill="none", class_="bpmn-marker")


def _outside_label(d: Drawing, group: etree._Element, shape: etree._Element, box: Box, name: str, look: Look) -> None:
    """An event's or gateway's name: where the DI puts it, else below, above, right or left of the shape,
    whichever no flow runs through (a gateway's outgoing flow often leaves from the bottom)."""
    if not name:
        return
    size = 11.0
    label = label_bounds(shape)
    width = max(label.w if label else 0.0, 90.0)
    lines = fit(wrap(name, width, size), 3, width, size)
    text_w = max(text_width(line, size) for line in lines)
    height = len(lines) * size * 1.25 + 2
    spots = around(box, text_w, height)
    if label is not None:
        spots.insert(0, Spot(label.cx, label.y, "middle", Box(label.cx - text_w / 2, label.y, text_w, height)))
    spot = choose(spots, d.lines_except())
    d.svg.text(group, lines, spot.x, spot.top + size, size, look, anchor=spot.anchor, halo=True)
    d.remember(spot.box)
