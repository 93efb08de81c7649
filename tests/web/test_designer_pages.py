"""流程设计工作台 (/designer): a region's effective process set with origins, version history and the
readable diff; scoped to the designer's own region (administrators read theirs)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from engine.context import Context
from engine.services import designer
from tests.web.conftest import Browser


def _browser(make_browser: Any, who: str | None) -> Browser:
    browser: Browser = make_browser(who)
    return browser


def _text(browser: Browser, url: str) -> str:
    reply = browser.get(url)
    assert reply.status_code == 200, url
    return html.unescape(reply.get_data(as_text=True))


def test_a_designer_is_sent_to_their_region(make_browser: Any) -> None:
    assert _browser(make_browser, "designer1").get("/designer").headers["Location"] == "/designer/default"
    assert _browser(make_browser, "designer_yantai").get("/designer").headers["Location"] == "/designer/yantai"


def test_designer1_sees_the_default_set_all_default(make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    page = _text(browser, "/designer/default")
    assert "流程设计 · 全国默认" in page
    assert "<code>dibao_application.bpmn</code>" in page
    assert "<code>reference_approval_level.dmn</code>" in page
    assert "origin-region" not in page
    assert "origin-merged" not in page
    assert "与已部署版本一致" in page
    assert "有未部署的修改" not in page
    assert 'href="/designer/default/reference_review/history"' in page
    assert 'href="/designer/default/reference_review/v1/diagram"' in page
    assert 'href="/designer/modeler/default/reference_review.bpmn"' in page
    assert 'href="/designer/drafts/default"' in page
    assert ">流程设计</a>" in page  # the header link


def test_a_region_designer_sees_the_overrides_as_their_own(make_browser: Any) -> None:
    page = _text(_browser(make_browser, "designer_yantai"), "/designer/yantai")
    # 烟台 overrides parameters only: they merge over the default ones, key by key.
    assert '<span class="origin origin-merged">默认 + 本地区（逐项覆盖）</span>' in page
    assert "processes/default/parameters.toml + processes/regions/yantai/parameters.toml" in page
    assert "origin-region" not in page
    page = _text(_browser(make_browser, "designer_shaanxi"), "/designer/shaanxi")
    row = page[page.index("<code>dibao_application.bpmn</code>") :]
    assert row.index("本地区") < row.index("</tr>")  # 陕西's own BPMN replaces the default one
    assert "processes/regions/shaanxi/dibao_application.bpmn" in page
    row = page[page.index("<code>gradual_exit.bpmn</code>") :]
    assert row.index("默认") < row.index("</tr>")


def test_only_designers_of_the_region_and_its_administrator(make_browser: Any) -> None:
    yantai = _browser(make_browser, "designer_yantai")
    for url in ("/designer/default", "/designer/default/reference_review/history", "/designer/bengbu"):
        assert yantai.get(url).status_code == 403, url
    assert yantai.get("/designer/default/reference_review/v1/diagram").status_code == 403
    for who in ("clerk1", "auditor1", "approver1"):
        browser = _browser(make_browser, who)
        assert browser.get("/designer").status_code == 403, who
        assert browser.get("/designer/default").status_code == 403, who
        assert ">流程设计</a>" not in _text(browser, "/")
    anonymous = _browser(make_browser, None)
    reply = anonymous.get("/designer/default")
    assert reply.status_code == 302
    assert reply.headers["Location"].startswith("/login")
    admin = _browser(make_browser, "admin1")
    assert admin.get("/designer").headers["Location"] == "/designer/default"
    page = _text(admin, "/designer/default")
    assert "只读" in page
    assert "/designer/modeler/" not in page
    assert "/designer/drafts/" not in page
    assert admin.get("/designer/yantai").status_code == 403


def test_unknown_processes_and_versions_and_bad_numbers(make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    assert browser.get("/designer/default/no_such_process/history").status_code == 404
    assert browser.get("/designer/default/reference_review/v9/diagram").status_code == 404
    assert browser.get("/designer/default/reference_review/diff?from=1&to=9").status_code == 404
    reply = browser.get("/designer/default/reference_review/diff?from=abc&to=1")
    assert reply.status_code == 422
    assert "比较的起始版本（from）必须是正整数版本号" in reply.get_data(as_text=True)
    assert browser.get("/designer/default/reference_review/diff?from=0&to=1").status_code == 422


def test_the_deployed_diagram_is_an_svg(make_browser: Any) -> None:
    reply = _browser(make_browser, "designer1").get("/designer/default/reference_review/v1/diagram")
    assert reply.status_code == 200
    assert reply.mimetype == "image/svg+xml"
    svg = reply.get_data(as_text=True)
    assert svg.startswith("<svg")
    assert "受理登记" in svg


def test_a_new_version_shows_in_history_and_diff(ctx: Context, processes_dir: Path, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    bpmn = processes_dir / "default" / "reference_review.bpmn"
    bpmn.write_text(bpmn.read_text(encoding="utf-8").replace('name="受理登记"', 'name="申请受理"'), encoding="utf-8")
    params = processes_dir / "default" / "parameters.toml"
    text = params.read_text(encoding="utf-8").replace(
        "[notice_days]\n2021-07-01 = 7\n", "[notice_days]\n2021-07-01 = 7\n2026-12-01 = 5\n"
    )
    params.write_text(text, encoding="utf-8")
    page = _text(browser, "/designer/default")
    row = page[page.index('<code class="muted">reference_review</code>') :]
    assert row.index("有未部署的修改") < row.index("</tr>")

    deployed = {v.process_id: v for v in designer.deploy(ctx, "default", "designer1") if v.new}
    assert deployed["reference_review"].version == 2

    page = _text(browser, "/designer/default")
    row = page[page.index('<code class="muted">reference_review</code>') :]
    assert row.index("第 2 版") < row.index("与已部署版本一致") < row.index("</tr>")
    assert 'href="/designer/default/reference_review/diff?from=1&to=2"' in page

    history = _text(browser, "/designer/default/reference_review/history")
    assert history.index("第 2 版") < history.index("第 1 版")  # newest first
    assert "流程设计（designer1）" in history or "（designer1）" in history
    assert "系统（命令行部署）" in history  # version 1 came from the fixture's deploy
    assert deployed["reference_review"].bundle_hash[:12] in history

    diff = _text(browser, "/designer/default/reference_review/diff?from=1&to=2")
    assert '<li class="diff-changed">' in diff
    assert "任务“受理登记”改名为“申请受理”" in diff
    assert "参数「公示天数」自 2026-12-01 起由 7 天 改为 5 天" in diff
    assert diff.index(">任务 <") < diff.index(">参数 <")  # grouped by kind, in a fixed order
    # Without parameters the newest version is compared with the one before; the reverse diff reads backwards.
    assert "任务“受理登记”改名为“申请受理”" in _text(browser, "/designer/default/reference_review/diff")
    assert "任务“申请受理”改名为“受理登记”" in _text(browser, "/designer/default/reference_review/diff?from=2&to=1")
    assert "没有差异" in _text(browser, "/designer/default/reference_review/diff?from=2&to=2")
    # The first version's diagram still shows the old name.
    svg = browser.get("/designer/default/reference_review/v1/diagram").get_data(as_text=True)
    assert "受理登记" in svg
    assert "申请受理" not in svg
