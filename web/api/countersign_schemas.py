"""会签 in the API (docs/countersign.md): the member of a task and its round's progress, nested in the task
detail (web.api.schemas.TaskDetailSchema)."""

from __future__ import annotations

from marshmallow import Schema, fields

from web.api.fields import UtcDateTime


class CountersignEntrySchema(Schema):
    task_id = fields.Integer()
    member = fields.String(metadata={"description": "成员姓名"})
    state = fields.String(metadata={"enum": ["signed", "pending", "withdrawn"]})
    state_label = fields.String()
    signed_by = fields.String(allow_none=True)
    signed_at = UtcDateTime(allow_none=True)
    decision = fields.String(allow_none=True)
    decision_label = fields.String(allow_none=True)
    opinion = fields.String(allow_none=True)


class CountersignSchema(Schema):
    member = fields.String(metadata={"description": "本任务的成员"})
    total = fields.Integer()
    signed = fields.Integer()
    pending = fields.Integer()
    entries = fields.List(fields.Nested(CountersignEntrySchema))
