"""Who may open and act on what: every route of the workspace × clerk1 (城关镇, the task's township),
clerk2 (河西乡), approver1 (county), auditor1 and an anonymous visitor. Refused actions change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine import clock
from engine.context import Context
from engine.queries import attachments as attachment_lists
from engine.queries import task_page
from engine.services import tasks
from tests.conftest import add_second_clerk
from tests.web.conftest import REGISTER, Browser, open_task

OUTSIDERS = ("clerk2", "approver1", "auditor1")


def _browser(make_browser: object, who: str | None) -> Browser:
    return make_browser(who)  # type: ignore[operator, no-any-return]


@pytest.mark.parametrize("who", ["clerk1", "clerk2", "approver1", "auditor1", None])
def test_pages_open_to_everyone_signed_in(make_browser: object, who: str | None) -> None:
    browser = _browser(make_browser, who)
    signed_in = who is not None
    assert browser.get("/").status_code == (200 if signed_in else 302)
    assert browser.get("/?view=done").status_code == (200 if signed_in else 302)
    assert browser.get("/login").status_code == (302 if signed_in else 200)
    assert browser.get("/status").status_code == 200
    assert browser.get("/healthz").status_code == 200
    assert browser.get("/tasks/99999").status_code == (404 if signed_in else 302)
    logout = browser.post("/logout")
    assert logout.status_code == 302
    assert logout.headers["Location"].startswith("/login")


@pytest.mark.parametrize("who", [*OUTSIDERS, None])
def test_nobody_else_sees_or_acts_on_a_township_task(ctx: Context, make_browser: object, who: str | None) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    browser = _browser(make_browser, who)
    expected = 403 if who else 302  # anonymous visitors are sent to the login page
    assert browser.get(f"/tasks/{task_id}").status_code == expected
    assert browser.post(f"/tasks/{task_id}/claim").status_code == expected
    assert browser.post(f"/tasks/{task_id}/transfer", {"to": "clerk1b", "reason": "试试"}).status_code == expected
    assert browser.post(f"/tasks/{task_id}/complete", REGISTER).status_code == expected
    if who:
        assert f"/tasks/{task_id}" not in browser.get("/").get_data(as_text=True)
    # 取消签收 is for the assignee only: anyone else gets the service's Conflict (a message and the inbox).
    tasks.claim(ctx, task_id, "clerk1")
    unclaim = browser.post(f"/tasks/{task_id}/unclaim")
    assert unclaim.status_code == 302
    location = unclaim.headers["Location"]
    assert (location == "/") if who else location.startswith("/login")
    summary = task_page.show_task(ctx, task_id).summary
    assert (summary.state, summary.assignee) == ("claimed", "clerk1")  # nothing changed


def test_the_township_clerk_may_do_everything(ctx: Context, make_browser: object) -> None:
    add_second_clerk(ctx)
    first, second = open_task(ctx), open_task(ctx)
    browser = _browser(make_browser, "clerk1")
    assert browser.get(f"/tasks/{first}").status_code == 200
    assert browser.post(f"/tasks/{first}/claim").status_code == 302
    assert browser.post(f"/tasks/{first}/unclaim").status_code == 302
    assert browser.post(f"/tasks/{first}/transfer", {"to": "clerk1b", "reason": "休假"}).status_code == 302
    assert browser.get(f"/tasks/{first}").status_code == 200  # still visible: same role and township
    assert browser.post(f"/tasks/{second}/complete", REGISTER).status_code == 302
    assert task_page.show_task(ctx, second).summary.state == "completed"


def test_anonymous_posts_without_a_token_are_refused_before_anything_else(ctx: Context, make_browser: object) -> None:
    task_id = open_task(ctx)
    browser = _browser(make_browser, None)
    for action in ("claim", "unclaim", "transfer", "complete"):
        assert browser.post(f"/tasks/{task_id}/{action}", csrf=False).status_code == 400
    signed_in = _browser(make_browser, "clerk1")
    for action in ("claim", "unclaim", "transfer", "complete"):
        assert signed_in.post(f"/tasks/{task_id}/{action}", REGISTER, csrf=False).status_code == 400
    assert task_page.show_task(ctx, task_id).summary.state == "open"


@pytest.mark.parametrize("who", ["admin1", "clerk1", "head1", "approver1", "auditor1", "designer1", None])
def test_only_admins_open_the_demo_clock_and_nobody_else_travels(make_browser: object, who: str | None) -> None:
    browser = _browser(make_browser, who)
    expected = {"admin1": 200, None: 302}.get(who, 403)
    assert browser.get("/demo/clock").status_code == expected
    if who != "admin1":
        assert browser.post("/demo/clock", {"days": "8"}).status_code == expected
    assert clock.offset() == timedelta(0)


@pytest.mark.parametrize("who", ["auditor1", "admin1", "clerk1", "clerk2", "approver1", "designer1", None])
def test_only_auditors_and_admins_of_the_county_open_the_audit_workspace(
    ctx: Context, make_browser: object, who: str | None
) -> None:
    task_id = open_task(ctx)
    number = task_page.show_task(ctx, task_id).summary.case_number
    browser = _browser(make_browser, who)
    expected = {"auditor1": 200, "admin1": 200, None: 302}.get(who, 403)
    for url in (
        "/audit",
        f"/audit/cases/{number}",
        f"/audit/cases/{number}.json",
        f"/audit/cases/{number}/print",
        f"/audit/cases/{number}/events.csv",
        "/audit/pii-views",
        "/audit/pii-views.csv",
    ):
        assert browser.get(url).status_code == expected, url
    assert browser.post("/audit/verify").status_code == expected
    assert browser.post("/audit/verify", csrf=False).status_code == 400
    assert task_page.show_task(ctx, task_id).summary.state == "open"  # the workspace changes no case


@pytest.mark.parametrize(
    ("who", "upload", "download"),
    [("clerk1", 303, 200), ("clerk2", 403, 403), ("approver1", 403, 200), ("auditor1", 403, 200), (None, 302, 302)],
)
def test_attachments_upload_for_task_workers_download_for_case_viewers(
    ctx: Context, make_browser: object, who: str | None, upload: int, download: int
) -> None:
    """附件: uploading is working the task (its role in its township); downloading is seeing the case
    (the county's approver and auditor too). Refused uploads store nothing."""
    import io

    from engine.services import attachments

    task_id = open_task(ctx)
    stored = attachments.upload(ctx, "clerk1", task_id, "申请书.pdf", b"%PDF-1.4 application")
    browser = _browser(make_browser, who)
    sent = browser.post(
        f"/tasks/{task_id}/attachments",
        {"file": (io.BytesIO(b"%PDF-1.4 other"), "other.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == upload
    assert browser.get(f"/attachments/{stored.id}").status_code == download
    expected = 2 if upload == 303 else 1
    assert len(attachment_lists.list_for_case(ctx, "clerk1", stored.case_number)) == expected


@pytest.mark.parametrize(
    ("who", "status"), [("clerk1", 200), ("clerk2", 403), ("approver1", 403), ("auditor1", 403), (None, 302)]
)
def test_upload_inside_the_task_form_is_for_task_workers_only(
    ctx: Context, make_browser: object, who: str | None, status: int
) -> None:
    """上传 posted with the whole task form (no JavaScript, docs/forms-ux.md): the same rule as the upload
    route; a refused user stores nothing."""
    import io

    task_id = open_task(ctx)
    sent = _browser(make_browser, who).post(
        f"/tasks/{task_id}/upload",
        {**REGISTER, "file": (io.BytesIO(b"%PDF-1.4 form"), "form.pdf")},
        content_type="multipart/form-data",
    )
    assert sent.status_code == status
    number = task_page.show_task(ctx, task_id).summary.case_number
    assert len(attachment_lists.list_for_case(ctx, "clerk1", number)) == (1 if status == 200 else 0)


ADMIN_ROUTES = (
    ("get", "/admin"),
    ("get", "/admin/users/new"),
    ("post", "/admin/users/new"),
    ("get", "/admin/users/clerk2"),
    ("post", "/admin/users/clerk2/roles"),
    ("post", "/admin/users/clerk2/deactivate"),
    ("post", "/admin/users/clerk2/reactivate"),
    ("post", "/admin/users/clerk2/reset-password"),
    ("get", "/admin/org-units/new"),
    ("post", "/admin/org-units/new"),
    ("get", "/admin/org-units/demo-town-1"),
    ("post", "/admin/org-units/demo-town-1"),
    ("post", "/admin/cases/2026-0000001/retry"),
    # 暂停/恢复/撤销 (web/admin/case_actions.py)
    ("post", "/admin/cases/2026-0000001/suspend"),
    ("post", "/admin/cases/2026-0000001/resume"),
    ("post", "/admin/cases/2026-0000001/cancel"),
    # 通知发送 (web/admin/notification_deliveries.py)
    ("get", "/admin/notifications"),
    ("post", "/admin/notifications/1/resend"),
)


@pytest.mark.parametrize("who", ["admin1", *OUTSIDERS, "designer1", None])
def test_the_admin_pages_are_for_administrators_only(ctx: Context, make_browser: object, who: str | None) -> None:
    """系统管理: admin1 opens every page (a seed region's user stays out of reach); everyone else 403;
    anonymous visitors go to the login page; a post without the CSRF token is 400 for anyone."""
    browser = _browser(make_browser, who)
    for method, url in ADMIN_ROUTES:
        if method == "post":
            assert browser.post(url, {"roles": ["township_clerk"]}, csrf=False).status_code == 400, url
        if who == "admin1":
            if method == "get":
                assert browser.get(url).status_code == 200, url
            continue
        reply = browser.get(url) if method == "get" else browser.post(url, {"roles": ["township_head"]})
        assert reply.status_code == (403 if who else 302), url
        if who is None:
            assert reply.headers["Location"].startswith("/login"), url
    if who == "admin1":
        assert browser.get("/admin/users/clerk_yantai").status_code == 403
        assert browser.post("/admin/users/clerk_yantai/deactivate").status_code == 403
    # Nothing the refused posts asked for happened: clerk2 still signs in with the same password and role.
    header = _browser(make_browser, "clerk2").get("/").get_data(as_text=True)
    assert '<span class="role">乡镇经办人</span>' in header


DASHBOARD_ROUTES = ("/dashboard", "/dashboard?region=default", "/dashboard/townships.csv", "/dashboard/exits.csv")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("head2", 200),
        ("county1", 200),
        ("approver1", 200),
        ("committee1", 200),
        ("auditor1", 200),
        ("admin1", 200),
        ("clerk1", 403),
        ("clerk2", 403),
        ("village1", 403),
        ("verify1", 403),
        ("designer1", 403),
        ("clerk_yantai", 403),
        (None, 302),
    ],
)
def test_the_dashboard_is_for_supervisors_of_their_own_unit(make_browser: object, who: str | None, status: int) -> None:
    """统计看板: township heads, county staff, the committee, auditors and administrators; the others
    403; anonymous visitors go to the login page; a region outside one's county is a 422."""
    browser = _browser(make_browser, who)
    for url in DASHBOARD_ROUTES:
        reply = browser.get(url)
        assert reply.status_code == status, url
        if who is None:
            assert reply.headers["Location"].startswith("/login"), url
    if status == 200:
        assert browser.get("/dashboard?region=yantai").status_code == 422
        assert browser.get("/dashboard/unknown.csv").status_code == 404


DESIGNER_ROUTES = (
    "/designer",
    "/designer/default",
    "/designer/default/reference_review/history",
    "/designer/default/reference_review/diff?from=1&to=1",
    "/designer/default/reference_review/v1/diagram",
)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("designer1", 200),
        ("admin1", 200),  # read-only, the region of their own unit
        ("designer_yantai", 403),
        ("clerk1", 403),
        ("approver1", 403),
        ("auditor1", 403),
        (None, 302),
    ],
)
def test_the_designer_pages_are_for_the_region_designer(make_browser: object, who: str | None, status: int) -> None:
    """流程设计: the designer of the region (and its administrator, read-only) opens every page; a designer
    of another region, casework staff and auditors 403; anonymous visitors go to the login page."""
    browser = _browser(make_browser, who)
    for url in DESIGNER_ROUTES:
        reply = browser.get(url)
        expected = 302 if url == "/designer" and status == 200 else status
        if url == "/designer" and who == "designer_yantai":
            expected = 302  # to their own region
        assert reply.status_code == expected, url
        if who is None:
            assert reply.headers["Location"].startswith("/login"), url


