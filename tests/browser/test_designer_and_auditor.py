"""Issue 6 in a real Chromium: designer_yantai changes 烟台's 公示天数 (notice_days 7 → 5) on 编辑参数 and
renames the task 初审 to 乡镇初审 in the BPMN modeler, validates the draft, deploys, and reads the diff.
A case registered before the deploy keeps its version (初审, a 7-day 公示); one registered after it runs
the new version (乡镇初审, a 5-day 公示). An auditor of 烟台 opens the new case's dossier, sees the chain
check pass, presses 校验全部 and downloads the JSON export.

The cases are moved along through the JSON API (tests/browser/api.py); what matters here is what the
browser shows. Screenshots 20-23 go to artifacts/screenshots/. Only region yantai is changed, so the
other browser tests (region default) do not care about the order they run in."""

from __future__ import annotations

import copy
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect
from sqlalchemy import select

from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.id_numbers import check_character
from engine.persistence import OrgUnit
from engine.records import audit
from engine.services.bootstrap import DEMO_PASSWORD
from engine.services.users import add_user
from engine.settings import Settings
from tests.browser.api import Api
from tests.browser.conftest import Server
from tests.browser.pages import sign_in, walkthrough
from web.designer import modeler

pytestmark = pytest.mark.browser

REGION = "yantai"
AUDITOR = "auditor_yantai"
REGION_NAME = "烟台"  # what the pages call the region (its README title)
NEW_TITLE = "乡镇初审"
# Before 初审: 受理审查 (done before the deploy for the running case), then the investigation.
BEFORE_FIRST_REVIEW = (
    ("clerk_yantai", "start_investigation", "investigation"),
    ("clerk_yantai", "home_visit", "home_visit"),
    ("verify_yantai", "data_verification", "verification"),
)
NOTICE_SPAN = re.compile(r"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) 至 (\d{4}-\d{2}-\d{2} \d{2}:\d{2})")


def _shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / name), full_page=True)


def _id_number(birth: str, sequence: str) -> str:
    body = f"370602{birth}{sequence}"  # 370602: 烟台市芝罘区
    return body + check_character(body)


def yantai_household(family: str, birth_years: tuple[str, str, str]) -> dict[str, Any]:
    """Scenario 1 (eligible, 3 persons) for a family of 烟台示范村 with its own names and ID numbers."""
    start = copy.deepcopy(walkthrough("start"))
    start["village"] = f"{REGION}-village"
    for index, (person, given, year) in enumerate(
        zip(start["household"]["members"], ("大", "二", "小"), birth_years, strict=True)
    ):
        person.update(name=f"{family}{given}", id_number=_id_number(f"{year}0101", f"{index + 1:02d}{index + 1}"))
    return start


def _case_version(page: Page, number: str) -> int:
    page.goto(f"/cases/{number}")
    flow = page.locator("dt", has_text=re.compile("^流程$")).locator("xpath=following-sibling::dd[1]")
    match = re.search(r"（v(\d+)）", flow.inner_text())
    assert match is not None, flow.inner_text()
    return int(match.group(1))


def _notice_days(page: Page, number: str) -> float:
    """The 公示 on the case page, start to end, in days."""
    page.goto(f"/cases/{number}")
    notices = page.locator("section").filter(has=page.get_by_role("heading", name="公示", exact=True))
    expect(notices).to_contain_text("公示中")
    match = NOTICE_SPAN.search(notices.inner_text())
    assert match is not None, notices.inner_text()
    starts, ends = (datetime.strptime(text, "%Y-%m-%d %H:%M") for text in match.groups())
    return (ends - starts).total_seconds() / 86_400


def _task_titles(page: Page, number: str) -> list[str]:
    """The titles in the case page's 任务 list (done and open)."""
    page.goto(f"/cases/{number}")
    tasks = page.locator("section").filter(has=page.get_by_role("heading", name="任务", exact=True))
    return [text.strip() for text in tasks.get_by_role("link").all_inner_texts()]


