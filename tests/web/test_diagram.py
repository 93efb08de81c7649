"""Case diagrams: the real 低保 case in 公示, drawn from its deployed definition with the path taken and
the current position, drill-down into the called 公示 process, and who may see them."""

from __future__ import annotations

import re

import pytest
from freezegun import freeze_time

from engine.context import Context
from engine.errors import NotFound, PermissionDenied
from engine.queries import diagrams
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.web.conftest import Browser

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
NOTICE_OVER = "2026-11-30 02:00:00"


def _html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


def _in_notice(ctx: Context) -> Application:
    family = household(
        member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
        member("李芳", "spouse"),
        member("张小明", "child", birth="20100620", employment="student"),
    )
    return Application(ctx, family).start().accept().investigate().first_review()


def _class_of(html: str, element: str) -> str:
    match = re.search(rf'<g class="([^"]+)" data-element="{element}"', html)
    assert match, f"{element} not drawn"
    return match.group(1)


@freeze_time(START)
def test_the_service_reports_done_active_and_taken_flows(ctx: Context) -> None:
    app = _in_notice(ctx)
    view = diagrams.case_diagram(ctx, app.number, "clerk1")
    assert (view.process_id, view.main_process_id, view.title) == (
        "dibao_application",
        "dibao_application",
        "最低生活保障审核确认",
    )
    assert view.states["intake_review"] == "done"
    assert view.states["first_review"] == "done"
    assert view.states["public_notice_call"] == "active"  # the running call activity
    assert view.active == ["public_notice_call"]
    assert "home_visit" in view.states
    assert "notify_missing" not in view.states
    assert "flow_intake_gateway_to_accept" in view.flows_taken
    assert "flow_intake_gateway_to_notify_missing" not in view.flows_taken
    assert "flow_notice_gateway_to_public_notice_call" in view.flows_taken  # into the active call
    assert view.calls == {"democratic_review_call": "democratic_review", "public_notice_call": "public_notice"}
    assert view.bpmn.startswith("<?xml")

    notice = diagrams.case_diagram(ctx, app.number, "clerk1", "public_notice")
    assert notice.active == ["notice_wait"]  # the event-based gateway waiting for the timer or an objection
    assert notice.states["open_notice"] == "done"
    assert notice.flows_taken == {"flow_notice_start_to_open_notice", "flow_open_notice_to_notice_wait"}

    review = diagrams.case_diagram(ctx, app.number, "clerk1", "democratic_review")
    assert not review.reached
    with pytest.raises(NotFound):
        diagrams.case_diagram(ctx, app.number, "clerk1", "temporary_assistance")
    with pytest.raises(PermissionDenied):
        diagrams.case_diagram(ctx, app.number, "clerk2")


@freeze_time(START)
def test_case_page_shows_the_diagram_with_the_current_position_and_drill_down(ctx: Context, browser: Browser) -> None:
    app = _in_notice(ctx)
    browser.login("clerk1")
    html = _html(browser.get(f"/cases/{app.number}"))
    assert "<svg" in html
    assert _class_of(html, "register") == "bpmn-el bpmn-activity done"
    assert _class_of(html, "public_notice_call") == "bpmn-el bpmn-activity active"
    assert _class_of(html, "county_confirmation") == "bpmn-el bpmn-activity pending"
    assert _class_of(html, "flow_intake_gateway_to_accept") == "bpmn-flow done"
    assert f'<a href="/cases/{app.number}/diagram/public_notice" class="bpmn-link">' in html
    assert f'<a href="/cases/{app.number}/diagram/democratic_review" class="bpmn-link">' in html
    assert "当前所在：<strong>公示</strong>" in html
    assert 'href="#bpmn-current"' in html
    for lane in ("乡镇经办人", "县核对机构", "乡镇负责人", "县民政审批人"):
        assert lane in html

    drill = browser.get(f"/cases/{app.number}/diagram/public_notice")
    assert drill.status_code == 200
    page = _html(drill)
    assert "流程图：审核公示" in page
    assert _class_of(page, "notice_wait") == "bpmn-el bpmn-gateway active"
    assert _class_of(page, "notice_elapsed") == "bpmn-el bpmn-event pending"
    assert _class_of(page, "open_notice") == "bpmn-el bpmn-activity done"
    assert "当前所在：<strong>公示期间</strong>" in page
    assert "由主流程“" in page

    main = browser.get(f"/cases/{app.number}/diagram")
    assert main.status_code == 200
    assert _class_of(_html(main), "public_notice_call").endswith("active")
    assert "本案件尚未进入该流程" in _html(browser.get(f"/cases/{app.number}/diagram/democratic_review"))
    assert browser.get(f"/cases/{app.number}/diagram/nonexistent").status_code == 404
    assert browser.get("/cases/2099-9999999/diagram").status_code == 404


@freeze_time(START)
def test_after_the_notice_the_path_runs_through_and_the_notice_is_done(ctx: Context, browser: Browser) -> None:
    app = _in_notice(ctx)
    with freeze_time(NOTICE_OVER):
        app.end_notice()
        app.confirm()
    browser.login("approver1")
    html = _html(browser.get(f"/cases/{app.number}"))
    assert _class_of(html, "public_notice_call").endswith(" done")
    assert _class_of(html, "county_confirmation").endswith(" done")
    assert _class_of(html, "end_approved") == "bpmn-el bpmn-event done"
    assert "流程已办结" in html
    notice = _html(browser.get(f"/cases/{app.number}/diagram/public_notice"))
    assert _class_of(notice, "notice_elapsed").endswith(" done")
    assert _class_of(notice, "notice_end").endswith(" done")
    assert _class_of(notice, "objection_arrived").endswith(" pending")  # nobody objected


@freeze_time(START)
@pytest.mark.parametrize("who", ["clerk2", "head2"])
def test_other_townships_get_403_on_diagrams(ctx: Context, make_browser: object, who: str) -> None:
    app = _in_notice(ctx)
    browser: Browser = make_browser(who)  # type: ignore[operator]
    assert browser.get(f"/cases/{app.number}/diagram").status_code == 403
    assert browser.get(f"/cases/{app.number}/diagram/public_notice").status_code == 403


@freeze_time(START)
def test_anonymous_visitors_are_sent_to_the_login_page(ctx: Context, browser: Browser) -> None:
    app = _in_notice(ctx)
    response = browser.get(f"/cases/{app.number}/diagram/public_notice")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
