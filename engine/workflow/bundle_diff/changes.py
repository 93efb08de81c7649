"""What a bundle diff is made of: one `Change` per sentence, grouped by kind for the diff page, and the
few wording helpers every sentence uses (quoting a name, showing an empty value, "before → after").

Separate from the comparison so that the page's data types and its headings are found in one place.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.domain.vocabulary import DIFF_KIND_LABELS

ADDED, REMOVED, CHANGED = "added", "removed", "changed"

# Kinds in the order the diff page shows them, with their headings.


@dataclass(frozen=True)
class Change:
    kind: str  # a key of DIFF_KIND_LABELS
    action: str  # ADDED | REMOVED | CHANGED
    scope: str  # what it belongs to, for the reader: "流程 dibao_application", "表单 dibao_first_review"
    element: str | None  # the element id, rule id, field path or parameter name
    sentence: str
    # A text file's line diff (a document template): (marker, line), marker "+", "-", " " or "@" (a position).
    lines: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ChangeGroup:
    kind: str
    label: str
    changes: list[Change]


@dataclass(frozen=True)
class BundleDiff:
    changes: list[Change] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def groups(self) -> list[ChangeGroup]:
        """Changes by kind, in DIFF_KIND_LABELS order; kinds without changes are left out."""
        return [
            ChangeGroup(kind, label, [c for c in self.changes if c.kind == kind])
            for kind, label in DIFF_KIND_LABELS.items()
            if any(c.kind == kind for c in self.changes)
        ]

    def sentences(self) -> list[str]:
        return [c.sentence for c in self.changes]


def file_problem(name: str, sentence: str) -> Change:
    """A file of the bundle that cannot be read: one change instead of a failed page."""
    return Change("file", CHANGED, name, None, sentence)


def quote(text: str) -> str:
    return f"“{text}”"


def show(value: object) -> str:
    if value is None or value == "":
        return "（无）"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def arrow(old: object, new: object) -> str:
    return f"{show(old)} → {show(new)}"
