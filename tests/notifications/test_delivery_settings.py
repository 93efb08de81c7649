"""The delivery settings refuse to start on a bad value with a Chinese message naming the variable, keep
secrets out of repr, and the address checks the preferences page shares accept and refuse the right text."""

from __future__ import annotations

import pytest

from engine.domain.contacts import email_problem, mask_address, mobile_problem
from engine.settings import Settings


def test_defaults_and_secrets_kept_out_of_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DIBAO_SMTP_HOST", "mail.example.org")
    monkeypatch.setenv("DIBAO_SMTP_SENDER", "dibao@example.org")
    monkeypatch.setenv("DIBAO_SMTP_PASSWORD", "smtp-secret")
    monkeypatch.setenv("DIBAO_SMS_TOKEN", "sms-secret")
    settings = Settings.from_env()
    assert (settings.smtp_port, settings.smtp_security, settings.delivery_attempts) == (25, "starttls", 6)
    assert (settings.delivery_backoff_seconds, settings.delivery_lease_seconds) == (60, 300)
    assert settings.delivery_timeout_seconds == 10.0
    assert settings.smtp_password == "smtp-secret"
    assert "smtp-secret" not in repr(settings)
    assert "sms-secret" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DIBAO_SMTP_SECURITY", "tls", "DIBAO_SMTP_SECURITY 应为 starttls、ssl 或 none"),
        ("DIBAO_SMTP_PORT", "0", "DIBAO_SMTP_PORT 应为 1–65535 的整数"),
        ("DIBAO_DELIVERY_ATTEMPTS", "six", "DIBAO_DELIVERY_ATTEMPTS 应为 1–50 的整数"),
        ("DIBAO_DELIVERY_BACKOFF_SECONDS", "-5", "DIBAO_DELIVERY_BACKOFF_SECONDS 应为"),
        ("DIBAO_DELIVERY_LEASE_SECONDS", "5", "DIBAO_DELIVERY_LEASE_SECONDS 应为 10–86400 的整数"),
        ("DIBAO_DELIVERY_TIMEOUT_SECONDS", "1.5", "DIBAO_DELIVERY_TIMEOUT_SECONDS 应为"),
        ("DIBAO_SMS_URL", "gateway.example.org/send", "DIBAO_SMS_URL 应为 http:// 或 https:// 开头的地址"),
        ("DIBAO_SMTP_HOST", "mail.example.org", "DIBAO_SMTP_SENDER（发件人地址）无效：电子邮箱：未填写"),
    ],
)
def test_a_bad_value_refuses_to_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValueError, match=message):
        Settings.from_env()


@pytest.mark.parametrize("text", ["a@example.org", " wang.li@mail.gov.cn ", "x+y@sub-1.example.com", "张@例子.中国"])
def test_plausible_emails_pass(text: str) -> None:
    assert email_problem(text) is None


@pytest.mark.parametrize(
    "text",
    ["", "a", "a@", "@example.org", "a@example", "a b@example.org", "a@example..org", "a@-x.org", ".a@x.org",
     "a@x.org\nBcc: b@y.org", "a@b@example.org", "x" * 200 + "@example.org"],
)  # fmt: skip
def test_implausible_emails_are_refused_naming_the_field(text: str) -> None:
    problem = email_problem(text)
    assert problem is not None
    assert problem.startswith("电子邮箱：")


@pytest.mark.parametrize("text", ["13800138000", " 19912345678 "])
def test_mainland_mobiles_pass(text: str) -> None:
    assert mobile_problem(text) is None


@pytest.mark.parametrize("text", ["", "1380013800", "138001380001", "12800138000", "+8613800138000", "138-0013-8000"])
def test_other_numbers_are_refused_naming_the_field(text: str) -> None:
    problem = mobile_problem(text)
    assert problem is not None
    assert problem.startswith("手机号码：")


def test_addresses_are_masked_for_the_admin() -> None:
    assert mask_address("email", "head.one@example.org") == "he***@example.org"
    assert mask_address("sms", "13800138000") == "138****8000"
