"""校验问题 by element: the drafts page names each problem's element and links it to the modeler with the
element selected; the modeler's JSON endpoint returns one file's problems (designer of the region only)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from engine.context import Context
from tests.web.conftest import Browser

FILE = "dibao_application.bpmn"
PROBLEMS = f"/designer/problems/default/{FILE}"


def _broken(ctx: Context) -> bytes:
    """The national 低保 procedure with 初审's time limit made unreadable, as a slip in the panel would."""
    text = (ctx.settings.processes_dir / "default" / FILE).read_text(encoding="utf-8")
    broken, count = re.subn(
        r'(<bpmn:userTask id="first_review".*?name="dueWorkingDays" value=")5(")', r"\1五天\2", text, flags=re.S
    )
    assert count == 1
    return broken.encode()


def _save_draft(browser: Browser, content: bytes) -> None:
    reply = browser.client.post(
        f"/designer/modeler/default/{FILE}",
        data=content,
        content_type="application/xml; charset=utf-8",
        headers={"X-CSRFToken": browser.token()},
    )
    assert reply.status_code == 200, reply.get_data(as_text=True)


def test_the_modeler_gets_its_files_problems_by_element(make_browser: Any, ctx: Context) -> None:
    browser = make_browser("designer1")
    clean = browser.get(PROBLEMS)
    assert clean.status_code == 200
    assert clean.get_json() == {"filename": FILE, "problems": [], "elsewhere": 0}
    _save_draft(browser, _broken(ctx))
    found = browser.get(PROBLEMS).get_json()
    assert found["elsewhere"] == 0
    [problem] = found["problems"]
    assert problem["element"] == "first_review"
    assert problem["name"] == "初审"
    assert "五天" in problem["message"]
    assert re.search(r"[\u4e00-\u9fff]", problem["message"])  # in Chinese
    # Another file of the region has no problem of its own and counts this one as elsewhere.
    other = browser.get("/designer/problems/default/public_notice.bpmn").get_json()
    assert other == {"filename": "public_notice.bpmn", "problems": [], "elsewhere": 1}


def test_the_drafts_report_names_the_element_and_links_it_to_the_modeler(make_browser: Any, ctx: Context) -> None:
    browser = make_browser("designer1")
    _save_draft(browser, _broken(ctx))
    report = browser.post("/designer/drafts/default/validate")
    assert report.status_code == 200
    page = report.get_data(as_text=True)
    assert "校验未通过（1 个问题）" in page
    assert f'href="/designer/modeler/default/{FILE}?element=first_review"' in page
    assert re.search(r'title="在建模器中选中">初审</a>', page)


@pytest.mark.parametrize(("who", "status"), [("designer_yantai", 403), ("clerk1", 403), ("auditor1", 403), (None, 302)])
def test_only_the_regions_designer_asks(make_browser: Any, who: str | None, status: int) -> None:
    assert make_browser(who).get(PROBLEMS).status_code == status


def test_only_bpmn_and_dmn_file_names(make_browser: Any) -> None:
    browser = make_browser("designer1")
    assert browser.get("/designer/problems/default/parameters.toml").status_code == 404
    assert browser.get("/designer/problems/default/..%2Fsecret.bpmn").status_code == 404
