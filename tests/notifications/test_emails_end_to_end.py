"""What a real SMTP server (aiosmtpd, started here) receives when the worker loop runs as in production
(engine.services.worker.run_once: timers, rules, digest, then the outbox): exactly the expected messages for
a case that goes overdue with the working-day clock moved, a 催办 and a 抄送, and nothing for a user who has
no address. Times are Beijing time; the calendar reasoning is in tests/notifications/test_rules.py."""

from __future__ import annotations

from email.message import EmailMessage

from freezegun import freeze_time

from engine.context import Context
from engine.services import notifications, urging, worker
from tests.api.conftest import eligible_household
from tests.conftest import MakeContext
from tests.notifications.delivery_support import give_email, mail_context
from tests.notifications.servers import smtp_server
from tests.notifications.test_rules import china
from tests.scenarios.flow import Application
from tests.scenarios.temporary_flows import at_township_approval


def _letters(messages: list[EmailMessage]) -> list[tuple[str, str]]:
    return [(str(m["To"]), str(m["Subject"])) for m in messages]


def _round(ctx: Context, moment: str) -> None:
    with china(moment):
        worker.run_once(ctx)


def test_an_overdue_case_and_a_urge_reach_the_mail_server_exactly_once(make_context: MakeContext) -> None:
    with smtp_server() as (port, mailbox):
        ctx = mail_context(make_context, port)
        give_email(ctx, "clerk1")  # the township clerk who works 受理审查
        give_email(ctx, "head1")  # one of the two township heads; deputy1 has no address: in-app only
        with china("2026-09-02 10:00"):  # Wed; 受理审查 due in 3 working days: Mon 09-07 23:59
            app = Application(ctx, eligible_household()).start()
        task = app.task("intake_review")
        _round(ctx, "2026-09-02 10:01")  # the new task: clerk1 registered it, and new tasks are in-app by default
        _round(ctx, "2026-09-03 10:00")  # Thu: 2 working days left, nothing to remind
        # Fri: 1 working day left (the weekend does not count) → due soon; and the digest, which lists what is
        # due within 3 calendar days (by Mon 09-07), so not on Wed or Thu.
        _round(ctx, "2026-09-04 10:00")
        _round(ctx, "2026-09-04 10:05")  # the same day again: nothing new
        _round(ctx, "2026-09-08 09:00")  # Tue: overdue by one working day
        _round(ctx, "2026-09-09 09:00")  # Wed: overdue by two → escalated to the township heads
        with china("2026-09-09 09:30"):
            urging.urge(ctx, task.id, "head1", "请今天内办结")
        _round(ctx, "2026-09-09 09:31")
    number = app.number
    assert _letters(mailbox.messages()) == [
        ("clerk1@example.org", "即将到期：受理审查"),
        ("clerk1@example.org", "每日待办摘要（2026-09-04）：超期 0 项，即将到期 1 项"),
        ("clerk1@example.org", "已超期：受理审查"),
        ("clerk1@example.org", "每日待办摘要（2026-09-08）：超期 1 项，即将到期 0 项"),
        ("head1@example.org", "超期督办：受理审查"),
        ("clerk1@example.org", "每日待办摘要（2026-09-09）：超期 1 项，即将到期 0 项"),
        ("clerk1@example.org", "催办：受理审查"),
    ]
    for message in mailbox.messages():
        text = message.get_content()
        assert number in text
        assert eligible_household()["members"][0]["id_number"] not in text  # never a 身份证号 by email
    urge = mailbox.messages()[-1].get_content()
    assert "请今天内办结" in urge
    assert f"/tasks/{task.id}" in urge


@freeze_time("2026-11-23 01:00:00")
def test_a_copy_reaches_the_county_approver_who_asked_for_copies_by_email(make_context: MakeContext) -> None:
    with smtp_server() as (port, mailbox):
        ctx = mail_context(make_context, port)
        # 抄送 is in-app by default; the 蚌埠 approver asks for it by email too, on the preferences page's service.
        copy_by_email = {"copied": notifications.Choice(email=True)}
        notifications.save_preferences(ctx, "approver_bengbu", copy_by_email, email="approver@bengbu.example.org")
        request = at_township_approval(ctx)
        with freeze_time("2026-11-30 02:00:00"):  # the 公示 has ended: 乡镇审批 is offered
            worker.run_once(ctx)
            task_id = request.task("township_approval").id
            request.complete("township_approval", "head_bengbu", {"decision": "approve", "opinion": "同意救助"})
            worker.run_once(ctx)
    (message,) = mailbox.messages()
    assert (str(message["To"]), str(message["Subject"])) == ("approver@bengbu.example.org", "抄送：乡镇审批")
    text = message.get_content()
    assert "结论：批准救助" in text
    assert "意见：同意救助" in text
    assert f"/tasks/{task_id}" in text
