"""文书 in a real browser (docs/documents-verify-and-download.md): a clerk finds the 确认通知书 on the case page,
downloads it and opens it for printing in a new tab; a citizen on a 375 px phone types the code from the
paper on the public verify page and uploads the downloaded PDF: 一致 (a changed copy: 不一致). Screenshots in
artifacts/screenshots/; the pages of the 审批表 and the 不予确认告知书 as PNG (pdftoppm) in artifacts/documents/
once those templates exist (skipped with a message until then)."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from engine.settings import PROJECT_ROOT
from tests.browser.conftest import Server, seeded_serving
from tests.browser.pages import sign_in

pytestmark = pytest.mark.browser

DOCUMENTS = PROJECT_ROOT / "artifacts" / "documents"
RENDERED = ("approval_form", "rejection_notice", "confirmation_notice")


@pytest.fixture(scope="module")
def seeded(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> Iterator[tuple[Server, dict[str, str]]]:
    with seeded_serving(tmp_path_factory, pytestconfig, "seed_documents") as (running, printed):
        yield running, json.loads(printed.splitlines()[-1])


def _documents(server: Server, number: str) -> list[dict[str, object]]:
    return json.loads(server.dibao("documents", "list", number, "--as", "clerk1", "--json"))  # type: ignore[no-any-return]


def _page_width(page: Page) -> int:
    return int(page.evaluate("document.scrollingElement.scrollWidth"))


def test_a_clerk_downloads_and_prints_and_a_citizen_verifies_on_a_phone(
    chromium: Browser, seeded: tuple[Server, dict[str, str]], screenshots: Path, tmp_path: Path
) -> None:
    server, numbers = seeded
    (notice,) = [d for d in _documents(server, numbers["approved"]) if d["template"] == "confirmation_notice"]
    code = str(notice["code"])

    page = sign_in(chromium, server.url, "clerk1")
    page.goto(f"/cases/{numbers['approved']}")
    section = page.locator("#documents")
    expect(section.get_by_role("heading", name="文书")).to_be_visible()
    row = section.get_by_role("row").filter(has_text="最低生活保障确认通知书")
    expect(row).to_contain_text(code)
    expect(row).to_contain_text("状态：有效")
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "documents-case-page.png"), full_page=True)
    with page.expect_download() as download_info:
        row.get_by_role("link", name="下载").click()
    download = download_info.value
    assert download.suggested_filename == f"最低生活保障确认通知书-{code}.pdf"
    pdf = tmp_path / "notice.pdf"
    download.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    # 打印 opens the PDF inline in a new tab, for the browser's viewer to print from.
    printing = row.get_by_role("link", name="打印")
    expect(printing).to_have_attribute("target", "_blank")
    with page.context.expect_page() as tab_info:
        printing.click()
    assert tab_info.value.url.endswith(f"/documents/{notice['id']}/print")
    tab_info.value.close()
    sent = page.request.get(f"/documents/{notice['id']}/print")  # what that tab was sent, with the same cookies
    assert sent.headers["content-type"] == "application/pdf"
    assert sent.headers["content-disposition"].startswith("inline")
    assert sent.body() == pdf.read_bytes()
    page.context.close()

    # The clerk's phone: the section fits 375 px (its table scrolls inside its own box), the links in sight.
    small = sign_in(chromium, server.url, "clerk1", phone=True)
    small.goto(f"/cases/{numbers['approved']}")
    printing_on_phone = small.locator(f'#documents tr[data-document="{notice["id"]}"]').get_by_role("link", name="打印")
    printing_on_phone.scroll_into_view_if_needed()
    expect(printing_on_phone).to_be_in_viewport()  # not hidden to the right of the table's scroll box
    assert _page_width(small) <= 375
    small.locator("#documents").screenshot(path=str(screenshots / "documents-case-page-375px.png"))
    small.context.close()

    phone = chromium.new_context(
        base_url=server.url, viewport={"width": 375, "height": 812}, locale="zh-CN", is_mobile=True, has_touch=True
    ).new_page()
    phone.goto("/public/verify")
    phone.get_by_role("textbox", name="核验码").fill(code.lower().replace("-", " "))  # as typed from the paper
    phone.get_by_role("button", name="核验").click()
    expect(phone.get_by_role("heading", name="最低生活保障确认通知书")).to_be_visible()
    expect(phone.locator(".verify-document")).to_contain_text("张*")
    expect(phone.locator(".verify-document")).not_to_contain_text("张三")
    assert _page_width(phone) <= 375
    phone.screenshot(path=str(screenshots / "documents-verify-375px.png"), full_page=True)
    phone.get_by_label("PDF 文件").set_input_files(str(pdf))
    phone.get_by_role("button", name="核对文件").click()
    expect(phone.get_by_text("核对结果：一致")).to_be_visible()
    assert _page_width(phone) <= 375
    phone.screenshot(path=str(screenshots / "documents-verify-375px-consistent.png"), full_page=True)
    changed = tmp_path / "changed.pdf"
    changed.write_bytes(pdf.read_bytes() + b"\n% changed")
    phone.get_by_label("PDF 文件").set_input_files(str(changed))
    phone.get_by_role("button", name="核对文件").click()
    expect(phone.get_by_text("核对结果：不一致（可能被篡改）")).to_be_visible()
    phone.screenshot(path=str(screenshots / "documents-verify-375px-tampered.png"), full_page=True)
    phone.context.close()


def test_document_pages_as_png(seeded: tuple[Server, dict[str, str]], tmp_path: Path) -> None:
    """The 审批表 and the 不予确认告知书 (and the 确认通知书) as the paper will look: each page a PNG."""
    server, numbers = seeded
    if shutil.which("pdftoppm") is None:
        pytest.fail("找不到 pdftoppm：运行 .ci/install-document-deps（poppler-utils）")
    found = {str(d["template"]): d for number in numbers.values() for d in _documents(server, number)}
    DOCUMENTS.mkdir(parents=True, exist_ok=True)
    for template in RENDERED:
        if template not in found:
            continue
        pdf = tmp_path / f"{template}.pdf"
        server.dibao("documents", "get", str(found[template]["id"]), "--as", "clerk1", "--out", str(pdf))
        subprocess.run(["pdftoppm", "-png", "-r", "110", str(pdf), str(DOCUMENTS / template)], check=True)
        assert list(DOCUMENTS.glob(f"{template}*.png")), template
    missing = [t for t in ("approval_form", "rejection_notice") if t not in found]
    if missing:
        pytest.skip(
            f"文书模板 {'、'.join(missing)} 尚未提供（模板由另一分支编写），只生成了已有文书的 PNG；"
            "合并模板后重新运行即可"
        )
