"""The case timeline's sentence for an `enrollment_recalculated` event (年度调标, docs/annual-adjustment.md);
engine.queries.case_page merges it into its SENTENCES, so the case page and the auditor's dossier both read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from engine.domain.vocabulary import RECALCULATION_CHANGE_LABELS


def _month(value: Any) -> str:
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        return "?"
    return f"{day.year} 年 {day.month} 月"


def _recalculated(event: Any, d: Mapping[str, Any], title: str, forms: Any) -> str:
    run, change = d.get("run", "?"), str(d.get("change") or "")
    if change == "flagged":
        estimate = f"（按新标准测算每月 {d['estimate']} 元）" if d.get("estimate") else ""
        return (
            f"年度调标 {run}：{d.get('reason') or '需复核'}{estimate}，保障金额暂不调整，"
            f"复核日期定为 {d.get('review_on', '?')}"
        )
    label = RECALCULATION_CHANGE_LABELS.get(change, "调整")
    return (
        f"年度调标 {run}（{label}）：每月保障金额 {d.get('before', '?')} → {d.get('after', '?')} 元，"
        f"自 {_month(d.get('effective_month'))}起执行"
    )


SENTENCES: dict[str, Callable[[Any, Mapping[str, Any], str, Any], str]] = {"enrollment_recalculated": _recalculated}
