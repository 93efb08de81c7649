"""A case's BPMN diagram with where it has been and where it is now (docs/contracts.md, case page).

The BPMN text comes from the case's deployed definition (the version the case runs on, never the
files in processes/ now), the states from its restored workflow. Drawing is the web layer's job
(web/kit/diagram/); this returns the data.

Which sequence flows were taken is not recorded by SpiffWorkflow, so it is derived: a flow counts as
taken when both its ends were reached (done or active), except from an active element to another
active one (an event-based gateway and the events it waits for are both waiting; nothing has moved
between them). This is an approximation: a flow between two elements that were both reached by
other paths is drawn taken too. It is exact for the procedures in processes/, whose merges take
one branch at a time.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.errors import NotFound
from engine.lookups import get_case, get_user
from engine.persistence import Case, ProcessDefinition, ProcessInstance
from engine.policy import check_may_see_case
from engine.workflow.catalog import BPMN_PREFIX
from engine.workflow.namespaces import BPMN_NS
from engine.workflow.xmlsafe import UnsafeXml, parse_xml


@dataclass(frozen=True)
class ProcessSource:
    """One process of a deployed bundle: its file's text and what the diagram needs from the model."""

    process_id: str
    title: str
    file: str
    bpmn: str
    flows: tuple[tuple[str, str, str], ...]  # (flow id, source id, target id)
    calls: dict[str, str]  # call activity id → called process id


@dataclass(frozen=True)
class DiagramView:
    case_number: str
    process_id: str  # the process drawn
    title: str
    main_process_id: str  # the case's own process
    bpmn: str
    states: dict[str, str]  # element id → "done" | "active"; the rest is pending
    flows_taken: frozenset[str]
    calls: dict[str, str]  # call activity id → called process id, only those in the bundle (drillable)
    process_titles: dict[str, str]  # every process of the case's bundle
    instance_status: str

    @property
    def reached(self) -> bool:
        """Whether the case ever entered this process (a called one may not have started yet)."""
        return bool(self.states)

    @property
    def active(self) -> list[str]:
        return sorted(element for element, state in self.states.items() if state == "active")


# Bundles are content-addressed (bundle_hash), so what is parsed from one never goes stale.
_SOURCES: dict[str, dict[str, ProcessSource]] = {}
_LOCK = threading.Lock()


def bundle_processes(definition: ProcessDefinition) -> dict[str, ProcessSource]:
    """Every process the definition's BPMN files hold, by process id (parsed once per bundle)."""
    cached = _SOURCES.get(definition.bundle_hash)
    if cached is not None:
        return cached
    found: dict[str, ProcessSource] = {}
    for name, text in sorted(definition.files.items()):
        if not name.startswith(BPMN_PREFIX) or not isinstance(text, str):
            continue
        try:
            root = parse_xml(text.encode()).getroot()
        except UnsafeXml:
            continue  # refused at deployment already; nothing to draw
        for process in root.iter(f"{{{BPMN_NS}}}process"):
            process_id = str(process.get("id") or "")
            if process_id:
                found[process_id] = _source(process_id, name, text, process)
    with _LOCK:
        _SOURCES[definition.bundle_hash] = found
    return found


def _source(process_id: str, file: str, text: str, process: etree._Element) -> ProcessSource:
    flows = tuple(
        (str(flow.get("id")), str(flow.get("sourceRef")), str(flow.get("targetRef")))
        for flow in process.iter(f"{{{BPMN_NS}}}sequenceFlow")
        if flow.get("id")
    )
    calls = {
        str(call.get("id")): str(call.get("calledElement"))
        for call in process.iter(f"{{{BPMN_NS}}}callActivity")
        if call.get("id") and call.get("calledElement")
    }
    title = (process.get("name") or "").strip() or process_id
    return ProcessSource(process_id, title, file.removeprefix(BPMN_PREFIX), text, flows, calls)


def flows_taken(flows: tuple[tuple[str, str, str], ...], states: dict[str, str]) -> frozenset[str]:
    """The approximation described in the module docstring."""
    taken = set()
    for flow_id, source, target in flows:
        ends = (states.get(source), states.get(target))
        if None not in ends and ends != ("active", "active"):
            taken.add(flow_id)
    return frozenset(taken)


def case_diagram(ctx: Context, number: str, username: str, process_id: str | None = None) -> DiagramView:
    """The diagram of the case's process, or of `process_id` when it is one the case's bundle holds
    (a called process: 公示, 民主评议, 渐退 …), with the case's done and active elements."""
    with ctx.db.read() as session:
        case = get_case(session, number)
        check_may_see_case(get_user(session, username), case)
        instance = latest_instance(session, case)
        states = ctx.process(instance.definition).read(instance.state).element_states() if instance.state else {}
        return diagram_view(case, instance, states, process_id)


def latest_instance(session: Session, case: Case) -> ProcessInstance:
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id.desc())
    ).first()
    if instance is None:
        raise NotFound(f"案件 {case.number} 没有流程实例")
    return instance


def diagram_view(
    case: Case, instance: ProcessInstance, all_states: dict[str, dict[str, str]], process_id: str | None = None
) -> DiagramView:
    """The view from states a caller has already read off the instance's workflow (one restore per page)."""
    definition = instance.definition
    main = definition.process_id
    sources = bundle_processes(definition)
    wanted = process_id or main
    source = sources.get(wanted)
    if source is None:
        raise NotFound(f"案件 {case.number} 的流程中没有 {wanted}")
    states = dict(all_states.get(wanted, {}))
    # An embedded subprocess runs as a workflow of its own but is drawn inside its parent's diagram.
    for name, elements in all_states.items():
        if name not in sources:
            for element, state in elements.items():
                states.setdefault(element, state)
    return DiagramView(
        case_number=case.number,
        process_id=wanted,
        title=source.title,
        main_process_id=main,
        bpmn=source.bpmn,
        states=states,
        flows_taken=flows_taken(source.flows, states),
        calls={call: called for call, called in source.calls.items() if called in sources},
        process_titles={pid: s.title for pid, s in sources.items()},
        instance_status=instance.status,
    )
