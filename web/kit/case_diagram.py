"""A case's process diagram ready for the `kit/_diagram_figure.html` include, shared by the case page, the task
page and the audit dossier: the service's view of where the case is, drawn to SVG, and the names a reader
needs beside it."""

from __future__ import annotations

from typing import Any

from flask import url_for
from markupsafe import Markup

from engine.queries import diagrams
from web.kit.current import context, username
from web.kit.diagram import DiagramError, element_names, render_svg


def diagram_context(number: str, process_id: str | None = None, *, prefix: str = "bpmn") -> dict[str, Any]:
    """The diagram of one of the case's processes (its main one by default), with what the page says around it."""
    return render_diagram(diagrams.case_diagram(context(), number, username(), process_id), prefix=prefix)


def render_diagram(view: diagrams.DiagramView, *, prefix: str = "bpmn") -> dict[str, Any]:
    """A diagram view the caller already has (the task page reads it with everything else), drawn."""
    number = view.case_number
    links = {
        call: url_for("case_pages.diagram", number=number, process_id=called)
        for call, called in view.calls.items()
        if called != view.process_id
    }
    try:
        svg = render_svg(
            view.bpmn,
            view.process_id,
            states=view.states,
            flows_taken=view.flows_taken,
            links=links,
            title=f"{view.title}（案件 {number}）",
            id_prefix=prefix,
        )
        names = element_names(view.bpmn, view.process_id)
        error = None
    except DiagramError as exc:
        svg, names, error = "", {}, exc.message
    return {
        "view": view,
        "current_anchor": f"{prefix}-current" if view.active else None,
        # render_svg builds the SVG with lxml, which escapes every text and attribute it writes.
        "svg": Markup(svg),  # noqa: S704
        "error": error,
        "active_names": [names.get(element, element) for element in view.active],
        "calls": [(call, called, view.process_titles.get(called, called)) for call, called in view.calls.items()],
    }
