"""Issue 14 (helper A, docs/starting-cases.md): what the token's user may start, and 延长办理期限.

GET /api/v1/cases/startable lists the processes the user's roles may start in the user's region (the
受理登记 tabs), each with its start form; POST /api/v1/cases/<number>/extend extends the legal clock once.
"""

from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from engine.domain.roles import role_label
from engine.domain.vocabulary import EXTENSION_GROUNDS
from engine.queries import starting, villages
from engine.results import CaseView
from engine.services import cases
from web.api.core import ctx, me, operation
from web.api.fields import Str, Strict
from web.api.form_schemas import NOT_BLANK
from web.api.schemas import CaseSchema


class StartableProcessSchema(Strict):
    process = fields.String(metadata={"description": "流程 ID"})
    title = fields.String(metadata={"description": "流程名称"})
    roles = fields.List(fields.String(), metadata={"description": "可以发起该流程的角色（中文名称）"})
    start_form = fields.Dict(allow_none=True, metadata={"description": "启动表单（JSON Schema 子集）；无则只需村"})


class StartableSchema(Strict):
    processes = fields.List(fields.Nested(StartableProcessSchema))


class ExtendRequestSchema(Strict):
    ground = Str(
        required=True,
        validate=validate.OneOf(list(EXTENSION_GROUNDS), error=f"必须是 {'/'.join(EXTENSION_GROUNDS)} 之一"),
        metadata={"description": "延长事由", "x-enum-descriptions": dict(EXTENSION_GROUNDS)},
    )
    reason = Str(
        required=True,
        validate=validate.Length(min=1, max=2000, error="长度须在 1 到 2000 个字之间"),
        metadata={"description": "延长说明", "pattern": NOT_BLANK},
    )


@operation(
    "GET",
    "/cases/startable",
    summary="本人可以发起的流程及其启动表单",
    tag="cases",
    response=StartableSchema,
    roles="村/社区、乡镇或县工作人员：只列出其角色可以发起的流程（由流程定义的开始事件决定）",
    errors=(401, 404),
)
def startable() -> dict[str, Any]:
    listed = starting.startable_processes(ctx(), me())
    return {
        "processes": [
            {
                "process": p.process_id,
                "title": p.title,
                "roles": sorted(role_label(r) for r in p.roles),
                "start_form": villages.start_form(ctx(), p.process_id, p.region),
            }
            for p in listed
        ]
    }


@operation(
    "POST",
    "/cases/<number>/extend",
    summary="延长法定办理时限（30 → 45 个工作日，一次）",
    tag="cases",
    body=ExtendRequestSchema,
    response=CaseSchema,
    roles="案件所在乡镇的乡镇负责人，或所在县的县民政经办人、审批人",
    errors=(400, 401, 403, 404, 409, 422),
    description="只在已受理、尚未作出决定且未延长过时可以延长；延长过或已作决定得到 409。",
)
def extend(number: str, body: dict[str, Any]) -> CaseView:
    return cases.extend_legal_clock(ctx(), number, me(), body["ground"], body["reason"])
