"""系统管理 › 通知发送 and `dibao notifications`: the counts and the dead letters of the admin's scope with
addresses masked, 重新发送 (POST with the CSRF token, a flash, back to the page), and the same from the CLI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from engine.context import Context
from engine.services.notification_delivery import deliver_due
from tests.conftest import MakeContext
from tests.notifications.delivery_support import delivery, give_email, notify
from tests.web.conftest import Browser, make_app
from web.cli import main


def _dead_letter(ctx: Context) -> int:
    give_email(ctx, "head1", "head.one@example.org")
    (delivery_id,) = notify(ctx, "head1", title="任务已超期：入户调查")
    assert deliver_due(ctx) == 1  # no SMTP configured and one attempt: dead at once
    assert delivery(ctx, delivery_id).status == "dead"
    return delivery_id


@pytest.fixture
def ctx_one_attempt(make_context: MakeContext) -> Context:
    return make_context(delivery_attempts=1)


def test_the_admin_sees_the_dead_letter_and_resends_it(ctx_one_attempt: Context) -> None:
    ctx = ctx_one_attempt
    delivery_id = _dead_letter(ctx)
    browser = Browser(make_app(ctx).test_client())
    assert browser.login("admin1").status_code == 302
    assert "通知发送" in browser.get("/admin").get_data(as_text=True)  # linked from the admin menu
    page = browser.get("/admin/notifications").get_data(as_text=True)
    assert 'data-status="dead">1<' in page
    assert "城关镇负责人" in page
    assert "任务已超期" in page
    assert "电子邮件" in page
    assert "he***@example.org" in page
    assert "head.one@" not in page
    assert "邮件发送未配置：DIBAO_SMTP_HOST 为空" in page

    assert browser.post(f"/admin/notifications/{delivery_id}/resend", csrf=False).status_code == 400
    reply = browser.post(f"/admin/notifications/{delivery_id}/resend")
    assert reply.status_code == 302
    assert reply.headers["Location"] == "/admin/notifications"
    after = browser.get("/admin/notifications").get_data(as_text=True)
    assert "已重新排队发送给 城关镇负责人 的电子邮件通知" in after
    assert "没有发送失败的通知" in after
    assert (delivery(ctx, delivery_id).status, delivery(ctx, delivery_id).attempts) == ("pending", 0)

    again = browser.post(f"/admin/notifications/{delivery_id}/resend", follow_redirects=True)
    assert "不是发送失败的通知" in again.get_data(as_text=True)
    assert browser.post("/admin/notifications/99999/resend").status_code == 404


def test_others_may_not_see_or_resend(ctx_one_attempt: Context) -> None:
    delivery_id = _dead_letter(ctx_one_attempt)
    browser = Browser(make_app(ctx_one_attempt).test_client())
    assert browser.login("head1").status_code == 302
    assert browser.get("/admin/notifications").status_code == 403
    assert browser.post(f"/admin/notifications/{delivery_id}/resend").status_code == 403
    assert delivery(ctx_one_attempt, delivery_id).status == "dead"


def test_the_cli_lists_and_resends(ctx_one_attempt: Context, monkeypatch: pytest.MonkeyPatch) -> None:
    ctx = ctx_one_attempt
    delivery_id = _dead_letter(ctx)
    monkeypatch.setenv("DIBAO_DATABASE_URL", ctx.settings.database_url)
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(ctx.settings.processes_dir))
    cli = CliRunner()
    listed = cli.invoke(main, ["notifications", "deliveries", "--user", "admin1"])
    assert listed.exit_code == 0, listed.output
    assert "发送失败 1" in listed.output
    dead = cli.invoke(main, ["notifications", "deliveries", "--dead", "--user", "admin1"])
    assert dead.output.startswith(f"{delivery_id}\t城关镇负责人\t任务已超期\t电子邮件\the***@example.org\t尝试 1 次")
    refused = cli.invoke(main, ["notifications", "resend", str(delivery_id), "--user", "head1"])
    assert refused.exit_code == 1
    assert "需要系统管理角色" in refused.output
    done = cli.invoke(main, ["notifications", "resend", str(delivery_id), "--user", "admin1"])
    assert done.exit_code == 0, done.output
    assert f"已重新排队发送给 城关镇负责人 的电子邮件通知（编号 {delivery_id}）" in done.output
    assert delivery(ctx, delivery_id).status == "pending"
