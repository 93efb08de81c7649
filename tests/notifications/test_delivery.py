"""Delivery of the outbox against real servers (docs/notifications-delivery.md): an aiosmtpd SMTP server
and a local SMS gateway receive exactly the expected messages; an unreachable server means retries with
backoff, then a dead letter with the error, and an administrator's resend delivers it; a worker killed
between claiming and sending loses nothing and, once its lease lapses, the message goes out once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta

import pytest
from freezegun import freeze_time
from sqlalchemy import select

from engine import clock
from engine.context import Context
from engine.delivery.email import message_id
from engine.errors import Conflict, PermissionDenied
from engine.lookups import get_org_unit
from engine.persistence import AuditEvent, Case, User
from engine.services import worker
from engine.services.notification_delivery import deliver_due, resend
from engine.services.users import add_user
from engine.settings import PROJECT_ROOT
from tests.api.conftest import eligible_household
from tests.conftest import MakeContext
from tests.notifications.delivery_support import (
    clerk_told_of_new_tasks,
    deliveries,
    delivery,
    give_email,
    mail_context,
    notifications_of,
    notify,
)
from tests.notifications.servers import SENDER, free_port, sms_gateway, smtp_server
from tests.scenarios.flow import Application


def test_a_new_task_email_reaches_the_smtp_server_once_with_its_link(make_context: MakeContext) -> None:
    with smtp_server() as (port, mailbox):
        ctx = mail_context(make_context, port)
        clerk_told_of_new_tasks(ctx)
        app = Application(ctx, eligible_household()).start()
        accept = app.task("intake_review")
        assert deliver_due(ctx) == 1
        assert deliver_due(ctx) == 0  # sent is sent: a second round finds nothing
    ((recipients, message),) = mailbox.received
    (row,) = deliveries(ctx)
    assert recipients == ["clerk1b@example.org"]
    assert message["Subject"] == "新任务：受理审查"
    assert message["From"] == SENDER
    assert message["Message-ID"] == message_id(row.idempotency_key, SENDER)
    text = message.get_content()
    assert f"http://127.0.0.1:5000/tasks/{accept.id}" in text
    assert f"案件 {app.number}（" in text
    assert "本邮件由低保审批系统自动发送" in text
    assert (row.status, row.attempts, row.last_error) == ("sent", 1, None)
    assert row.sent_at is not None
    assert row.claimed_until is None


# A test server on the loopback: AUTH without TLS is what aiosmtpd rightly warns about, and fine here.
_PLAIN_AUTH = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


@_PLAIN_AUTH
def test_login_and_a_link_to_the_case_when_there_is_no_task(make_context: MakeContext) -> None:
    with smtp_server(login=("mailer", "s3cret-pw")) as (port, mailbox):
        ctx = mail_context(make_context, port, smtp_user="mailer", smtp_password="s3cret-pw")
        app = Application(ctx, eligible_household()).start()
        with ctx.db.read() as session:
            case_id = session.scalars(select(Case.id).where(Case.number == app.number)).one()
        give_email(ctx, "approver1")
        notify(ctx, "approver1", kind="legal_clock_warning", title="法定办理时限即将届满", case_id=case_id)
        assert deliver_due(ctx) == 1
    (message,) = mailbox.messages()
    assert message["Subject"] == "法定办理时限即将届满"
    assert f"http://127.0.0.1:5000/cases/{app.number}" in message.get_content()


def test_the_worker_loop_delivers_the_outbox(make_context: MakeContext) -> None:
    assert ("通知发送", deliver_due) in worker.JOBS
    with smtp_server() as (port, mailbox):
        ctx = mail_context(make_context, port)
        give_email(ctx, "head1")
        notify(ctx, "head1", 2)
        assert worker.run_once(ctx) >= 2
    assert sorted(m["Subject"] for m in mailbox.messages()) == ["任务已超期 0", "任务已超期 1"]


def test_starttls_never_falls_back_to_a_plain_connection(make_context: MakeContext) -> None:
    with smtp_server() as (port, mailbox):  # a server that offers no STARTTLS
        ctx = mail_context(make_context, port, smtp_security="starttls")
        give_email(ctx, "head1")
        (delivery_id,) = notify(ctx, "head1")
        assert deliver_due(ctx) == 1
    assert mailbox.messages() == []
    row = delivery(ctx, delivery_id)
    assert row.status == "pending"
    assert row.last_error is not None
    assert "STARTTLS extension not supported by server" in row.last_error


def test_a_malformed_address_is_dead_lettered_at_once_and_nothing_is_sent(make_context: MakeContext) -> None:
    with smtp_server() as (port, mailbox):
        ctx = mail_context(make_context, port)
        give_email(ctx, "head1", "head1 at example.org")  # written before addresses were checked
        (delivery_id,) = notify(ctx, "head1", title="第一行\nBcc: someone@example.org")
        assert deliver_due(ctx) == 1
        give_email(ctx, "deputy1")
        notify(ctx, "deputy1", title="第一行\nBcc: someone@example.org")
        assert deliver_due(ctx) == 1
    row = delivery(ctx, delivery_id)
    assert (row.status, row.attempts) == ("dead", 1)
    assert row.last_error == "电子邮箱：head1 at example.org 不是有效的邮箱地址（应形如 name@example.org）"
    # A line break in a title cannot add a header: it becomes a space.
    ((recipients, message),) = mailbox.received
    assert recipients == ["deputy1@example.org"]
    assert message["Subject"] == "第一行 Bcc: someone@example.org"
    assert message["Bcc"] is None


def test_sms_goes_to_the_gateway_with_its_token_and_idempotency_key(make_context: MakeContext) -> None:
    with sms_gateway() as (url, gateway):
        ctx = make_context(sms_url=url, sms_token="tok-123")
        with ctx.db.write() as session:
            session.scalars(select(User).where(User.username == "head1")).unique().one().mobile = "13800138000"
        # By default this kind goes by email and SMS; head1 has no email, so SMS only.
        (first,) = notify(ctx, "head1", kind="legal_clock_reached", title="法定办理时限已届满")
        assert deliver_due(ctx) == 1
        ((headers, payload),) = gateway.requests
        key = delivery(ctx, first).idempotency_key
        lower = {name.lower(): value for name, value in headers.items()}
        assert lower["authorization"] == "Bearer tok-123"
        assert lower["idempotency-key"] == key
        assert payload == {
            "to": "13800138000",
            "text": "【低保审批】法定办理时限已届满。详见 http://127.0.0.1:5000",
            "idempotency_key": key,
        }
        assert delivery(ctx, first).status == "sent"

        gateway.status, gateway.reply = 503, "余额不足，请稍后再试".encode()
        (second,) = notify(ctx, "head1", kind="legal_clock_reached", tag="again", title="法定办理时限已届满")
        assert deliver_due(ctx) == 1
    row = delivery(ctx, second)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "短信网关返回 503：余额不足，请稍后再试")


def test_an_unconfigured_channel_fails_with_a_clear_message_and_is_dead_lettered(make_context: MakeContext) -> None:
    ctx = make_context(delivery_attempts=1)  # no DIBAO_SMTP_HOST
    give_email(ctx, "head1")
    (delivery_id,) = notify(ctx, "head1")
    assert deliver_due(ctx) == 1
    row = delivery(ctx, delivery_id)
    assert (row.status, row.attempts, row.last_error) == ("dead", 1, "邮件发送未配置：DIBAO_SMTP_HOST 为空")


def test_unreachable_smtp_retries_with_backoff_then_dead_letters_and_a_resend_delivers(
    make_context: MakeContext,
) -> None:
    port = free_port()  # nothing listens here yet
    ctx = mail_context(make_context, port)
    clerk_told_of_new_tasks(ctx)
    Application(ctx, eligible_household()).start()  # the cause commits although mail cannot go out
    assert [n.kind for n in notifications_of(ctx, "clerk1b")] == ["task_new"]
    (row,) = deliveries(ctx)
    waits = []
    with freeze_time(clock.utcnow()) as frozen:
        for attempt in range(1, 7):
            assert deliver_due(ctx) == 1
            row = delivery(ctx, row.id)
            assert row.attempts == attempt
            if attempt < 6:
                assert row.status == "pending"
                wait = row.next_attempt_at - clock.utcnow()
                waits.append(wait.total_seconds())
                frozen.tick(wait - timedelta(seconds=1))
                assert deliver_due(ctx) == 0  # not due yet
                frozen.tick(timedelta(seconds=1))
    assert waits == [60, 120, 240, 480, 960]
    assert row.status == "dead"
    assert row.last_error is not None
    assert f"127.0.0.1:{port}" in row.last_error
    assert deliver_due(ctx) == 0  # a dead letter waits for a person

    with pytest.raises(PermissionDenied):
        resend(ctx, "head1", row.id)
    done = resend(ctx, "admin1", row.id)
    assert (done.recipient, done.channel_label) == ("城关镇经办人乙", "电子邮件")
    row = delivery(ctx, row.id)
    assert (row.status, row.attempts) == ("pending", 0)
    with pytest.raises(Conflict):
        resend(ctx, "admin1", row.id)
    with ctx.db.read() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "notification_resent")).all()
        assert event.details["delivery"] == row.id
        assert event.actor_name == "admin1"

    with smtp_server(port) as (_, mailbox):
        assert deliver_due(ctx) == 1
    (message,) = mailbox.messages()
    assert message["Subject"] == "新任务：受理审查"
    assert delivery(ctx, row.id).status == "sent"


def test_an_admin_outside_the_recipients_unit_may_not_resend(make_context: MakeContext) -> None:
    ctx = make_context(delivery_attempts=1)
    with ctx.db.write() as session:
        add_user(session, "admin2", "河西乡管理员", "pw-12345678", get_org_unit(session, "demo-town-2"), ["admin"])
    give_email(ctx, "head1")
    (delivery_id,) = notify(ctx, "head1")
    deliver_due(ctx)
    with pytest.raises(PermissionDenied, match="不属于河西乡"):
        resend(ctx, "admin2", delivery_id)
    assert delivery(ctx, delivery_id).status == "dead"


_CLAIM_AND_DIE = """
import os, signal
from engine.context import Context
from engine.services.notification_delivery import claim
ctx = Context.from_settings()
print(",".join(str(item.delivery_id) for item in claim(ctx, 10)), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # dies after the claim committed, before anything is sent
"""


def _claim_in_a_process_that_dies(ctx: Context) -> tuple[int, str]:
    settings = ctx.settings
    env = {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DIBAO_DATABASE_URL": settings.database_url,
        "DIBAO_PROCESSES_DIR": str(settings.processes_dir),
        "DIBAO_SMTP_HOST": settings.smtp_host,
        "DIBAO_SMTP_PORT": str(settings.smtp_port),
        "DIBAO_SMTP_SECURITY": settings.smtp_security,
        "DIBAO_SMTP_SENDER": settings.smtp_sender,
    }
    child = subprocess.Popen([sys.executable, "-c", _CLAIM_AND_DIE], env=env, stdout=subprocess.PIPE, text=True)
    out, _ = child.communicate(timeout=120)
    assert child.returncode == -signal.SIGKILL
    return child.pid, out.strip()


def test_a_worker_killed_between_claiming_and_sending_loses_nothing_and_sends_once(make_context: MakeContext) -> None:
    with smtp_server() as (port, mailbox):
        ctx = mail_context(make_context, port)
        give_email(ctx, "head1")
        (delivery_id,) = notify(ctx, "head1")
        pid, claimed = _claim_in_a_process_that_dies(ctx)
        assert claimed == str(delivery_id)
        row = delivery(ctx, delivery_id)
        assert row.status == "sending"
        assert row.claimed_by is not None
        assert f":{pid}:" in row.claimed_by
        assert deliver_due(ctx) == 0  # the dead worker's claim has not lapsed yet
        clock.set_offset(timedelta(seconds=ctx.settings.delivery_lease_seconds + 1))
        try:
            assert deliver_due(ctx) == 1
            assert deliver_due(ctx) == 0
        finally:
            clock.set_offset(timedelta(0))
    (message,) = mailbox.messages()
    assert message["Subject"] == "任务已超期 0"
    row = delivery(ctx, delivery_id)
    assert (row.status, row.attempts) == ("sent", 1)
    assert row.claimed_by is not None
    assert f":{os.getpid()}:" in row.claimed_by


def _two_workers_deliver_each_once(make_context: MakeContext, count: int) -> None:
    with smtp_server() as (port, mailbox):
        first = mail_context(make_context, port)
        second = mail_context(make_context, port, schema=False)  # its own Context, pool and connections
        give_email(first, "head1")
        ids = notify(first, "head1", count)
        assert len(ids) == count
        start, done = threading.Barrier(2), []

        def work(ctx: Context) -> None:
            start.wait()
            done.append(deliver_due(ctx))

        threads = [threading.Thread(target=work, args=(c,)) for c in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
    assert sum(done) == count
    messages = mailbox.messages()
    assert len(messages) == count
    assert len({m["Message-ID"] for m in messages}) == count
    assert sorted(m["Subject"] for m in messages) == sorted(f"任务已超期 {n}" for n in range(count))
    assert {row.status for row in deliveries(first)} == {"sent"}


def test_two_workers_on_sqlite_deliver_each_notification_once(make_context: MakeContext) -> None:
    _two_workers_deliver_each_once(make_context, 40)


@pytest.mark.postgres
def test_two_workers_on_postgres_deliver_each_of_100_notifications_once(make_context: MakeContext) -> None:
    _two_workers_deliver_each_once(make_context, 100)
