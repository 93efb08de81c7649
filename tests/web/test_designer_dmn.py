"""DMN decision tables in the browser (web/designer/dmn.py): who may open the editor and the test page, the
XML it loads and saves as a draft (CSRF, 422 with the reason for broken XML), and the 测试决策表 page, which
runs the real table of the draft and of the deployed file side by side through the sandboxed engine."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.test import TestResponse

from engine.context import Context
from engine.persistence import AuditEvent
from engine.services import designer
from tests.web.conftest import Browser
from web.designer import dmn

FILE = "reference_approval_level.dmn"
PAGE = f"/designer/dmn/default/{FILE}"
XML = f"{PAGE}/xml"
TEST = f"{PAGE}/test"
TEMPORARY = "/designer/dmn/default/temporary_approval_level.dmn"


@pytest.fixture(autouse=True)
def _assets_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for what `make modeler-assets` copies (tests never need npm)."""
    vendor = tmp_path / "vendor" / "dmn-js"
    vendor.mkdir(parents=True)
    (vendor / dmn.VENDOR_SCRIPT).write_text("/* dmn-js */", encoding="utf-8")
    monkeypatch.setattr(dmn, "VENDOR_DIR", vendor)
    return vendor


def _browser(make_browser: Any, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[no-any-return]


def _save(browser: Browser, url: str, body: bytes, *, csrf: bool = True) -> TestResponse:
    headers = {"X-CSRFToken": browser.token()} if csrf else {}
    return browser.client.post(url, data=body, content_type="application/xml; charset=utf-8", headers=headers)


def _edited(ctx: Context) -> bytes:
    """The national table with the township limit raised from 3200 to 5000 in both rows' conditions, as
    dmn-js exports a table after two cells were retyped (the same elements, the cell text changed)."""
    text = (ctx.settings.processes_dir / "default" / FILE).read_text(encoding="utf-8")
    edited, count = re.subn(r"(<text>&[lg]t;=? )3200(</text>)", r"\g<1>5000\2", text)
    assert count == 2
    return edited.encode()


def _results(page: str) -> dict[str, str]:
    """The text of the 草稿 and 已部署 result cards, tags removed."""
    sides = {}
    for side in ("draft", "deployed"):
        match = re.search(rf'id="side-{side}".*?</section>', page, re.DOTALL)
        assert match, side
        sides[side] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(0)))
    return sides


def test_the_designer_opens_the_table_editor_with_its_scripts(make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    reply = browser.get(PAGE)
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert 'id="dmn-canvas"' in page
    assert f'data-xml-url="{XML}"' in page
    assert f'data-save-url="{PAGE}"' in page
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', page)
    for script in ("vendor/dmn-js/dmn-modeler.production.min.js", "dmn/dmn-zh.js", "dmn/dmn-editor.js"):
        assert f"/static/{script}" in page
    assert f'href="{TEST}"' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # no inline script: the CSP allows 'self' only
    assert reply.headers["Content-Security-Policy"] == browser.get("/").headers["Content-Security-Policy"]
    assert "unsafe" not in reply.headers["Content-Security-Policy"]


def test_without_npm_the_editor_page_says_so(
    make_browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dmn, "VENDOR_DIR", tmp_path / "not-installed")
    page = _browser(make_browser, "designer1").get(PAGE).get_data(as_text=True)
    assert "服务器未安装 Node.js/npm，浏览器决策表编辑器不可用" in page
    assert "dmn-canvas" not in page
    assert f'href="{TEST}"' in page  # the test page needs no npm


@pytest.mark.parametrize(
    ("who", "status"), [("designer1", 200), ("designer_yantai", 403), ("clerk1", 403), ("admin1", 403), (None, 302)]
)
def test_only_the_regions_designer_opens_saves_or_tests(
    ctx: Context, make_browser: Any, who: str | None, status: int
) -> None:
    browser = _browser(make_browser, who)
    for url in (PAGE, XML, TEST):
        reply = browser.get(url)
        assert reply.status_code == status, url
        if who is None:
            assert reply.headers["Location"].startswith("/login")
    assert _save(browser, PAGE, _edited(ctx)).status_code == status
    assert browser.post(TEST, {"input_requested_amount": "4000"}).status_code == status
    assert [d.filename for d in designer.draft_files(ctx, "designer1", "default")] == ([FILE] if status == 200 else [])


def test_a_designer_of_another_region_works_on_their_own(make_browser: Any) -> None:
    browser = _browser(make_browser, "designer_yantai")
    assert browser.get(f"/designer/dmn/yantai/{FILE}").status_code == 200
    assert browser.get(f"/designer/dmn/yantai/{FILE}/test").status_code == 200
    assert browser.get("/designer/dmn/huining/temporary_approval_level.dmn/test").status_code == 403


@pytest.mark.parametrize("name", ["missing.dmn", "dibao_application.bpmn", "parameters.toml", "..dmn"])
def test_only_existing_dmn_files_open(ctx: Context, make_browser: Any, name: str) -> None:
    browser = _browser(make_browser, "designer1")
    for url in (
        f"/designer/dmn/default/{name}",
        f"/designer/dmn/default/{name}/xml",
        f"/designer/dmn/default/{name}/test",
    ):
        assert browser.get(url).status_code == 404, url
    assert _save(browser, f"/designer/dmn/default/{name}", b"<x/>").status_code == 404
    assert designer.draft_files(ctx, "designer1", "default") == []


def test_saving_an_edited_rule_stores_a_draft_the_editor_then_loads(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    assert browser.get(XML).get_data() == (ctx.settings.processes_dir / "default" / FILE).read_bytes()
    edited = _edited(ctx)
    reply = _save(browser, PAGE, edited)
    assert reply.status_code == 200
    assert reply.get_json() == {"ok": True, "message": f"已保存草稿 {FILE}：请到“草稿与部署”页校验后部署"}
    (draft,) = designer.draft_files(ctx, "designer1", "default")
    assert (draft.filename, draft.kind, draft.replaces) == (FILE, "dmn", f"default/{FILE}")
    assert browser.get(XML).get_data() == edited
    assert browser.get(XML).headers["Cache-Control"] == "no-store"
    assert (ctx.settings.processes_dir / "default" / FILE).read_bytes() != edited  # disk untouched until deploy
    # The drafts page validates it like an upload (the DMN subset checks included) and links back here.
    drafts_page = browser.get("/designer/drafts/default").get_data(as_text=True)
    assert f'href="{PAGE}"' in drafts_page
    assert f'href="{TEST}"' in drafts_page
    assert designer.validate_draft(ctx, "designer1", "default").ok


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<definitions", "XML 文件无法解析"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "XML 文件无法解析"),
        (b"", "文件为空"),
    ],
)
def test_broken_xml_is_refused_with_the_reason(ctx: Context, make_browser: Any, body: bytes, expected: str) -> None:
    reply = _save(_browser(make_browser, "designer1"), PAGE, body)
    assert reply.status_code == 422
    answer = reply.get_json()
    assert (answer["ok"], answer["message"]) == (False, expected)
    assert answer["errors"]
    assert all(FILE in m for m in answer["errors"])
    assert designer.draft_files(ctx, "designer1", "default") == []


