"""The auditor's exports: one case's events as CSV, the personal-data report as CSV, the dossier as JSON.

Each export is recorded as `audit.exported` with its format, so no data leaves without a trace. Apart
from the builders because these only reshape what they return into rows and plain values (the web layer
adds the BOM and the formula-injection quoting).
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from engine.context import Context
from engine.queries.dossier.access import EXPORTED, auditor, record_read
from engine.queries.dossier.build import dossier
from engine.queries.dossier.model import Dossier
from engine.queries.dossier.pii import pii_views

EVENT_CSV_HEADER = [
    "序号",
    "时间（北京时间）",
    "操作人",
    "用户名",
    "角色",
    "机构",
    "事件代码",
    "说明",
    "变更数据（原值 → 新值）",
    "流程及版本",
    "流程包哈希",
    "事件哈希",
]
PII_CSV_HEADER = ["序号", "时间（北京时间）", "查看人", "用户名", "角色", "机构", "案件编号", "查看内容", "理由"]


def events_csv(ctx: Context, username: str, number: str) -> list[list[str]]:
    """The case's events as CSV rows (header first), recorded as `audit.exported` (format csv)."""
    built = dossier(ctx, username, number, export="csv")
    rows = [list(EVENT_CSV_HEADER)]
    for e in built.events:
        changes = "；".join(f"{c.label}：{c.before_text} → {c.after_text}" for c in e.changes)
        rows.append(
            [
                str(e.seq),
                e.time,
                e.actor_name,
                e.actor_username or "",
                e.role_label,
                e.org_name,
                e.action,
                e.description,
                changes,
                e.process,
                e.bundle_hash or "",
                e.hash,
            ]
        )
    return rows


def pii_views_csv(
    ctx: Context,
    username: str,
    since: date | None = None,
    until: date | None = None,
    *,
    include_audit_reads: bool = False,
) -> list[list[str]]:
    """The report as CSV rows (header first), recorded as `audit.exported` (format pii_csv)."""
    report = pii_views(ctx, username, since, until, include_audit_reads=include_audit_reads)
    with ctx.db.write() as session:
        details = {
            "format": "pii_csv",
            "since": since.isoformat() if since else None,
            "until": until.isoformat() if until else None,
            "rows": len(report.rows),
        }
        record_read(session, auditor(session, username), EXPORTED, details)
    rows = [list(PII_CSV_HEADER)]
    rows += [
        [
            str(v.seq),
            v.time,
            v.actor_name,
            v.actor_username or "",
            v.role_label,
            v.org_name,
            v.case_number,
            v.what,
            v.reason,
        ]
        for v in report.rows
    ]
    return rows


def as_json(value: Dossier) -> dict[str, Any]:
    """The dossier as JSON-ready data (timestamps as ISO text, naive UTC), with the verification sentence."""
    data: dict[str, Any] = _plain(asdict(value))
    data["verification"]["text"] = value.verification_text
    data["format"] = "dibao-dossier/1"
    return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
