"""What every scenario driver of one case does (the 低保 application, a re-check, 临时救助, 特困): read the case
and its open tasks, and complete a task by name as the demo user who works it."""

from __future__ import annotations

from typing import Any

from engine.context import Context
from engine.queries import case_view
from engine.results import CaseView, TaskSummary
from engine.services import tasks

OPEN = ("open", "claimed")


class CaseSteps:
    """A mixin for a dataclass with `ctx` and the case's `number`."""

    ctx: Context
    number: str

    def view(self) -> CaseView:
        return case_view.show_case(self.ctx, self.number)

    def open_tasks(self) -> list[TaskSummary]:
        return [t for t in self.view().tasks if t.state in OPEN]

    def open_task_names(self) -> list[str]:
        return sorted(t.task_name for t in self.open_tasks())

    def task(self, name: str) -> TaskSummary:
        matches = [t for t in self.open_tasks() if t.task_name == name]
        assert matches, f"no open task {name}; open: {self.open_task_names()}"
        return matches[0]

    def complete(self, name: str, user: str, data: dict[str, Any]) -> None:
        tasks.complete(self.ctx, self.task(name).id, user, data)