def test_saving_needs_the_csrf_token(ctx: Context, make_browser: Any) -> None:
    assert _save(_browser(make_browser, "designer1"), PAGE, _edited(ctx), csrf=False).status_code == 400
    assert designer.draft_files(ctx, "designer1", "default") == []


def test_the_test_form_has_one_typed_field_per_input_column(make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    page = browser.get(TEST).get_data(as_text=True)
    assert "申请金额（元）" in page
    assert 'name="input_requested_amount"' in page
    assert 'inputmode="decimal"' in page
    assert "float(requested_amount)" in page
    temporary = browser.get(f"{TEMPORARY}/test").get_data(as_text=True)
    assert "事由" in temporary
    assert "救助金额超过乡镇审批限额" in temporary
    assert re.search(r'<select id="col-2" name="input_above_limit"', temporary)


def test_without_a_draft_only_the_deployed_table_runs(ctx: Context, make_browser: Any) -> None:
    reply = _browser(make_browser, "designer1").post(TEST, {"input_requested_amount": "3000"})
    assert reply.status_code == 200
    sides = _results(reply.get_data(as_text=True))
    assert "没有草稿" in sides["draft"]
    assert "命中第 1 行：乡镇审批" in sides["deployed"]
    assert "township" in sides["deployed"]


def test_draft_and_deployed_differ_after_the_edit(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    assert _save(browser, PAGE, _edited(ctx)).status_code == 200
    # 4000 yuan: under the draft's limit of 5000 (row 1, township), over the deployed 3200 (row 2, county).
    reply = browser.post(TEST, {"input_requested_amount": "4000"})
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    sides = _results(page)
    assert "命中第 1 行：乡镇审批" in sides["draft"]
    assert "approval_level township" in sides["draft"]
    assert "命中第 2 行：县级审批" in sides["deployed"]
    assert "approval_level county" in sides["deployed"]
    assert "草稿与已部署版本的结果不同" in page
    assert 'value="4000"' in page  # the form keeps what was typed
    # 6000: both say county, through row 2.
    same = browser.post(TEST, {"input_requested_amount": "6000"}).get_data(as_text=True)
    assert "草稿与已部署版本的结果相同" in same
    with ctx.db.read() as session:
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "designer.decision_tested")))
    assert [(e.details["draft_rows"], e.details["deployed_rows"]) for e in events] == [([1], [2]), ([2], [2])]
    assert all(e.details["file"] == FILE and "4000" not in str(e.details) for e in events)
    assert [d.filename for d in designer.draft_files(ctx, "designer1", "default")] == [FILE]  # nothing else written


