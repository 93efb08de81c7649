"""What changed between two versions of a process, step by step, and the designer's explicit mapping
of old steps onto new ones (docs/process-migration.md). Reads specs only: no designer code runs here,
so the parent process (the migration page, the mapping check) may call it.

SpiffWorkflow's SpecDiff aligns an old spec with a new one by BPMN id first and then by structure (a
renamed step in the same place may align by itself). An explicit mapping overrides that alignment:
`OLD=NEW` says the case standing at (or past) OLD stands at (or past) NEW in the new version.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.util.diff import SpecDiff

from engine.errors import InvalidData
from engine.workflow.runtime import LoadedProcess
from engine.workflow.serializer import spec_registry


@dataclass(frozen=True)
class Element:
    """A BPMN element of a version: its id, its name, the process it sits in and what kind it is."""

    bpmn_id: str
    title: str
    process: str
    kind: str


@dataclass(frozen=True)
class SpecChanges:
    """The steps of the old version the new one lacks (they need a mapping when a case has met them),
    the new version's own new steps, and the steps aligned under another id by structure."""

    removed: tuple[Element, ...]
    added: tuple[Element, ...]
    realigned: tuple[tuple[Element, Element], ...]
    target_steps: tuple[Element, ...]  # every user task of the new version, for choosing a mapping


def _kind(task_spec: Any) -> str:
    return "userTask" if getattr(task_spec, "manual", False) else type(task_spec).__name__


def elements(process: LoadedProcess) -> dict[str, tuple[Element, Any]]:
    """BPMN id → (element, spec) over the process and the processes it calls."""
    found: dict[str, tuple[Element, Any]] = {}
    for spec in (process.spec, *process.subprocess_specs.values()):
        for task_spec in spec.task_specs.values():
            bpmn_id = getattr(task_spec, "bpmn_id", None)
            if bpmn_id is None:
                continue  # Spiff's own bookkeeping specs (Start, End, joins) have none
            title = getattr(task_spec, "bpmn_name", None) or str(bpmn_id)
            found.setdefault(str(bpmn_id), (Element(str(bpmn_id), title, str(spec.name), _kind(task_spec)), task_spec))
    return found


def check_mapping(source: LoadedProcess, target: LoadedProcess, mapping: Mapping[str, str]) -> None:
    """InvalidData naming every mapping entry whose old step, new step or kinds do not fit."""
    old, new = elements(source), elements(target)
    problems: list[str] = []
    for old_id, new_id in mapping.items():
        if old_id not in old:
            problems.append(f"原版本中没有步骤“{old_id}”")
            continue
        if new_id not in new:
            problems.append(f"新版本中没有步骤“{new_id}”（映射 {old_id}={new_id}）")
            continue
        before, after = old[old_id][0], new[new_id][0]
        if before.kind != after.kind:
            problems.append(f"“{before.title}”与“{after.title}”类型不同，不能映射（{old_id}={new_id}）")
        elif before.process != after.process:
            problems.append(f"“{before.title}”与“{after.title}”不在同一个（子）流程中，不能映射（{old_id}={new_id}）")
    if problems:
        raise InvalidData("步骤映射有误：" + "；".join(problems), {"mapping": problems})


def aligned_diff(original: Any, new: Any, mapping: Mapping[str, str]) -> SpecDiff:
    """SpiffWorkflow's diff of two process specs, with the explicit mapping laid over its alignment."""
    diff = SpecDiff(spec_registry(), original, new)
    by_bpmn_id = {getattr(s, "bpmn_id", None): s for s in new.task_specs.values()}
    for old_spec in list(diff.alignment):
        target_id = mapping.get(str(getattr(old_spec, "bpmn_id", None)))
        target = by_bpmn_id.get(target_id) if target_id is not None else None
        if target is not None:
            diff.alignment[old_spec] = target
            diff.comparisons[old_spec] = diff._compare_task_specs(old_spec, target)
            if target in diff.added:
                diff.added.remove(target)
    return diff


def spec_changes(source: LoadedProcess, target: LoadedProcess, mapping: Mapping[str, str]) -> SpecChanges:
    """The changes a designer maps over (the migration page's list of steps)."""
    old, new = elements(source), elements(target)
    removed: list[Element] = []
    realigned: list[tuple[Element, Element]] = []
    aligned_new: set[str] = set()
    pairs = [(source.spec, target.spec)] + [
        (spec, target.subprocess_specs[name])
        for name, spec in source.subprocess_specs.items()
        if name in target.subprocess_specs
    ]
    for original, updated in pairs:
        diff = aligned_diff(original, updated, mapping)
        for old_spec, new_spec in diff.alignment.items():
            old_id = getattr(old_spec, "bpmn_id", None)
            if old_id is None or str(old_id) not in old:
                continue
            if new_spec is None:
                removed.append(old[str(old_id)][0])
                continue
            new_id = str(getattr(new_spec, "bpmn_id", None))
            aligned_new.add(new_id)
            if new_id != old_id and new_id in new:
                realigned.append((old[str(old_id)][0], new[new_id][0]))
    added = [e for bpmn_id, (e, _) in new.items() if bpmn_id not in old and bpmn_id not in aligned_new]
    steps = [e for e, _ in new.values() if e.kind == "userTask"]
    return SpecChanges(tuple(removed), tuple(added), tuple(realigned), tuple(steps))
