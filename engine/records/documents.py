"""Issuing official documents, in the transaction of the step that issues them (docs/documents.md).

When a step passes an element that declares documents (engine.workflow.documents), each is rendered to
HTML from the case record (engine.records.document_context) with the template of the case's own process
version and recorded: a row holding the HTML and a `document_issued` audit event carrying the HTML's
sha256, the template's hash and the data's hash. All of it inside the step's transaction, so a step that
completes has issued its documents (their words fixed), and a template that cannot be rendered fails the
step with nothing written (DocumentFailed; the case stays where it was and the clerk may try again).

The PDF is printed later (engine.records.document_rendering: the worker, or the first reader that needs
it): WeasyPrint takes 120–250 ms of CPU per document against ~8 ms for the rest of a step, so printing
inside the step capped the real procedure's throughput (docs/documents.md#issuing).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from jinja2 import TemplateError
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.documents.pdf import qr_stand_in
from engine.documents.templates import html_title, render_html, templates_used
from engine.domain.document_codes import new_code
from engine.errors import WorkflowFailed
from engine.persistence import Case, HumanTask, IssuedDocument, OrgUnit, ProcessInstance
from engine.records import audit
from engine.records.document_context import build_context
from engine.workflow.documents import template_file
from engine.workflow.isolated import IsolatedProcess, IsolatedRun

VERIFY_PATH = "/public/verify/"


class DocumentFailed(WorkflowFailed):
    """A document could not be issued. Unlike a script's failure it does not park the instance
    (engine.records.advancing): the step's transaction rolls back and the case stays where it was."""

    parks_instance = False


def issue_passed(
    ctx: Context, session: Session, case: Case, instance: ProcessInstance, run: IsolatedRun, actor: audit.Actor
) -> list[IssuedDocument]:
    """The documents of every element the run's last step passed."""
    issued: list[IssuedDocument] = []
    for element in run.passed():
        names = run.process.documents_of(element.process_id, element.element_id)
        task = _task_of(session, instance.id, element.spiff_task_id)
        for name in names:
            issued.append(
                issue(ctx, session, case, instance, run.process, name, actor, task=task, element=element.element_id)
            )
    return issued


def issue(
    ctx: Context,
    session: Session,
    case: Case,
    instance: ProcessInstance | None,
    process: IsolatedProcess,
    name: str,
    actor: audit.Actor,
    *,
    task: HumanTask | None = None,
    element: str | None = None,
    replaces: IssuedDocument | None = None,
    reason: str | None = None,
    issuer: OrgUnit | None = None,
) -> IssuedDocument:
    """Render to HTML and record one document, its PDF pending; DocumentFailed (nothing written) if it cannot be."""
    file, templates = _templates(process, name, element)
    doc = _doc_values(ctx, session, replaces, reason)
    issuer = _issuing_unit(session, case, task, replaces, issuer)
    context = build_context(
        session, case, task, issuer, doc, process_title=_title_of(instance), parameters=process.parameters
    )
    data_hash = _hash_json(context)
    printed = {**context, "doc": {**context["doc"], "qr": qr_stand_in(doc["verify_url"])}}
    title, html = _render(file, templates, printed, element)
    row = IssuedDocument(
        case_id=case.id,
        instance_id=instance.id if instance else None,
        task_id=task.id if task else None,
        definition_id=instance.definition_id if instance else None,
        process_id=instance.definition.process_id if instance else None,
        element_id=element,
        template=name,
        title=title,
        version=doc["version"],
        replaces_id=replaces.id if replaces else None,
        correction_reason=reason,
        code=doc["code"],
        html=html,
        html_sha256=hashlib.sha256(html.encode()).hexdigest(),
        template_hash=_template_hash(file, templates),
        data_hash=data_hash,
        context=context,
        issuing_unit_id=issuer.id if issuer else None,
        issued_at=utcnow(),
        issued_by_id=actor.user_id,
        applicant_masked=context["case"]["applicant_masked"],
        unit_name=context["issuer"]["unit"],
    )
    if replaces is not None:
        replaces.superseded_at = row.issued_at
    session.add(row)
    session.flush()
    _audit(session, row, case, actor)
    return row


