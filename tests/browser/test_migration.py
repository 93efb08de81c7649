"""迁移运行中的案件 in a real Chromium (docs/process-migration.md): two applications run on v1 of the 低保
procedure; a v2 renaming 初审 and adding 核对结果复核 is deployed; designer1 opens the page from the version
history, previews the migration to v2 and migrates both cases. Screenshots at desktop width and 375 px."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Server, init_demo, server_env, serving
from tests.browser.pages import other_number, sign_in, walkthrough
from tests.scenarios.migration_flow import v2_text

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def migrating(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("dibao-migration")
    env = server_env(base)
    init_demo(env)
    with serving(base, env, pytestconfig) as running:
        for mark in ("5", "6"):
            start = walkthrough("start")
            for person in start["household"]["members"]:
                person["id_number"] = other_number(person["id_number"], mark)
            data = base / f"start-{mark}.json"
            data.write_text(json.dumps(start, ensure_ascii=False), encoding="utf-8")
            running.dibao("cases", "start", "dibao_application", "--as", "clerk1", "--data", str(data))
        bpmn = Path(env["DIBAO_PROCESSES_DIR"]) / "default" / "dibao_application.bpmn"
        bpmn.write_text(v2_text(bpmn.read_text(encoding="utf-8")), encoding="utf-8")
        running.dibao("processes", "deploy", "--region", "default")
        yield running


def test_a_designer_previews_and_migrates_running_cases(
    chromium: Browser, migrating: Server, screenshots: Path
) -> None:
    page = sign_in(chromium, migrating.url, "designer1")
    page.goto("/designer/default/dibao_application/history")
    page.get_by_role("link", name="迁移运行中的案件到新版本").click()
    expect(page.get_by_role("heading", name="迁移运行中的案件：最低生活保障审核确认")).to_be_visible()
    page.get_by_label("目标版本").select_option("2")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_text("共 2 件，可迁移 2 件，不能迁移 0 件。")).to_be_visible()
    expect(page.get_by_text("对应：初审（first_review）→ 乡镇初审（township_review）")).to_be_visible()
    expect(page.get_by_text("新版本新增：核对结果复核（verification_review）")).to_be_visible()
    page.screenshot(path=str(screenshots / "migration-preview.png"), full_page=True)

    phone = sign_in(chromium, migrating.url, "designer1", phone=True)
    phone.goto(page.url)
    expect(phone.get_by_text("共 2 件，可迁移 2 件，不能迁移 0 件。")).to_be_visible()
    phone.screenshot(path=str(screenshots / "migration-preview-375px.png"), full_page=True)
    width = phone.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 375, f"the migration page is {width} px wide at 375 px"

    page.get_by_role("button", name="迁移所选案件").click()
    expect(page.locator(".flash").first).to_contain_text("已迁移 2 件到第 2 版")
    expect(page.get_by_text("没有需要迁移的案件")).to_be_visible()
    page.screenshot(path=str(screenshots / "migration-done.png"), full_page=True)
