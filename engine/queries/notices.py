"""Open 公示 entries of a village as the public board and the case pages show them: public fields only."""

from __future__ import annotations

from sqlalchemy import select

from engine.clock import utcnow
from engine.context import Context
from engine.errors import NotFound
from engine.persistence import Notice, OrgUnit
from engine.results import NoticeView


def notice_view(notice: Notice) -> NoticeView:
    return NoticeView(
        notice.id,
        notice.village.code,
        notice.village.name,
        notice.masked_name,
        notice.persons,
        f"{notice.proposed_amount:.2f}",
        notice.starts_at,
        notice.ends_at,
        notice.status,
        notice.kind,
    )


def open_notices(ctx: Context, village_code: str) -> list[NoticeView]:
    with ctx.db.read() as session:
        village = session.scalars(select(OrgUnit).where(OrgUnit.code == village_code)).first()
        if village is None:
            raise NotFound(f"村/社区 {village_code} 不存在")
        rows = session.scalars(
            select(Notice)
            .where(Notice.village_id == village.id, Notice.status == "open", Notice.ends_at > utcnow())
            .order_by(Notice.ends_at, Notice.id)
        )
        return [notice_view(n) for n in rows]
