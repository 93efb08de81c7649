"""The 信息核对 exchange files (docs/verification-exchange.md): the open 核对/复查 requests a county's
核对机构 may work, exported for its data platform, and that platform's results read back in.

Export lists members with full 身份证号, so each exported case is recorded as `pii_viewed`; import
completes each named task through the normal task completion (engine.services.tasks.complete), so scope,
form validation and audit apply as on the task page, one transaction per entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.verification import CHECK_ITEMS
from engine.errors import Conflict, DibaoError, PermissionDenied
from engine.lookups import get_user
from engine.persistence import HumanTask, OrgUnit
from engine.records import audit
from engine.records.writeback import OPEN_STATES
from engine.services import tasks

REQUESTS_FORMAT = "dibao-verification-requests"
RESULTS_FORMAT = "dibao-verification-results"
VERSION = 1
VERIFICATION_TASKS = ("data_verification", "verification_recheck")
ROLE = "verification_center"
MAX_ENTRIES = 5000


@dataclass
class ImportReport:
    applied: list[int] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # already completed
    refused: list[tuple[str, str]] = field(default_factory=list)  # (entry, Chinese reason)


def export_requests(ctx: Context, username: str, county: str | None = None) -> dict[str, Any]:
    """The open 核对/复查 requests of the user's county 核对机构, with full ID numbers (audited per case)."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        if ROLE not in user.roles:
            raise PermissionDenied("只有县核对机构的人员可以导出核对请求")
        if county is not None and county != user.org_unit.code:
            raise PermissionDenied(f"只能导出本单位（{user.org_unit.code}）的核对请求，不能导出 {county}")
        rows = session.scalars(
            select(HumanTask)
            .options(joinedload(HumanTask.case))
            .where(
                HumanTask.task_name.in_(VERIFICATION_TASKS),
                HumanTask.state.in_(OPEN_STATES),
                HumanTask.role == ROLE,
                HumanTask.org_unit_id == user.org_unit_id,
            )
            .order_by(HumanTask.id)
        ).all()
        requests = [_request(task) for task in rows]
        actor = audit.Actor.of(user, ROLE)
        for task, request in zip(rows, requests, strict=True):
            audit.record(
                session,
                "pii_viewed",
                actor,
                case_id=task.case_id,
                details={
                    "case_number": task.case.number,
                    "fields": ["household.members.id_number"],
                    "members": len(request["members"]),
                    "reason": "导出信息核对请求",
                },
            )
        county_unit = session.get(OrgUnit, user.org_unit_id)
        return {
            "format": REQUESTS_FORMAT,
            "version": VERSION,
            "county": county_unit.code if county_unit else None,
            "exported_at": utcnow().isoformat(timespec="seconds") + "Z",
            "requests": requests,
        }


def _request(task: HumanTask) -> dict[str, Any]:
    household = task.case.data.get("household") if isinstance(task.case.data, Mapping) else None
    members = household.get("members") if isinstance(household, Mapping) else None
    return {
        "request_id": task.id,
        "kind": "recheck" if task.task_name == "verification_recheck" else "check",
        "case_number": task.case.number,
        "members": [
            {"name": m.get("name"), "id_number": m.get("id_number"), "relation": m.get("relation")}
            for m in members or []
            if isinstance(m, Mapping)
        ],
        "items": list(CHECK_ITEMS),
        "requested_at": _iso(task.created_at),
        "due": _iso(task.due_at),
    }


def _iso(moment: datetime | None) -> str | None:
    return to_china(moment).isoformat(timespec="seconds") if moment is not None else None


def import_results(ctx: Context, username: str, document: Any) -> ImportReport:
    """Complete each named 核对/复查 task with its results; a bad entry is reported and the rest go on."""
    report = ImportReport()
    entries = _entries(document, report)
    seen: set[int] = set()
    for index, entry in enumerate(entries):
        where = f"第 {index + 1} 条"
        request_id, data, problem = _entry(entry)
        if request_id is None or data is None:
            report.refused.append((where, problem or "条目有误"))
            continue
        if request_id in seen:
            report.refused.append((where, f"核对请求 {request_id} 在文件中重复，只处理第一条"))
            continue
        seen.add(request_id)
        mismatch = _check_request(ctx, request_id, entry.get("case_number"))
        if mismatch:
            report.refused.append((where, mismatch))
            continue
        try:
            tasks.complete(ctx, request_id, username, data)
        except Conflict as exc:
            if _already_done(ctx, request_id):
                report.skipped.append((request_id, "该核对请求已办结，未重复处理"))
            else:
                report.refused.append((where, str(exc)))
        except DibaoError as exc:
            fields = getattr(exc, "fields", None) or {}
            detail = "；".join(m for messages in fields.values() for m in messages)
            report.refused.append((where, f"{exc}{'：' + detail if detail else ''}"))
        else:
            report.applied.append(request_id)
    return report


def _entries(document: Any, report: ImportReport) -> list[Mapping[str, Any]]:
    if not isinstance(document, Mapping):
        report.refused.append(("文件", "必须是 JSON 对象"))
        return []
    if document.get("format") != RESULTS_FORMAT or document.get("version") != VERSION:
        report.refused.append(("文件", f"格式必须是 {RESULTS_FORMAT} 第 {VERSION} 版（format、version 字段）"))
        return []
    results = document.get("results")
    if not isinstance(results, list):
        report.refused.append(("文件", "results 必须是列表"))
        return []
    if len(results) > MAX_ENTRIES:
        report.refused.append(("文件", f"一个文件最多 {MAX_ENTRIES} 条结果"))
        return []
    return [r if isinstance(r, Mapping) else {} for r in results]


def _entry(entry: Mapping[str, Any]) -> tuple[int | None, dict[str, Any] | None, str | None]:
    request_id = entry.get("request_id")
    if isinstance(request_id, bool) or not isinstance(request_id, int) or not 0 < request_id < 2**31:
        return None, None, "request_id 必须是导出文件中的核对请求编号（正整数）"
    data = entry.get("data")
    if not isinstance(data, Mapping):
        return None, None, f"核对请求 {request_id}：data 必须是核对结果对象"
    return request_id, dict(data), None


def _check_request(ctx: Context, request_id: int, case_number: Any) -> str | None:
    with ctx.db.read() as session:
        task = session.scalars(
            select(HumanTask).options(joinedload(HumanTask.case)).where(HumanTask.id == request_id)
        ).first()
        if task is None or task.task_name not in VERIFICATION_TASKS:
            return f"核对请求 {request_id} 不存在"
        if case_number is not None and case_number != task.case.number:
            return f"核对请求 {request_id} 属于案件 {task.case.number}，与文件中的案件号 {case_number} 不符"
        return None


def _already_done(ctx: Context, request_id: int) -> bool:
    with ctx.db.read() as session:
        task = session.get(HumanTask, request_id)
        return task is not None and task.state == "completed"
