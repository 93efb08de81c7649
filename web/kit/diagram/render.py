"""render_svg: a process's diagram in layers (pools and lanes, shapes, flows, boundary events on top), sized
to what was drawn."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from lxml import etree

from web.kit.diagram.bpmn import BPMNDI, choose_plane, local, parse, process_name, q
from web.kit.diagram.drawing import Drawing
from web.kit.diagram.edges import draw_edge, markers
from web.kit.diagram.pools import draw_pool_or_lane
from web.kit.diagram.shapes import draw_shape
from web.kit.diagram.svg import FONT
from web.kit.diagram.text import fmt

_MARGIN = 12.0


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
    root = parse(bpmn)
    plane = choose_plane(root, process_id)
    drawing = Drawing(root, plane, states or {}, frozenset(flows_taken), links or {}, id_prefix)
    return _render(drawing, title or process_name(root, process_id))


def _render(d: Drawing, title: str | None) -> str:
    svg = d.svg
    root = svg.root
    root.set("class", "bpmn-diagram")
    root.set("role", "img")
    root.set("font-family", FONT)
    heading = svg.text_el(root, "title", title or "流程图")
    heading.set("id", f"{svg.prefix}-title")
    root.set("aria-labelledby", f"{svg.prefix}-title")
    markers(svg, svg.el(root, "defs"))
    layers = {name: svg.el(root, "g", class_=f"bpmn-layer-{name}") for name in ("pools", "shapes", "flows", "top")}
    shapes = list(d.plane.iter(q(BPMNDI, "BPMNShape")))
    # Pools and lanes first (they are the background), then activities, events on top of tasks
    # (boundary events sit on a task's edge), flows above the shapes so arrowheads stay visible.
    for shape in shapes:
        element = d.model.get(str(shape.get("bpmnElement")))
        if element is not None and local(element) in ("participant", "lane"):
            draw_pool_or_lane(d, layers["pools"], shape, element)
    for shape in shapes:
        element = d.model.get(str(shape.get("bpmnElement")))
        if element is None or local(element) in ("participant", "lane"):
            continue
        target = layers["top"] if local(element) == "boundaryEvent" else layers["shapes"]
        draw_shape(d, target, shape, element)
    for edge in d.plane.iter(q(BPMNDI, "BPMNEdge")):
        draw_edge(d, layers["flows"], edge)
    _size(root, d.points)
    return etree.tostring(root, encoding="unicode")


def _size(root: etree._Element, points: list[tuple[float, float]]) -> None:
    """viewBox, width and height around everything drawn, with a margin (a blank canvas if nothing was)."""
    if not points:
        points = [(0.0, 0.0), (200.0, 100.0)]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    x0, y0 = min(xs) - _MARGIN, min(ys) - _MARGIN
    width, height = max(xs) - x0 + _MARGIN, max(ys) - y0 + _MARGIN
    root.set("viewBox", f"{fmt(x0)} {fmt(y0)} {fmt(width)} {fmt(height)}")
    root.set("width", fmt(width))
    root.set("height", fmt(height))
    root.set("preserveAspectRatio", "xMinYMin meet")
