"""The notification centre over the API (docs/notification-centre.md): the token user's notifications, newest
first, and marking one read. engine.queries.notifications and engine.services.notifications; another
user's notification is a 404, like one that does not exist."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from engine.domain.notification_kinds import KINDS
from engine.queries import notifications as notification_query
from engine.queries.notifications import NotificationPage, NotificationRow
from engine.services import notifications
from web.api.core import ctx, me, operation
from web.api.fields import Int, Str, Strict, UtcDateTime

_KINDS = tuple(KINDS)


class NotificationQuerySchema(Strict):
    unread = Str(
        load_default="false",
        validate=validate.OneOf(("true", "false"), error="必须是 true 或 false"),
        metadata={"description": "true：只看未读；false（默认）：全部"},
    )
    kind = Str(
        required=False,
        validate=validate.OneOf(_KINDS, error="没有这种通知类型"),
        metadata={
            "description": "只看这一类通知",
            "x-enum-descriptions": {kind: spec.label for kind, spec in KINDS.items()},
        },
    )
    page = Int(
        load_default=1,
        validate=validate.Range(min=1, max=notification_query.MAX_PAGE, error="必须在 1 到 1000000 之间"),
        metadata={"description": f"页码（从 1 开始，每页 {notification_query.PAGE_SIZE} 条）"},
    )


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(_KINDS)})
    kind_label = fields.String(metadata={"description": "通知类型的中文名称"})
    title = fields.String()
    body = fields.String()
    created_at = UtcDateTime()
    read = fields.Boolean()
    read_at = UtcDateTime(allow_none=True)
    sender_name = fields.String(allow_none=True, metadata={"description": "发送人（系统产生的通知为 null）"})
    task_id = fields.Integer(allow_none=True, metadata={"description": "相关任务（仍可办理时；否则为 null）"})
    case_number = fields.String(allow_none=True, metadata={"description": "相关案件编号"})


class NotificationListSchema(Schema):
    items = fields.List(fields.Nested(NotificationSchema))
    unread = fields.Integer(metadata={"description": "未读通知总数（与页面右上角的数字相同）"})
    total = fields.Integer(metadata={"description": "符合条件的通知总数"})
    page = fields.Integer()
    pages = fields.Integer()


@operation(
    "GET",
    "/notifications",
    summary="我的通知：按时间倒序，可只看未读或某一类",
    tag="notifications",
    query=NotificationQuerySchema,
    response=NotificationListSchema,
    roles="任何已登录用户（只能看到自己的通知）",
    errors=(400, 401, 422),
)
def list_notifications(query: dict[str, Any]) -> dict[str, Any]:
    wanted = notification_query.NotificationQuery(
        view="unread" if query["unread"] == "true" else "all", kind=query.get("kind", ""), page=query["page"]
    )
    page: NotificationPage = notification_query.list_notifications(ctx(), me(), wanted)
    return {"items": page.rows, "unread": page.unread, "total": page.total, "page": wanted.page, "pages": page.pages}


@operation(
    "POST",
    "/notifications/<id:notification_id>/read",
    summary="把一条通知标为已读",
    tag="notifications",
    response=NotificationSchema,
    roles="通知的接收人",
    errors=(401, 404),
    description="已读的通知再标一次不变（read_at 保持第一次的时间）。别人的通知与不存在的通知一样返回 404。",
)
def read(notification_id: int) -> NotificationRow:
    return notifications.mark_read(ctx(), me(), notification_id)
