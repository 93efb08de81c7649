"""Whether an email address or a mainland mobile number a user types can be used to reach them
(docs/notification-centre.md). Each answer is None (fine) or a Chinese sentence for the field."""

from __future__ import annotations

import re

# local@domain.tld: no spaces, one @, a dot in the domain with letters after it. Deliberately loose (the
# mail server is the judge of the rest) but enough to catch a mobile number typed in the email field.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[A-Za-z]{2,}$")
_MOBILE = re.compile(r"^1\d{10}$")
MAX_EMAIL = 200  # User.email


def email_problem(text: str) -> str | None:
    value = text.strip()
    if not value:
        return "请填写电子邮箱"
    if len(value) > MAX_EMAIL:
        return f"电子邮箱不能超过 {MAX_EMAIL} 个字符"
    if not _EMAIL.match(value):
        return "电子邮箱格式不正确，应类似 name@example.com"
    return None


def mobile_problem(text: str) -> str | None:
    value = text.strip()
    if not value:
        return "请填写手机号码"
    if not _MOBILE.match(value):
        return "手机号码应为以 1 开头的 11 位数字"
    return None
