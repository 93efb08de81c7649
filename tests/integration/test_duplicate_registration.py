"""重复登记提示 (engine.queries.duplicates, cases.start_case confirm_duplicate): a 低保 application whose member
is already in a running case or an active enrolment is stopped once with the matches, named with their
case inside the registering user's scope and only as "exists" outside it, and registered when confirmed
(audited). The CLI and batch starts (confirm_duplicate=None) do not look."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.errors import DuplicateFound
from engine.persistence import AuditEvent, Case
from engine.queries import duplicates
from engine.results import CaseView
from engine.services import cases
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member

START = "2026-11-23 01:00:00"
NOTICE_OVER = "2026-11-30 02:00:00"


def _family() -> dict[str, Any]:
    return household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
    )


def _start(
    ctx: Context, family: dict[str, Any], *, by: str = "clerk1", village: str = "demo-village-1-1", **kw: Any
) -> CaseView:
    data = {"village": village, "channel": "window", "household": family}
    return cases.start_case(ctx, "dibao_application", by, data, **kw)


def _with_member_of(family: dict[str, Any], name: str) -> dict[str, Any]:
    """A new household whose applicant is a member of `family` (same 身份证号)."""
    (shared,) = [m for m in family["members"] if m["name"] == name]
    return household({**shared, "relation": "self"}, member("王五", "child", birth="20120101", employment="student"))


@freeze_time(START)
def test_a_member_of_a_running_case_stops_the_registration_until_confirmed(ctx: Context) -> None:
    family = _family()
    first = _start(ctx, family, confirm_duplicate=False)
    again = _with_member_of(family, "李芳")
    with pytest.raises(DuplicateFound) as found:
        _start(ctx, again, confirm_duplicate=False)
    (match,) = found.value.matches
    assert isinstance(match, duplicates.DuplicateMatch)
    assert (match.in_scope, match.case_number, match.source) == (True, first.number, "case")
    assert (
        match.id_number == family["members"][1]["id_number"][:6] + "********" + family["members"][1]["id_number"][-4:]
    )
    assert first.number in match.text
    assert "在办" in match.text
    with ctx.db.read() as session:
        assert session.scalar(select(Case.id).where(Case.id > 1)) is None  # nothing of the refused one was stored
    second = _start(ctx, again, confirm_duplicate=True)
    with ctx.db.read() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "duplicate_confirmed"))
        assert event.details["matches"][0]["case_number"] == first.number
        assert session.get(Case, event.case_id).number == second.number  # type: ignore[union-attr]
    # Without asking (the CLI, batches), nothing is checked.
    assert _start(ctx, _with_member_of(family, "张三")).number


@freeze_time(START)
def test_outside_the_users_scope_a_match_says_only_that_one_exists(ctx: Context) -> None:
    family = _family()
    _start(ctx, family)  # 城关镇
    (shared,) = duplicates.household_id_numbers({"household": family})[:1]
    (match,) = duplicates.find_duplicates(ctx, "clerk2", [shared])  # 河西乡
    assert (match.in_scope, match.case_number, match.process_title, match.village_name) == (False, None, None, None)
    assert match.text.endswith("该身份证号存在其他在办案件或在保记录，请联系上级核实")
    with pytest.raises(DuplicateFound) as found:
        _start(ctx, _with_member_of(family, "张三"), by="clerk2", village="demo-village-2-1", confirm_duplicate=False)
    assert [m.case_number for m in found.value.matches] == [None]  # type: ignore[attr-defined]
    # The county sees the case.
    (county,) = duplicates.find_duplicates(ctx, "approver1", [shared])
    assert county.in_scope
    assert county.case_number


@freeze_time(START)
def test_an_active_enrolment_is_a_match_once_its_case_is_closed(ctx: Context) -> None:
    family = _family()
    app = Application(ctx, family).start().accept().investigate().first_review()
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
        assert app.view().enrollment is not None
        assert app.view().status == "closed"
        (match,) = duplicates.find_duplicates(ctx, "clerk1", [family["members"][0]["id_number"]])
        assert (match.source, match.case_number, match.state) == ("enrollment", app.number, "保障中")


def test_only_valid_numbers_are_looked_up_and_only_by_registering_roles(ctx: Context) -> None:
    assert duplicates.valid_numbers(["123", "110105198001010112 ", "110105198001010112"]) == ["110105198001010112"]
    assert duplicates.find_duplicates(ctx, "clerk1", ["not-a-number"]) == []
    with pytest.raises(Exception, match="无权查询重复登记"):
        duplicates.find_duplicates(ctx, "auditor1", ["110105198001010112"])
