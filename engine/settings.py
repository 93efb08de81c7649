"""Every setting the system reads from the environment, in one documented place.

DIBAO_DATABASE_URL   SQLAlchemy URL; default: SQLite file instance/dibao.sqlite3 under the project root.
DIBAO_DEMO           "1" allows the demo password (design.md §6); set by `dibao init --demo` runs and `make run`.
DIBAO_PROCESSES_DIR  process bundles (default: processes/ in the project root).
DIBAO_FORMS_DIR      form definitions (default: forms/definitions/).
DIBAO_SCRIPT_BUDGET  seconds a single script, condition or DMN cell may run (default 1.0).
DIBAO_SECRET_KEY     web session key (read by the web layer through this module).
DIBAO_ATTACHMENTS_DIR       uploaded files, stored by sha256 (default: instance/attachments under the project root).
DIBAO_ATTACHMENT_MAX_BYTES  largest file one upload may carry (default 10485760, 10 MiB).
DIBAO_AUDIT_KEY_FILE   the audit chain's HMAC key, 64 hex digits (default: instance/audit-chain.key under the
                       project root); `dibao init` creates it with mode 0600 when missing. Keep it off the
                       database server and out of database backups (docs/audit-integrity.md).
DIBAO_AUDIT_KEY        the same key given directly (64 hex digits, e.g. from a secret store); when set, the file
                       is not read and `dibao init` never creates one.
DIBAO_AUDIT_PUBLIC_KEY the auditor's Ed25519 public key (PEM file from `dibao audit keygen`): the pages and
                       `dibao audit verify --checkpoint` trust checkpoints signed by this key only.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _default_database_url() -> str:
    return f"sqlite:///{PROJECT_ROOT / 'instance' / 'dibao.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    database_url: str = field(default_factory=_default_database_url)
    demo: bool = False
    processes_dir: Path = PROJECT_ROOT / "processes"
    forms_dir: Path = PROJECT_ROOT / "forms" / "definitions"
    script_budget: float = 1.0
    secret_key: str | None = None
    attachments_dir: Path = PROJECT_ROOT / "instance" / "attachments"
    attachment_max_bytes: int = 10 * 1024 * 1024
    audit_key_file: Path = PROJECT_ROOT / "instance" / "audit-chain.key"
    audit_key: str | None = field(default=None, repr=False)
    audit_public_key: Path | None = None

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            database_url=env.get("DIBAO_DATABASE_URL") or _default_database_url(),
            demo=env.get("DIBAO_DEMO", "") in {"1", "true", "yes"},
            processes_dir=Path(env.get("DIBAO_PROCESSES_DIR") or PROJECT_ROOT / "processes"),
            forms_dir=Path(env.get("DIBAO_FORMS_DIR") or PROJECT_ROOT / "forms" / "definitions"),
            script_budget=float(env.get("DIBAO_SCRIPT_BUDGET") or 1.0),
            secret_key=env.get("DIBAO_SECRET_KEY"),
            attachments_dir=Path(env.get("DIBAO_ATTACHMENTS_DIR") or PROJECT_ROOT / "instance" / "attachments"),
            attachment_max_bytes=int(env.get("DIBAO_ATTACHMENT_MAX_BYTES") or 10 * 1024 * 1024),
            audit_key_file=Path(env.get("DIBAO_AUDIT_KEY_FILE") or PROJECT_ROOT / "instance" / "audit-chain.key"),
            audit_key=env.get("DIBAO_AUDIT_KEY") or None,
            audit_public_key=Path(env["DIBAO_AUDIT_PUBLIC_KEY"]) if env.get("DIBAO_AUDIT_PUBLIC_KEY") else None,
        )
