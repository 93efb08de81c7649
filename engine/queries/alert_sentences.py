"""The case timeline's sentences for 监测预警 events (docs/alerts.md); engine.queries.case_page merges them into
its SENTENCES, so the case page and the auditor's dossier both read them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from engine.clock import to_china
from engine.domain.vocabulary_window import ALERT_INDICATOR_LABELS, ALERT_LEVEL_LABELS, ALERT_OUTCOME_LABELS


def _due(value: Any) -> str:
    try:
        return f"{to_china(datetime.fromisoformat(str(value))):%Y-%m-%d}"
    except ValueError:
        return "?"


def _what(d: Mapping[str, Any]) -> str:
    level = ALERT_LEVEL_LABELS.get(str(d.get("level")), "预警")
    return f"{level}（{ALERT_INDICATOR_LABELS.get(str(d.get('indicator')), '其他风险')}，预警 {d.get('alert', '?')}）"


def _outcome(event: Any, d: Mapping[str, Any], title: str, forms: Any) -> str:
    text = f"预警 {d.get('alert', '?')} 处置结果：{ALERT_OUTCOME_LABELS.get(str(d.get('outcome')), '已办结')}"
    return text + (f"，{d['recheck_on']} 再次核查" if d.get("recheck_on") else "")


SENTENCES: dict[str, Callable[[Any, Mapping[str, Any], str, Any], str]] = {
    "alert_review_opened": lambda e, d, t, f: f"监测预警开启动态复核：{_what(d)}，须在 {_due(d.get('due_at'))} 前核查",
    "alert_verification_opened": lambda e, d, t, f: (
        f"监测预警开启入户核查：{_what(d)}，须在 {_due(d.get('due_at'))} 前核查"
    ),
    "alert_attached": lambda e, d, t, f: f"收到本家庭的监测预警：{_what(d)}，请在办理本案件时一并核查",
    "alert_outcome_recorded": _outcome,
}