def test_the_temporary_table_takes_the_first_matching_row(make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    fire = _results(
        browser.post(f"{TEMPORARY}/test", {"input_cause": "fire", "input_above_limit": "true"}).get_data(as_text=True)
    )
    assert "命中第 1 行：火灾、交通事故、突发重大疾病且超过乡镇限额" in fire["deployed"]
    assert "committee" in fire["deployed"]
    below = _results(
        browser.post(f"{TEMPORARY}/test", {"input_cause": "fire", "input_above_limit": "false"}).get_data(as_text=True)
    )
    assert "命中第 3 行：不超过乡镇限额：乡镇审批" in below["deployed"]


def test_no_matching_row_is_said_so(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    text = (ctx.settings.processes_dir / "default" / FILE).read_text(encoding="utf-8")
    only_township = re.sub(r'<rule id="rule_county">.*?</rule>', "", text, flags=re.DOTALL)
    assert _save(browser, PAGE, only_township.encode()).status_code == 200
    sides = _results(browser.post(TEST, {"input_requested_amount": "9000"}).get_data(as_text=True))
    assert "无匹配规则" in sides["draft"]
    assert "命中第 2 行" in sides["deployed"]


def test_the_cells_run_in_the_engine_host_not_in_the_web_process(
    ctx: Context, make_browser: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draft table's cells are designer code: they run in the engine host's child process (its memory and
    time limits), as a dry run does. Breaking run_table in this (the web) process changes nothing."""
    from engine.workflow import decision_test

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a DMN table ran in the web process")

    monkeypatch.setattr(decision_test, "run_table", refuse)
    browser = _browser(make_browser, "designer1")
    sides = _results(browser.post(TEST, {"input_requested_amount": "3000"}).get_data(as_text=True))
    assert "命中第 1 行：乡镇审批" in sides["deployed"]


def test_a_cell_that_breaks_the_sandbox_is_reported_not_run(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    text = (ctx.settings.processes_dir / "default" / FILE).read_text(encoding="utf-8")
    escaped = text.replace('<text>"township"</text>', "<text>().__class__.__bases__</text>")
    assert _save(browser, PAGE, escaped.encode()).status_code == 200
    reply = browser.post(TEST, {"input_requested_amount": "100"})
    assert reply.status_code == 200
    sides = _results(reply.get_data(as_text=True))
    assert "决策表违反沙箱限制" in sides["draft"]
    assert "township" in sides["deployed"]


@pytest.mark.parametrize(
    ("url", "form", "field", "message"),
    [
        (TEST, {}, "input_requested_amount", "“申请金额（元）”：请填写"),
        (TEST, {"input_requested_amount": "四千"}, "input_requested_amount", "“申请金额（元）”：应为数字"),
        (TEST, {"input_requested_amount": "nan"}, "input_requested_amount", "“申请金额（元）”：应为数字"),
        (
            f"{TEMPORARY}/test",
            {"input_cause": "fire", "input_above_limit": "maybe"},
            "input_above_limit",
            "“救助金额超过乡镇审批限额”：请选择“是”或“否”",
        ),
    ],
)
def test_a_missing_or_ill_typed_value_is_a_422_naming_the_column(
    ctx: Context, make_browser: Any, url: str, form: dict[str, str], field: str, message: str
) -> None:
    reply = _browser(make_browser, "designer1").post(url, form)
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert message in page
    assert "dmn-test-result" not in page
    with ctx.db.read() as session:
        assert list(session.scalars(select(AuditEvent).where(AuditEvent.action == "designer.decision_tested"))) == []


def test_a_draft_outside_the_dmn_subset_is_reported_on_the_test_page(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    text = (ctx.settings.processes_dir / "default" / FILE).read_text(encoding="utf-8")
    assert _save(browser, PAGE, text.replace("&lt; 3200", "[0..3200)").encode()).status_code == 200
    page = browser.get(TEST).get_data(as_text=True)
    assert "决策表无法解析" in page
    assert "FEEL 区间写法" in page
    reply = browser.post(TEST, {"input_requested_amount": "10"})
    assert reply.status_code == 422
    assert "FEEL 区间写法" in reply.get_data(as_text=True)


def test_the_region_page_links_each_dmn_file_to_its_editor_and_test_page(make_browser: Any) -> None:
    page = _browser(make_browser, "designer1").get("/designer/default").get_data(as_text=True)
    for name in (FILE, "temporary_approval_level.dmn"):
        assert f'href="/designer/dmn/default/{name}"' in page
        assert f'href="/designer/dmn/default/{name}/test"' in page
    yantai = _browser(make_browser, "designer_yantai").get("/designer/yantai").get_data(as_text=True)
    assert f'href="/designer/dmn/yantai/{FILE}"' in yantai
