"""Previewing a document template as a PDF: the region's template (its draft's copy, else the deployed
file) rendered against the sample context or against a real case of the designer's region.

A preview is never an issued document: nothing is stored, its verification code is the sample's (or
none), and every page carries a 样例/预览 mark (engine.documents.samples). Rendering a real case shows
that case's data to the designer, so it is recorded as a `pii_viewed` audit event, like a revealed ID
number (engine.services.pii). A template that cannot be rendered is InvalidData naming the file, never
a server error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import TemplateError

from engine.context import Context
from engine.documents.pdf import html_to_pdf, qr_data_uri
from engine.documents.samples import (
    CASE_MARK,
    SAMPLE_MARK,
    document_title,
    mark_preview,
    preview_steps,
    sample_context,
)
from engine.documents.templates import render_html, template_problems
from engine.errors import InvalidData, NotFound, WorkflowFailed
from engine.lookups import get_case
from engine.policy import designer_region
from engine.records import audit
from engine.records.document_context import build_context
from engine.services.designer.files import designer_actor, draft_texts
from engine.services.designer.sources import file_kind, overlay_sources
from engine.workflow.document_checks import LAYOUT_PREFIX

PREVIEW_QR_TEXT = "预览文书，非正式出具，不可核验"
PREVIEW_CODE = "预览-不可核验"
LAYOUT_TITLE = "版式（供其他模板继承，不单独出具）"


@dataclass(frozen=True)
class DocumentPreview:
    filename: str
    title: str
    pdf: bytes
    case_number: str | None  # None: the sample


def region_templates(ctx: Context, username: str, region: str) -> dict[str, str]:
    """The region's document templates by file name as they would be after deploying its drafts."""
    region = designer_region(ctx, username, region)
    sources = overlay_sources(ctx, region, draft_texts(ctx, username, region))
    texts: dict[str, str] = {}
    for name, source in sources.documents.items():
        try:
            texts[name] = source.content.decode("utf-8")
        except UnicodeDecodeError:
            continue  # validation reports it; there is nothing to preview
    return texts


def preview_document(
    ctx: Context, username: str, region: str, filename: str, case_number: str | None = None
) -> DocumentPreview:
    """The template `filename` of the designer's region as a PDF, against the sample or a case of the region."""
    region = designer_region(ctx, username, region)
    if file_kind(filename) != "document":
        raise NotFound(f"只有文书模板可以预览为 PDF：{filename}")
    templates = region_templates(ctx, username, region)
    if filename not in templates:
        raise NotFound(f"地区 {region} 没有文书模板 {filename}")
    problems = template_problems(filename, templates)
    if problems:
        raise InvalidData("文书模板未通过校验，无法预览", {"file": problems})
    title = document_title(filename, templates)
    number = (case_number or "").strip() or None
    if number is None:
        context, mark = sample_context(qr_data_uri(PREVIEW_QR_TEXT)), SAMPLE_MARK
    else:
        context, mark = _case_context(ctx, username, region, number, filename), CASE_MARK
    try:
        html = render_html(filename, templates, context)
        pdf = html_to_pdf(mark_preview(html, mark), title)
    except TemplateError as exc:
        raise InvalidData("文书模板无法生成", {"file": [f"{filename}：{exc.message or exc}"]}) from None
    except WorkflowFailed as exc:
        raise InvalidData("文书模板无法生成", {"file": [f"{filename}：{exc.message}"]}) from None
    except Exception as exc:  # WeasyPrint's own failures: the designer sees what failed, not a 500
        raise InvalidData("文书模板无法生成", {"file": [f"{filename}：未能生成 PDF（{type(exc).__name__}）"]}) from None
    return DocumentPreview(filename, title, pdf, number)


def _case_context(ctx: Context, username: str, region: str, number: str, filename: str) -> dict[str, Any]:
    """The case's document context, read in a read session; the view is then audited as `pii_viewed`.
    A case of another region is NotFound (a designer does not learn that it exists)."""
    doc = {"code": PREVIEW_CODE, "version": 1, "verify_url": "（预览，无核验网址）"}
    with ctx.db.read() as session:
        try:
            case = get_case(session, number)
        except NotFound:
            case = None
        if case is None or case.region != region:
            raise NotFound(f"本地区没有案件 {number}")
        case_id = case.id
        context = build_context(session, case, None, None, doc)
    context["doc"]["qr"] = qr_data_uri(PREVIEW_QR_TEXT)
    if context["steps"]:  # the issuing step is not known in a preview: the last one completed stands in
        context["step"] = dict(context["steps"][-1])
    preview_steps(context, "")
    with ctx.db.write() as session:
        _, actor = designer_actor(session, username)
        audit.record(
            session,
            "pii_viewed",
            actor,
            case_id=case_id,
            details={
                "case_number": number,
                "fields": ["document_context"],
                "template": filename,
                "reason": f"流程设计：以本案数据预览文书模板 {filename}",
            },
        )
    return context


@dataclass(frozen=True)
class TemplateRow:
    filename: str
    title: str
    origin: str  # "default/documents/x.html", "regions/yantai/documents/x.html" or the draft's "草稿 …"


def region_documents(ctx: Context, username: str, region: str) -> list[TemplateRow]:
    """The region's templates (drafts included) with their titles, for the drafts page's list."""
    region = designer_region(ctx, username, region)
    sources = overlay_sources(ctx, region, draft_texts(ctx, username, region))
    templates = region_templates(ctx, username, region)
    return [
        TemplateRow(
            name, LAYOUT_TITLE if name.startswith(LAYOUT_PREFIX) else document_title(name, templates), source.origin
        )
        for name, source in sorted(sources.documents.items())
    ]
