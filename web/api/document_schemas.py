"""Response schemas of the 文书 API (web.api.documents): staff's list of a case's documents and the public,
masked result of a verification code."""

from __future__ import annotations

from marshmallow import Schema, fields

from web.api.fields import UtcDateTime


class DocumentSchema(Schema):
    id = fields.Integer(metadata={"description": "文书 ID：GET /api/v1/documents/{document_id} 取 PDF"})
    case_number = fields.String()
    task_id = fields.Integer(allow_none=True, metadata={"description": "生成它的任务；由事件生成时为空"})
    task_title = fields.String(allow_none=True)
    template = fields.String(metadata={"description": "模板名，如 confirmation_notice"})
    title = fields.String(metadata={"description": "文书名称，如 最低生活保障确认通知书"})
    version = fields.Integer(metadata={"description": "版本：更正后的文书版本加 1"})
    code = fields.String(metadata={"description": "核验码，如 7K3M-9QXP-2D4F"})
    sha256 = fields.String(allow_none=True, metadata={"description": "PDF 文件的 sha256（尚未生成时为 null）"})
    size = fields.Integer(allow_none=True, metadata={"description": "PDF 文件大小（字节；尚未生成时为 null）"})
    template_hash = fields.String()
    data_hash = fields.String()
    issued_at = UtcDateTime()
    issued_by_name = fields.String(allow_none=True)
    unit_name = fields.String(allow_none=True, metadata={"description": "出具单位"})
    current = fields.Boolean(metadata={"description": "是否有效（未被更正）"})
    status_label = fields.String(metadata={"description": "状态：有效 / 已更正（被 XXXX-XXXX-XXXX 替代）"})
    replaced_by_code = fields.String(allow_none=True, metadata={"description": "更正它的文书的核验码"})
    replaces_code = fields.String(allow_none=True, metadata={"description": "它更正的文书的核验码"})
    correction_reason = fields.String(allow_none=True)
    issued_event_seq = fields.Integer(allow_none=True, metadata={"description": "document_issued 审计事件的序号"})


class DocumentListSchema(Schema):
    case_number = fields.String()
    documents = fields.List(fields.Nested(DocumentSchema))


class PublicDocumentSchema(Schema):
    """What anyone may learn from a code: as printed on the paper, the applicant's name masked."""

    code = fields.String()
    title = fields.String()
    unit_name = fields.String(allow_none=True, metadata={"description": "出具单位"})
    issued_on = fields.Date(metadata={"description": "出具日期（北京时间）"})
    applicant_masked = fields.String(allow_none=True, metadata={"description": "申请人姓名（遮蔽，如 张*）"})
    sha256 = fields.String(metadata={"description": "PDF 文件的 sha256：与持有的文件比对"})
    version = fields.Integer()
    current = fields.Boolean(metadata={"description": "是否有效（未被更正）"})
    status_label = fields.String(metadata={"description": "状态：有效 / 已更正（被 XXXX-XXXX-XXXX 替代）"})
    replaced_by_code = fields.String(allow_none=True)
    replaces_code = fields.String(allow_none=True)
