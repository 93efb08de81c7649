"""Who may use the pages issue 14 added (starting every procedure, 延长办理期限, 终止, 委派, 撤回, 退回, a move),
beside tests/web/test_authorization.py, whose helpers they share."""

from __future__ import annotations

import pytest

from engine.context import Context
from engine.queries import task_page
from engine.services import tasks
from engine.services.bootstrap import DEMO_PASSWORD
from tests.conftest import add_second_clerk
from tests.web.conftest import open_task
from tests.web.test_authorization import OUTSIDERS, _browser


# --- 终止 a case (web/clerk/case_terminate.py; docs/ending-and-pausing-cases.md) ---------------------------
@pytest.mark.parametrize(
    ("who", "status"),
    [("clerk1", 302), ("approver1", 302), ("clerk2", 403), ("auditor1", 403), ("designer1", 403), (None, 302)],
)
def test_terminate_is_for_the_process_termination_roles_in_scope(
    ctx: Context, make_browser: object, who: str | None, status: int
) -> None:
    """The default termination_roles: township clerks and heads, county clerks and approvers, in their unit."""
    task_id = open_task(ctx)
    number = task_page.show_task(ctx, task_id).summary.case_number
    browser = _browser(make_browser, who)
    page = browser.get(f"/cases/{number}")
    if who in ("clerk1", "approver1"):
        assert "终止事由" in page.get_data(as_text=True)
    reply = browser.post(f"/cases/{number}/terminate", {"ground": "other", "reason": "测试"})
    assert reply.status_code == status
    if who is None:
        assert reply.headers["Location"].startswith("/login")
    expected = "cancelled" if who in ("clerk1", "approver1") else "open"
    assert task_page.show_task(ctx, task_id).summary.state == ("cancelled" if expected == "cancelled" else "open")


# --- 委派 (delegation, issue 14 part 5; docs/delegation.md) -------------------------------------------------
@pytest.mark.parametrize("who", [*OUTSIDERS, "clerk1b", None])
def test_only_the_holder_delegates_and_recalls_and_only_the_delegate_hands_back(
    ctx: Context, make_browser: object, who: str | None
) -> None:
    from engine.services import delegation

    add_second_clerk(ctx)
    held, delegated = open_task(ctx), open_task(ctx)
    tasks.claim(ctx, held, "clerk1")
    tasks.claim(ctx, delegated, "clerk1")
    delegation.delegate(ctx, delegated, "clerk1", "clerk1b")
    browser = _browser(make_browser, None)
    if who is not None:
        assert browser.login(who, "pw-12345678" if who == "clerk1b" else DEMO_PASSWORD).status_code == 302
    expected = 403 if who else 302  # anonymous visitors are sent to the login page
    assert browser.post(f"/tasks/{held}/delegate", {"to": "clerk1b"}).status_code == expected
    assert browser.post(f"/tasks/{delegated}/recall").status_code == expected
    hand_back = browser.post(f"/tasks/{delegated}/hand-back")
    assert hand_back.status_code == (302 if who in ("clerk1b", None) else 403)
    held_summary = task_page.show_task(ctx, held).summary
    assert (held_summary.assignee, held_summary.delegation) == ("clerk1", None)  # nothing changed
    shown = task_page.show_task(ctx, delegated).summary.delegation
    assert shown is not None
    assert shown.active is (who != "clerk1b")  # only the delegate handed it back


def test_the_holder_may_delegate_and_recall(ctx: Context, make_browser: object) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    tasks.claim(ctx, task_id, "clerk1")
    browser = _browser(make_browser, "clerk1")
    assert browser.post(f"/tasks/{task_id}/delegate", {"to": "clerk1b"}).status_code == 302
    assert browser.post(f"/tasks/{task_id}/recall").status_code == 302
    assert task_page.show_task(ctx, task_id).summary.delegation is None


# --- issue 14 (helper A): starting each procedure, the due re-check batch, 延长办理期限 ------------------


@pytest.mark.parametrize(
    ("who", "status", "offered", "not_offered"),
    [
        ("clerk1", 200, ("最低生活保障审核确认", "临时救助审核审批", "动态复核"), ()),
        ("village1", 200, ("最低生活保障审核确认", "临时救助审核审批"), ("动态复核",)),
        ("approver1", 200, ("动态复核",), ("最低生活保障审核确认", "临时救助审核审批")),
        ("auditor1", 403, (), ()),
        ("designer1", 403, (), ()),
        (None, 302, (), ()),
    ],
)
def test_registration_offers_what_the_role_may_start(
    make_browser: object, who: str | None, status: int, offered: tuple[str, ...], not_offered: tuple[str, ...]
) -> None:
    browser = _browser(make_browser, who)
    reply = browser.get("/cases/new")
    assert reply.status_code == status
    tabs = reply.get_data(as_text=True).split('class="tabs start-tabs"')[-1].split("</nav>")[0]
    assert all(title in tabs for title in offered)
    assert not any(title in tabs for title in not_offered)


def test_a_process_the_role_may_not_start_is_not_offered_and_not_accepted(make_browser: object) -> None:
    village = _browser(make_browser, "village1")
    assert village.get("/cases/new?process=periodic_review").status_code == 404
    assert village.post("/cases/new", {"process": "periodic_review", "_op": "submit"}).status_code == 404
    county = _browser(make_browser, "approver1")
    assert county.get("/cases/new?process=temporary_assistance").status_code == 404


