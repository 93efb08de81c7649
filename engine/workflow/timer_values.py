"""When a waiting task fires: the instants stored in SpiffWorkflow's timer events, read without running them.

Kept apart from runtime.py, which asks these questions of a restored workflow (the next timer of an
instance, the hour deadline of a user task with a timer on its boundary, the messages it waits for)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState


def boundary_deadline(task: Any) -> datetime | None:
    """The earliest waiting timer attached to a user task: Spiff puts the task and its boundary events
    side by side under one BoundaryEventSplit, the timers WAITING with their fire time as event_value."""
    parent = task.parent
    if parent is None or not isinstance(parent.task_spec, BoundaryEventSplit):
        return None
    deadlines = [
        moment
        for sibling in parent.children
        if sibling is not task
        and sibling.state == TaskState.WAITING
        # Only timers: a message's payload may hold ISO times too (an objection's received_at).
        and isinstance(getattr(sibling.task_spec, "event_definition", None), TimerEventDefinition)
        for moment in timer_deadlines(sibling.internal_data.get("event_value"))
    ]
    return min(deadlines, default=None)


def event_definitions(definition: Any) -> list[Any]:
    """An event-based gateway waits on a MultipleEventDefinition holding its branches' definitions."""
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition] if definition is not None else []


def timer_deadlines(value: Any) -> Iterator[datetime]:
    """Timer values are ISO strings, or (cycle timers) dicts with 'next'; gateways nest them."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return
        if moment.tzinfo is not None:
            moment = moment.astimezone(UTC).replace(tzinfo=None)
        yield moment
    elif isinstance(value, dict):
        for item in [value["next"]] if "next" in value else value.values():
            yield from timer_deadlines(item)
    elif isinstance(value, list):
        for item in value:
            yield from timer_deadlines(item)
