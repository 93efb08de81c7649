"""Which documents a BPMN element issues (docs/documents.md#declaring), and which elements a step passed.

A task or event declares them as a Spiff extension property, names of templates in the region's
documents/ folder without ".html":

    <spiffworkflow:property name="documents" value="approval_form, confirmation_notice" />

The same property on the <bpmn:process> element names documents a case action issues outside the flow
(the 终止 notice). Properties are read from the XML, so every kind of element (script tasks, end events)
can declare them, whatever Spiff's parser keeps of their extensions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lxml import etree
from SpiffWorkflow.util.task import TaskState

from engine.workflow.namespaces import BPMN_NS, SPIFF_NS

if TYPE_CHECKING:  # runtime imports this module for LoadedProcess.documents
    from engine.workflow.runtime import WorkflowRun

PROPERTY = "documents"
TEMPLATE_PREFIX = "documents/"
TEMPLATE_SUFFIX = ".html"
PROCESS_LEVEL = ""  # the element id under which a process's own (case action) documents are kept


@dataclass(frozen=True)
class Declaration:
    process_id: str
    element_id: str  # PROCESS_LEVEL for the <bpmn:process> element itself
    element_name: str
    documents: tuple[str, ...]
    form_key: str | None  # the user task's form, whose fields `step.values` may read


@dataclass(frozen=True)
class PassedElement:
    """An element that completed during one engine step (reported by the engine host)."""

    process_id: str
    element_id: str
    spiff_task_id: str


def template_file(document: str) -> str:
    return f"{document}{TEMPLATE_SUFFIX}"


def split_documents(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def _properties(element: etree._Element) -> dict[str, str]:
    found: dict[str, str] = {}
    extensions = element.find(f"{{{BPMN_NS}}}extensionElements")
    if extensions is None:
        return found
    for group in extensions.findall(f"{{{SPIFF_NS}}}properties"):
        for prop in group.findall(f"{{{SPIFF_NS}}}property"):
            found[str(prop.get("name") or "")] = str(prop.get("value") or "")
    return found


def declarations(trees: Iterable[etree._ElementTree]) -> list[Declaration]:
    """Every element of the files that declares documents, in file order."""
    found: list[Declaration] = []
    for tree in trees:
        for process in tree.getroot().iter(f"{{{BPMN_NS}}}process"):
            process_id = str(process.get("id") or "")
            for element in process.iter():
                if not isinstance(element.tag, str) or element.tag == f"{{{BPMN_NS}}}extensionElements":
                    continue
                properties = _properties(element)
                if PROPERTY not in properties:
                    continue
                element_id = PROCESS_LEVEL if element is process else str(element.get("id") or "")
                found.append(
                    Declaration(
                        process_id,
                        element_id,
                        str(element.get("name") or element_id),
                        split_documents(properties[PROPERTY]),
                        properties.get("formKey") or None,
                    )
                )
    return found


def documents_by_element(trees: Iterable[etree._ElementTree]) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(d.process_id, d.element_id): d.documents for d in declarations(trees) if d.documents}


def bundle_templates(files: Mapping[str, str]) -> dict[str, str]:
    """The document templates a deployed bundle carries, by file name ("approval_form.html")."""
    return {name[len(TEMPLATE_PREFIX) :]: text for name, text in files.items() if name.startswith(TEMPLATE_PREFIX)}


def completed_ids(run: WorkflowRun) -> set[str]:
    return {str(task.id) for task in run._workflow.get_tasks(state=TaskState.COMPLETED)}


def passed_elements(run: WorkflowRun, before: set[str]) -> tuple[PassedElement, ...]:
    """The BPMN elements whose tasks completed since `before` (completed_ids taken before the step)."""
    passed: list[PassedElement] = []
    for task in run._workflow.get_tasks(state=TaskState.COMPLETED):
        bpmn_id = getattr(task.task_spec, "bpmn_id", None)
        if bpmn_id is None or str(task.id) in before:
            continue
        passed.append(PassedElement(str(task.workflow.spec.name), str(bpmn_id), str(task.id)))
    return tuple(passed)
