"""Writing SVG: the looks of the three states, and a small builder over lxml (which escapes every text and
attribute it serializes, so names from a BPMN file cannot break out of the drawing)."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from web.kit.diagram.bpmn import q
from web.kit.diagram.text import fmt

SVG = "http://www.w3.org/2000/svg"

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


class Svg:
    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.root = etree.Element(q(SVG, "svg"), nsmap={None: SVG})

    def el(self, parent: etree._Element, tag: str, /, **attrs: str | float) -> etree._Element:
        """An SVG element; attribute names in Python spelling (stroke_width, class_) become SVG's."""
        element = etree.SubElement(parent, q(SVG, tag))
        for key, value in attrs.items():
            element.set(key.rstrip("_").replace("_", "-"), fmt(value) if isinstance(value, float) else str(value))
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
                span.set("dy", fmt(size * 1.25))
