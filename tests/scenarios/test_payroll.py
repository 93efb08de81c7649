"""发放名册 end to end (docs/payments.md): households enrolled, re-checked into 渐退 and stopped through the
real BPMN with a travelled clock, then the county's rosters generated, reconciled, approved (locked),
topped up, adjusted and exported.

示范县 (S = 800): 城关镇 has 张三's household (3 people, 900 a month from December 2026), 周强's (3 people,
2,400; a job in June 2027 → 渐退 of 3 months, paid July–September) and 郑老汉's (2 people, 1,000; support
rose in June 2027 → stopped from July). 河西乡 has 马丽's household (rural, 2 people), approved on 30 June
2027 after July's roster was already locked: paid from July, July as a 补发 on August's roster.
"""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from freezegun import freeze_time
from openpyxl import load_workbook
from sqlalchemy import select

from engine.context import Context
from engine.errors import Conflict, InvalidData, NotFound, PermissionDenied
from engine.persistence import AuditEvent
from engine.queries import payroll as views
from engine.queries import payroll_check
from engine.records import audit
from engine.records.amounts import amounts_for_month
from engine.services import payroll
from tests.scenarios.payroll_flow import enrol_county, enrol_ma

COUNTY = "demo-county"


def _lines(ctx: Context, month: str) -> dict[tuple[str, str, str], str]:
    """(payee, kind, month paid for) → amount, every page of the roster."""
    found: dict[tuple[str, str, str], str] = {}
    page = views.roster_page(ctx, "county1", COUNTY, month)
    for number in range(1, page.pages + 1):
        for line in views.roster_page(ctx, "county1", COUNTY, month, page=number).lines:
            found[(line.payee_name, line.kind, line.for_month)] = line.amount
    return found


@pytest.fixture
def county(ctx: Context) -> dict[str, str]:
    return enrol_county(ctx)


def test_rosters_follow_the_enrollments_month_by_month(ctx: Context, county: dict[str, str]) -> None:
    with freeze_time("2027-06-25 02:00:00"):
        june = payroll.generate(ctx, "county1", COUNTY, "2027-06")
        # All three paid in June: the 渐退 household and the one stopped from July too.
        assert _lines(ctx, "2027-06") == {
            ("张三", "当月发放", "2027-06"): "900.00",
            ("周强", "当月发放", "2027-06"): "2400.00",
            ("郑老汉", "当月发放", "2027-06"): "1000.00",
        }
        assert (june.line_count, june.persons, june.total) == (3, 8, "4300.00")
        check = payroll_check.reconciliation(ctx, "county1", COUNTY, "2027-06")
        assert check.ok
        assert check.recorded_total == check.expected_total == "4300.00"
        page = views.roster_page(ctx, "county1", COUNTY, "2027-06")
        assert [(g.township, g.category, g.lines, g.amount) for g in page.groups] == [
            ("城关镇", "城镇·整户保障", 3, "4300.00")
        ]
        assert "*" in page.lines[0].id_number  # masked on the page
        payroll.approve(ctx, "approver1", COUNTY, "2027-06")
        july = payroll.generate(ctx, "county1", COUNTY, "2027-07")
        assert _lines(ctx, "2027-07") == {  # 郑老汉 stopped; 周强 paid during the exit
            ("张三", "当月发放", "2027-07"): "900.00",
            ("周强", "当月发放", "2027-07"): "2400.00",
        }
        payroll.approve(ctx, "approver1", COUNTY, "2027-07")
        assert july.total == "3300.00"
    ma = enrol_ma(ctx)  # decided after July's roster was locked
    with freeze_time("2027-07-25 02:00:00"):
        # A correction of June (locked): 张三 was owed 100 more; paid in August.
        payroll.add_adjustment(ctx, "county1", COUNTY, county["张三"], "2027-06", "2027-08", "100.00", "6月少发")
        august = payroll.generate(ctx, "county1", COUNTY, "2027-08")
        assert _lines(ctx, "2027-08") == {
            ("张三", "当月发放", "2027-08"): "900.00",
            ("周强", "当月发放", "2027-08"): "2400.00",
            ("马丽", "当月发放", "2027-08"): "1600.00",
            ("马丽", "补发", "2027-07"): "1600.00",  # July was locked before her approval
            ("张三", "调整", "2027-06"): "100.00",
        }
        assert august.total == "6600.00"
        groups = views.roster_page(ctx, "county1", COUNTY, "2027-08").groups
        assert [(g.township, g.category, g.persons, g.amount) for g in groups] == [
            ("城关镇", "城镇·整户保障", 6, "3400.00"),
            ("河西乡", "农村·整户保障", 2, "3200.00"),
        ]
        assert payroll_check.reconciliation(ctx, "county1", COUNTY, "2027-08").ok
        # July (locked) lacks 马丽 as the records now stand; the check says August's 补发 settles it.
        july_check = payroll_check.reconciliation(ctx, "county1", COUNTY, "2027-07")
        assert [(m.payee_name, m.recorded, m.expected, m.settled_in) for m in july_check.mismatches] == [
            ("马丽", None, "1600.00", "2027 年 8 月")
        ]
        payroll.approve(ctx, "approver1", COUNTY, "2027-08")
    with freeze_time("2027-09-25 02:00:00"):
        payroll.generate(ctx, "county1", COUNTY, "2027-09")
        payroll.approve(ctx, "approver1", COUNTY, "2027-09")
        october = payroll.generate(ctx, "county1", COUNTY, "2027-10")
        # The 渐退 ended on 1 October: not paid; 马丽's July is settled, no second 补发.
        assert set(_lines(ctx, "2027-10")) == {("张三", "当月发放", "2027-10"), ("马丽", "当月发放", "2027-10")}
        assert october.total == "2500.00"
    # Totals equal the enrollments' amounts of the month.
    with ctx.db.read() as session:
        expected = sum(a.monthly_amount for a in amounts_for_month(session, date(2027, 10, 1)).values())
    assert Decimal(october.total) == expected - Decimal("2400.00") - Decimal("1000.00")  # less the two no longer paid
    assert ma
    assert audit.verify(ctx.db).ok


