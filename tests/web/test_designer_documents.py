"""文书模板 in the designer workspace: a template draft goes through validate (Chinese problems naming the
file and line), preview as a PDF (sample or a case of the region, audited), deploy (the file written
into the region's documents/ and a new process version), the readable diff, and the dry run's list."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine.context import Context
from engine.persistence import AuditEvent
from engine.queries import deployed
from engine.services import designer
from tests.scenarios.flow import Application, Users
from tests.web.conftest import Browser

START = "2026-11-23 01:00:00"
BASE = "/designer/drafts/yantai"
NOTICE = f"{BASE}/documents/confirmation_notice.html"


def _pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", "", text)


def _versions(ctx: Context) -> set[tuple[str, str, int]]:
    return {(v.region, v.process_id, v.version) for v in deployed.list_definitions(ctx)}


def _default_notice(processes_dir: Path) -> str:
    return (processes_dir / "default/documents/confirmation_notice.html").read_text(encoding="utf-8")


def _save(browser: Browser, content: str) -> Any:
    return browser.post(NOTICE, {"content": content})


def test_a_template_draft_validates_previews_deploys_and_diffs(
    make_browser: Any, ctx: Context, processes_dir: Path
) -> None:
    browser = make_browser("designer_yantai")
    original = _default_notice(processes_dir)
    page = browser.get(NOTICE)
    assert page.status_code == 200
    assert "最低生活保障确认通知书" in page.get_data(as_text=True)  # the deployed template to start from
    assert "confirmation_notice.html" in browser.get(BASE).get_data(as_text=True)

    head, _, tail = original.rpartition("{% endblock %}")
    broken = f'{head}<p>{{{{ case.nonexistent }}}}<img src="https://evil.example/x.png"></p>{{% endblock %}}{tail}'
    line = broken[: broken.index("case.nonexistent")].count("\n") + 1
    assert _save(browser, broken).status_code == 302
    report = browser.post(f"{BASE}/validate").get_data(as_text=True)
    assert "校验未通过" in report
    assert "草稿 regions/yantai/documents/confirmation_notice.html" in report
    assert f"第 {line} 行读取了文书上下文中没有的字段 case.nonexistent" in report
    assert "外部资源“https://evil.example/x.png”" in report
    refused = browser.get(f"{NOTICE}/pdf")
    assert refused.status_code == 422
    assert "case.nonexistent" in refused.get_data(as_text=True)
    assert browser.post(f"{BASE}/deploy").status_code == 422
    assert not (processes_dir / "regions/yantai/documents").exists()

    fixed = f"{head}<p>每月发放保障金（烟台修订）</p>{{% endblock %}}{tail}"
    assert _save(browser, fixed).status_code == 302
    preview = browser.get(f"{NOTICE}/pdf")
    assert preview.status_code == 200
    assert preview.mimetype == "application/pdf"
    assert preview.headers["Content-Disposition"].startswith("inline")
    text = _pdf_text(preview.data)
    assert "样例" in text
    assert "样例-0000-0000" in text
    assert "每月发放保障金" in text

    assert "校验通过" in browser.post(f"{BASE}/validate").get_data(as_text=True)
    before = _versions(ctx)
    assert browser.post(f"{BASE}/deploy").status_code == 302
    written = processes_dir / "regions/yantai/documents/confirmation_notice.html"
    assert written.read_text(encoding="utf-8") == fixed
    new = _versions(ctx) - before
    assert [p for r, p, _ in new if r == "yantai"] == ["dibao_application"]
    diff = browser.get("/designer/yantai/dibao_application/diff").get_data(as_text=True)
    assert "文书模板" in diff
    assert "修改文书模板“最低生活保障确认通知书”（documents/confirmation_notice.html）" in diff
    assert "每月发放保障金" in diff
    assert "＋" in diff
    assert "－" in diff


def test_upload_of_a_template_and_bad_names(make_browser: Any, ctx: Context) -> None:
    browser = make_browser("designer_yantai")
    content = b'{% extends "_layout.html" %}{% block title %}\xe6\xb5\x8b\xe8\xaf\x95{% endblock %}'
    reply = browser.post(
        f"{BASE}/upload", {"file": (io.BytesIO(content), "extra_notice.html")}, content_type="multipart/form-data"
    )
    assert reply.status_code == 302
    (view,) = designer.draft_files(ctx, "designer_yantai", "yantai")
    assert (view.filename, view.kind, view.replaces) == ("extra_notice.html", "document", None)
    bad = browser.post(
        f"{BASE}/upload", {"file": (io.BytesIO(content), "Bad-Name.html")}, content_type="multipart/form-data"
    )
    assert bad.status_code == 422
    assert "文书模板 *.html" in bad.get_data(as_text=True)
    assert browser.get(f"{BASE}/documents/Bad-Name.html").status_code == 404
    redirect = browser.get(f"{BASE}/documents/new?file=new_notice.html")
    assert redirect.headers["Location"].endswith("/documents/new_notice.html")
    assert browser.get(redirect.headers["Location"]).status_code == 200


def test_preview_against_a_case_of_the_region_only(make_browser: Any, ctx: Context) -> None:
    with freeze_time(START):
        own = Application(ctx, dict(designer.SAMPLE_HOUSEHOLD), Users.of_region("yantai")).start().number
        other = Application(ctx, dict(designer.SAMPLE_HOUSEHOLD)).start().number
    browser = make_browser("designer_yantai")
    shown = browser.get(f"{NOTICE}/pdf?case={own}")
    assert shown.status_code == 200
    text = _pdf_text(shown.data)
    assert "预览" in text
    assert own in text
    assert "张三" in text
    with ctx.db.read() as session:
        viewed = session.scalars(select(AuditEvent).where(AuditEvent.action == "pii_viewed")).all()
    assert [e.details["case_number"] for e in viewed] == [own]
    timeline = make_browser("clerk_yantai").get(f"/cases/{own}").get_data(as_text=True)
    assert "查看完整的文书所用的案件数据" in timeline
    assert browser.get(f"{NOTICE}/pdf?case={other}").status_code == 404
    assert browser.get(f"{NOTICE}/pdf?case=NO-SUCH-CASE").status_code == 404
    # The designer of `default` cannot reach yantai's case through their own region either.
    default = make_browser("designer1")
    assert default.get(f"/designer/drafts/default/documents/confirmation_notice.html/pdf?case={own}").status_code == 404


@freeze_time(START)
def test_the_dry_run_lists_the_documents_of_the_path(make_browser: Any, processes_dir: Path) -> None:
    browser = make_browser("designer_yantai")
    bpmn = (processes_dir / "default/dibao_application.bpmn").read_text(encoding="utf-8")
    declared = bpmn.replace(
        '<spiffworkflow:property name="formKey" value="dibao_intake_review" />',
        '<spiffworkflow:property name="formKey" value="dibao_intake_review" />\n'
        '          <spiffworkflow:property name="documents" value="confirmation_notice" />',
        1,
    )
    assert declared != bpmn
    reply = browser.post(
        f"{BASE}/upload",
        {"file": (io.BytesIO(declared.encode()), "dibao_application.bpmn")},
        content_type="multipart/form-data",
    )
    assert reply.status_code == 302
    household = designer.SAMPLE_HOUSEHOLD
    page = browser.post(
        f"{BASE}/dry-run",
        {"process_id": "dibao_application", "household": json.dumps(household, ensure_ascii=False)},
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "这条路径将出具的文书" in text
    assert "受理审查 → 最低生活保障确认通知书" in text


def test_a_failed_deploy_takes_the_template_back(
    ctx: Context, processes_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fixed = _default_notice(processes_dir).replace("每月保障金", "每月发放保障金")
    designer.save_file(ctx, "designer_yantai", "yantai", "documents/confirmation_notice.html", fixed.encode())

    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(designer.deployment, "_deploy_files", fail)
    with pytest.raises(RuntimeError):
        designer.deploy(ctx, "yantai", "designer_yantai", drafts=True)
    assert not (processes_dir / "regions/yantai/documents/confirmation_notice.html").exists()
    assert [f.filename for f in designer.draft_files(ctx, "designer_yantai", "yantai")] == ["confirmation_notice.html"]


@pytest.mark.parametrize("who", ["designer1", "admin1", "clerk1", "auditor1"])
def test_others_reach_no_template_route(make_browser: Any, ctx: Context, who: str) -> None:
    browser = make_browser(who)
    assert browser.get(f"{BASE}/documents/new?file=x.html").status_code == 403
    assert browser.get(NOTICE).status_code == 403
    assert browser.post(NOTICE, {"content": "x"}).status_code == 403
    assert browser.get(f"{NOTICE}/pdf").status_code == 403
    assert designer.draft_files(ctx, "designer_yantai", "yantai") == []
