"""The decision context of a task as the JSON API gives it (docs/decision-context.md): panels of
labelled, readable values, 身份证号 masked."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from engine.domain.vocabulary import CONTEXT_PANELS


class ContextItemSchema(Schema):
    label = fields.String(required=True, metadata={"description": "中文名称，如“补差金额”"})
    value = fields.String(
        required=True, metadata={"description": "供阅读的取值（金额带“元”，身份证号已脱敏），如“900.00 元/月”"}
    )


class ContextGroupSchema(Schema):
    title = fields.String(
        required=True, metadata={"description": "一条记录的标题：一名家庭成员、一条异议、一次入户调查"}
    )
    items = fields.List(fields.Nested(ContextItemSchema), required=True)


class ContextPanelSchema(Schema):
    name = fields.String(
        required=True,
        validate=validate.OneOf(list(CONTEXT_PANELS)),
        metadata={
            "description": "面板名称（BPMN 用户任务的 contextPanels 属性所列）",
            "x-enum-descriptions": CONTEXT_PANELS,
        },
    )
    title = fields.String(required=True, metadata={"description": "面板的中文标题"})
    items = fields.List(fields.Nested(ContextItemSchema), required=True)
    groups = fields.List(fields.Nested(ContextGroupSchema), required=True)
    basis = fields.List(
        fields.String(), required=True, metadata={"description": "计算依据（家庭经济状况评估的逐条说明）"}
    )
    empty = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "尚无内容时的说明（如“尚无入户调查记录”），有内容时为 null"},
    )