def test_a_locked_month_never_changes(ctx: Context, county: dict[str, str]) -> None:
    with freeze_time("2027-06-25 02:00:00"):
        payroll.generate(ctx, "county1", COUNTY, "2027-06")
        with pytest.raises(PermissionDenied):
            payroll.approve(ctx, "county1", COUNTY, "2027-06")  # the clerk prepares, the approver approves
        locked = payroll.approve(ctx, "approver1", COUNTY, "2027-06")
        assert locked.status == "locked"
        before = _lines(ctx, "2027-06")
        with pytest.raises(Conflict, match="已审批锁定"):
            payroll.generate(ctx, "county1", COUNTY, "2027-06")
        with pytest.raises(Conflict, match="已审批锁定"):
            payroll.approve(ctx, "approver1", COUNTY, "2027-06")
        with pytest.raises(Conflict, match="已审批锁定"):  # an adjustment may not be paid in a locked month
            payroll.add_adjustment(ctx, "county1", COUNTY, county["张三"], "2027-06", "2027-06", "10.00", "x")
    # The lines stay as they were approved.
    assert _lines(ctx, "2027-06") == before
    header = views.roster_page(ctx, "auditor1", COUNTY, "2027-06").header
    assert header.locked
    assert header.status_label == "已审批锁定"
    assert header.locked_by == "县民政审批人"
    first = payroll.export(ctx, "auditor1", COUNTY, "2027-06", "csv")
    assert first.sha256 == header.bank_file_sha256  # the file approved is the file downloaded


def test_a_draft_changed_underneath_must_be_generated_again(ctx: Context, county: dict[str, str]) -> None:
    with freeze_time("2027-06-25 02:00:00"):
        payroll.generate(ctx, "county1", COUNTY, "2027-06")
        payroll.approve(ctx, "approver1", COUNTY, "2027-06")
        payroll.generate(ctx, "county1", COUNTY, "2027-07")
        payroll.add_adjustment(ctx, "county1", COUNTY, county["周强"], "2027-06", "2027-07", "-50.00", "6月多发扣回")
        with pytest.raises(Conflict, match="重新生成"):
            payroll.approve(ctx, "approver1", COUNTY, "2027-07")
        payroll.generate(ctx, "county1", COUNTY, "2027-07")
        assert payroll.approve(ctx, "approver1", COUNTY, "2027-07").total == "3250.00"


