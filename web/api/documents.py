"""文书 (docs/documents-verify-and-download.md): a case's issued documents, one document's PDF (audited
as a download) and the public, masked result of a verification code. engine.queries.documents and
engine.services.documents with the token's user; who may see what is engine.policy's."""

from __future__ import annotations

from typing import Any

from flask import Response

from engine.queries import documents as document_lists
from engine.queries.documents import PublicDocument
from engine.services import documents
from web.api.core import ctx, me, operation
from web.api.document_schemas import DocumentListSchema, PublicDocumentSchema
from web.api.errors import ApiError

_SCOPE = "案件所在村、乡镇或县的经办、审批、审计人员"
# From the list to the first document's PDF and its public check (web/api/links.py's shape).
_LIST_LINKS = {
    "GetDocument": {
        "operationId": "documents_document_pdf",
        "parameters": {"document_id": "$response.body#/documents/0/id"},
        "description": "第一份文书的 PDF",
    },
    "VerifyDocument": {
        "operationId": "documents_verify",
        "parameters": {"code": "$response.body#/documents/0/code"},
        "description": "核验第一份文书",
    },
}


@operation(
    "GET",
    "/cases/<number>/documents",
    summary="案件的文书（生成顺序），含核验码、状态和摘要",
    tag="documents",
    response=DocumentListSchema,
    roles=_SCOPE,
    errors=(401, 403, 404),
    links=_LIST_LINKS,
)
def case_documents(number: str) -> dict[str, Any]:
    return {"case_number": number, "documents": document_lists.list_for_case(ctx(), me(), number)}


@operation(
    "GET",
    "/documents/<id:document_id>",
    summary="文书的 PDF 文件（下载记入审计日志）",
    tag="documents",
    response=None,
    roles=_SCOPE,
    errors=(401, 403, 404),
    media_type="application/pdf",
    description=(
        "返回生成时保存的 PDF 原文件；文件丢失或与生成时的 sha256 不一致时拒绝（500，document_damaged）并记入审计日志。"
    ),
)
def document_pdf(document_id: int) -> Response:
    try:
        got = documents.open_for_download(ctx(), me(), document_id)
    except documents.DocumentDamaged as exc:
        raise ApiError(500, exc.code, exc.message) from None
    response = Response(got.content, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=got.document.ascii_filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@operation(
    "GET",
    "/documents/verify/<code>",
    summary="文书核验（公开）：核验码对应的文书名称、出具单位、日期、遮蔽的申请人和 sha256",
    tag="documents",
    public=True,
    response=PublicDocumentSchema,
    errors=(404,),
    description="无需令牌。核验码不区分大小写，空格、短横线可省略，O/I/L 按 0/1/1 读。不存在的核验码 404。",
)
def verify(code: str) -> PublicDocument:
    return document_lists.find_by_code(ctx(), code)