MODELER_PAGE = "/designer/modeler/default/dibao_application.bpmn"


@pytest.mark.parametrize(
    ("who", "status"),
    [("designer1", 200), ("designer_yantai", 403), ("clerk1", 403), ("auditor1", 403), ("admin1", 403), (None, 302)],
)
def test_the_bpmn_modeler_is_for_the_designer_of_the_region(
    ctx: Context, make_browser: object, who: str | None, status: int
) -> None:
    """/designer/modeler: only the region's designer opens the page, loads the XML, saves a draft or uses
    the properties panel's JSON; a refused save stores nothing."""
    from engine.services import designer

    browser = _browser(make_browser, who)
    assert browser.get(MODELER_PAGE).status_code == status
    assert browser.get(f"{MODELER_PAGE}/xml").status_code == status
    saved = browser.client.post(
        MODELER_PAGE,
        data=(ctx.settings.processes_dir / "default" / "dibao_application.bpmn").read_bytes(),
        content_type="application/xml",
        headers={"X-CSRFToken": browser.token()},
    )
    assert saved.status_code == status
    assert len(designer.draft_files(ctx, "designer1", "default")) == (1 if status == 200 else 0)
    # The properties panel's JSON (web/designer/modeler_api.py): the same people, the same answers.
    assert browser.get("/designer/modeler/default/options").status_code == status
    checked = browser.client.post(
        "/designer/modeler/default/check-expression",
        json={"kind": "condition", "text": "decision == 'approve'"},
        headers={"X-CSRFToken": browser.token()},
    )
    assert checked.status_code == status


