"""What the 一门受理 tests share: a department under the demo county, and a request's registration data."""

from __future__ import annotations

from typing import Any

from engine.context import Context
from engine.lookups import get_org_unit
from engine.persistence import OrgUnit

# A checksum-valid 身份证号 (GB 11643), worked out by hand: 11010519491231002 → check character X.
ID_NUMBER = "11010519491231002X"


def add_department(ctx: Context, code: str = "demo-dept-medical", name: str = "示范县医疗保障局") -> None:
    with ctx.db.write() as session:
        county = get_org_unit(session, "demo-county")
        session.add(OrgUnit(code=code, name=name, level="department", region=county.region, parent=county))


def hotline_call(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "hotline_12345",
        "external_ticket": "GD-20260930-0017",
        "village": "demo-village-1-1",
        "person_name": "王秀兰",
        "id_number": ID_NUMBER,
        "phone": "13800138000",
        "need": "家中失火，房屋和衣物被烧毁，请求临时救助",
        "need_kind": "temporary",
    }
    data.update(overrides)
    return data