def test_a_county_user_cannot_start_for_a_village_of_another_county(ctx: Context, make_browser: object) -> None:
    outsider = _browser(make_browser, "approver_yantai")
    form = {"process": "periodic_review", "f.village": "demo-village-1-1", "f.trigger": "scheduled", "_op": "submit"}
    assert outsider.post("/cases/new", form).status_code == 403


@pytest.mark.parametrize(("who", "status"), [("clerk1", 200), ("approver1", 200), ("village1", 403), ("auditor1", 403)])
def test_the_due_review_batch_is_for_township_and_county_staff(make_browser: object, who: str, status: int) -> None:
    browser = _browser(make_browser, who)
    assert browser.get("/cases/due-reviews").status_code == status
    assert browser.post("/cases/due-reviews", {"on": "2026-11-23"}).status_code == (302 if status == 200 else 403)


@pytest.mark.parametrize(("who", "status"), [("clerk1", 403), ("clerk2", 403), ("auditor1", 403), ("approver1", 302)])
def test_only_the_township_head_or_the_county_extends_the_legal_clock(
    ctx: Context, make_browser: object, who: str, status: int
) -> None:
    from tests.scenarios.flow import Application
    from tests.scenarios.households import household, member

    number = Application(ctx, household(member("周延期", "self", ("wage", "500.00")))).start().accept().number
    browser = _browser(make_browser, who)
    form = 'id="case-extend-title"'
    assert (form in browser.get(f"/cases/{number}").get_data(as_text=True)) == (who == "approver1")
    body = {"ground": "remote_application", "reason": "异地申办，需协查"}
    assert browser.post(f"/cases/{number}/extend", body).status_code == status
    if who == "approver1":  # once only: the form is gone and a second try is refused with the reason
        assert form not in browser.get(f"/cases/{number}").get_data(as_text=True)
        again = browser.post(f"/cases/{number}/extend", body)
        assert again.status_code == 409
        assert "已延长过一次" in again.get_data(as_text=True)


# --- 撤回, 退回, move (docs/withdraw-and-return.md) ---
@pytest.mark.parametrize("who", ["clerk1", "head1", "clerk2", "approver1", "auditor1", "admin1", None])
def test_only_the_completer_withdraws_and_only_admins_move_a_case(
    ctx: Context, make_browser: object, who: str | None
) -> None:
    add_second_clerk(ctx)
    task_id = open_task(ctx)
    tasks.complete(ctx, task_id, "clerk1", {"applicant_name": "张三", "household_size": 3, "requested_amount": "5000"})
    browser = _browser(make_browser, who)
    withdraw = browser.post(f"/tasks/{task_id}/withdraw", {"reason": "填错了"})
    assert withdraw.status_code == (302 if who in ("clerk1", None) else 403)  # anonymous: to the login page
    if who != "clerk1":
        assert task_page.show_task(ctx, task_id).summary.state == "completed"  # nothing changed
    else:
        assert task_page.show_task(ctx, task_id).summary.state == "withdrawn"
    # 退回 from a task that declares no step to go back to: the worker hears why (a flash), others 403.
    fresh = open_task(ctx)
    returned = browser.post(f"/tasks/{fresh}/return", {"to": "township_review", "reason": "退回"})
    assert returned.status_code == (302 if who in ("clerk1", None) else 403)
    assert task_page.show_task(ctx, fresh).summary.state == "open"
    case_number = task_page.show_task(ctx, fresh).summary.case_number
    moved = browser.post("/admin/cases/move", {"number": case_number, "to": "受理登记", "reason": "卡住了"})
    assert moved.status_code == (302 if who in ("admin1", None) else 403)


# --- 文书 download, print and the public verify page (docs/documents-verify-and-download.md) -----------------
@pytest.mark.parametrize(
    ("who", "status"),
    [("clerk1", 200), ("approver1", 200), ("auditor1", 200), ("clerk2", 403), ("designer1", 403), (None, 302)],
)
def test_documents_are_for_whoever_sees_the_case_and_verify_is_public(
    ctx: Context, make_browser: object, who: str | None, status: int
) -> None:
    from tests.scenarios.approved import approved_application, issued

    number = approved_application(ctx).number
    doc = issued(ctx, number)
    browser = _browser(make_browser, who)
    for url in (f"/documents/{doc.id}", f"/documents/{doc.id}/print"):
        assert browser.get(url).status_code == status, url
    assert browser.get(f"/public/verify/{doc.code}").status_code == 200
    assert browser.get("/public/verify").status_code == 200


# --- 更正 an issued document (web/documents; docs/documents-corrections-and-printing.md) ---------------------
def test_the_correction_page_is_for_the_issuing_unit_or_its_county(ctx: Context, make_browser: object) -> None:
    from tests.web.documents_flow import approved, documents

    number = approved(ctx).number
    (notice,) = documents(ctx, number, "confirmation_notice")
    url = f"/documents/{notice.id}/correct"
    for who, status in (("approver1", 200), ("county1", 200), ("clerk1", 403), ("clerk2", 403), ("auditor1", 403)):
        browser = _browser(make_browser, who)
        assert browser.get(url).status_code == status, who
        if status == 403:
            assert browser.post(url, {"reason": "越权"}).status_code == 403, who
    assert _browser(make_browser, None).get(url).headers["Location"].startswith("/login")
    assert len(documents(ctx, number, "confirmation_notice")) == 1  # the refused posts issued nothing
