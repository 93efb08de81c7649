"""政策模拟测算 as JSON (docs/policy-simulation.md): start a what-if run, read its progress and result.
engine.services.simulation validates and runs; who may (and over which county) is engine.policy's."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields, validate

from engine.domain.simulation_parameters import Override
from engine.queries import simulation as reads
from engine.services import simulation
from web.api.core import ctx, me, operation
from web.api.fields import Bool, Str, Strict, UtcDateTime

_DATE: dict[str, Any] = {"required": "必填", "null": "不能为 null", "invalid": "必须是日期（YYYY-MM-DD）"}
_WHO = "本地区的流程设计人员（全地区，可用参数草稿），或县民政经办人、审批人（本县，直接填写参数）"


class OverrideSchema(Strict):
    name = Str(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "参数名，如 dibao_standard_urban"},
    )
    value = Str(
        required=True, validate=validate.Length(min=1, max=200), metadata={"description": "取值，如 850 或 1.5"}
    )
    effective = fields.Date(required=True, error_messages=_DATE, metadata={"description": "生效日期"})


class SimulationRequestSchema(Strict):
    use_draft = Bool(load_default=False, metadata={"description": "以本地区的参数草稿为拟议参数（仅流程设计人员）"})
    parameters = fields.List(
        fields.Nested(OverrideSchema),
        load_default=list,
        validate=validate.Length(max=20, error="最多 20 项"),
        error_messages={"invalid": "必须是列表"},
        metadata={"description": "直接填写的拟议参数，叠加在现行参数（或草稿）之上"},
    )
    as_of = fields.Date(
        load_default=None,
        error_messages=_DATE,
        metadata={"description": "测算日期；不填时取今天与生效日期中较晚的一天"},
    )


class SimulationGroupSchema(Schema):
    name = fields.String(metadata={"description": "乡镇名称、类别代码（dibao/marginal/none）或来源（enrollment/case）"})
    households = fields.Integer()
    affected = fields.Integer()
    old_monthly = fields.String(metadata={"description": "现行参数下每月金额（元）"})
    new_monthly = fields.String(metadata={"description": "拟议参数下每月金额（元）"})
    monthly_difference = fields.String()
    yearly_difference = fields.String(metadata={"description": "每月变化 × 12"})


class SummarySchema(Schema):
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={"description": "按结果的户数"})
    total = fields.Nested(SimulationGroupSchema)
    by_township = fields.List(fields.Nested(SimulationGroupSchema))
    by_category = fields.List(fields.Nested(SimulationGroupSchema))
    by_source = fields.List(fields.Nested(SimulationGroupSchema))


class ChangeSchema(Schema):
    name = fields.String()
    label = fields.String()
    old = fields.String()
    new = fields.String()


class SimulationSchema(Schema):
    id = fields.Integer()
    region = fields.String()
    scope_name = fields.String(metadata={"description": "范围：全地区或县名"})
    source = fields.String(metadata={"description": "draft（参数草稿）或 typed（直接填写）"})
    as_of = fields.Date()
    status = fields.String(metadata={"description": "queued、running、done 或 failed"})
    status_label = fields.String()
    total = fields.Integer(metadata={"description": "要测算的户数"})
    done = fields.Integer(metadata={"description": "已测算的户数"})
    percent = fields.Integer()
    created_at = UtcDateTime()
    finished_at = UtcDateTime(allow_none=True)
    changes = fields.List(fields.Nested(ChangeSchema))
    error = fields.String(allow_none=True)
    summary = fields.Nested(SummarySchema, allow_none=True)


@operation(
    "POST",
    "/simulations",
    summary="政策模拟测算：按拟议参数重新测算在保家庭和近 12 个月已决定的申请（不改变任何数据）",
    tag="simulations",
    body=SimulationRequestSchema,
    response=SimulationSchema,
    status=202,
    roles=_WHO,
    description=(
        "先校验拟议参数，通过后在后台测算，返回排队中的测算；用 GET /simulations/{simulation_id} 查看进度和结果。"
        "参数未通过校验时 422，fields.parameters 逐条写明哪个参数有什么问题，不进行测算。"
    ),
)
def start(body: dict[str, Any]) -> reads.JobView:
    overrides = [Override(p["name"], p["value"], p["effective"]) for p in body["parameters"]]
    as_of: date | None = body.get("as_of")
    job_id = simulation.start(ctx(), me(), use_draft=body["use_draft"], overrides=overrides, as_of=as_of)
    simulation.launch(ctx(), job_id)
    return reads.job(ctx(), me(), job_id)


@operation(
    "GET",
    "/simulations/<id:simulation_id>",
    summary="一次政策模拟测算的进度和结果",
    tag="simulations",
    response=SimulationSchema,
    roles=_WHO,
    description="status 为 done 时 summary 给出按结果的户数和按乡镇、类别、来源的每月与全年金额变化。",
)
def show(simulation_id: int) -> reads.JobView:
    return reads.job(ctx(), me(), simulation_id)