def change_notice_days(page: Page, today: str) -> None:
    """编辑参数: a new row for notice_days, 5 from today; saved as a draft."""
    page.goto(f"/designer/drafts/{REGION}")
    page.get_by_role("link", name="编辑参数").first.click()
    expect(page.get_by_role("heading", name=f"参数：{REGION_NAME}")).to_be_visible()
    page.get_by_label("公示天数 新取值的生效日期", exact=True).fill(today)
    page.get_by_label("公示天数 新取值", exact=True).fill("5")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page.get_by_role("heading", name=f"流程草稿：{REGION_NAME}")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="parameters.toml")).to_be_visible()


def rename_first_review(page: Page) -> None:
    """The modeler on 烟台's effective dibao_application.bpmn (the national one): 初审 → 乡镇初审, 保存草稿."""
    page.goto(f"/designer/modeler/{REGION}/dibao_application.bpmn")
    status = page.get_by_role("status")
    expect(status).to_have_text(re.compile("^已加载"))
    page.evaluate(
        """name => {
            const modeler = window.dibaoModeler;
            const task = modeler.get('elementRegistry').get('first_review');
            modeler.get('modeling').updateLabel(task, name);
        }""",
        NEW_TITLE,
    )
    page.get_by_role("button", name="保存草稿").click()
    expect(status).to_have_text(re.compile("^已保存草稿 dibao_application.bpmn"))


def validate_and_deploy(page: Page, folder: Path) -> None:
    page.goto(f"/designer/drafts/{REGION}")
    expect(page.get_by_role("row").filter(has_text="dibao_application.bpmn")).to_be_visible()
    page.get_by_role("button", name="校验草稿").click()
    expect(page.get_by_role("status").filter(has_text="校验通过")).to_be_visible()
    _shot(page, folder, "20-designer-drafts-valid.png")
    page.get_by_role("button", name=f"部署到 {REGION_NAME}").click()
    expect(page.get_by_role("status").filter(has_text="已部署")).to_contain_text("dibao_application")
    expect(page.get_by_text("本地区没有草稿")).to_be_visible()


def add_auditor(server: Server) -> None:
    """The demo has no auditor in 烟台: one is added to 烟台示范县 on the server's database, as an
    administrator of that county would (an `admin.user_created` event; no such administrator exists)."""
    env = server.env
    settings = Settings(
        database_url=env["DIBAO_DATABASE_URL"],
        demo=True,
        processes_dir=Path(env["DIBAO_PROCESSES_DIR"]),
        forms_dir=Path(env["DIBAO_FORMS_DIR"]),
        audit_key_file=Path(env["DIBAO_AUDIT_KEY_FILE"]),  # the server's chain key
    )
    ctx = Context.from_settings(settings)
    try:
        with ctx.db.write() as session:
            county = session.scalars(select(OrgUnit).where(OrgUnit.code == f"{REGION}-county")).one()
            add_user(session, AUDITOR, "烟台审计员", DEMO_PASSWORD, county, ["auditor"])
            details = {"username": AUDITOR, "org_unit": county.code, "roles": ["auditor"], "by": "browser test setup"}
            audit.record(session, "admin.user_created", audit.SYSTEM, details=details)
    finally:
        ctx.close()


def audit_the_case(page: Page, number: str, folder: Path) -> None:
    page.goto(f"/audit/cases/{number}")
    expect(page.get_by_role("heading", name=f"审计档案 · 案件 {number}")).to_be_visible()
    expect(page.locator("#verification")).to_contain_text(re.compile(r"✓ 本案 \d+ 条记录完整未被篡改"))
    _shot(page, folder, "23-auditor-dossier.png")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="JSON 文件").click()
    download = download_info.value
    assert download.suggested_filename == f"dossier-{number}.json"
    exported = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert exported["format"] == "dibao-dossier/1"
    assert exported["facts"]["number"] == number
    assert exported["verification"]["ok"] is True
    actions = [event["action"] for event in exported["events"]]
    assert len(actions) >= 5, actions
    assert [event["seq"] for event in exported["events"]] == sorted(event["seq"] for event in exported["events"])
    assert any(action.startswith("task_completed") for action in actions), actions

    page.goto("/audit")
    page.get_by_role("button", name="校验全部").click()
    expect(page.get_by_role("status").filter(has_text="审计链完整")).to_contain_text("✓")
    _shot(page, folder, "23-auditor-verify-all.png")


