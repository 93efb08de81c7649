"""Validation problems placed on the elements they concern, for editing rather than deploying.

The drafts page lists a draft's problems with each element's name and a link that opens the file in its
editor with that element selected; the modeler asks for its own file's problems after each save and
marks each element on the canvas. Both run the deploy-time checks on the region with the designer's
drafts laid over it (validation.validate_draft, validation.file_problems).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from engine.errors import Problem
from engine.services.designer.sources import file_kind
from engine.workflow.bundle import RegionSources
from engine.workflow.element_names import element_names

EDITABLE_KINDS = ("bpmn", "dmn")  # the kinds a browser editor opens with an element selected


@dataclass(frozen=True)
class LocatedProblem:
    origin: str  # the file as validation names it ("草稿 processes/regions/yantai/x.bpmn")
    filename: str  # the bare name the editors use ("x.bpmn")
    element: str | None
    element_name: str | None
    line: int | None
    message: str

    @property
    def editor(self) -> str | None:
        """Which browser editor opens the file ("bpmn" or "dmn"), None for the others."""
        kind = file_kind(self.filename) if "." in self.filename else None
        return kind if kind in EDITABLE_KINDS else None


@dataclass(frozen=True)
class FileProblems:
    filename: str
    problems: list[LocatedProblem]  # those of this file
    elsewhere: int  # how many the region's other files have (deploying needs none anywhere)


def locate(sources: RegionSources, problems: Iterable[Problem]) -> list[LocatedProblem]:
    """Each problem with its bare file name and its element's name, read from the file it names."""
    contents = {f.origin: f.content for f in [*sources.bpmn.values(), *sources.dmn.values()]}
    names: dict[str, dict[str, str]] = {}
    located = []
    for problem in problems:
        filename = problem.file.rsplit("/", 1)[-1].strip()
        element_name = None
        if problem.element and problem.file in contents:
            if problem.file not in names:
                names[problem.file] = element_names(contents[problem.file])
            element_name = names[problem.file].get(problem.element)
        element, line = problem.element, problem.line
        located.append(LocatedProblem(problem.file, filename, element, element_name, line, problem.message))
    return located
