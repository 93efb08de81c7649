"""发放名册 as JSON (docs/payments.md): one roster's header, its totals by township and category and a page of
its lines (身份证号 masked), as engine.queries.payroll reads them for the token's user."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.domain.payroll import CATEGORIES, LINE_KINDS
from engine.queries import payroll
from web.api.core import ctx, me, operation
from web.api.fields import Int, Str, Strict, UtcDateTime
from web.api.schemas import _text


class RosterQuerySchema(Strict):
    page = Int(load_default=1, validate=validate.Range(min=1, max=10**6, error="必须在 1 到 1000000 之间"))
    township = _text(64, required=False, description="只看该乡镇（街道）（机构代码）")
    category = Str(
        load_default=None,
        validate=validate.OneOf(list(CATEGORIES), error=f"必须是 {'/'.join(CATEGORIES)} 之一"),
        metadata={"description": "保障类别", "x-enum-descriptions": CATEGORIES},
    )
    kind = Str(
        load_default=None,
        validate=validate.OneOf(list(LINE_KINDS), error=f"必须是 {'/'.join(LINE_KINDS)} 之一"),
        metadata={"description": "发放类型", "x-enum-descriptions": LINE_KINDS},
    )


class RosterHeaderSchema(Schema):
    county_code = fields.String()
    county_name = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM"})
    status = fields.String(metadata={"description": "draft（草稿）或 locked（已审批锁定）"})
    status_label = fields.String()
    locked = fields.Boolean()
    line_count = fields.Integer()
    persons = fields.Integer(metadata={"description": "当月发放的保障人数"})
    total = fields.String(metadata={"description": "合计金额（元，两位小数）"})
    generated_at = UtcDateTime(allow_none=True)
    locked_at = UtcDateTime(allow_none=True)
    bank_file_sha256 = fields.String(allow_none=True, metadata={"description": "审批时银行 CSV 文件的 sha256"})


class RosterGroupSchema(Schema):
    township = fields.String()
    category = fields.String()
    lines = fields.Integer()
    persons = fields.Integer()
    amount = fields.String()


class LineSchema(Schema):
    township = fields.String()
    village = fields.String()
    payee_name = fields.String()
    id_number = fields.String(metadata={"description": "遮蔽后的身份证号"})
    category = fields.String()
    kind = fields.String()
    for_month = fields.String()
    persons = fields.Integer()
    amount = fields.String()
    case_number = fields.String()


class RosterSchema(Schema):
    header = fields.Nested(RosterHeaderSchema)
    groups = fields.List(fields.Nested(RosterGroupSchema))
    lines = fields.List(fields.Nested(LineSchema))
    page = fields.Integer()
    pages = fields.Integer()
    matching = fields.Integer()


@operation(
    "GET",
    "/payroll/<county>/<month:month>",
    summary="某县某月的发放名册：合计、按乡镇和保障类别的小计、分页的明细",
    tag="payroll",
    query=RosterQuerySchema,
    response=RosterSchema,
    roles="本县的县民政经办人、县民政审批人、审计、系统管理",
    errors=(400, 401, 403, 404, 422),
    description="月份格式 YYYY-MM（2000 年起，其他写法 404）；尚未生成 404；非本县或角色不符 403。身份证号已遮蔽。",
)
def roster(county: str, month: str, query: dict[str, Any]) -> payroll.RosterPage:
    return payroll.roster_page(
        ctx(), me(), county, month, query["page"], query.get("township"), query["category"], query["kind"]
    )
