"""Migrating running cases to a newer process version as JSON (docs/process-migration.md): one route,
a dry run or the migration itself; the checks are the service's."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.services import migration
from web.api.core import ctx, me, operation
from web.api.fields import Bool, Int, Str, Strict

_STEP_ID = Str(validate=validate.Length(min=1, max=100, error="长度须在 1 到 100 个字符之间"))
_NUMBER = Str(validate=validate.Length(min=1, max=32, error="长度须在 1 到 32 个字符之间"))


class MigrationRequestSchema(Strict):
    region = Str(
        required=True, validate=validate.Length(min=1, max=32), metadata={"description": "地区（本人所在地区）"}
    )
    to_version = Int(
        required=True, validate=validate.Range(min=1, max=1_000_000), metadata={"description": "目标版本号"}
    )
    mapping = fields.Dict(
        keys=_STEP_ID,
        values=_STEP_ID,
        load_default=dict,
        validate=validate.Length(max=200),
        metadata={"description": "步骤映射：原版本步骤标识 → 新版本步骤标识（改名或删除的步骤）"},
    )
    cases = fields.List(
        _NUMBER,
        load_default=None,
        validate=validate.Length(min=1, max=10_000),
        metadata={"description": "只迁移这些案件（案件号）；省略时为该流程所有运行中且版本较旧的案件"},
    )
    dry_run = Bool(load_default=True, metadata={"description": "true（默认）只预览；false 执行迁移"})
    expected = fields.Dict(
        keys=_NUMBER,
        values=Int(validate=validate.Range(min=1, max=2**31 - 1)),
        load_default=None,
        metadata={"description": "预览时各案件的 lock_version；执行时案件已有变化的不迁移"},
    )


class StepSchema(Schema):
    name = fields.String(metadata={"description": "步骤标识（BPMN id）"})
    title = fields.String()
    kind = fields.String(metadata={"description": "task：待办任务；waiting：等待（定时、消息）"})


class StepRefSchema(Schema):
    bpmn_id = fields.String()
    title = fields.String()


class RealignedSchema(Schema):
    old = fields.Nested(StepRefSchema)
    new = fields.Nested(StepRefSchema)


class ChangesSchema(Schema):
    removed = fields.List(fields.Nested(StepRefSchema))
    added = fields.List(fields.Nested(StepRefSchema))
    realigned = fields.Method("_realigned")
    target_steps = fields.List(fields.Nested(StepRefSchema))

    def _realigned(self, changes: Any) -> list[dict[str, Any]]:
        return [RealignedSchema().dump({"old": old, "new": new}) for old, new in changes.realigned]


class CaseRowSchema(Schema):
    number = fields.String()
    from_version = fields.Integer()
    lock_version = fields.Integer()
    before = fields.List(fields.Nested(StepSchema))
    after = fields.List(fields.Nested(StepSchema))
    kept = fields.List(fields.Nested(StepSchema))
    created = fields.List(fields.Nested(StepSchema))
    cancelled = fields.List(fields.Nested(StepSchema))
    ok = fields.Boolean(metadata={"description": "能否迁移"})
    reason = fields.String(allow_none=True, metadata={"description": "不能迁移（或未迁移）的原因"})
    migrated = fields.Boolean()


class MigrationTableSchema(Schema):
    process_id = fields.String()
    region = fields.String()
    title = fields.String()
    to_version = fields.Integer()
    mapping = fields.Dict(keys=fields.String(), values=fields.String())
    executed = fields.Boolean()
    movable = fields.Integer()
    migrated = fields.Integer()
    changes = fields.Nested(ChangesSchema)
    rows = fields.List(fields.Nested(CaseRowSchema))


@operation(
    "POST",
    "/processes/<process_id>/migrations",
    summary="把运行中的案件迁移到流程的新版本（预览或执行）",
    tag="processes",
    body=MigrationRequestSchema,
    response=MigrationTableSchema,
    roles="本地区的流程设计（designer）或县级系统管理（admin）",
    errors=(400, 401, 403, 404, 422),
    description=(
        "dry_run 为 true 时逐案列出当前所处、迁移后所处、保留/新建/撤销的待办和不能迁移的原因，不做任何更改；"
        "为 false 时逐案在各自的事务中迁移，不能迁移的案件留在原版本（rows[].reason）。"
        "其他地区、不存在的版本、更早的版本、映射到不存在的步骤得到 403/404/422，不做任何更改。"
    ),
)
def migrate(process_id: str, body: dict[str, Any]) -> migration.MigrationTable:
    args = (ctx(), me(), process_id, body["region"], body["to_version"], body["mapping"], body["cases"])
    if body["dry_run"]:
        return migration.dry_run(*args)
    return migration.execute(*args, expected=body["expected"])
