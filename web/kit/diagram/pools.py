"""Pools and lanes, the background of a drawing: a box each, with its name in the header band."""

from __future__ import annotations

from lxml import etree

from engine.domain.vocabulary import ROLE_LABELS
from web.kit.diagram.bpmn import Box, bounds, local
from web.kit.diagram.drawing import Drawing
from web.kit.diagram.svg import Look
from web.kit.diagram.text import fit, fmt, wrap

_NAME_LOOK = Look("#000", "#fff", 1, "#1f2328")
_BAND = 30.0


def draw_pool_or_lane(d: Drawing, parent: etree._Element, shape: etree._Element, element: etree._Element) -> None:
    box = bounds(shape)
    if box is None:
        return
    d.remember(box)
    kind = local(element)
    name = (element.get("name") or "").strip()
    if kind == "participant" and not name:
        process = d.model.get(str(element.get("processRef")))
        name = (process.get("name") or "").strip() if process is not None else ""
    if kind == "lane":
        name = ROLE_LABELS.get(name, name)  # lanes name roles by key (docs/contracts.md#data-model): show the label
    group = d.svg.el(
        parent,
        "g",
        class_=f"bpmn-{'pool' if kind == 'participant' else 'lane'}",
        data_element=str(element.get("id")),
    )
    d.svg.text_el(group, "title", name or str(element.get("id")))
    fill = "#fbfcfd" if kind == "participant" else "none"
    d.svg.el(group, "rect", x=box.x, y=box.y, width=box.w, height=box.h, fill=fill, stroke="#5b636e", stroke_width=1.0)
    if name:
        _name(d, group, shape, box, kind, name)


def _name(d: Drawing, group: etree._Element, shape: etree._Element, box: Box, kind: str, name: str) -> None:
    size = 14.0 if kind == "participant" else 13.0
    if shape.get("isHorizontal", "true") == "false":
        lines = fit(wrap(name, box.w - 10, size), 2, box.w - 10, size)
        d.svg.text(group, lines, box.cx, box.y + size + 6, size, _NAME_LOOK, weight="bold", cls="bpmn-lane-name")
        return
    # The name runs bottom-to-top in the header band at the left, as BPMN tools draw it.
    if kind == "participant":
        d.svg.el(group, "line", x1=box.x + _BAND, y1=box.y, x2=box.x + _BAND, y2=box.y + box.h, stroke="#5b636e")
    lines = fit(wrap(name, box.h - 10, size), 2, box.h - 10, size)
    cx, cy = box.x + _BAND / 2, box.y + box.h / 2
    node = d.svg.el(group, "g", transform=f"rotate(-90 {fmt(cx)} {fmt(cy)})")
    first = cy + size * 0.35 - (len(lines) - 1) * size * 0.625
    d.svg.text(node, lines, cx, first, size, _NAME_LOOK, weight="bold", cls="bpmn-lane-name")
