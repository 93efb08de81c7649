"""Spiff's timers on engine.clock, for the demo clock travel (engine.services.demo_clock).

SpiffWorkflow compares a timer's deadline with `datetime.now(timezone.utc)` inside its own timer module
(docs/spiffworkflow.md#timers), not with engine.clock. A travelled engine.clock alone would therefore make an
instance due by `next_timer_at` whose timer Spiff still does not fire, and the timer worker would sweep
it again and again. follow_engine_clock() points that module at a datetime whose now() is
engine.clock.utcnow(): the travel offset included, and freezegun still honoured, because engine.clock's
own `datetime` is the one freezegun replaces.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Self

from SpiffWorkflow.bpmn.specs.event_definitions import timer as spiff_timer

from engine.clock import utcnow


class EngineClockDatetime(datetime):
    """datetime whose now() is engine.clock's (travelled) now; everything else is datetime's."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> Self:
        moment = utcnow().replace(tzinfo=UTC)
        moment = moment.astimezone(tz) if tz is not None else moment.astimezone().replace(tzinfo=None)
        return cls.combine(moment.date(), moment.time(), moment.tzinfo)


def follow_engine_clock() -> None:
    """Make Spiff's timers use engine.clock from now on in this process (idempotent)."""
    spiff_timer.datetime = EngineClockDatetime