def test_a_deployed_change_applies_to_new_cases_only_and_the_auditor_verifies(
    server: Server, chromium: Browser, playwright: Playwright, screenshots: Path
) -> None:
    renamed = modeler.assets_installed()  # without bpmn-js only the parameter change is deployed
    title = NEW_TITLE if renamed else "初审"
    api = Api(playwright, server.url)
    clerk = sign_in(chromium, server.url, "clerk_yantai")
    try:
        running = api.start("clerk_yantai", yantai_household("孙", ("1980", "1982", "2010")))
        api.complete("clerk_yantai", running, "intake_review", walkthrough("intake"))
        old_version = _case_version(clerk, running)

        designer = sign_in(chromium, server.url, "designer_yantai")
        change_notice_days(designer, f"{to_china(utcnow()):%Y-%m-%d}")
        if renamed:
            rename_first_review(designer)
        validate_and_deploy(designer, screenshots)

        designer.goto(f"/designer/{REGION}/dibao_application/diff")
        expect(designer.get_by_role("heading", name=re.compile("^版本差异"))).to_be_visible()
        changes = designer.locator("main")
        expect(changes).to_contain_text(f"第 {old_version} 版")
        expect(changes).to_contain_text(f"第 {old_version + 1} 版")
        if renamed:
            expect(changes).to_contain_text(f"任务“初审”改名为“{NEW_TITLE}”")
        expect(changes).to_contain_text(re.compile(r"参数「公示天数」自 \d{4}-\d{2}-\d{2} 起由 7 天 改为 5 天"))
        _shot(designer, screenshots, "21-designer-diff.png")

        new = api.start("clerk_yantai", yantai_household("周", ("1979", "1983", "2012")))
        api.complete("clerk_yantai", new, "intake_review", walkthrough("intake"))
        for number in (running, new):
            for user, task, step in BEFORE_FIRST_REVIEW:
                api.complete(user, number, task, walkthrough(step))
        assert _case_version(clerk, running) == old_version
        assert _case_version(clerk, new) == old_version + 1
        assert "初审" in _task_titles(clerk, running)
        assert NEW_TITLE not in _task_titles(clerk, running)
        assert title in _task_titles(clerk, new)
        assert not renamed or "初审" not in _task_titles(clerk, new)

        for number in (running, new):
            api.complete("head_yantai", number, "first_review", walkthrough("first_review"))
        assert _notice_days(clerk, running) == pytest.approx(7, abs=2 / 1440)
        assert _notice_days(clerk, new) == pytest.approx(5, abs=2 / 1440)
        _shot(clerk, screenshots, "22-new-vs-running.png")  # the new case's page: v<N+1>, a 5-day 公示
        clerk.goto(f"/cases/{running}")
        _shot(clerk, screenshots, "22-new-vs-running-old-case.png")
        board = clerk.context.new_page()
        board.goto(f"/public/notices/{REGION}-village")
        expect(board.get_by_role("article", name="申请人：孙*")).to_be_visible()
        expect(board.get_by_role("article", name="申请人：周*")).to_be_visible()
        _shot(board, screenshots, "22-new-vs-running-board.png")
    finally:
        api.close()

    add_auditor(server)
    audit_the_case(sign_in(chromium, server.url, AUDITOR), new, screenshots)
    if not renamed:
        pytest.skip("bpmn-js 未安装（make modeler-assets 未找到 npm）：建模器改名部分未运行，其余部分已通过")
