"""Where a label goes so that no line runs through it.

A gateway's or an event's name sits below it by default, and that is where a flow often leaves it; a flow's
name sits beside the flow, where another flow may pass. Each label gets a few candidate places (the one the
file's DI gives first, then below, above, right, left) and takes the first whose box no flow segment crosses;
when none is free it keeps the first. The boxes are estimates (text.text_width): good enough to keep lines
out of words, which the white halo behind the letters then covers at the edges.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from web.kit.diagram.bpmn import Box

Point = tuple[float, float]
Segment = tuple[Point, Point]
_PAD = 2.0  # a line this close to a letter still reads as touching it


@dataclass(frozen=True)
class Spot:
    """A candidate place: the text's anchor x, the top of its first line, its anchor, and the box it covers."""

    x: float
    top: float
    anchor: str
    box: Box


def crosses(box: Box, segment: Segment) -> bool:
    """Whether the segment passes through the (slightly padded) box: Liang-Barsky clipping."""
    (x1, y1), (x2, y2) = segment
    left, right = box.x - _PAD, box.x + box.w + _PAD
    top, bottom = box.y - _PAD, box.y + box.h + _PAD
    dx, dy = x2 - x1, y2 - y1
    low, high = 0.0, 1.0
    for p, q in ((-dx, x1 - left), (dx, right - x1), (-dy, y1 - top), (dy, bottom - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
        if low > high:
            return False
    return True


def is_free(box: Box, segments: Iterable[Segment]) -> bool:
    return not any(crosses(box, s) for s in segments)


def choose(spots: Sequence[Spot], segments: Sequence[Segment]) -> Spot:
    """The first spot no segment crosses, or the first spot when every one is crossed."""
    return next((s for s in spots if is_free(s.box, segments)), spots[0])


def around(shape: Box, width: float, height: float, gap: float = 4.0) -> list[Spot]:
    """Below, above, right of and left of a shape, for a label `width` × `height`."""
    cx, middle = shape.cx, shape.cy - height / 2
    below, above = shape.y + shape.h + gap, shape.y - gap - height
    right, left = shape.x + shape.w + gap, shape.x - gap
    return [
        Spot(cx, below, "middle", Box(cx - width / 2, below, width, height)),
        Spot(cx, above, "middle", Box(cx - width / 2, above, width, height)),
        Spot(right, middle, "start", Box(right, middle, width, height)),
        Spot(left, middle, "end", Box(left - width, middle, width, height)),
    ]


def segments_of(waypoints: Sequence[Point]) -> list[Segment]:
    return [(waypoints[i], waypoints[i + 1]) for i in range(len(waypoints) - 1)]
