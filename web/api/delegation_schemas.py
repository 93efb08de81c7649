"""The 委派 part of a task's JSON (docs/delegation.md), apart from web.api.schemas to keep that module small."""

from __future__ import annotations

from marshmallow import Schema, fields

from web.api.fields import UtcDateTime


class DelegationSchema(Schema):
    """委派 (docs/delegation.md): who fills the task in for its holder; handed_back_at once it came back."""

    delegate = fields.String(metadata={"description": "被委派人用户名"})
    delegate_name = fields.String(metadata={"description": "被委派人姓名"})
    delegated_at = UtcDateTime()
    note = fields.String(allow_none=True, metadata={"description": "委派说明"})
    handed_back_at = UtcDateTime(allow_none=True, metadata={"description": "交回时间；为空表示仍在被委派人处"})
    hand_back_note = fields.String(allow_none=True, metadata={"description": "交回说明"})
    # From handed_back_at: the inbox dumps the summary as a dict (dataclasses.asdict), the task detail as is.
    active = fields.Function(
        lambda d: (d.get("handed_back_at") if isinstance(d, dict) else d.handed_back_at) is None,
        metadata={"type": "boolean", "description": "仍在被委派人处（未交回）"},
    )
