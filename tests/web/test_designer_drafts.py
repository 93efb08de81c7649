"""流程草稿 pages (/designer/drafts/<region>): upload with CSRF, the validation report, deploy only when
valid, the parameter form, the preview SVG, the dry run; scope 403s."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent
from engine.queries import deployed
from engine.services import designer
from tests.web.conftest import Browser

START = "2026-11-23 01:00:00"
BASE = "/designer/drafts/yantai"


def _upload(browser: Browser, name: str, content: bytes, *, csrf: bool = True) -> Any:
    return browser.post(
        f"{BASE}/upload",
        {"file": (io.BytesIO(content), name)},
        csrf=csrf,
        content_type="multipart/form-data",
    )


def _versions(ctx: Context) -> list[tuple[str, str, int]]:
    return [(v.region, v.process_id, v.version) for v in deployed.list_definitions(ctx)]


def _yantai_params(processes_dir: Path) -> bytes:
    text = (processes_dir / "regions" / "yantai" / "parameters.toml").read_text(encoding="utf-8")
    return (text + "\n[notice_days]\n2021-07-01 = 5\n").encode()


def test_upload_validate_deploy(make_browser: Any, ctx: Context, processes_dir: Path) -> None:
    browser = make_browser("designer_yantai")
    page = browser.get(BASE)
    assert page.status_code == 200
    assert "本地区没有草稿" in page.get_data(as_text=True)
    assert _upload(browser, "parameters.toml", _yantai_params(processes_dir)).status_code == 302
    page = browser.get(BASE).get_data(as_text=True)
    assert "parameters.toml" in page
    assert "regions/yantai/parameters.toml" in page  # the file it replaces
    assert "部署到 烟台" not in page  # no deploy button before a successful validation
    report = browser.post(f"{BASE}/validate")
    assert report.status_code == 200
    text = report.get_data(as_text=True)
    assert "校验通过" in text
    assert "部署到 烟台" in text
    before = _versions(ctx)
    reply = browser.post(f"{BASE}/deploy")
    assert reply.status_code == 302
    new = set(_versions(ctx)) - set(before)
    assert (
        "yantai",
        "dibao_application",
        max(v for r, p, v in before if (r, p) == ("yantai", "dibao_application")) + 1,
    ) in new
    assert "2021-07-01 = 5" in (processes_dir / "regions/yantai/parameters.toml").read_text(encoding="utf-8")
    assert "已部署" in browser.get(BASE).get_data(as_text=True)


def test_a_broken_bpmn_is_reported_and_not_deployed(make_browser: Any, ctx: Context, processes_dir: Path) -> None:
    browser = make_browser("designer_yantai")
    bpmn = (processes_dir / "default" / "dibao_application.bpmn").read_text(encoding="utf-8")
    broken = bpmn.replace("registered_at = now_iso()", "registered_at = now_iso(", 1)
    assert _upload(browser, "dibao_application.bpmn", broken.encode()).status_code == 302
    report = browser.post(f"{BASE}/validate")
    text = report.get_data(as_text=True)
    assert "校验未通过" in text
    assert 'dibao_application.bpmn?element=register"' in text  # the element, linked to the modeler
    assert "dibao_application.bpmn" in text
    assert "部署到 烟台" not in text
    before = _versions(ctx)
    reply = browser.post(f"{BASE}/deploy")
    assert reply.status_code == 422
    assert _versions(ctx) == before
    assert not (processes_dir / "regions/yantai/dibao_application.bpmn").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<x>&e;</x>', "DOCTYPE"),
        (b"<definitions><oops></definitions>", "XML 格式错误"),
    ],
)
def test_hostile_or_bad_xml_is_refused(make_browser: Any, ctx: Context, content: bytes, message: str) -> None:
    browser = make_browser("designer_yantai")
    reply = _upload(browser, "evil.bpmn", content)
    assert reply.status_code == 422
    text = reply.get_data(as_text=True)
    assert message in text
    assert "evil.bpmn" in text
    assert "root:" not in text
    assert designer.draft_files(ctx, "designer_yantai", "yantai") == []


def test_csrf_is_required(make_browser: Any, ctx: Context, processes_dir: Path) -> None:
    browser = make_browser("designer_yantai")
    assert _upload(browser, "parameters.toml", _yantai_params(processes_dir), csrf=False).status_code == 400
    assert designer.draft_files(ctx, "designer_yantai", "yantai") == []
    assert browser.post(f"{BASE}/deploy", csrf=False).status_code == 400


@pytest.mark.parametrize(
    ("who", "url"), [("designer_yantai", "/designer/drafts/default"), ("clerk1", BASE), ("admin1", BASE)]
)
def test_others_are_refused(make_browser: Any, ctx: Context, who: str, url: str) -> None:
    browser = make_browser(who)
    assert browser.get(url).status_code == 403
    assert browser.get(f"{url}/parameters").status_code == 403
    assert browser.get(f"{url}/dry-run").status_code == 403
    assert browser.post(f"{url}/deploy").status_code == 403
    reply = browser.post(
        f"{url}/upload",
        {"file": (io.BytesIO(b"[notice_days]\n2021-07-01 = 5\n"), "parameters.toml")},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 403


def test_the_parameter_form_saves_a_draft(make_browser: Any, ctx: Context) -> None:
    browser = make_browser("designer_yantai")
    page = browser.get(f"{BASE}/parameters").get_data(as_text=True)
    assert "公示天数" in page
    assert 'name="n-notice_days-date"' in page
    bad = browser.post(f"{BASE}/parameters", {"n-notice_days-date": "2026-01-01", "n-notice_days-value": "五"})
    assert bad.status_code == 422
    assert "参数「公示天数」第 2 行（2026-01-01 起）：须是不小于 0 的整数（天）" in bad.get_data(as_text=True)
    assert designer.draft_files(ctx, "designer_yantai", "yantai") == []
    data = {"n-notice_days-date": "2026-01-01", "n-notice_days-value": "5"}
    assert browser.post(f"{BASE}/parameters", data).status_code == 302
    text = designer.effective_file(ctx, "designer_yantai", "yantai", "parameters.toml").decode()
    assert "[notice_days]\n2021-07-01 = 7\n2026-01-01 = 5" in text


def test_preview_draws_the_bpmn(make_browser: Any) -> None:
    browser = make_browser("designer_yantai")
    reply = browser.get(f"{BASE}/preview/dibao_application.bpmn")
    assert reply.status_code == 200
    assert "<svg" in reply.get_data(as_text=True)
    assert browser.get(f"{BASE}/preview/parameters.toml").status_code == 404


@freeze_time(START)
def test_dry_run_shows_the_path_and_the_assessment(make_browser: Any, ctx: Context) -> None:
    browser = make_browser("designer_yantai")
    page = browser.get(f"{BASE}/dry-run").get_data(as_text=True)
    assert "registered_type" in page  # the textarea comes prefilled with a household
    assert '<option value="dibao_application" selected>最低生活保障审核确认</option>' in page  # by name
    household = json.dumps(designer.SAMPLE_HOUSEHOLD, ensure_ascii=False)
    reply = browser.post(f"{BASE}/dry-run", {"process_id": "dibao_application", "household": household})
    assert reply.status_code == 200
    text = reply.get_data(as_text=True)
    assert "登记申请" in text
    assert "受理审查" in text
    assert "计时器" in text
    assert "补差 900.00 元" in text
    bad = browser.post(f"{BASE}/dry-run", {"process_id": "dibao_application", "household": "{not json"})
    assert bad.status_code == 422
    assert "JSON" in bad.get_data(as_text=True)
    with ctx.db.read() as session:
        actions = set(session.scalars(select(AuditEvent.action)))
    assert "designer.dry_run" in actions