def _templates(process: IsolatedProcess, name: str, element: str | None) -> tuple[str, Mapping[str, str]]:
    """The document's template file and the templates of the case's own process version."""
    file, templates = template_file(name), process.document_templates
    if file not in templates:
        raise DocumentFailed(f"文书模板 {name} 不在本案流程版本的流程包中", element)
    return file, templates


def _doc_values(ctx: Context, session: Session, replaces: IssuedDocument | None, reason: str | None) -> dict[str, Any]:
    """The document's own fields: a new code, its version and what it corrects."""
    code = _unused_code(session)
    return {
        "code": code,
        "version": (replaces.version + 1) if replaces else 1,
        "verify_url": f"{ctx.settings.public_url}{VERIFY_PATH}{code}",
        "replaces_code": replaces.code if replaces else None,
        "correction_reason": reason,
    }


def _issuing_unit(
    session: Session, case: Case, task: HumanTask | None, replaces: IssuedDocument | None, given: OrgUnit | None
) -> OrgUnit | None:
    """A correction goes out in the name of the unit that issued the original, whoever corrects it; a case
    action (终止) in the name of the unit of the person who took it (`given`); otherwise see _issuer."""
    if replaces is not None and replaces.issuing_unit is not None:
        return replaces.issuing_unit
    return given or _issuer(session, case, task)


def _render(
    file: str, templates: Mapping[str, str], context: Mapping[str, Any], element: str | None
) -> tuple[str, str]:
    """The title and the HTML; the step fails on a template that cannot be rendered."""
    try:
        html = render_html(file, templates, context)
    except TemplateError as exc:
        raise DocumentFailed(f"文书模板 {file} 无法生成：{exc}", element) from None
    return html_title(html) or file.removesuffix(".html"), html


def _audit(session: Session, row: IssuedDocument, case: Case, actor: audit.Actor) -> None:
    audit.record(
        session,
        "document_issued",
        actor,
        case_id=case.id,
        instance_id=row.instance_id,
        task_id=row.task_id,
        details={
            "document_id": row.id,
            "template": row.template,
            "title": row.title,
            "code": row.code,
            "version": row.version,
            "replaces": row.replaces_id,
            "html_sha256": row.html_sha256,  # the PDF's sha256 follows in `document_rendered`
            "template_hash": row.template_hash,
            "data_hash": row.data_hash,
        },
    )


def _task_of(session: Session, instance_id: int, spiff_task_id: str) -> HumanTask | None:
    query = (
        select(HumanTask)
        .where(HumanTask.instance_id == instance_id, HumanTask.spiff_task_id == spiff_task_id)
        .order_by(HumanTask.id.desc())
    )
    return session.scalars(query).first()


def _issuer(session: Session, case: Case, task: HumanTask | None) -> OrgUnit | None:
    """The unit in whose name the document goes out: the issuing step's unit; for an event, the unit
    of the step completed last (the one whose decision led there); else the county."""
    if task is not None:
        return task.org_unit
    last = session.scalars(
        select(HumanTask)
        .where(HumanTask.case_id == case.id, HumanTask.state == "completed")
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
    ).first()
    if last is not None:
        return last.org_unit
    return session.get(OrgUnit, case.county_id) if case.county_id else None


def _title_of(instance: ProcessInstance | None) -> str | None:
    return instance.definition.title if instance is not None else None


def _unused_code(session: Session) -> str:
    for _ in range(5):
        code = new_code()
        if session.scalar(select(IssuedDocument.id).where(IssuedDocument.code == code)) is None:
            return code
    raise DocumentFailed("未能生成文书核验码，请重试")


def _hash_json(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _template_hash(file: str, templates: Mapping[str, str]) -> str:
    used = sorted(templates_used(file, templates))
    return _hash_json({name: templates[name] for name in used})
