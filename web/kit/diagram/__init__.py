from web.kit.diagram.render import DiagramError, call_activities, element_names, render_svg, wrap

__all__ = ["DiagramError", "call_activities", "element_names", "render_svg", "wrap"]
