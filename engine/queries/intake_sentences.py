"""The case timeline's sentences for 一门受理 events that carry a case (docs/intake.md): the case started
from a request, and the requester's feedback on it. engine.queries.case_page merges them into its SENTENCES."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from engine.domain.vocabulary_window import FEEDBACK_SATISFACTION_LABELS
from engine.persistence import AuditEvent
from forms import FormDefinition

Describe = Callable[[AuditEvent, Mapping[str, Any], str, Mapping[str, FormDefinition]], str]


def _started(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    return f"由一门受理事项 {d.get('intake', '?')} 分办启动本案件"


def _feedback(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    satisfaction = FEEDBACK_SATISFACTION_LABELS.get(str(d.get("satisfaction")), "未评价")
    return f"记录一门受理事项 {d.get('intake', '?')} 的求助人反馈：{satisfaction}"


SENTENCES: dict[str, Describe] = {"intake_case_started": _started, "intake_feedback": _feedback}
