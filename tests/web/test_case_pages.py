"""The case page and 案件查询 through the real app, after a real 低保 application was driven to 公示
(tests/scenarios/flow.py): legal clock, masked ID numbers and the audited reveal, the timeline in
Chinese, documents, related cases, and the org-unit scope of every page."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent
from engine.queries import case_view
from engine.queries.case_search import CaseFilters, search_cases
from engine.records import audit
from engine.services import pii, tasks
from tests.scenarios.flow import Application, Recheck
from tests.scenarios.households import household, member
from tests.web.conftest import Browser, open_task

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
NOTICE_OVER = "2026-11-30 02:00:00"


def _html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _family(name: str = "张三") -> dict[str, Any]:
    return household(
        member(name, "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )


def _id_numbers(app: Application) -> list[str]:
    return [m["id_number"] for m in app.household["members"]]


def _pii_events(ctx: Context) -> list[AuditEvent]:
    with ctx.db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == "pii_viewed")))


def _in_notice(ctx: Context, name: str = "张三") -> Application:
    return Application(ctx, _family(name)).start().accept().investigate().first_review()


@freeze_time(START)
def test_case_page_shows_clock_outcome_household_masked_assessment_notice_documents(
    ctx: Context, browser: Browser
) -> None:
    app = _in_notice(ctx)
    browser.login("clerk1")
    response = browser.get(f"/cases/{app.number}")
    assert response.status_code == 200
    html = _html(response)
    assert f"案件 {app.number} · 张三" in html
    assert "最低生活保障审核确认（v1）" in html
    assert "城关镇 城关镇东村" in html
    # The legal clock: used / limit, started, due, running.
    assert "<strong>0</strong> / 30 个工作日" in html
    assert "2026-11-23" in html
    assert "计时中" in html
    assert "尚未决定" in html
    # Household: names, relations, ID numbers masked, never in clear on a plain view.
    for number in _id_numbers(app):
        assert number not in html
        assert f"{number[:6]}********{number[-4:]}" in html
    assert "本人（申请人）" in html
    assert "显示完整身份证号" in html
    # Assessment and its explanation; the 公示 with its public fields; the signed home-visit record.
    assert "家庭人均收入（元/月）" in html
    assert "500.00" in html
    assert "按城镇户籍适用低保标准" in html
    assert "张*，3 人，900.00 元/月" in html
    assert "公示中" in html
    assert "RH-2026-001" in html
    assert "入户调查表（调查人员与在场成员签字）附件编号" in html
    assert "关联案件" in html


@freeze_time(START)
def test_the_timeline_tells_what_happened_in_chinese(ctx: Context, browser: Browser) -> None:
    app = _in_notice(ctx)
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        confirmation = app.task("county_confirmation").id
        tasks.claim(ctx, confirmation, "approver1")
        app.confirm()
        cases_page = case_view.show_case(ctx, app.number)
        assert cases_page.outcome == "approved"
    browser.login("clerk1")
    html = _html(browser.get(f"/cases/{app.number}"))
    for sentence in (
        "登记案件，按该流程第 1 版办理",
        "生成待办任务“受理审查”，由乡镇经办人办理，办理期限 2026-11-26 23:59",
        "办结任务“受理审查”，结论：予以受理，意见：材料齐全，予以受理",
        "受理，法定办理时限开始计算（30 个工作日）",
        "办结任务“初审”，结论：拟予保障，意见：经调查，家庭收入低于标准，拟予保障",
        "发布公示：张*，3 人，拟保障金额每月 900.00 元，公示至 2026-11-30 09:00",
        "定时到期",
        "公示结束",
        "签收任务“审核确认”",
        "办结任务“审核确认”，结论：确认保障",
        "作出决定：批准（确认保障），核定金额每月 900.00 元",
        "纳入保障：3 人，每月 900.00 元，自 2026-12-01 起发放",
        "流程办结",
    ):
        assert sentence in html, sentence
    assert "2026-11-23 09:00" in html  # Beijing time
    assert "城关镇经办人（clerk1） · 乡镇经办人" in html
    assert "县民政审批人（approver1） · 县民政审批人" in html
    assert ">系统<" in html  # the timer
    # The decided case: clock stopped, outcome, enrollment.
    assert "已作出决定，停止计时" in html
    assert "批准（确认保障）" in html
    assert "保障中" in html
    assert "900.00 元/月" in html


@freeze_time(START)
def test_reveal_needs_csrf_a_reason_and_a_role_and_is_audited(ctx: Context, browser: Browser) -> None:
    app = _in_notice(ctx)
    browser.login("clerk1")
    url = f"/cases/{app.number}/reveal"
    assert browser.post(url, {"reason": "核对身份"}, csrf=False).status_code == 400
    missing = browser.post(url, {"reason": "  "})
    assert missing.status_code == 422
    assert "查看理由：必填" in _html(missing)
    assert _id_numbers(app)[0] not in _html(missing)
    assert _pii_events(ctx) == []

    shown = browser.post(url, {"reason": "核对申请人身份，准备入户调查"})
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    html = _html(shown)
    for number in _id_numbers(app):
        assert number in html
    assert "此次查看已记入审计日志" in html
    assert "查看完整的家庭成员身份证号，理由：核对申请人身份，准备入户调查" in html  # already in the timeline
    (event,) = _pii_events(ctx)
    assert (event.actor_name, event.actor_role) == ("clerk1", "township_clerk")
    assert event.details["case_number"] == app.number
    assert event.details["fields"] == ["household.members.id_number"]
    assert event.details["reason"] == "核对申请人身份，准备入户调查"
    assert audit.verify(ctx.db).ok
    # For that page view only: the next plain view is masked again.
    assert _id_numbers(app)[0] not in _html(browser.get(f"/cases/{app.number}"))


@freeze_time(START)
@pytest.mark.parametrize("who", ["auditor1", "village1", "committee1"])
def test_roles_that_do_not_need_id_numbers_see_them_masked_and_may_not_reveal(
    ctx: Context, make_browser: object, who: str
) -> None:
    app = _in_notice(ctx)
    browser: Browser = make_browser(who)  # type: ignore[operator]
    page = browser.get(f"/cases/{app.number}")
    assert page.status_code == 200  # they may see the case (county, or the case's own village)
    html = _html(page)
    assert "您的角色不能查看完整号码" in html
    assert f"/cases/{app.number}/reveal" not in html
    for number in _id_numbers(app):
        assert number not in html
    refused = browser.post(f"/cases/{app.number}/reveal", {"reason": "想看看"})
    assert refused.status_code == 403
    assert _id_numbers(app)[0] not in _html(refused)
    assert _pii_events(ctx) == []


@freeze_time(START)
@pytest.mark.parametrize("who", ["township_head", "county_approver", "verification_center", "county_clerk"])
def test_every_role_that_needs_the_numbers_may_reveal(ctx: Context, who: str) -> None:
    username = {
        "township_head": "head1",
        "county_approver": "approver1",
        "verification_center": "verify1",
        "county_clerk": "county1",
    }[who]
    app = _in_notice(ctx)
    view = pii.reveal_household(ctx, app.number, username, "复核")
    assert view is not None
    assert [m.id_number for m in view.members] == _id_numbers(app)
    (event,) = _pii_events(ctx)
    assert event.actor_role == who


@freeze_time(START)
def test_another_township_gets_403_on_the_case_the_reveal_and_a_search_of_its_village(
    ctx: Context, make_browser: object
) -> None:
    app = _in_notice(ctx)
    browser: Browser = make_browser("clerk2")
    assert browser.get(f"/cases/{app.number}").status_code == 403
    assert browser.post(f"/cases/{app.number}/reveal", {"reason": "x"}).status_code == 403
    assert browser.get("/cases?village=demo-village-1-1").status_code == 403
    # Searching by number or name outside the scope finds nothing, and says nothing about the case.
    for query in (f"number={app.number}", "name=张三", ""):
        html = _html(browser.get(f"/cases?{query}"))
        assert f'href="/cases/{app.number}"' not in html
        assert "没有符合条件的案件" in html
    assert _pii_events(ctx) == []


@freeze_time(START)
def test_search_filters_stay_in_scope(ctx: Context, browser: Browser) -> None:
    first = _in_notice(ctx, "张三")
    second = Application(ctx, _family("王小明")).start()
    other_village = Application(ctx, _family("赵六"))
    other_village.users.village = "demo-village-1-2"
    other_village.start()
    elsewhere = Application(ctx, _family("钱七"))
    elsewhere.users.village, elsewhere.users.clerk = "demo-village-2-1", "clerk2"
    elsewhere.start()
    browser.login("clerk1")

    def numbers(query: str) -> list[str]:
        response = browser.get(f"/cases?{query}")
        assert response.status_code == 200
        html = _html(response)
        everyone = (first.number, second.number, other_village.number, elsewhere.number)
        return [n for n in everyone if f'href="/cases/{n}"' in html]

    assert numbers("") == [first.number, second.number, other_village.number]
    assert numbers(f"number={second.number}") == [second.number]
    assert numbers("number=2026-00") == [first.number, second.number, other_village.number]
    assert numbers("name=王") == [second.number]
    assert numbers("name=张三") == [first.number]
    assert numbers("name=钱七") == []  # another township's applicant
    assert numbers("village=demo-village-1-2") == [other_village.number]
    assert numbers("status=open") == [first.number, second.number, other_village.number]
    assert numbers("status=closed") == []
    assert numbers("process=reference_review") == []
    assert numbers("name=%25") == []  # LIKE wildcards are searched as text
    assert browser.get("/cases?status=bogus").status_code == 422
    assert browser.get("/cases?village=no-such-village").status_code == 422
    html = _html(browser.get("/cases"))
    assert "第 1 / 1 页，共 3 件" in html
    assert "查询范围：城关镇的案件" in html
    # The county sees all four; the village assistant only its own village.
    county = search_cases(ctx, "approver1", CaseFilters())
    assert county.total == 4
    village = search_cases(ctx, "village1", CaseFilters())
    assert {r.number for r in village.rows} == {first.number, second.number}


@freeze_time(START)
def test_search_pages_twenty_at_a_time(ctx: Context, browser: Browser) -> None:
    for _ in range(21):
        open_task(ctx)
    browser.login("clerk1")
    first = _html(browser.get("/cases?process=reference_review"))
    assert "第 1 / 2 页，共 21 件" in first
    assert 'href="/cases?process=reference_review&amp;page=2"' in first
    assert first.count('<a href="/cases/2026-') == 20
    second = _html(browser.get("/cases?process=reference_review&page=2"))
    assert second.count('<a href="/cases/2026-') == 1
    assert 'href="/cases/2026-0000001"' in second  # newest first


@freeze_time(START)
def test_overdue_filter_finds_undecided_cases_past_their_legal_limit(ctx: Context, browser: Browser) -> None:
    late = Application(ctx, _family("张三")).start().accept()  # 受理 on 23 November: 30 working days
    not_accepted = Application(ctx, _family("王小明")).start()
    with freeze_time("2026-12-21 02:00:00"):
        recent = Application(ctx, _family("赵六")).start().accept()
    with freeze_time("2027-01-08 02:00:00"):  # well past the 30 working days of the first one
        assert case_view.show_case(ctx, late.number).legal_clock.overdue  # type: ignore[union-attr]
        assert not case_view.show_case(ctx, recent.number).legal_clock.overdue  # type: ignore[union-attr]
        browser.login("clerk1")
        html = _html(browser.get("/cases?overdue=1"))
        assert f'href="/cases/{late.number}"' in html
        assert f'href="/cases/{recent.number}"' not in html
        assert f'href="/cases/{not_accepted.number}"' not in html
        assert "已超期" in html
        assert "共 1 件" in html
        page = _html(browser.get(f"/cases/{late.number}"))
        assert "已超过法定办理时限" in page


@freeze_time(START)
def test_related_cases_link_both_ways(ctx: Context, browser: Browser) -> None:
    app = _in_notice(ctx)
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
    with freeze_time("2027-03-01 02:00:00"):
        recheck = Recheck(ctx, app.number).start(_family(), "900.00")
    browser.login("clerk1")
    original = _html(browser.get(f"/cases/{app.number}"))
    assert f'关联的复核/渐退案件：<a href="/cases/{recheck.number}">{recheck.number}</a>' in original
    page = _html(browser.get(f"/cases/{recheck.number}"))
    assert f'原案件：<a href="/cases/{app.number}">{app.number}</a>' in page
    assert f"关联原案件 {app.number}" in page  # the timeline's first entry


def test_anonymous_visitors_are_sent_to_the_login_page(browser: Browser) -> None:
    for url in ("/cases", "/cases/2026-0000001"):
        response = browser.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")
    assert browser.post("/cases/2026-0000001/reveal", {"reason": "x"}).status_code == 302


def test_an_unknown_case_is_404(browser: Browser) -> None:
    browser.login("clerk1")
    assert browser.get("/cases/2099-0000001").status_code == 404


def test_the_navigation_links_to_case_search(browser: Browser) -> None:
    browser.login("clerk1")
    assert 'href="/cases">案件查询</a>' in _html(browser.get("/"))
    browser.logout()
    browser.login("yibao1")  # a department's staff see referrals, never cases: no search link
    assert "案件查询" not in _html(browser.get("/referrals"))


@freeze_time(START)
def test_a_case_without_household_or_assessment_still_has_a_page(ctx: Context, browser: Browser) -> None:
    open_task(ctx)  # a reference_review case: start data is only the village
    browser.login("clerk1")
    response = browser.get("/cases/2026-0000001")
    assert response.status_code == 200
    html = _html(response)
    assert "本案件没有登记家庭成员信息" in html
    assert "尚未评估" in html
    assert "尚未受理，时限未开始计算" in html
    assert "生成待办任务“受理登记”" in html
    assert 'data-element="register"' in html
