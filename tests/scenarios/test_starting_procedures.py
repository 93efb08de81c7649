"""Every procedure from the browser (issue 14 part 1, docs/starting-cases.md), end to end through the web
forms (Flask test client, CSRF on) and the real BPMN: a fire registered at 22:00 reaches 先行救助 within its
24 hours, a 动态复核 of one enrolled household, the batch of due re-checks with its preview, and
延长办理期限 through the API (once; the second time 409).

Parameters (default region): S = 800 元/人·月, township limit 4 S = 3,200, 先行救助 within 24 hours.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html.parser import HTMLParser
from typing import Any

from flask import Flask
from freezegun import freeze_time

from engine.context import Context
from engine.queries import case_view
from engine.services import tokens
from engine.services.bootstrap import DEMO_PASSWORD
from tests.scenarios.flow import Application, Users
from tests.scenarios.households import household, member
from tests.web.conftest import Browser, make_app

FIRE_NIGHT = "2026-11-23 14:00:00"  # 22:00 Beijing time, Monday
APPLICANT = "11010519820315021X"


class _FormFields(HTMLParser):
    """The fields a browser would post from the registration form, as the page renders them."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._in_form = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "registration-form" in a.get("class", ""):
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name", "")
        if tag == "input" and name and not name.startswith("_"):
            if a.get("type") in ("checkbox", "radio"):
                if "checked" in a:
                    self.values[name] = a.get("value", "on")
            elif a.get("type") != "submit":
                self.values[name] = a.get("value", "")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.values[self._select] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.values[name] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.values[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._in_form = False


def _form_values(page: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(page)
    parser.values.pop("csrf_token", None)
    return {k: v for k, v in parser.values.items() if "__new__" not in k}


def _browser(app: Flask, username: str) -> Browser:
    browser = Browser(app.test_client())
    assert browser.login(username).status_code == 302
    return browser


def _number(response: Any) -> str:
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return str(response.headers["Location"]).rsplit("/", 1)[-1]


FIRE = {
    "process": "temporary_assistance",
    "f.village": "demo-village-1-1",
    "f.applicant_name": "王建国",
    "f.applicant_id_number": APPLICANT,
    "f.kind": "emergency",
    "f.cause": "fire",
    "f.occurred_on": "2026-11-23",
    "f.persons": "3",
    "f.months": "4",
    "f.household_type": "other",
    "f.hardship_description": "晚间住房失火，家中财物全部烧毁",
}


@freeze_time(FIRE_NIGHT)
def test_a_fire_registered_at_22_00_reaches_the_advance_payment_due_within_24_hours(ctx: Context) -> None:
    app = make_app(ctx)
    clerk = _browser(app, "clerk1")
    page = clerk.get("/cases/new?process=temporary_assistance").get_data(as_text=True)
    # The tabs come from the deployed definitions: what a township clerk may start, nothing called by others.
    for title in ("最低生活保障审核确认", "临时救助审核审批", "动态复核"):
        assert title in page
    assert "审核公示" not in page
    assert "渐退" not in page.split("受理登记</h1>")[1].split("</nav>")[0]

    # 试算 first: 800 × 3 × 4 = 9,600 above the township limit 3,200; the township pays 3,200 first.
    assessed = clerk.post("/cases/new", {**FIRE, "_op": "assess"}).get_data(as_text=True)
    assert "乡镇审批限额" in assessed
    assert "3200.00" in assessed
    assert "9600.00" in assessed
    # Default region: a fire above the township limit goes to the county mechanism (一事一议).
    assert "县级困难群众基本生活保障工作协调机制一事一议" in assessed
    assert 'value="王建国"' in assessed  # what was typed stays

    # A missing field: 422 at the field, everything else kept.
    missing = clerk.post("/cases/new", {**FIRE, "f.persons": "", "_op": "submit"})
    assert missing.status_code == 422
    assert "受困家庭人口" in missing.get_data(as_text=True)
    assert 'value="王建国"' in missing.get_data(as_text=True)

    number = _number(clerk.post("/cases/new", {**FIRE, "_op": "submit"}))
    view = case_view.show_case(ctx, number)
    (advance,) = [t for t in view.tasks if t.state == "open"]
    assert (view.kind, advance.task_name, advance.role) == ("temporary_assistance", "advance_payment", "township_head")
    registered = datetime(2026, 11, 23, 14, 0)
    assert view.next_timer_at is not None
    timer = view.next_timer_at.replace(tzinfo=None)
    assert timer == registered + timedelta(hours=24)  # the boundary timer: 22:00 the next evening
    assert advance.due_at is not None
    assert advance.due_at.replace(tzinfo=None) <= registered + timedelta(hours=24)


def _enrol(ctx: Context, name: str, users: Users | None = None) -> str:
    data = household(member(name, "self", ("wage", "1500.00")), member(f"{name}之妻", "spouse"))
    with freeze_time("2026-11-23 01:00:00"):
        app = Application(ctx, data, users or Users()).start().accept().investigate().first_review()
    with freeze_time("2026-11-30 02:00:00"):
        app.end_notice()
        app.confirm()
    return app.number


def test_a_periodic_review_is_started_from_the_page_for_one_enrolled_household(ctx: Context) -> None:
    enrolled = _enrol(ctx, "赵复核")
    app = make_app(ctx)
    with freeze_time("2027-01-11 02:00:00"):  # signed in at the frozen time, so the session is fresh
        clerk = _browser(app, "clerk1")
        found = clerk.get("/cases/new?process=periodic_review&q=赵复核").get_data(as_text=True)
        assert enrolled in found
        assert "选择保障家庭" in found
        page = clerk.get(f"/cases/new?process=periodic_review&enrolment={enrolled}").get_data(as_text=True)
        values = _form_values(page)
        # Prefilled from the enrolment: its case, village, the amount paid now, the household as last verified.
        assert values["f.related_case"] == enrolled
        assert values["f.village"] == "demo-village-1-1"
        assert values["f.current_amount"] == case_view.show_case(ctx, enrolled).enrollment.monthly_amount
        assert "赵复核" in values.values()
        for ground in ("定期复核", "家庭报告变化", "监测预警", "投诉举报"):
            assert ground in page
        number = _number(clerk.post("/cases/new", {**values, "f.trigger": "reported_change", "_op": "submit"}))
        case_page = clerk.get(f"/cases/{number}").get_data(as_text=True)
    assert "<dt>复核原因</dt><dd>家庭报告变化</dd>" in case_page  # the ground, in Chinese, on the case page
    review = case_view.show_case(ctx, number)
    assert review.kind == "periodic_review"
    assert review.data["related_case"] == enrolled
    assert review.data["trigger"] == "reported_change"
    assert [t.task_name for t in review.tasks] == ["recheck_investigation"]


def test_the_batch_preview_lists_exactly_the_due_households_and_starting_creates_them(ctx: Context) -> None:
    due = [_enrol(ctx, name) for name in ("钱一", "孙二")]
    app = make_app(ctx)
    with freeze_time("2027-06-01 02:00:00"):
        clerk, other_town = _browser(app, "clerk1"), _browser(app, "clerk2")
        early = clerk.get("/cases/due-reviews?on=2027-05-31").get_data(as_text=True)
        assert "<strong>0</strong>" in early  # due 1 June 2027 (six months after payment began)
        preview = clerk.get("/cases/due-reviews").get_data(as_text=True)
        assert "<strong>2</strong>" in preview
        assert set(re.findall(r"<td>(\d{4}-\d{7})</td>", preview)) == set(due)
        assert "复核日期 2027-06-01 已到" in preview
        assert "<strong>0</strong>" in other_town.get("/cases/due-reviews").get_data(as_text=True)
        assert _browser(app, "village1").get("/cases/due-reviews").status_code == 403

        started = clerk.post("/cases/due-reviews", {"on": "2027-06-01"}, follow_redirects=True)
        text = started.get_data(as_text=True)
        numbers = re.findall(r'<a href="/cases/([0-9-]+)">', text)
        assert "已启动 2 件动态复核" in text
        assert len(numbers) == 2
        assert {case_view.show_case(ctx, n).data["related_case"] for n in numbers} == set(due)
        assert "<strong>0</strong>" in clerk.get("/cases/due-reviews").get_data(as_text=True)  # not twice


def test_extend_through_the_api_then_twice_is_409(ctx: Context) -> None:
    with freeze_time("2026-11-23 01:00:00"):
        data = household(member("李延长", "self", ("wage", "500.00")))
        number = Application(ctx, data).start().accept().number
    app = make_app(ctx)

    def api(username: str) -> Any:
        token = tokens.issue_token(ctx, username, DEMO_PASSWORD, "127.0.0.1").token
        client = app.test_client()
        return lambda body: client.post(
            f"/api/v1/cases/{number}/extend", json=body, headers={"Authorization": f"Bearer {token}"}
        )

    body = {"ground": "separated_household", "reason": "申请人户籍与居住地分离，需两地核实"}
    assert api("clerk1")(body).status_code == 403  # a township clerk does not extend
    assert api("head1")({"ground": "weather", "reason": "x"}).status_code == 422
    first = api("head1")(body)
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["legal_clock"]["limit_days"] == 45
    again = api("approver1")(body)
    assert again.status_code == 409
    assert "已延长过一次" in again.get_json()["message"]
    assert case_view.show_case(ctx, number).legal_clock.extension_reason.startswith("人户分离")
