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
DIBAO_DIGEST_HOUR      the China-time hour after which the worker writes the daily digest (default 8, 0–23).
DIBAO_DIGEST_DAYS      the digest lists open tasks overdue or due within this many days (default 3).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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
    digest_hour: int = 8
    digest_days: int = 3

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
            digest_hour=_bounded("DIBAO_DIGEST_HOUR", env.get("DIBAO_DIGEST_HOUR") or "8", 23),
            digest_days=_bounded("DIBAO_DIGEST_DAYS", env.get("DIBAO_DIGEST_DAYS") or "3", 30),
        )


def _proxy_hops(raw: str) -> int:
    # A typo here would either trust forged addresses or silently distrust the real ones: refuse to start.
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > _MAX_PROXY_HOPS:
        raise ValueError(f"DIBAO_TRUSTED_PROXIES 应为 0–{_MAX_PROXY_HOPS} 的整数（反向代理的层数），而不是 {raw!r}")
    return int(value)


def _bounded(name: str, raw: str, most: int) -> int:
    value = raw.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > most:
        raise ValueError(f"{name} 应为 0–{most} 的整数，而不是 {raw!r}")
    return int(value)
