"""docs/walkthrough.md "Your first completed task, in the browser", step by step through the real pages (the
browser test drives the same path in Chromium). If a label or a step changes, this fails and the page must follow."""

from __future__ import annotations

import re

from freezegun import freeze_time

from engine.context import Context
from tests.api.conftest import counts
from tests.web.conftest import Browser

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
MEMBER = "f.household.members.0"
# Step 2 exactly as docs/walkthrough.md says it, as the browser posts it.
REGISTRATION = {
    "process": "dibao_application",
    "f.village": "demo-village-1-1",
    "f.channel": "window",
    "f.household.registered_type": "urban",
    "f.household.assets_pass": "on",
    "f.household.members._n": "1",
    f"{MEMBER}.name": "张三",
    f"{MEMBER}.id_number": "110105198001010112",
    f"{MEMBER}.relation": "self",
    f"{MEMBER}.employment.status": "employed",
    f"{MEMBER}.incomes._n": "1",
    f"{MEMBER}.incomes.0.kind": "wage",
    f"{MEMBER}.incomes.0.monthly_amount": "1500.00",
}
INTAKE = {
    "f.decision": "approve",
    "f.pledge_signed": "on",
    "f.consent_signed": "on",
    "f.opinion": "材料齐全，予以受理",
}


def _html(response: object) -> str:
    return response.get_data(as_text=True)  # type: ignore[attr-defined, no-any-return]


@freeze_time(START)
def test_the_readme_quickstart_in_the_workspace(ctx: Context, browser: Browser) -> None:
    # 1. Sign in: the 工作台 opens on 待办, empty on a new database.
    assert browser.login("clerk1").headers["Location"] == "/"
    inbox = _html(browser.get("/"))
    assert "待办" in inbox
    assert "/tasks/" not in inbox
    # 2. 受理登记 with the labels docs/walkthrough.md names.
    form = _html(browser.get("/cases/new"))
    for label in (
        "申请事项",
        "最低生活保障审核确认",
        "城关镇东村",
        "申请渠道",
        "窗口申请",
        "户籍类别",
        "城镇",
        "家庭财产是否符合规定",
    ):
        assert label in form, label
    for label in ("家庭成员", "姓名", "身份证号", "本人（申请人）", "就业状态", "受雇就业", "添加一项（月收入）"):
        assert label in form, label
    with_income = _html(
        browser.post(
            "/cases/new", {**REGISTRATION, f"{MEMBER}.incomes._n": "0", "_op": "add:household.members.0.incomes"}
        )
    )
    assert "收入类别" in with_income
    assert "工资性收入" in with_income
    assert "月均金额（元）" in with_income
    # 3. 试算: per-capita 1,500.00 is not below the demo standard of 800, so 不符合低保条件; nothing stored.
    trial = _html(browser.post("/cases/new", {**REGISTRATION, "_op": "assess"}))
    assert "试算结果" in trial
    assert re.search(r"人均收入</dt><dd><strong>1500\.00</strong>", trial)
    assert "不符合低保条件" in trial
    assert counts(ctx)[1] == 0
    # 4. 提交登记 opens the case page of 2026-0000001 at 受理审查.
    registered = browser.post("/cases/new", {**REGISTRATION, "_op": "submit"})
    assert registered.headers["Location"] == "/cases/2026-0000001"
    page = _html(browser.get("/cases/2026-0000001"))
    assert "受理审查" in page
    assert "<svg" in page
    # 5. 待办 lists 受理审查; 签收, an empty opinion is refused at the field, then 提交.
    task_id = int(re.search(r'href="/tasks/(\d+)"', _html(browser.get("/"))).group(1))  # type: ignore[union-attr]
    assert "受理审查" in _html(browser.get(f"/tasks/{task_id}"))
    assert browser.post(f"/tasks/{task_id}/claim").status_code == 302
    refused = browser.post(f"/tasks/{task_id}/complete", {**INTAKE, "f.opinion": ""})
    assert refused.status_code == 422
    assert "需要修改" in _html(refused)
    assert re.search(r'value="approve"[^>]*(selected|checked)', _html(refused))
    assert browser.post(f"/tasks/{task_id}/complete", INTAKE).status_code == 302
    # 6. 已办 has it; the legal clock runs (0 of 30 working days) and 启动家庭经济状况调查 is next.
    assert f"/tasks/{task_id}" in _html(browser.get("/?view=done"))
    page = _html(browser.get("/cases/2026-0000001"))
    assert re.search(r"<strong>0</strong> / 30 个工作日", page)
    assert "启动家庭经济状况调查" in page
