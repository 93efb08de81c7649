"""一门受理 pages (docs/intake.md): the register with its filters, the 登记 form (Chinese errors at their
fields, 422, nothing stored), a request's page with its triage forms, CSRF on every post, and scope."""

from __future__ import annotations

from freezegun import freeze_time

from engine.context import Context
from engine.queries import intake as views
from engine.services import intake
from tests.integration.intake_support import add_department, hotline_call
from tests.web.conftest import Browser


def _signed_in(browser: Browser, who: str) -> Browser:
    assert browser.login(who).status_code == 302
    return browser


@freeze_time("2026-11-23 01:00:00")
def test_register_from_the_form_and_see_it_in_the_register(ctx: Context, browser: Browser) -> None:
    _signed_in(browser, "clerk1")
    page = browser.get("/intake/new").get_data(as_text=True)
    assert "登记来件" in page
    assert "12345 热线" in page
    form = {
        "channel": "hotline_12345",
        "external_ticket": "",
        "village": "demo-village-1-1",
        "person_name": "",
        "id_number": "110105194912310021",
        "phone": "",
        "need": "求助",
        "need_kind": "temporary",
    }
    reply = browser.post("/intake/new", form)
    assert reply.status_code == 422
    text = reply.get_data(as_text=True)
    assert "热线工单号：热线来件必填" in text
    assert "姓名：必填" in text
    assert "身份证号：校验码不正确" in text
    assert 'value="110105194912310021"' in text  # what was typed stays
    assert views.register_list(ctx, "clerk1") == []
    form.update(external_ticket="GD-1", person_name="王秀兰", id_number="11010519491231002X")
    reply = browser.post("/intake/new", form)
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/intake/SL-2026-000001"
    listing = browser.get("/intake?channel=hotline_12345").get_data(as_text=True)
    assert "SL-2026-000001" in listing
    assert "110105********002X" in listing  # masked on the list
    assert "11010519491231002X" not in listing
    assert "SL-2026-000001" not in browser.get("/intake?status=closed").get_data(as_text=True)
    # Overdue after 11-26 (3 working days): the register's filter and the dashboard's count.
    assert "SL-2026-000001" not in browser.get("/intake?overdue=1").get_data(as_text=True)
    with freeze_time("2026-11-27 01:00:00"):  # signed in again: the session of 4 days ago has expired
        clerk = _signed_in(Browser(browser.client.application.test_client()), "clerk1")
        assert "SL-2026-000001" in clerk.get("/intake?overdue=1").get_data(as_text=True)
        assert views.dashboard_counts(ctx, "county1").overdue == 1
        head = _signed_in(Browser(browser.client.application.test_client()), "head1")
        board = head.get("/dashboard").get_data(as_text=True)
        assert 'id="intake-counts"' in board
        assert "待分办 1 件，其中超过分办期限 1 件" in board


def test_triage_forms_csrf_and_scope(ctx: Context, browser: Browser, make_browser: object) -> None:
    add_department(ctx)
    number = intake.register(ctx, "clerk1", hotline_call(need_kind="special")).detail.row.number
    _signed_in(browser, "clerk1")
    page = browser.get(f"/intake/{number}").get_data(as_text=True)
    assert "示范县医疗保障局" in page
    assert f"/cases/new?process=temporary_assistance&amp;intake={number}" in page
    assert "110105********002X" in page
    # Without the CSRF token: refused, nothing changes.
    assert browser.post(f"/intake/{number}/close", {"close_reason": "x"}, csrf=False).status_code == 400
    reply = browser.post(f"/intake/{number}/refer", {"department": "demo-dept-medical", "kind": "", "reason": ""})
    assert reply.status_code == 422
    text = reply.get_data(as_text=True)
    assert "转介事项：请选择" in text
    assert "转介理由：必填" in text
    assert views.intake_page(ctx, "clerk1", number).row.status == "registered"
    other = make_browser("clerk2")  # type: ignore[operator]
    assert other.get(f"/intake/{number}").status_code == 403
    assert (
        other.post(
            f"/intake/{number}/refer", {"department": "demo-dept-medical", "kind": "medical", "reason": "住院"}
        ).status_code
        == 403
    )
    reply = browser.post(
        f"/intake/{number}/refer", {"department": "demo-dept-medical", "kind": "medical", "reason": "住院自付费用高"}
    )
    assert reply.status_code == 302
    page = browser.get(f"/intake/{number}").get_data(as_text=True)
    assert "ZJ-" in page
    assert "已转介" in page
    assert "记录求助人反馈" in page
    assert "分办：办结" not in page


def test_the_dibao_start_page_opens_with_the_request_as_the_first_member(ctx: Context, browser: Browser) -> None:
    call = hotline_call(channel="grid", external_ticket="", need_kind="dibao")
    number = intake.register(ctx, "village1", call).detail.row.number
    assert intake.prefill(ctx, "clerk1", number, "dibao_application") == {
        "village": "demo-village-1-1",
        "channel": "discovery",  # 网格/主动发现 → 主动发现
        "household": {"members": [{"name": "王秀兰", "relation": "self", "id_number": "11010519491231002X"}]},
    }
    _signed_in(browser, "clerk1")
    page = browser.get(f"/cases/new?process=dibao_application&intake={number}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'value="王秀兰"' in text
    assert 'value="11010519491231002X"' in text
    assert f"分办一门受理事项 {number}" in text
    # The village assistant registered it but does not triage: the start page from the request is refused.
    village = Browser(browser.client.application.test_client())
    _signed_in(village, "village1")
    assert village.get(f"/cases/new?process=dibao_application&intake={number}").status_code == 403
