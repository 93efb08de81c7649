"""Checks of the addresses a notification can be sent to: pure functions, so the preferences page, the
settings and the admin pages give the same Chinese message for the same typo. Each returns None for an
acceptable address, else the message, which names the field. An empty text is a problem too: a caller
that lets a user clear their address checks for empty first."""

from __future__ import annotations

import re

MAX_EMAIL_LENGTH = 200  # User.email, NotificationDelivery.address

# Deliberately loose: one @, something before it, a domain with a dot after it, and nothing that would
# end a mail header (spaces, line breaks, <>, commas). Whether the mailbox exists only the server knows.
_EMAIL = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+")
_DOMAIN_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")
# Mainland mobile numbers: 11 digits, 1 then 3–9 (13x … 19x).
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


def email_problem(text: str) -> str | None:
    value = text.strip()
    if not value:
        return "电子邮箱：未填写"
    if len(value) > MAX_EMAIL_LENGTH:
        return f"电子邮箱：不能超过 {MAX_EMAIL_LENGTH} 个字符"
    if not _EMAIL.fullmatch(value):
        return f"电子邮箱：{value} 不是有效的邮箱地址（应形如 name@example.org）"
    local, domain = value.split("@")
    labels = domain.split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels) or local.strip(".") != local:
        return f"电子邮箱：{value} 不是有效的邮箱地址（应形如 name@example.org）"
    return None


def mobile_problem(text: str) -> str | None:
    value = text.strip()
    if not value:
        return "手机号码：未填写"
    if not _MOBILE.fullmatch(value):
        return f"手机号码：{value} 不是有效的手机号（应为 1 开头的 11 位数字，如 13800138000）"
    return None


def mask_address(channel: str, address: str) -> str:
    """An address shown to an administrator, enough to recognise it: ab***@example.org, 138****5678."""
    if channel == "sms":
        return address[:3] + "****" + address[-4:] if len(address) >= 8 else "*" * len(address)
    local, at, domain = address.partition("@")
    return (local[:2] + "***" + at + domain) if at else address[:2] + "***"
