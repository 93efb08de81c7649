"""The contextPanels property of a user task: which decision-context panels its page shows
(docs/decision-context.md). A designer writes a list of names, e.g. "applicant, household, assessment"."""

from __future__ import annotations

import re

from engine.domain.vocabulary import CONTEXT_PANELS

PROPERTY = "contextPanels"
# Commas (ASCII or full width), 顿号 and whitespace all separate names: designers type Chinese punctuation.
_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_panels(value: str | None) -> tuple[list[str], list[str]]:
    """The known panel names of a contextPanels value in their order (each once), and the unknown ones."""
    known: list[str] = []
    unknown: list[str] = []
    for name in _SEPARATORS.split(value or ""):
        if not name:
            continue
        target = known if name in CONTEXT_PANELS else unknown
        if name not in target:
            target.append(name)
    return known, unknown


def context_panels(properties: dict[str, str]) -> tuple[str, ...]:
    """The panels a user task's properties declare; unknown names (refused at deploy) are left out."""
    return tuple(split_panels(properties.get(PROPERTY))[0])
