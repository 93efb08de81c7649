"""The case timeline's sentences for 委派 (docs/delegation.md): delegated, handed back, recalled, and ended
with the claim (取消签收 / 转办). engine.queries.case_page merges them into its SENTENCES."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.domain.vocabulary import DELEGATION_END_LABELS, DELEGATION_EVENT_LABELS, label
from engine.persistence import AuditEvent
from forms import FormDefinition

Describe = Callable[[AuditEvent, Mapping[str, Any], str, Mapping[str, FormDefinition]], str]


def _note(d: Mapping[str, Any], what: str) -> str:
    return f"，{what}：{d['note']}" if d.get("note") else ""


def _delegated(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    who = f"{d.get('to_name', '')}（{d.get('to', '?')}）" if d.get("to_name") else str(d.get("to", "?"))
    return f"{DELEGATION_EVENT_LABELS['task_delegated']}：将任务“{title}”交给 {who}填写" + _note(d, "说明")


def _handed_back(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    saved = "（附暂存的填写内容）" if d.get("drafted") else "（未暂存填写内容）"
    text = f"{DELEGATION_EVENT_LABELS['task_handed_back']}：将任务“{title}”交回签收人 {d.get('to') or '?'}{saved}"
    return text + _note(d, "说明")


def _recalled(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    return (
        f"{DELEGATION_EVENT_LABELS['task_delegation_recalled']}：收回委派给 {d.get('delegate') or '?'} 的任务“{title}”"
    )


def _ended(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    why = label(DELEGATION_END_LABELS, d.get("why"))
    who = d.get("delegate") or "?"
    return f"{DELEGATION_EVENT_LABELS['task_delegation_ended']}：因{why}，任务“{title}”不再委派给 {who}"


DELEGATION_SENTENCES: dict[str, Describe] = {
    "task_delegated": _delegated,
    "task_handed_back": _handed_back,
    "task_delegation_recalled": _recalled,
    "task_delegation_ended": _ended,
}
