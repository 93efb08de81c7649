"""Forms that do not fight the user, through the real app (docs/forms-ux.md): the error summary linking
to each field, the blank <template> item of every list, 上传 inside the task form without JavaScript
(stores the file, keeps what was typed, refuses like the upload route, checks who may), and the hour
deadline of 先行救助. The browser side (forms.js, diagram.js, 375 px) is tests/browser/test_forms_ux.py."""

from __future__ import annotations

import io
import re
from typing import Any

from freezegun import freeze_time

from engine.context import Context
from engine.queries import attachments as attachment_lists
from engine.queries import task_page
from tests.scenarios.test_temporary_assistance import HUINING, Request
from tests.web.conftest import REGISTER, Browser, open_task

START = "2026-11-23 01:00:00"  # Monday 09:00 in Beijing
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _html(response: Any) -> str:
    return response.get_data(as_text=True)  # type: ignore[no-any-return]


def _with_file(values: dict[str, str], content: bytes, name: str) -> dict[str, Any]:
    return {**values, "file": (io.BytesIO(content), name), "description": "签字页"}


@freeze_time(START)
def test_a_refused_submit_shows_one_summary_linking_to_each_field(ctx: Context, browser: Browser) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    sent = browser.post(f"/tasks/{task_id}/complete", {**REGISTER, "f.household_size": "三", "f.applicant_name": " "})
    assert sent.status_code == 422
    page = _html(sent)
    summary = page[page.index('id="error-summary"') : page.index("</ul>", page.index('id="error-summary"'))]
    assert "表单有 2 处需要修改" in summary
    links = re.findall(r'<a href="#(f-[\w-]+)">([^<]+)</a>', summary)
    assert [anchor for anchor, _ in links] == ["f-applicant_name", "f-household_size"]  # in the form's order
    for anchor, _ in links:
        assert f'id="{anchor}"' in page
    assert 'value="三"' in page  # what was typed stays


@freeze_time(START)
def test_every_list_carries_a_blank_template_item_that_posts_nothing(ctx: Context, browser: Browser) -> None:
    browser.login("clerk1")
    page = _html(browser.get("/cases/new"))
    templates = re.findall(r'<template class="list-template">', page)
    assert templates  # members, their incomes, rigid expenses…
    assert 'name="f.household.members.__new__.name"' in page
    assert 'data-list="household.members"' in page
    assert 'name="f.household.members._n" value="1"' in page
    assert '<script src="/static/forms.js" defer></script>' in page


@freeze_time(START)
def test_upload_inside_the_task_form_without_script_keeps_what_was_typed(
    ctx: Context, browser: Browser, make_browser: Any
) -> None:
    task_id = open_task(ctx)
    browser.login("clerk1")
    page = _html(browser.get(f"/tasks/{task_id}"))
    assert f'formaction="/tasks/{task_id}/upload" formenctype="multipart/form-data"' in page
    assert f'data-upload-url="/tasks/{task_id}/attachments"' in page

    sent = browser.post(
        f"/tasks/{task_id}/upload", _with_file(REGISTER, PDF, "申请书.pdf"), content_type="multipart/form-data"
    )
    assert sent.status_code == 200
    shown = _html(sent)
    assert "已上传附件 FJ-2026-000001（申请书.pdf" in shown
    assert 'value="张三"' in shown
    assert 'value="5000"' in shown
    (stored,) = attachment_lists.list_for_case(ctx, "clerk1", task_page.show_task(ctx, task_id).summary.case_number)
    assert (stored.filename, stored.description) == ("申请书.pdf", "签字页")
    assert task_page.show_task(ctx, task_id).summary.state == "open"  # nothing of the form was stored

    refused = browser.post(
        f"/tasks/{task_id}/upload", _with_file(REGISTER, EXE, "setup.pdf"), content_type="multipart/form-data"
    )
    assert refused.status_code == 422
    assert "附件未能上传：" in _html(refused)
    assert 'value="张三"' in _html(refused)
    assert 'aria-invalid="true"' in _html(refused)

    other = make_browser("clerk2")  # another township: may not work this task
    assert (
        other.post(
            f"/tasks/{task_id}/upload", _with_file(REGISTER, PDF, "b.pdf"), content_type="multipart/form-data"
        ).status_code
        == 403
    )
    case_number = task_page.show_task(ctx, task_id).summary.case_number
    assert len(attachment_lists.list_for_case(ctx, "clerk1", case_number)) == 1


@freeze_time(START)
def test_advance_payment_shows_its_deadline_to_the_hour(ctx: Context, make_browser: Any) -> None:
    request = Request(ctx, HUINING).start()
    task = request.task("advance_payment")
    head = make_browser(HUINING.head)
    page = _html(head.get(f"/tasks/{task.id}"))
    assert "限时办理" in page
    assert "11月24日 09:00 前" in page  # 24 hours from Monday 09:00 in Beijing
    assert "剩余 24 小时" in page
    with freeze_time("2026-11-24 03:30:00"):  # a fresh sign-in: the first session has timed out by then
        late = _html(make_browser(HUINING.head).get(f"/tasks/{task.id}"))
    assert "已超时" in late
    assert "限时办理" not in late
