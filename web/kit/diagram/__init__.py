"""BPMN diagrams as SVG, drawn on the server from the file's DI (docs/contracts.md: they work offline and print).

Pure: lxml only, no SpiffWorkflow, no database. The caller says which elements are `done` or `active`
and which sequence flows were taken; everything else is drawn `pending`. Each shape and flow carries
those words as CSS classes (for app.css), and the look of each state is also written as SVG
presentation attributes, because the app's Content-Security-Policy forbids inline `<style>` and
`style=""` (default-src 'self') while presentation attributes are plain SVG: the drawing keeps its
colours on its own, embedded in a page, saved as a file or printed.

All text goes through lxml's serializer, so names from a BPMN file (a designer's input) are escaped;
links come only from the caller, keyed by call activity id.

The modules: bpmn (reading the file), text (widths, line breaks, numbers), svg (looks and the element
builder), drawing (the state of one drawing), render (layers and size), pools, shapes, symbols (icons
and markers) and edges.
"""

from __future__ import annotations

from web.kit.diagram.bpmn import DiagramError, call_activities, element_names
from web.kit.diagram.render import render_svg
from web.kit.diagram.text import text_width, wrap

__all__ = ["DiagramError", "call_activities", "element_names", "render_svg", "text_width", "wrap"]
