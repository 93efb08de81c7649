"""Who may start a process (issue 14, docs/starting-cases.md): read from the BPMN, checked at deploy.

A process says it in one of two ways:
- its start event carries `<spiffworkflow:property name="startRoles" value="village_assistant, township_clerk"/>`
  (role keys or their Chinese labels, comma-separated): exactly those roles may start it;
- otherwise the lane that holds its start event names the one role that may start it.
A process with neither (no lanes at all, as in small test bundles) says nothing, and the caller falls
back to the general rule of engine.policy.

Why both: a lane says who works the first step, and for most procedures that is who registers it. The
低保 application is the exception the rules name: the village assistant helps a household apply and the
township takes it (审确 Art. 10), so three roles register it while the township clerk's lane holds the
start. A property the designer edits says so without drawing the start event into the wrong lane.

A process only the system's background jobs open (特困人员探访, opened by the worker each month) says
`value="system"` (or 系统): no person's role is in it, so 受理登记 does not offer it and a person's start
is refused, while the job starts it with `by_system` (engine.services.cases.prepare_start).

Read with lxml from the stored files, like engine.queries.startable reads the call activities: what is
deployed never changes, and no SpiffWorkflow parse is needed to answer a permission question.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from lxml import etree

from engine.domain.roles import role_for_lane, split_roles
from engine.errors import Problem
from engine.workflow.namespaces import BPMN_NS, SPIFF_NS
from engine.workflow.xmlsafe import UnsafeXml, parse_xml

PROPERTY = "startRoles"
SYSTEM = "system"  # the pseudo-role of a process only the system's jobs start
SYSTEM_ONLY = frozenset({SYSTEM})
_SYSTEM_NAMES = frozenset({SYSTEM, "系统"})
_SPIFF_PROPERTY = f"{{{SPIFF_NS}}}property"


def _start_events(process: etree._Element) -> list[etree._Element]:
    return [child for child in process if child.tag == f"{{{BPMN_NS}}}startEvent"]


def _declared(start: etree._Element) -> str | None:
    for node in start.iter(_SPIFF_PROPERTY):
        if node.get("name") == PROPERTY:
            return node.get("value") or ""
    return None


def _lane_role(process: etree._Element, element_id: str) -> str | None:
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        refs = {(ref.text or "").strip() for ref in lane.iter(f"{{{BPMN_NS}}}flowNodeRef")}
        if element_id in refs:
            return role_for_lane(lane.get("name"))
    return None


def starters_of(root: etree._Element) -> dict[str, frozenset[str] | None]:
    """Each process of a BPMN file → the roles that may start it (None: the file does not say)."""
    result: dict[str, frozenset[str] | None] = {}
    for process in root.iter(f"{{{BPMN_NS}}}process"):
        process_id = process.get("id") or ""
        roles: frozenset[str] | None = None
        for start in _start_events(process):
            declared = _declared(start)
            if declared is not None:
                roles = SYSTEM_ONLY if _system_only(declared) else frozenset(split_roles(declared)[0])
                break
            lane = _lane_role(process, start.get("id") or "")
            if lane is not None:
                roles = frozenset({lane})
        result[process_id] = roles
    return result


def bundle_starters(files: Mapping[str, Any], bpmn_prefix: str) -> dict[str, frozenset[str] | None]:
    """Every process of a stored bundle (its files by name) → who may start it."""
    result: dict[str, frozenset[str] | None] = {}
    for name, text in files.items():
        if not name.startswith(bpmn_prefix) or not isinstance(text, str):
            continue
        try:
            result.update(starters_of(parse_xml(text.encode()).getroot()))
        except UnsafeXml:  # refused at deploy already: nothing deployed is unparsable
            continue
    return result


def check_start_roles(trees: Mapping[str, etree._ElementTree]) -> Iterator[Problem]:
    """Deploy check: a startRoles value names casework roles only, and at least one."""
    for origin, tree in trees.items():
        for start in tree.iter(f"{{{BPMN_NS}}}startEvent"):
            declared = _declared(start)
            if declared is None:
                continue
            if _system_only(declared):
                continue
            known, unknown = split_roles(declared)
            where = f"开始事件“{start.get('name') or start.get('id')}”的 {PROPERTY}"
            if unknown:
                names = "、".join(unknown)
                yield Problem(origin, f"{where}含有未知的办案角色：{names}", start.get("id"), start.sourceline)
            elif not known:
                yield Problem(origin, f"{where}为空：请列出可以发起该流程的角色", start.get("id"), start.sourceline)


def _system_only(declared: str) -> bool:
    return declared.strip() in _SYSTEM_NAMES