def test_bad_input_and_scope(ctx: Context, county: dict[str, str]) -> None:
    with freeze_time("2027-06-25 02:00:00"):
        with pytest.raises(InvalidData) as bad:
            payroll.generate(ctx, "county1", COUNTY, "2027-13")
        assert "month" in bad.value.fields
        with pytest.raises(InvalidData):  # too far ahead
            payroll.generate(ctx, "county1", COUNTY, "2027-09")
        with pytest.raises(PermissionDenied):  # a township clerk
            payroll.generate(ctx, "clerk1", COUNTY, "2027-06")
        with pytest.raises(PermissionDenied):  # another county's approver
            payroll.generate(ctx, "approver_bengbu", COUNTY, "2027-06")
        payroll.generate(ctx, "county1", COUNTY, "2027-06")
        with pytest.raises(PermissionDenied):
            views.roster_page(ctx, "approver_bengbu", COUNTY, "2027-06")
        with pytest.raises(InvalidData) as unlocked:  # June is a draft: regenerate, don't adjust
            payroll.add_adjustment(ctx, "county1", COUNTY, county["张三"], "2027-06", "2027-07", "10.00", "x")
        assert "corrects_month" in unlocked.value.fields
        payroll.approve(ctx, "approver1", COUNTY, "2027-06")
        for amount in ("0", "abc", "1.005"):
            with pytest.raises(InvalidData):
                payroll.add_adjustment(ctx, "county1", COUNTY, county["张三"], "2027-06", "2027-07", amount, "x")


def test_bank_files_read_back(ctx: Context, county: dict[str, str]) -> None:
    with freeze_time("2027-06-25 02:00:00"):
        payroll.generate(ctx, "county1", COUNTY, "2027-06")
        as_csv = payroll.export(ctx, "county1", COUNTY, "2027-06", "csv")
        as_xlsx = payroll.export(ctx, "county1", COUNTY, "2027-06", "xlsx")
    assert as_csv.file_name == "发放名册-示范县-2027-06.csv"
    assert as_xlsx.file_name == "发放名册-示范县-2027-06.xlsx"
    assert as_csv.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["序号", "乡镇（街道）", "村（社区）", "领取人姓名", "身份证号"]
    body = rows[1:-1]
    assert [(r[3], r[11]) for r in body] == [("张三", "900.00"), ("周强", "2400.00"), ("郑老汉", "1000.00")]
    assert all(len(r[4]) == 18 and "*" not in r[4] for r in body)  # full 身份证号 for the bank
    assert rows[-1][0] == "合计"
    assert rows[-1][10:12] == ["8", "4300.00"]
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert "示范县 2027 年 6 月" in str(values[0][0])
    assert [(v[3], v[4], v[11]) for v in values[2:-1]] == [(r[3], r[4], float(r[11])) for r in body]
    assert values[-1][0] == "合计"
    assert values[-1][11] == 4300.0
    with ctx.db.read() as session:
        exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "payroll_exported")).all()
    assert [e.details["format"] for e in exports] == ["csv", "xlsx"]
    assert exports[0].details["sha256"] == as_csv.sha256


@pytest.mark.postgres
def test_rosters_on_postgresql(ctx: Context, county: dict[str, str]) -> None:
    """The month-by-month scenario on PostgreSQL: the grouping, the bulk insert and the lock behave alike."""
    test_rosters_follow_the_enrollments_month_by_month(ctx, county)
    _locked_file_keeps_its_hash(ctx)


def _locked_file_keeps_its_hash(ctx: Context) -> None:
    """The locked June file: its hash is the one kept at the approval."""
    header = views.roster_page(ctx, "auditor1", COUNTY, "2027-06").header
    assert payroll.export(ctx, "auditor1", COUNTY, "2027-06", "csv").sha256 == header.bank_file_sha256


@pytest.mark.postgres
@freeze_time("2026-12-20 02:00:00")
def test_two_generations_and_an_approval_at_once_on_postgresql(ctx: Context) -> None:
    """Two clerks generate the same new month while the approver approves it: each call succeeds or is a
    clear 409 (never a 500), and the month ends with one roster."""
    barrier = threading.Barrier(3)
    outcomes: list[str] = []

    def work(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
            outcomes.append("ok")
        except (Conflict, NotFound):
            outcomes.append("refused")

    calls: list[Callable[[], object]] = [
        lambda: payroll.generate(ctx, "county1", COUNTY, "2027-01"),
        lambda: payroll.generate(ctx, "county1", COUNTY, "2027-01"),
        lambda: payroll.approve(ctx, "approver1", COUNTY, "2027-01"),
    ]
    threads = [threading.Thread(target=work, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == 3
    assert "ok" in outcomes
    assert len(views.county_months(ctx, "county1").months) == 1
