"""一门受理 (docs/intake.md), the issue's scenario: a 12345 hotline call becomes a 临时救助 case and its feedback
is recorded. The hotline platform registers the call (its ticket kept, a repeat returning the same request),
城关镇's clerk opens the start page from the request (the caller's data carried into the 临时救助 form), starts
the case (the request linked to it, in the same transaction), records the caller's feedback, and the hotline
export carries the ticket, the case and the feedback."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from freezegun import freeze_time

from engine.context import Context
from engine.queries import case_page
from engine.queries import intake as views
from engine.services import intake
from tests.integration.intake_support import ID_NUMBER, hotline_call
from tests.web.conftest import Browser, make_app

# Monday 2026-11-23 09:00 Beijing; 12345 calls are triaged within 3 working days: 11-24, 11-25, 11-26.
CALL = "2026-11-23 01:00:00"


def _start_form(number: str) -> dict[str, str]:
    """The 临时救助 start form as the clerk submits it: the carried-over fields kept, the rest filled in."""
    return {
        "process": "temporary_assistance",
        "intake": number,
        "_op": "submit",
        "f.village": "demo-village-1-1",
        "f.applicant_name": "王秀兰",
        "f.applicant_id_number": ID_NUMBER,
        "f.kind": "emergency",
        "f.cause": "fire",
        "f.occurred_on": "2026-11-22",
        "f.persons": "3",
        "f.months": "2",
        "f.household_type": "other",
        "f.hardship_description": "家中失火，房屋和衣物被烧毁，请求临时救助（联系电话：13800138000）",
    }


@freeze_time(CALL)
def test_a_12345_call_becomes_a_temporary_assistance_case_and_its_feedback_is_recorded(ctx: Context) -> None:
    call = hotline_call(external_ticket="12345-GD-88017")
    registered = intake.register(ctx, "clerk1", call)
    number = registered.detail.row.number
    assert number == "SL-2026-000001"
    assert registered.detail.row.due_at == datetime(2026, 11, 26, 15, 59, 59)  # 11-26 23:59:59 Beijing
    assert not intake.register(ctx, "clerk1", call).created  # the platform sends it again: the same request

    browser = Browser(make_app(ctx).test_client())
    assert browser.login("clerk1").status_code == 302
    page = browser.get(f"/cases/new?process=temporary_assistance&intake={number}").get_data(as_text=True)
    assert 'value="王秀兰"' in page
    assert f'value="{ID_NUMBER}"' in page
    assert "家中失火，房屋和衣物被烧毁，请求临时救助（联系电话：13800138000）" in page
    assert f'name="intake" value="{number}"' in page
    form = _start_form(number)
    reply = browser.post("/cases/new", form)
    assert reply.status_code == 302, reply.get_data(as_text=True)[:2000]
    case_number = reply.headers["Location"].rsplit("/", 1)[-1]

    detail = views.intake_page(ctx, "clerk1", number)
    assert (detail.row.status, detail.row.case_number, detail.row.external_ticket) == (
        "started",
        case_number,
        "12345-GD-88017",
    )
    shown = case_page.case_page(ctx, case_number, "clerk1")
    texts = [entry.text for entry in shown.timeline]
    assert f"由一门受理事项 {number} 分办启动本案件" in texts

    reply = browser.post(
        f"/intake/{number}/feedback", {"satisfaction": "satisfied", "feedback": "当天就有人上门，很满意"}
    )
    assert reply.status_code == 302
    export = browser.get("/intake/export.csv")
    assert export.status_code == 200
    body = export.get_data(as_text=True)
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["工单号", "渠道", "受理编号"]
    assert rows[1] == [
        "12345-GD-88017",
        "12345 热线",
        number,
        "2026-11-23 09:00",
        "2026-11-26 23:59",
        "2026-11-23 09:00",
        "已启动审批流程",
        f"案件 {case_number}",
        "当天就有人上门，很满意",
        "满意",
        "2026-11-23 09:00",
    ]
