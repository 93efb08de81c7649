"""监测预警 as JSON (docs/alerts.md): a county imports a batch of alerts. engine.services.alerts validates each
row, matches, merges and opens the processes; who may is engine.policy.alerts'."""

from __future__ import annotations

import json
from typing import Any

from marshmallow import Schema, fields, validate

from engine.domain.alerts import COLUMNS
from engine.services import alerts
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict

_COLUMNS = "、".join(f"{key}（{label}）" for key, label in COLUMNS.items())


class AlertBatchRequestSchema(Strict):
    batch_id = Str(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "调用方的批次号：同一批次号、同一内容重复提交返回原结果，内容不同则 409"},
    )
    source = Str(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"description": "预警来源（各条未写来源时使用），如 医保部门"},
    )
    alerts = fields.List(
        fields.Dict(keys=fields.String(), error_messages={"invalid": "每条预警必须是对象"}),
        required=True,
        error_messages={"required": "必填", "invalid": "必须是列表"},
        metadata={"description": f"预警列表，每条一个对象，键为：{_COLUMNS}；逐条校验"},
    )


class RowProblemSchema(Schema):
    row = fields.Integer(metadata={"description": "第几条（从 1 起）"})
    field = fields.String(metadata={"description": "有问题的字段"})
    message = fields.String(metadata={"description": "中文说明"})


class AlertImportSchema(Schema):
    batch_id = fields.String()
    total = fields.Integer(metadata={"description": "提交的条数"})
    imported = fields.Integer(metadata={"description": "新登记的预警"})
    merged = fields.Integer(metadata={"description": "并入同一家庭合并期内已有预警的条数"})
    rejected = fields.Integer(metadata={"description": "未通过校验、未导入的条数"})
    opened_cases = fields.List(fields.String(), metadata={"description": "据此开启的动态复核或预警核查案件编号"})
    repeated = fields.Boolean(metadata={"description": "该批次此前已导入，返回的是当时的结果"})
    report = fields.List(fields.Nested(RowProblemSchema), metadata={"description": "逐条校验问题"})


@operation(
    "POST",
    "/alerts",
    summary="导入一批监测预警（按身份证号匹配在保家庭和在办案件，开启动态复核或预警核查）",
    tag="alerts",
    body=AlertBatchRequestSchema,
    response=AlertImportSchema,
    status=201,
    roles="本县的县民政经办人、县民政审批人",
    description=(
        "有效的各条一次导入，无效的各条只出现在 report 中；没有任何有效条目时 422，fields.rows 逐条说明，"
        "不导入任何数据。同一批次号重复提交：内容相同返回原结果（repeated 为 true），内容不同 409。"
        "同一家庭在合并期（参数 alert_merge_window_days）内的预警并入已有预警，保留较高等级。"
    ),
)
def import_batch(body: dict[str, Any]) -> dict[str, Any]:
    document = {"batch_id": body["batch_id"], "source": body.get("source"), "alerts": body["alerts"]}
    canonical = json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return alerts.import_batch(ctx(), me(), document, canonical.encode()).as_dict()
