"""特困人员认定 on the pages (docs/tekun.md): 受理登记 offers it, its start form refuses a bad 身份证号 at the field,
warns about a person already covered with a link to the case, and the decision panel shows the assessment."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from freezegun import freeze_time

from engine.context import Context
from engine.queries import case_view
from tests.scenarios.approved import applicant_id_number, approved_application
from tests.scenarios.flow import Users
from tests.scenarios.tekun_flow import TekunApplication, scenario_10_start
from tests.web.test_registration import as_form, signed_in

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
URL = "/cases/new"


def _form(data: dict[str, Any], **extra: str) -> dict[str, str]:
    return {"process": "tekun_application", "_op": "submit", **as_form(data), **extra}


def _html(response: Any) -> str:
    return str(response.get_data(as_text=True))


@freeze_time(START)
def test_registration_offers_tekun_and_starts_it(app: Flask, ctx: Context) -> None:
    clerk = signed_in(app, "clerk1")
    tabs = _html(clerk.get(URL)).split('class="tabs start-tabs"')[-1].split("</nav>")[0]
    assert "特困人员认定" in tabs
    page = _html(clerk.get(f"{URL}?process=tekun_application"))
    for label in ("申请方式", "村（居）委会主动发现", "出生日期", "持有残疾人证", "申请事由"):
        assert label in page, label
    response = clerk.post(URL, _form(scenario_10_start(Users())))
    assert response.status_code == 302
    number = response.headers["Location"].rsplit("/", 1)[-1]
    case = case_view.show_case(ctx, number)
    assert (case.kind, case.status) == ("tekun_application", "open")
    assert [t.task_name for t in case.tasks] == ["intake_review"]


@freeze_time(START)
def test_a_bad_id_number_is_refused_at_its_field(app: Flask) -> None:
    clerk = signed_in(app, "clerk1")
    data = scenario_10_start(Users()) | {"applicant_id_number": "110105195403010020"}
    response = clerk.post(URL, _form(data))
    assert response.status_code == 422
    error = re.search(r'id="f-applicant_id_number-error">(.*?)</div>', _html(response), re.S)
    assert error
    assert "身份证号" in error.group(1)


@freeze_time(START)
def test_a_person_on_dibao_is_warned_with_a_link_before_registering(app: Flask, ctx: Context) -> None:
    dibao = approved_application(ctx)
    clerk = signed_in(app, "clerk1")
    data = scenario_10_start(Users()) | {"applicant_id_number": applicant_id_number(dibao)}
    warned = clerk.post(URL, _form(data))
    assert warned.status_code == 409
    page = _html(warned)
    assert f'<a href="/cases/{dibao.number}">' in page
    assert "仍然登记" in page
    assert clerk.post(URL, _form(data, confirm_duplicate="1")).status_code == 302


@freeze_time(START)
def test_the_first_review_page_shows_the_tekun_assessment(app: Flask, ctx: Context) -> None:
    tekun = TekunApplication(ctx).start().accept().investigate()
    task_id = tekun.task("first_review").id
    page = _html(signed_in(app, "head1").get(f"/tasks/{task_id}"))
    for text in ("特困人员认定评估", "符合特困人员条件", "全护理", "1040.00 元/月", "600.00 元/月", "1640.00 元/月"):
        assert text in page, text
    assert "分散供养" in page
    assert "李照护" in page
