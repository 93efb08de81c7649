"""The task page shows its decision-context panels above the form and links to the case page
(docs/decision-context.md); 身份证号 only masked."""

from __future__ import annotations

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import eligible_household
from tests.scenarios.flow import Application
from tests.web.conftest import Browser, open_task

START = "2026-11-23 01:00:00"


@freeze_time(START)
def test_first_review_page_shows_the_panels_above_the_form(ctx: Context, browser: Browser) -> None:
    household = eligible_household()
    app = Application(ctx, household).start().accept().investigate()
    browser.login("head1")
    page = browser.get(f"/tasks/{app.task('first_review').id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/cases/{app.number}"' in html
    assert "查看案件" in html
    for title in ("申请人", "家庭情况", "家庭经济状况评估", "入户调查", "信息核对"):
        assert f"<h3>{title}</h3>" in html
    assert "900.00 元/月" in html
    assert "计算依据" in html
    assert "张三（本人（申请人））" in html
    assert "家庭实际居住情况与申报一致" in html
    assert html.index("决策依据") < html.index('class="task-form"')  # above the form
    assert all(m["id_number"] not in html for m in household["members"])


def test_a_task_without_panels_still_links_to_its_case(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    html = browser.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'href="/cases/2026-0000001"' in html
    assert "本环节未配置决策依据面板" in html