DRAFT_ROUTES = (
    "/designer/drafts/yantai",
    "/designer/drafts/yantai/parameters",
    "/designer/drafts/yantai/dry-run",
    "/designer/drafts/yantai/preview/dibao_application.bpmn",
    "/designer/drafts/yantai/documents/confirmation_notice.html",
    "/designer/drafts/yantai/documents/confirmation_notice.html/pdf",
)


@pytest.mark.parametrize(
    ("who", "status"),
    [("designer_yantai", 200), ("designer1", 403), ("admin1", 403), ("clerk1", 403), ("auditor1", 403), (None, 302)],
)
def test_the_draft_pages_are_for_the_region_designer_only(make_browser: object, who: str | None, status: int) -> None:
    """流程草稿: only a designer of the region opens its drafts (designer1 designs `default`, not yantai);
    refused users cannot upload or deploy either."""
    browser = _browser(make_browser, who)
    for url in DRAFT_ROUTES:
        reply = browser.get(url)
        assert reply.status_code == status, url
        if who is None:
            assert reply.headers["Location"].startswith("/login"), url
    if status != 200:
        assert browser.post("/designer/drafts/yantai/deploy").status_code in {403, 302}
        saved = browser.post("/designer/drafts/yantai/documents/confirmation_notice.html", {"content": "x"})
        assert saved.status_code in {403, 302}


