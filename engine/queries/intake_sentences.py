"""The case timeline's sentences for 一门受理 events that carry a case (docs/intake.md): the case started
from a request, and the requester's feedback on it. engine.queries.case_page merges them into its SENTENCES."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.domain.vocabulary_window import FEEDBACK_SATISFACTION_LABELS, INTAKE_NEED_LABELS
from engine.persistence import AuditEvent
from forms import FormDefinition

Describe = Callable[[AuditEvent, Mapping[str, Any], str, Mapping[str, FormDefinition]], str]


def _started(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    return f"由一门受理事项 {d.get('intake', '?')} 分办启动本案件"


def _feedback(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    satisfaction = FEEDBACK_SATISFACTION_LABELS.get(str(d.get("satisfaction")), "未评价")
    return f"记录一门受理事项 {d.get('intake', '?')} 的求助人反馈：{satisfaction}"


def _transfer(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    label = INTAKE_NEED_LABELS.get(str(d.get("need_kind")), "其他救助")
    return f"终止特困救助供养后转入{label}：已为乡镇登记一门受理事项 {d.get('intake', '?')}"


SENTENCES: dict[str, Describe] = {
    "intake_case_started": _started,
    "intake_feedback": _feedback,
    "tekun_transfer_registered": _transfer,  # engine.records.tekun_transfer (docs/tekun-exit.md)
}
