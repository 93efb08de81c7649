"""`dibao init`: schema, the audit chain key, deployment of processes/, and the demo org tree and users
(docs/contracts.md#demo-data)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.domain.roles import Level
from engine.persistence import OrgUnit, User
from engine.persistence.migrate import upgrade_to_head
from engine.records import audit
from engine.records.audit_key import KeySetup, prepare
from engine.results import DeployedVersion
from engine.services.designer import deploy
from engine.services.users import add_org_unit, add_user

DEMO_PASSWORD = "demo-pass-2026"  # noqa: S105 - documented demo credential, refused outside demo mode
SEED_REGIONS = {"yantai": "烟台", "bengbu": "蚌埠", "shaanxi": "陕西", "huining": "会宁", "taian": "泰安"}


@dataclass(frozen=True)
class InitResult:
    deployed: list[DeployedVersion]
    demo_users_created: int
    key: KeySetup


def init(ctx: Context, demo: bool = False) -> InitResult:
    upgrade_to_head(ctx.db.engine)
    key = prepare(ctx.settings, ctx.db)  # before anything records an event
    created = create_demo_data(ctx) if demo else 0
    return InitResult(deploy(ctx), created, key)


def _default_tree(session: Session) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    county = add_org_unit(session, "demo-county", "示范县", Level.COUNTY, None, "default")
    units[county.code] = county
    for index, town_name in ((1, "城关镇"), (2, "河西乡")):
        town = add_org_unit(session, f"demo-town-{index}", town_name, Level.TOWNSHIP, county)
        units[town.code] = town
        for village_index, village_name in enumerate(("东村", "西村", "南村"), start=1):
            code = f"demo-village-{index}-{village_index}"
            units[code] = add_org_unit(session, code, f"{town_name}{village_name}", Level.VILLAGE, town)
    return units


# The county's 部门 receiving 转介 (docs/referrals.md): code suffix, name, the user of each.
DEMO_DEPARTMENTS = (
    ("yibao", "县医疗保障局"),
    ("jiaoyu", "县教育局"),
    ("zhujian", "县住房和城乡建设局"),
    ("renshe", "县人力资源和社会保障局"),
    ("canlian", "县残疾人联合会"),
    ("weijian", "县卫生健康委员会"),
    ("xiangcun", "县乡村振兴局"),
)


def _demo_departments(session: Session, units: dict[str, OrgUnit]) -> list[tuple[str, str, str, list[str]]]:
    """demo-dept-yibao 县医疗保障局 … under demo-county, each with its department_staff user yibao1 …"""
    people: list[tuple[str, str, str, list[str]]] = []
    for suffix, name in DEMO_DEPARTMENTS:
        code = f"demo-dept-{suffix}"
        units[code] = add_org_unit(session, code, name, Level.DEPARTMENT, units["demo-county"])
        people.append((f"{suffix}1", f"{name}经办人", code, ["department_staff"]))
    return people


def create_demo_data(ctx: Context) -> int:
    """Idempotent: an existing demo tree is left as it is."""
    with ctx.db.write() as session:
        if session.scalars(select(OrgUnit).where(OrgUnit.code == "demo-county")).first() is not None:
            return 0
        units = _default_tree(session)
        people = [
            ("village1", "村协理员一", "demo-village-1-1", ["village_assistant"]),
            ("clerk1", "城关镇经办人", "demo-town-1", ["township_clerk"]),
            ("head1", "城关镇负责人", "demo-town-1", ["township_head"]),
            # A second township head of 城关镇: the colleague head1 delegates to (委派, docs/delegation.md).
            ("deputy1", "分管副镇长", "demo-town-1", ["township_head"]),
            ("clerk2", "河西乡经办人", "demo-town-2", ["township_clerk"]),
            ("head2", "河西乡负责人", "demo-town-2", ["township_head"]),
            ("verify1", "县核对中心", "demo-county", ["verification_center"]),
            ("county1", "县民政经办人", "demo-county", ["county_clerk"]),
            ("approver1", "县民政审批人", "demo-county", ["county_approver"]),
            ("committee1", "县协调机制", "demo-county", ["coordination_committee"]),
            # 一事一议 is a 会签 of several members (docs/countersign.md): three make a majority meaningful.
            ("committee2", "县协调机制委员二", "demo-county", ["coordination_committee"]),
            ("committee3", "县协调机制委员三", "demo-county", ["coordination_committee"]),
            ("designer1", "流程设计员", "demo-county", ["designer"]),
            ("auditor1", "审计员", "demo-county", ["auditor"]),
            ("admin1", "系统管理员", "demo-county", ["admin"]),
        ]
        people += _demo_departments(session, units)
        for region, label in SEED_REGIONS.items():
            county = add_org_unit(session, f"{region}-county", f"{label}示范县", Level.COUNTY, None, region)
            town = add_org_unit(session, f"{region}-town", f"{label}示范镇", Level.TOWNSHIP, county)
            village = add_org_unit(session, f"{region}-village", f"{label}示范村", Level.VILLAGE, town)
            units.update({u.code: u for u in (county, town, village)})
            people += [
                (f"village_{region}", f"{label}村协理员", village.code, ["village_assistant"]),
                (f"clerk_{region}", f"{label}乡镇经办人", town.code, ["township_clerk"]),
                (f"head_{region}", f"{label}乡镇负责人", town.code, ["township_head"]),
                (f"verify_{region}", f"{label}县核对中心", county.code, ["verification_center"]),
                (f"approver_{region}", f"{label}县民政审批人", county.code, ["county_approver"]),
                (f"committee_{region}", f"{label}县协调机制", county.code, ["coordination_committee"]),
                (f"committee_{region}2", f"{label}县协调机制委员二", county.code, ["coordination_committee"]),
                (f"committee_{region}3", f"{label}县协调机制委员三", county.code, ["coordination_committee"]),
                (f"designer_{region}", f"{label}流程设计员", county.code, ["designer"]),
            ]
        users: list[User] = [
            add_user(session, username, name, DEMO_PASSWORD, units[org], roles) for username, name, org, roles in people
        ]
        audit.record(
            session,
            "demo_data_created",
            audit.SYSTEM,
            details={"org_units": sorted(units), "users": [u.username for u in users]},
        )
        return len(users)