@pytest.mark.parametrize("who", [*OUTSIDERS, None])
def test_batch_actions_on_a_township_task_are_refused_per_task(
    ctx: Context, make_browser: object, who: str | None
) -> None:
    task_id = open_task(ctx)
    browser = _browser(make_browser, who)
    for action in ("claim", "complete"):
        reply = browser.post("/inbox/batch", {"action": action, "task_id": [str(task_id)], "decision": "approve"})
        # Signed in: the batch runs and the task is a failure of its own (or the form is refused as a whole).
        assert reply.status_code in ((302, 422) if who else (302,))
        if who is None:
            assert reply.headers["Location"].startswith("/login")
    assert task_page.show_task(ctx, task_id).summary.state == "open"
    if who:
        html = browser.get("/").get_data(as_text=True)
        assert f"任务 {task_id}：无权办理该任务" in html


# --- 更正 and batch printing of documents (docs/documents-corrections-and-printing.md) ---
PRINT_ROUTES = ("/documents/print", "/documents/print/pdf?what=confirmations&month=2026-11")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("clerk1", 200),
        ("head2", 200),
        ("county1", 200),
        ("approver1", 200),
        ("village1", 403),
        ("verify1", 403),
        ("committee1", 403),
        ("auditor1", 403),
        ("designer1", 403),
        ("admin1", 403),
        (None, 302),
    ],
)
def test_batch_printing_is_for_township_and_county_caseworkers(
    make_browser: object, who: str | None, status: int
) -> None:
    """Nothing is issued in this world: the PDF route answers a redirect with a message (302) to those who may."""
    browser = _browser(make_browser, who)
    for url in PRINT_ROUTES:
        reply = browser.get(url)
        expected = 302 if status == 200 and "/pdf" in url else status
        assert reply.status_code == expected, url
        if who is None:
            assert reply.headers["Location"].startswith("/login"), url


