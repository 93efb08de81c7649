"""年度调标 pages (/recalculations, docs/annual-adjustment.md) through the test client, as a browser posts them:
the county clerk prepares, the county approver approves; nobody else may, and a locked month is refused."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine.context import Context
from engine.persistence import OrgUnit, PayrollRoster
from tests.scenarios.enrolments import seed_enrolments
from tests.scenarios.test_recalculation import raise_standard


def _text(browser: Any, url: str, status: int = 200) -> str:
    reply = browser.get(url)
    assert reply.status_code == status, reply.get_data(as_text=True)[:500]
    return str(reply.get_data(as_text=True))


def _prepared(ctx: Context, processes_dir: Path, make_browser: Any) -> Any:
    seed_enrolments(ctx, 150)
    raise_standard(ctx, processes_dir)
    clerk = make_browser("county1")
    page = _text(clerk, "/recalculations")
    assert 'href="/recalculations"' in page
    assert "年度调标</a>" in page
    assert "尚无调标记录" in page
    reply = clerk.post("/recalculations", {"month": "2027-01"})
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith("/recalculations/TB-2027-0001")
    return clerk


def test_prepare_filter_page_export_and_approve(ctx: Context, processes_dir: Path, make_browser: Any) -> None:
    clerk = _prepared(ctx, processes_dir, make_browser)
    page = _text(clerk, "/recalculations/TB-2027-0001")
    # 150 households: 90 FAMILY, 15 ALONE, 15 SINGLE, 15 CROSSING, 8 LOW, 7 EXITING.
    assert "待审批" in page
    assert "作废本次调标" in page
    assert "审批通过" not in page  # the clerk prepares; the approver approves
    assert "<dt>增发</dt><dd>128 户</dd>" in page
    assert "<dt>需复核（不自动调整）</dt><dd>15 户</dd>" in page
    assert "第 1 / 2 页，共 143 户" in page  # changed: raises and flagged, 100 a page
    second = _text(clerk, "/recalculations/TB-2027-0001?filter=changed&page=2")
    assert second.count('<tr class="recalc-') == 43
    flagged = _text(clerk, "/recalculations/TB-2027-0001?filter=flagged")
    assert flagged.count('<tr class="recalc-flagged">') == 15
    assert "保障方式将由单人户保障变为全户保障，需复核" in flagged
    skipped = _text(clerk, "/recalculations/TB-2027-0001?filter=skipped")
    assert "渐退期内，按渐退安排发放，不参与调标" in skipped
    csv = clerk.get("/recalculations/TB-2027-0001.csv")
    assert csv.status_code == 200
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == "案件编号,户主,村/社区,原人数,原金额（元）,新金额（元）,调整,原因"
    assert len(lines) == 151
    assert lines[1].startswith("SEED-000001,张三,城关镇东村,3,900.00,1050.00,增发")

    approver = make_browser("approver1")
    page = _text(approver, "/recalculations/TB-2027-0001")
    assert "审批通过" in page
    unconfirmed = approver.post("/recalculations/TB-2027-0001/approve", {}, follow_redirects=True)
    assert "请先勾选" in unconfirmed.get_data(as_text=True)
    done = approver.post("/recalculations/TB-2027-0001/approve", {"confirm": "1"}, follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "调标 TB-2027-0001 已审批：增发 128 户，减发 0 户，15 户已安排复核" in text
    assert "审批通过" not in text
    listing = _text(approver, "/recalculations")
    assert "TB-2027-0001" in listing
    assert "已审批" in listing


def test_other_roles_and_counties_are_refused(ctx: Context, processes_dir: Path, make_browser: Any) -> None:
    _prepared(ctx, processes_dir, make_browser)
    for who in ("head1", "clerk1", "village1", "designer_yantai"):
        browser = make_browser(who)
        assert browser.get("/recalculations").status_code == 403
        assert browser.get("/recalculations/TB-2027-0001").status_code == 403
        assert "年度调标</a>" not in _text(browser, "/")
    other = make_browser("approver_yantai")
    assert other.get("/recalculations").status_code == 200  # their own county's (empty) list
    assert other.get("/recalculations/TB-2027-0001").status_code == 403
    assert other.get("/recalculations/TB-2027-0001.csv").status_code == 403
    assert other.post("/recalculations/TB-2027-0001/approve", {"confirm": "1"}).status_code == 403
    assert make_browser(None).get("/recalculations").status_code == 302  # to the sign-in page
    missing = make_browser("county1").post("/recalculations", {"month": "2027-13"})
    assert missing.status_code == 422
    assert "请按“年-月”填写" in missing.get_data(as_text=True)


def test_a_locked_month_is_refused_with_its_reason(ctx: Context, processes_dir: Path, make_browser: Any) -> None:
    _prepared(ctx, processes_dir, make_browser)
    with ctx.db.write() as session:
        county = session.scalars(select(OrgUnit).where(OrgUnit.code == "demo-county")).one()
        session.add(PayrollRoster(county_id=county.id, month=date(2027, 2, 1), status="locked"))
    approver = make_browser("approver1")
    reply = approver.post("/recalculations/TB-2027-0001/approve", {"confirm": "1"}, follow_redirects=True)
    text = reply.get_data(as_text=True)
    assert "示范县 2027 年 2 月的发放名册已审批锁定" in text
    assert "审批通过" in text  # still prepared
    again = make_browser("county1").post("/recalculations", {"month": "2027-01"})
    assert again.status_code == 409
