"""The case timeline's sentences for 终止, 暂停, 恢复 and 撤销 (engine.services.case_ending), added to
case_page.SENTENCES (`add_to`) so the case page and the auditor's dossier both read them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.domain.vocabulary import ADMIN_CANCEL_GROUND, ENDING_GROUND_LABELS, INSTANCE_STATUS_LABELS, label


def _terminated(event: Any, d: Mapping[str, Any], title: str, forms: Any) -> str:
    verb = "撤销案件" if d.get("ground") == ADMIN_CANCEL_GROUND else "终止案件"
    notice = d.get("notice") if isinstance(d.get("notice"), Mapping) else {}
    told = f"；已记录{notice.get('title')}（{notice.get('issued_on')}）" if notice else ""
    return f"{verb}，事由：{label(ENDING_GROUND_LABELS, d.get('ground'))}，理由：{d.get('reason', '')}{told}"


ENDING_SENTENCES: dict[str, Callable[[Any, Mapping[str, Any], str, Any], str]] = {
    "case_terminated": _terminated,
    "notice_withdrawn": lambda e, d, title, f: "案件终止，公示撤回（公示栏不再显示该户）",
    "case_suspended": lambda e, d, title, f: (
        f"系统管理员暂停案件（定时器停止、任务不能办理），理由：{d.get('reason', '')}"
    ),
    "case_resumed": lambda e, d, title, f: (
        f"系统管理员恢复案件（{label(INSTANCE_STATUS_LABELS, d.get('status'))}），理由：{d.get('reason', '')}"
    ),
}


Sentence = Callable[[Any, Mapping[str, Any], str, Any], str]


def add_to(sentences: dict[str, Any]) -> None:
    """Add the sentences above; a task cancelled because its case was ended says so."""
    process_cancelled: Sentence | None = sentences.get("task_cancelled")

    def cancelled(event: Any, d: Mapping[str, Any], title: str, forms: Any) -> str:
        if d.get("by") == "case_terminated" or process_cancelled is None:
            return f"案件终止，任务“{title}”随之取消（未经办理）"
        return process_cancelled(event, d, title, forms)

    sentences.update(ENDING_SENTENCES)
    sentences["task_cancelled"] = cancelled