# 一门受理 (docs/intake.md): (who, the register and export, the 登记 form, a 城关镇 request's page, its triage).
INTAKE_ACCESS = [
    ("village1", 200, 200, 200, 403),
    ("clerk1", 200, 200, 200, 302),
    ("head2", 200, 200, 403, 403),
    ("county1", 200, 200, 200, 302),
    ("auditor1", 200, 403, 200, 403),
    ("admin1", 200, 403, 200, 403),
    ("verify1", 403, 403, 403, 403),
    ("committee1", 403, 403, 403, 403),
    ("designer1", 403, 403, 403, 403),
    (None, 302, 302, 302, 302),
]


@pytest.mark.parametrize(("who", "register", "form", "page", "triage"), INTAKE_ACCESS)
def test_the_intake_register_by_role_and_unit(
    ctx: Context, make_browser: object, who: str | None, register: int, form: int, page: int, triage: int
) -> None:
    from engine.queries import intake as intake_views
    from engine.services import intake

    data = {
        "channel": "window",
        "village": "demo-village-1-1",
        "person_name": "甲",
        "need": "咨询",
        "need_kind": "other",
    }
    number = intake.register(ctx, "clerk1", data).detail.row.number
    browser = _browser(make_browser, who)
    assert browser.get("/intake").status_code == register
    assert browser.get("/intake/export.csv").status_code == register
    assert browser.get("/intake/new").status_code == form
    assert browser.get(f"/intake/{number}").status_code == page
    reply = browser.post(f"/intake/{number}/close", {"close_reason": "当场答复"})
    assert reply.status_code == triage
    if who is None:
        assert reply.headers["Location"].startswith("/login")
    status = intake_views.intake_page(ctx, "clerk1", number).row.status
    assert status == ("closed" if triage == 302 and who is not None else "registered")


# --- 转介 (docs/referrals.md): a department's inbox, staff of a scope; tests/web/test_referral_pages.py acts ---
REFERRAL_ROUTES = ("/referrals", "/referrals?status=all", "/referrals/ZJ-2026-999999")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("yibao1", 200),
        ("clerk1", 200),
        ("approver1", 200),
        ("auditor1", 200),
        ("village1", 403),
        ("verify1", 403),
        ("designer1", 403),
        (None, 302),
    ],
)
def test_the_referral_pages_are_for_departments_and_scope_staff(
    make_browser: object, who: str | None, status: int
) -> None:
    browser = _browser(make_browser, who)
    for url in REFERRAL_ROUTES:
        expected = 404 if status == 200 and url.endswith("999999") else status
        assert browser.get(url).status_code == expected, url
