"""Every setting the system reads from the environment, in one documented place.

DIBAO_DATABASE_URL   SQLAlchemy URL; default: SQLite file instance/dibao.sqlite3 under the project root.
DIBAO_DEMO           "1" allows the demo password (docs/contracts.md#demo-data); set by `dibao init --demo` runs and
`make run`.
DIBAO_PROCESSES_DIR  process bundles (default: processes/ in the project root).
DIBAO_FORMS_DIR      form definitions (default: forms/definitions/).
DIBAO_SCRIPT_BUDGET  seconds a single script, condition or DMN cell may run (default 1.0).
DIBAO_ENGINE_WORKERS     engine host child processes that run engine steps (default 2; engine.workflow.host).
DIBAO_ENGINE_TIMEOUT     seconds one engine step (or dry run) may take before its child is killed (default 10).
DIBAO_ENGINE_MEMORY_MB   address-space limit of each engine child, in MiB (default 1024).
DIBAO_SECRET_KEY     web session key (read by the web layer through this module).
DIBAO_ATTACHMENTS_DIR       uploaded files, stored by sha256 (default: instance/attachments under the project root).
DIBAO_ATTACHMENT_MAX_BYTES  largest file one upload may carry (default 10485760, 10 MiB).
DIBAO_DOCUMENTS_DIR         issued official documents (PDF), stored by sha256 (default: instance/documents).
DIBAO_PUBLIC_URL            the address citizens reach the system at, printed on every document as its
                            verification link and QR code (default http://127.0.0.1:5000; docs/documents.md).
DIBAO_TRUSTED_PROXIES       how many reverse proxies stand in front of the web app (default 0). With N > 0 the
                            client's address and scheme are taken from the last N entries of
                            X-Forwarded-For / X-Forwarded-Proto, the ones those proxies wrote (werkzeug ProxyFix);
                            with 0 those headers are ignored, as anyone can send them. The address feeds login
                            throttling's audit events and the public objection rate limit (docs/deployment-proxy.md).
DIBAO_AUDIT_KEY_FILE   the audit chain's HMAC key, 64 hex digits (default: instance/audit-chain.key under the
                       project root); `dibao init` creates it with mode 0600 when missing. Keep it off the
                       database server and out of database backups (docs/audit-integrity.md).
DIBAO_AUDIT_KEY        the same key given directly (64 hex digits, e.g. from a secret store); when set, the file
                       is not read and `dibao init` never creates one.
DIBAO_AUDIT_PUBLIC_KEY the auditor's Ed25519 public key (PEM file from `dibao audit keygen`): the pages and
                       `dibao audit verify --checkpoint` trust checkpoints signed by this key only.

Delivery of the notification outbox by the worker (docs/notifications-delivery.md):
DIBAO_SMTP_HOST        the mail server; empty (the default): email is not configured and every email waiting
                       in the outbox fails with that message until it is dead-lettered (nothing is lost).
DIBAO_SMTP_PORT        its port (default 25).
DIBAO_SMTP_SECURITY    starttls (default) | ssl (TLS from the first byte, usually port 465) | none.
DIBAO_SMTP_USER        login name; empty: no login.
DIBAO_SMTP_PASSWORD    its password.
DIBAO_SMTP_SENDER      the From address; required when DIBAO_SMTP_HOST is set.
DIBAO_SMS_URL          the SMS gateway's http(s) address (engine.delivery.sms); empty (the default): SMS is
                       not configured, as for email.
DIBAO_SMS_TOKEN        sent to the gateway as `Authorization: Bearer <token>`.
DIBAO_DELIVERY_ATTEMPTS          sends before a delivery is dead-lettered (default 6).
DIBAO_DELIVERY_BACKOFF_SECONDS   wait before the first retry, doubling each attempt (default 60).
DIBAO_DELIVERY_LEASE_SECONDS     how long a worker's claim lasts; an older claim belongs to a dead worker and
                                 the delivery is taken over (default 300).
DIBAO_DELIVERY_TIMEOUT_SECONDS   network timeout of one send (default 10).
DIBAO_DIGEST_HOUR      the China-time hour after which the worker writes the daily digest (default 8, 0–23).
DIBAO_DIGEST_DAYS      the digest lists open tasks overdue or due within this many days (default 3).

The production server and what watches it (docs/operations.md):
DIBAO_WEB_WORKERS      gunicorn worker processes of `dibao serve` (default 2, 1–64). In demo mode one: the demo
                       clock is per process (engine/clock.py), so a travel must reach the process that serves.
DIBAO_WEB_THREADS      threads per worker process (default 8, 1–64).
DIBAO_WEB_TIMEOUT      seconds a worker process may stay silent before gunicorn restarts it (default 60, 5–3600).
DIBAO_METRICS_TOKEN    a bearer token that opens /metrics from any address; empty (the default): none does.
DIBAO_METRICS_ALLOW    addresses or networks (comma-separated, e.g. 10.0.0.0/8) that may read /metrics without
                       the token (default 127.0.0.1,::1: the machine itself). Behind a proxy the address is
                       the client's as DIBAO_TRUSTED_PROXIES reads it.
DIBAO_LOG_FORMAT       json (the default: one JSON object a line, for a log collector) | text (for a terminal).
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.domain.contacts import email_problem

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_MAX_PROXY_HOPS = 10


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'instance' / 'dibao.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    demo: bool = False
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms" / "definitions"
    script_budget: float = 1.0
    engine_workers: int = 2
    engine_timeout: float = 10.0
    engine_memory_mb: int = 1024
    secret_key: str | None = None
    attachments_dir: Path = PROJECT_ROOT / "instance" / "attachments"
    attachment_max_bytes: int = 10 * 1024 * 1024
    documents_dir: Path = PROJECT_ROOT / "instance" / "documents"
    public_url: str = "http://127.0.0.1:5000"
    trusted_proxies: int = 0
    audit_key_file: Path = PROJECT_ROOT / "instance" / "audit-chain.key"
    audit_key: str | None = field(default=None, repr=False)
    audit_public_key: Path | None = None
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_security: str = "starttls"
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_sender: str = ""
    sms_url: str = ""
    sms_token: str = field(default="", repr=False)
    delivery_attempts: int = 6
    delivery_backoff_seconds: int = 60
    delivery_lease_seconds: int = 300
    delivery_timeout_seconds: float = 10.0
    digest_hour: int = 8
    digest_days: int = 3
    web_workers: int = 2
    web_threads: int = 8
    web_timeout: int = 60
    metrics_token: str = field(default="", repr=False)
    metrics_allow: tuple[str, ...] = ("127.0.0.1", "::1")
    log_format: str = "json"

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DIBAO_DATABASE_URL") or _default_database_url(),
            demo=env.get("DIBAO_DEMO", "") in {"1", "true", "yes"},
            processes_dir=Path(env.get("DIBAO_PROCESSES_DIR") or PROJECT_ROOT / "processes"),
            forms_dir=Path(env.get("DIBAO_FORMS_DIR") or PROJECT_ROOT / "forms" / "definitions"),
            script_budget=float(env.get("DIBAO_SCRIPT_BUDGET") or 1.0),
            engine_workers=int(env.get("DIBAO_ENGINE_WORKERS") or 2),
            engine_timeout=float(env.get("DIBAO_ENGINE_TIMEOUT") or 10.0),
            engine_memory_mb=int(env.get("DIBAO_ENGINE_MEMORY_MB") or 1024),
            secret_key=env.get("DIBAO_SECRET_KEY"),
            attachments_dir=Path(env.get("DIBAO_ATTACHMENTS_DIR") or PROJECT_ROOT / "instance" / "attachments"),
            attachment_max_bytes=int(env.get("DIBAO_ATTACHMENT_MAX_BYTES") or 10 * 1024 * 1024),
            documents_dir=Path(env.get("DIBAO_DOCUMENTS_DIR") or PROJECT_ROOT / "instance" / "documents"),
            public_url=(env.get("DIBAO_PUBLIC_URL") or "http://127.0.0.1:5000").rstrip("/"),
            trusted_proxies=_proxy_hops(env.get("DIBAO_TRUSTED_PROXIES") or "0"),
            audit_key_file=Path(env.get("DIBAO_AUDIT_KEY_FILE") or PROJECT_ROOT / "instance" / "audit-chain.key"),
            audit_key=env.get("DIBAO_AUDIT_KEY") or None,
            audit_public_key=Path(env["DIBAO_AUDIT_PUBLIC_KEY"]) if env.get("DIBAO_AUDIT_PUBLIC_KEY") else None,
            **_delivery(env),
            digest_hour=_whole(env, "DIBAO_DIGEST_HOUR", 8, 0, 23),
            digest_days=_whole(env, "DIBAO_DIGEST_DAYS", 3, 0, 30),
            **_serving(env),
        )


def _proxy_hops(raw: str) -> int:
    # A typo here would either trust forged addresses or silently distrust the real ones: refuse to start.
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > _MAX_PROXY_HOPS:
        raise ValueError(f"DIBAO_TRUSTED_PROXIES 应为 0–{_MAX_PROXY_HOPS} 的整数（反向代理的层数），而不是 {raw!r}")
    return int(value)


SMTP_SECURITY = ("starttls", "ssl", "none")


def _delivery(env: Mapping[str, str]) -> dict[str, Any]:
    # A typo here would otherwise show up days later as a dead-letter list full of one error: refuse to start.
    host = (env.get("DIBAO_SMTP_HOST") or "").strip()
    security = (env.get("DIBAO_SMTP_SECURITY") or "starttls").strip().lower()
    if security not in SMTP_SECURITY:
        raise ValueError(f"DIBAO_SMTP_SECURITY 应为 starttls、ssl 或 none，而不是 {security!r}")
    sender = (env.get("DIBAO_SMTP_SENDER") or "").strip()
    if host and (problem := email_problem(sender)):
        raise ValueError(f"DIBAO_SMTP_SENDER（发件人地址）无效：{problem}")
    sms_url = (env.get("DIBAO_SMS_URL") or "").strip()
    if sms_url and not sms_url.startswith(("http://", "https://")):
        raise ValueError(f"DIBAO_SMS_URL 应为 http:// 或 https:// 开头的地址，而不是 {sms_url!r}")
    return {
        "smtp_host": host,
        "smtp_port": _whole(env, "DIBAO_SMTP_PORT", 25, 1, 65535),
        "smtp_security": security,
        "smtp_user": env.get("DIBAO_SMTP_USER") or "",
        "smtp_password": env.get("DIBAO_SMTP_PASSWORD") or "",
        "smtp_sender": sender,
        "sms_url": sms_url,
        "sms_token": env.get("DIBAO_SMS_TOKEN") or "",
        "delivery_attempts": _whole(env, "DIBAO_DELIVERY_ATTEMPTS", 6, 1, 50),
        "delivery_backoff_seconds": _whole(env, "DIBAO_DELIVERY_BACKOFF_SECONDS", 60, 1, 86400),
        "delivery_lease_seconds": _whole(env, "DIBAO_DELIVERY_LEASE_SECONDS", 300, 10, 86400),
        "delivery_timeout_seconds": float(_whole(env, "DIBAO_DELIVERY_TIMEOUT_SECONDS", 10, 1, 300)),
    }


LOG_FORMATS = ("json", "text")


def _serving(env: Mapping[str, str]) -> dict[str, Any]:
    # A typo in who may read /metrics would either expose it or lock the monitoring out: refuse to start.
    allow = tuple(a.strip() for a in (env.get("DIBAO_METRICS_ALLOW") or "127.0.0.1,::1").split(",") if a.strip())
    for entry in allow:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(f"DIBAO_METRICS_ALLOW 中的 {entry!r} 不是 IP 地址或网段（如 10.0.0.0/8）") from None
    log_format = (env.get("DIBAO_LOG_FORMAT") or "json").strip().lower()
    if log_format not in LOG_FORMATS:
        raise ValueError(f"DIBAO_LOG_FORMAT 应为 json 或 text，而不是 {log_format!r}")
    return {
        "web_workers": _whole(env, "DIBAO_WEB_WORKERS", 2, 1, 64),
        "web_threads": _whole(env, "DIBAO_WEB_THREADS", 8, 1, 64),
        "web_timeout": _whole(env, "DIBAO_WEB_TIMEOUT", 60, 5, 3600),
        "metrics_token": (env.get("DIBAO_METRICS_TOKEN") or "").strip(),
        "metrics_allow": allow,
        "log_format": log_format,
    }


def _whole(env: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ValueError(f"{name} 应为 {low}–{high} 的整数，而不是 {raw!r}")
    return int(raw)
