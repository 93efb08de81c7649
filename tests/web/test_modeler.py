"""The in-browser BPMN modeler (web/designer/modeler.py): who may open it, the XML it loads (the draft's copy, else
the region's effective file), saving the edited XML as a draft (CSRF, 422 for broken XML), the page under
the application's CSP (no inline script), and the note shown where `make modeler-assets` found no npm."""

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
from web.designer import modeler

FILE = "dibao_application.bpmn"
PAGE = f"/designer/modeler/default/{FILE}"
XML = f"{PAGE}/xml"
NPM_MISSING = "服务器未安装 Node.js/npm，浏览器建模器不可用；请在“草稿与部署”页上传 BPMN 文件"


@pytest.fixture(autouse=True)
def _assets_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for what `make modeler-assets` copies (tests never need npm)."""
    vendor = tmp_path / "vendor" / "modeler"
    vendor.mkdir(parents=True)
    (vendor / modeler.VENDOR_SCRIPT).write_text("/* bpmn-js */", encoding="utf-8")
    monkeypatch.setattr(modeler, "VENDOR_DIR", vendor)
    return vendor


def _browser(make_browser: Any, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[no-any-return]


def _save(browser: Browser, url: str, body: bytes, *, csrf: bool = True) -> TestResponse:
    headers = {"X-CSRFToken": browser.token()} if csrf else {}
    return browser.client.post(url, data=body, content_type="application/xml; charset=utf-8", headers=headers)


def _edited(ctx: Context) -> bytes:
    """The default BPMN with its first task renamed, as bpmn-js would export it after an edit."""
    text = (ctx.settings.processes_dir / "default" / FILE).read_text(encoding="utf-8")
    renamed, count = re.subn(r'(<bpmn:userTask id="[^"]+" name=")[^"]*"', r'\1受理审查（已改名）"', text, count=1)
    assert count == 1
    return renamed.encode()


def test_the_designer_opens_the_modeler_with_its_script_and_token(make_browser: Any) -> None:
    reply = _browser(make_browser, "designer1").get(PAGE)
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert 'id="modeler-canvas"' in page
    assert f'data-xml-url="{XML}"' in page
    assert f'data-save-url="{PAGE}"' in page
    assert re.search(r'<meta name="csrf-token" content="[^"]+">', page)
    assert "/static/vendor/modeler/bpmn-modeler.js" in page
    assert "/static/modeler/modeler.js" in page
    assert 'href="/designer/drafts/default"' in page  # 校验与部署
    assert NPM_MISSING not in page
    # No inline script anywhere: the CSP allows scripts from 'self' only, on this page too.
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    # bpmn-js 18 runs under the application's policy unchanged (checked in Chromium: no violation).
    assert (
        reply.headers["Content-Security-Policy"]
        == _browser(make_browser, "designer1").get("/").headers["Content-Security-Policy"]
    )
    assert "unsafe" not in reply.headers["Content-Security-Policy"]


def test_without_npm_the_page_says_so_and_points_to_the_upload(
    make_browser: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(modeler, "VENDOR_DIR", tmp_path / "not-installed")
    reply = _browser(make_browser, "designer1").get(PAGE)
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    assert NPM_MISSING in page
    assert 'href="/designer/drafts/default"' in page
    assert "modeler-canvas" not in page
    assert "bpmn-modeler" not in page


@pytest.mark.parametrize(
    ("who", "status"), [("designer1", 200), ("designer_yantai", 403), ("clerk1", 403), ("admin1", 403), (None, 302)]
)
def test_only_the_regions_designer_opens_loads_or_saves(
    ctx: Context, make_browser: Any, who: str | None, status: int
) -> None:
    browser = _browser(make_browser, who)
    for url in (PAGE, XML):
        reply = browser.get(url)
        assert reply.status_code == status, url
        if who is None:
            assert reply.headers["Location"].startswith("/login")
    saved = _save(browser, PAGE, _edited(ctx))
    assert saved.status_code == status
    assert [d.filename for d in designer.draft_files(ctx, "designer1", "default")] == ([FILE] if status == 200 else [])


def test_a_designer_of_another_region_works_on_their_own(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer_yantai")
    assert browser.get(f"/designer/modeler/yantai/{FILE}").status_code == 200
    assert browser.get(f"/designer/modeler/shaanxi/{FILE}").status_code == 403
    assert browser.get(f"/designer/modeler/shaanxi/{FILE}/xml").status_code == 403


def test_the_xml_is_the_regions_effective_file(ctx: Context, make_browser: Any) -> None:
    default = (ctx.settings.processes_dir / "default" / FILE).read_bytes()
    override = (ctx.settings.processes_dir / "regions" / "shaanxi" / FILE).read_bytes()
    assert default != override
    reply = _browser(make_browser, "designer1").get(XML)
    assert reply.status_code == 200
    assert reply.mimetype == "application/xml"
    assert reply.headers["Cache-Control"] == "no-store"
    assert reply.get_data() == default
    shaanxi = _browser(make_browser, "designer_shaanxi").get(f"/designer/modeler/shaanxi/{FILE}/xml")
    assert shaanxi.get_data() == override  # the region's own override
    yantai = _browser(make_browser, "designer_yantai").get(f"/designer/modeler/yantai/{FILE}/xml")
    assert yantai.get_data() == default  # no override: the national file


def test_saving_stores_a_draft_that_the_modeler_then_loads(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    edited = _edited(ctx)
    reply = _save(browser, PAGE, edited)
    assert reply.status_code == 200
    body = reply.get_json()
    assert body["ok"] is True
    assert "已保存草稿" in body["message"]
    (draft,) = designer.draft_files(ctx, "designer1", "default")
    assert (draft.filename, draft.kind, draft.updated_by) == (FILE, "bpmn", "designer1")
    assert draft.replaces == f"default/{FILE}"
    assert browser.get(XML).get_data() == edited
    assert "受理审查（已改名）" in browser.get(XML).get_data(as_text=True)
    # processes/ is untouched until the draft is deployed from the drafts page.
    assert (ctx.settings.processes_dir / "default" / FILE).read_bytes() != edited
    with ctx.db.read() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "designer.draft_saved"))
        assert (event.actor_name, event.details["file"], event.details["region"]) == ("designer1", FILE, "default")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<bpmn:definitions", "XML 文件无法解析"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "XML 文件无法解析"),
        (b"", "文件为空"),
        ("<x>中文</x>".encode("gb18030"), "文件编码有误"),
    ],
)
def test_broken_xml_is_refused_with_a_chinese_message(
    ctx: Context, make_browser: Any, body: bytes, expected: str
) -> None:
    reply = _save(_browser(make_browser, "designer1"), PAGE, body)
    assert reply.status_code == 422
    answer = reply.get_json()
    assert answer["ok"] is False
    assert answer["message"] == expected
    assert answer["errors"]
    assert all(FILE in m for m in answer["errors"])
    assert designer.draft_files(ctx, "designer1", "default") == []


def test_saving_needs_the_csrf_token(ctx: Context, make_browser: Any) -> None:
    browser = _browser(make_browser, "designer1")
    assert _save(browser, PAGE, _edited(ctx), csrf=False).status_code == 400
    wrong = browser.client.post(
        PAGE, data=_edited(ctx), content_type="application/xml", headers={"X-CSRFToken": "forged"}
    )
    assert wrong.status_code == 400
    assert designer.draft_files(ctx, "designer1", "default") == []


@pytest.mark.parametrize("name", ["parameters.toml", "reference_approval_level.dmn", "missing.bpmn", "..bpmn"])
def test_only_existing_bpmn_files_open(ctx: Context, make_browser: Any, name: str) -> None:
    browser = _browser(make_browser, "designer1")
    assert browser.get(f"/designer/modeler/default/{name}").status_code == 404
    assert browser.get(f"/designer/modeler/default/{name}/xml").status_code == 404
    assert _save(browser, f"/designer/modeler/default/{name}", b"<x/>").status_code == 404
    assert designer.draft_files(ctx, "designer1", "default") == []
