"""The public 公示 board and objections: no token. Objections are rate-limited per client address
(engine.services.notices.check_rate: 5 per notice and 20 in all per 10 minutes)."""

from __future__ import annotations

from typing import Any

from engine.queries import notices as notice_board
from engine.services import notices
from web.api.core import ctx, operation, remote_addr
from web.api.schemas import NoticeListSchema, NoticeQuerySchema, ObjectionReceiptSchema, ObjectionRequestSchema


@operation(
    "GET",
    "/notices",
    summary="某村/社区正在公示的名单（仅公开字段）",
    tag="public",
    public=True,
    query=NoticeQuerySchema,
    response=NoticeListSchema,
    errors=(404, 422),
    links={
        "ObjectToNotice": {
            "operationId": "notices_object_to",
            "parameters": {"notice_id": "$response.body#/items/0/id"},
            "description": "对第一条公示提出异议",
        }
    },
)
def board(query: dict[str, Any]) -> dict[str, Any]:
    return {"village": query["village"], "items": notice_board.open_notices(ctx(), query["village"])}


@operation(
    "POST",
    "/notices/<id:notice_id>/objections",
    summary="对公示提出异议",
    tag="public",
    public=True,
    body=ObjectionRequestSchema,
    response=ObjectionReceiptSchema,
    status=201,
    errors=(400, 404, 409, 422, 429),
    description=(
        "公示结束后提交得到 409（说明结束时间）；同一来源 10 分钟内对同一公示最多 5 条、共最多 20 条，超出得到 429。"
    ),
)
def object_to(notice_id: int, body: dict[str, Any]) -> notices.ObjectionReceipt:
    return notices.object_to_notice(
        ctx(), notice_id, body["text"], body["contact"], channel="api", client_key=remote_addr()
    )
