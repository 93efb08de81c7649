"""更正 of an issued document (docs/documents-corrections-and-printing.md): POST /documents/{id}/correct issues
the corrected version; engine.services.document_corrections with the token's user, the checks engine.policy's."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.services import document_corrections
from engine.services.document_corrections import DocumentView
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict, UtcDateTime
from web.api.form_schemas import NOT_BLANK

_LENGTH = validate.Length(max=document_corrections.MAX_REASON, error=f"不能超过 {document_corrections.MAX_REASON} 个字")


class CorrectRequestSchema(Strict):
    # A blank reason is the service's to refuse, with its own field message (422 naming reason).
    reason = Str(
        required=True,
        validate=_LENGTH,
        metadata={
            "description": "更正原因（必填，不超过 500 字），印在更正后的文书上",
            "maxLength": document_corrections.MAX_REASON,
            "pattern": NOT_BLANK,
        },
    )


class CorrectedDocumentSchema(Schema):
    id = fields.Integer(metadata={"description": "文书 id"})
    code = fields.String(metadata={"description": "核验码"})
    title = fields.String()
    template = fields.String(metadata={"description": "文书模板名，如 confirmation_notice"})
    version = fields.Integer(metadata={"description": "版本：更正一次加 1"})
    case_number = fields.String()
    unit_name = fields.String(allow_none=True, metadata={"description": "出具单位"})
    issued_at = UtcDateTime()
    superseded = fields.Boolean(metadata={"description": "是否已被更正（更新的版本替代）"})
    replaces_id = fields.Integer(allow_none=True, metadata={"description": "所替代文书的 id"})
    replaces_code = fields.String(allow_none=True, metadata={"description": "所替代文书的核验码"})
    correction_reason = fields.String(allow_none=True)


@operation(
    "POST",
    "/documents/<id:document_id>/correct",
    summary="更正文书：按案件当前记录出具新版本，注明所替代的文书和更正原因",
    tag="cases",
    body=CorrectRequestSchema,
    response=CorrectedDocumentSchema,
    status=201,
    roles="出具单位的经办人员，或其上级县民政经办人、审批人，只限本机构辖区内的案件",
    errors=(400, 401, 403, 404, 409, 422),
    description=(
        "原文书保留并标记为已更正（superseded_at），新文书版本加 1、replaces_id 指向原文书。"
        "原文书已被更正时 409（消息中注明新版本的核验码）；更正原因为空或过长 422，fields 为 reason。"
    ),
)
def correct(document_id: int, body: dict[str, Any]) -> DocumentView:
    return document_corrections.correct(ctx(), me(), document_id, body["reason"])
