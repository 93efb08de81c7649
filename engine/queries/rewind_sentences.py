"""The case timeline's sentences for 撤回, 退回 and an administrator's move (docs/withdraw-and-return.md);
engine.queries.case_page adds them to its table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.persistence import AuditEvent

Describe = Callable[[AuditEvent, Mapping[str, Any], str, Mapping[str, Any]], str]


def _withdrawn(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, Any]) -> str:
    return f"撤回已提交的“{title}”，重新办理，理由：{d.get('reason', '')}"


def _returned(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, Any]) -> str:
    return f"在“{title}”将案件退回到“{d.get('to_title', d.get('to', '?'))}”，理由：{d.get('reason', '')}"


def _moved(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, Any]) -> str:
    return f"系统管理员将流程调整到“{d.get('to_title', d.get('to', '?'))}”，理由：{d.get('reason', '')}"


SENTENCES: dict[str, Describe] = {"task_withdrawn": _withdrawn, "task_returned": _returned, "case_moved": _moved}
