"""One drawing in progress: the model's elements by id, what the caller says about them (states, flows
taken, links), the SVG being built, and every point drawn so far (they size the picture)."""

from __future__ import annotations

from collections.abc import Collection, Mapping

from lxml import etree

from engine.domain.vocabulary import DIAGRAM_STATE_LABELS
from web.kit.diagram.bpmn import BPMNDI, DI, Box, local, number, q
from web.kit.diagram.placement import Segment, segments_of
from web.kit.diagram.svg import Svg


class Drawing:
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
        self.svg = Svg(prefix)
        self.points: list[tuple[float, float]] = []
        self.current_marked = False
        # Every flow's line, by flow id: labels are placed where none of them runs (placement.py).
        self.segments: dict[str, list[Segment]] = {
            str(edge.get("bpmnElement")): segments_of(
                [(number(w, "x"), number(w, "y")) for w in edge.iter(q(DI, "waypoint"))]
            )
            for edge in plane.iter(q(BPMNDI, "BPMNEdge"))
        }

    def lines_except(self, flow_id: str | None = None) -> list[Segment]:
        return [s for key, segments in self.segments.items() if key != flow_id for s in segments]

    def state(self, element_id: str) -> str:
        value = self.states.get(element_id, "pending")
        return value if value in ("done", "active") else "pending"

    def flow_state(self, element_id: str) -> str:
        return "done" if element_id in self.flows_taken else "pending"

    def remember(self, box: Box) -> None:
        self.points.extend([(box.x, box.y), (box.x + box.w, box.y + box.h)])

    def group(self, parent: etree._Element, element: etree._Element, kind: str, state: str) -> etree._Element:
        """The group of one flow node: its state as classes, a title saying it in words, a link if it calls."""
        element_id = str(element.get("id"))
        href = self.links.get(element_id) if local(element) == "callActivity" else None
        if href:
            parent = self.svg.el(parent, "a", href=href, class_="bpmn-link")
        group = self.svg.el(parent, "g", class_=f"bpmn-el bpmn-{kind} {state}", data_element=element_id)
        if state == "active" and not self.current_marked:
            # A fragment link (#<prefix>-current) scrolls a wide diagram to where the case is: no script needed.
            group.set("id", f"{self.svg.prefix}-current")
            self.current_marked = True
        name = (element.get("name") or "").strip()
        described = f"{name or element_id}（{DIAGRAM_STATE_LABELS[state]}）"
        if href:
            described += "：点击查看子流程"
        self.svg.text_el(group, "title", described)
        return group
