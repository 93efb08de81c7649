"""The pure rules of the 发放名册 (engine/domain/payroll.py, payroll_files.py; docs/payments.md), with values
worked out by hand."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from engine.domain import payroll as rules
from engine.domain.payroll_files import FileLine, FileRoster, csv_bytes, file_name
from engine.errors import InvalidData

JUNE, JULY, OCTOBER = date(2027, 6, 1), date(2027, 7, 1), date(2027, 10, 1)


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "status", "month", "paid"),
    [
        (JULY, None, "active", JUNE, False),  # approved in June: paid from July
        (JULY, None, "active", JULY, True),
        (JULY, None, "active", date(2027, 7, 20), True),  # any day of the month names the month
        (date(2026, 12, 1), OCTOBER, "gradual_exit", date(2027, 9, 1), True),  # the last month of a 渐退
        (date(2026, 12, 1), OCTOBER, "gradual_exit", OCTOBER, False),
        (date(2026, 12, 1), JULY, "stopped", JUNE, True),  # stopped from July: June still paid
        (date(2026, 12, 1), JULY, "stopped", JULY, False),
        (date(2026, 12, 1), date(2027, 7, 15), "stopped", JULY, True),  # stops mid-July: July begins before
        (date(2026, 12, 1), None, "stopped", JUNE, False),  # stopped with no end date: nothing says until when
    ],
)
def test_which_months_are_paid(starts_on: date, ends_on: date | None, status: str, month: date, paid: bool) -> None:
    assert rules.pays_in(starts_on, ends_on, status, month) is paid


def test_categories_by_registration_and_cover() -> None:
    assert rules.category_of({"registered_type": "urban"}, None) == "urban_whole"
    assert rules.category_of({"registered_type": "rural"}, "张三") == "rural_single"
    assert rules.category_of(None, None) == "rural_whole"  # unknown counts as rural
    assert rules.category_of({"registered_type": "other"}, "张三") == "rural_single"
    assert rules.CATEGORIES["urban_single"] == "城镇·单人户保障"


def test_the_payee_is_the_applicant() -> None:
    household = {
        "members": [
            {"relation": "spouse", "id_number": "B"},
            {"relation": "self", "id_number": "A"},
        ]
    }
    assert rules.applicant_id_number(household) == "A"
    assert rules.applicant_id_number({"members": [{"relation": "child", "id_number": "C"}]}) == "C"
    assert rules.applicant_id_number({"members": []}) is None
    assert rules.applicant_id_number(None) is None


@pytest.mark.parametrize("text", ["2027-13", "2027/01", "27-01", "1999-12", "", "2027-1a"])
def test_bad_months_are_named(text: str) -> None:
    with pytest.raises(InvalidData) as refused:
        rules.parse_month(text, "paid_in")
    assert list(refused.value.fields) == ["paid_in"]


def test_months() -> None:
    assert rules.parse_month(" 2027-1 ") == date(2027, 1, 1)
    assert rules.add_months(date(2027, 1, 1), -1) == date(2026, 12, 1)
    assert rules.add_months(date(2027, 11, 1), 14) == date(2029, 1, 1)
    assert (rules.month_text(JULY), rules.month_label(JULY)) == ("2027-07", "2027 年 7 月")


def test_topups_cover_only_locked_months_not_yet_settled() -> None:
    locked = [date(2027, 5, 1), JUNE, JULY]
    # Approved for June onwards; June already settled by an adjustment; May before the start; August is the
    # roster's own month.
    assert rules.topup_months(JUNE, None, "active", date(2027, 8, 1), locked, {JUNE}) == [JULY]
    # A 渐退 ended on 1 July: July is not owed.
    assert rules.topup_months(JUNE, JULY, "gradual_exit", date(2027, 8, 1), locked, set()) == [JUNE]


def test_totals_by_township_and_category() -> None:
    lines = [
        rules.LineFigures(2, "rural_whole", "regular", 2, Decimal("1600.00")),
        rules.LineFigures(1, "urban_whole", "regular", 3, Decimal("900.00")),
        rules.LineFigures(2, "rural_whole", "topup", 2, Decimal("1600.00")),
        rules.LineFigures(1, "urban_whole", "adjustment", 0, Decimal("-50.00")),
        rules.LineFigures(1, "urban_single", "regular", 1, Decimal("400.00")),
    ]
    assert [(g.township_id, g.category, g.lines, g.persons, g.amount) for g in rules.totals(lines)] == [
        (1, "urban_whole", 2, 3, Decimal("850.00")),
        (1, "urban_single", 1, 1, Decimal("400.00")),
        (2, "rural_whole", 2, 2, Decimal("3200.00")),  # a 补发 adds money, not persons
    ]


def test_reconcile_lists_missing_extra_and_different_lines() -> None:
    key = (1, "regular", JULY, None)
    other = (2, "regular", JULY, None)
    third = (3, "topup", JUNE, None)
    found = rules.reconcile(
        {key: Decimal("900.00"), other: Decimal("100.00")}, {key: Decimal("900.00"), third: Decimal("50.00")}
    )
    assert [(m.key, m.recorded, m.expected) for m in found] == [
        (other, Decimal("100.00"), None),
        (third, None, Decimal("50.00")),
    ]


def test_the_csv_layout() -> None:
    roster = FileRoster(
        "示范县",
        "demo-county",
        "2027-08",
        "已审批锁定",
        [
            FileLine(
                "城关镇",
                "东村",
                "张三",
                "110105198001010012",
                "urban_whole",
                "regular",
                "2027-08",
                3,
                Decimal("900"),
                "2026-0000001",
            ),
            FileLine(
                "城关镇",
                "东村",
                "=HYPERLINK()",
                "",
                "urban_whole",
                "adjustment",
                "2027-06",
                0,
                Decimal("-50"),
                "2026-0000001",
            ),
        ],
    )
    assert file_name(roster, "csv") == "发放名册-示范县-2027-08.csv"
    rows = list(csv.reader(io.StringIO(csv_bytes(roster).decode("utf-8-sig"))))
    assert rows[1][:7] == ["1", "城关镇", "东村", "张三", "110105198001010012", "", ""]
    assert rows[1][7:] == ["城镇·整户保障", "当月发放", "2027-08", "3", "900.00", "2026-0000001"]
    assert rows[2][3] == "'=HYPERLINK()"  # never evaluated by a spreadsheet
    assert rows[2][8:12] == ["调整", "2027-06", "0", "'-50.00"]
    assert rows[3] == ["合计", "", "", "2 笔", "", "", "", "", "", "", "3", "850.00", ""]
