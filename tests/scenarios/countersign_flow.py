"""Working a 民主评议 held as a 会签 (docs/countersign.md): the panel, then each seated member's task."""

from __future__ import annotations

from typing import Any

from engine.services import tasks
from tests.scenarios.flow import Application

PANEL = [
    {"name": "乡镇干部甲", "kind": "township_staff", "related_to_applicant": False},
    {"name": "居民代表乙", "kind": "resident_rep", "related_to_applicant": False},
    {"name": "居民代表丙", "kind": "resident_rep", "related_to_applicant": False},
    {"name": "居民代表丁", "kind": "resident_rep", "related_to_applicant": False},
    {"name": "居民代表戊", "kind": "resident_rep", "related_to_applicant": False},
    {"name": "居民代表己", "kind": "resident_rep", "related_to_applicant": True},  # the applicant's cousin
]


def convene(app: Application, panel: list[dict[str, Any]] | None = None) -> None:
    app.complete("convene_review", "head1", {"held_on": "2026-11-30", "panel": panel or PANEL})


def sign(app: Application, votes: dict[str, str | None]) -> None:
    """Each seated member's own task: attendance, vote (None: absent) and signature, worked by the head."""
    by_member = {t.title.removeprefix("民主评议："): t for t in app.open_tasks() if t.task_name == "hold_review"}
    assert sorted(by_member) == sorted(votes)
    for name, vote in votes.items():
        record: dict[str, Any] = {"attendance": "absent"}
        if vote is not None:
            record = {"attendance": "present", "decision": vote, "signed": True}
        tasks.complete(app.ctx, by_member[name].id, "head1", record)


def hold_democratic_review(app: Application) -> None:
    """A 民主评议 that stands and passes: 4 of 5 present, 3 of them representatives, 3 of 4 agree."""
    convene(app)
    sign(
        app,
        {
            "乡镇干部甲": "agree",
            "居民代表乙": "agree",
            "居民代表丙": "agree",
            "居民代表丁": "against",
            "居民代表戊": None,
        },
    )
