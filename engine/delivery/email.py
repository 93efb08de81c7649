"""Email over SMTP with the standard library: STARTTLS, TLS from the start, or plain (a relay on the same
host); login when a user is set. Subject and body are UTF-8, so Chinese arrives intact.

The Message-ID is derived from the delivery's idempotency key: a send whose outcome was lost (the worker
died after the server accepted it) is repeated with the same Message-ID, which a receiving system can use
to drop the repeat."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate

from engine.delivery import DeliveryFailed
from engine.domain.contacts import email_problem
from engine.settings import Settings


def message_id(idempotency_key: str, sender: str) -> str:
    digest = hashlib.sha256(idempotency_key.encode("utf-8")).hexdigest()[:40]
    domain = sender.rpartition("@")[2] or "dibao.invalid"
    return f"<{digest}@{domain}>"


def compose(settings: Settings, to: str, subject: str, body: str, idempotency_key: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_sender
    message["To"] = to
    message["Subject"] = " ".join(subject.split())  # a line break would end the header
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = message_id(idempotency_key, settings.smtp_sender)
    message.set_content(body, charset="utf-8")
    return message


def send_email(settings: Settings, to: str, subject: str, body: str, idempotency_key: str) -> None:
    """Hand one message to the configured server; DeliveryFailed when it is not configured, cannot be
    reached or refuses it."""
    if not settings.smtp_host:
        raise DeliveryFailed("邮件发送未配置：DIBAO_SMTP_HOST 为空")
    if problem := email_problem(to):
        raise DeliveryFailed(problem, permanent=True)
    message = compose(settings, to, subject, body, idempotency_key)
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        with _connect(settings) as smtp:
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password)
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryFailed(f"邮件服务器 {where} 拒收收件人 {to}：{_reply(exc.recipients.get(to))}") from exc
    except smtplib.SMTPResponseException as exc:
        raise DeliveryFailed(f"邮件服务器 {where} 拒绝：{exc.smtp_code} {_text(exc.smtp_error)}") from exc
    except (smtplib.SMTPException, OSError) as exc:  # refused, unreachable, timed out, TLS failed
        raise DeliveryFailed(f"无法通过邮件服务器 {where} 发送：{type(exc).__name__} {exc}"[:500]) from exc


def _connect(settings: Settings) -> smtplib.SMTP:
    timeout = settings.delivery_timeout_seconds
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
        )
    smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    try:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    except BaseException:
        smtp.close()
        raise
    return smtp


def _text(value: bytes | str) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    return text[:200]


def _reply(reply: tuple[int, bytes] | None) -> str:
    return "" if reply is None else f"{reply[0]} {_text(reply[1])}"
