"""How one audit event reads in the auditor's dossier and personal-data report: who, what in words, and
the values it changed, before and after.

The sentences are the case page's (case_page.SENTENCES) plus this package's own for auditors' reads;
what this module adds is the reading of recorded values (choices with their labels, structures as JSON)
and of actors (display name, role and unit from the ids the event stores). Apart from the builders,
which only decide which events to read.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.household_copy import DIFFERENCES_KEY
from engine.domain.vocabulary import (
    ENROLLMENT_FIELD_LABELS,
    ENROLLMENT_STATUS_LABELS,
    NON_USER_ACTOR_LABELS,
    PII_FIELD_LABELS,
    ROLE_LABELS,
)
from engine.persistence import AuditEvent, OrgUnit, ProcessInstance, User
from engine.queries.case_page import SENTENCES, Describe
from engine.queries.dossier.access import DOSSIER_VIEWED, EXPORT_FORMATS, EXPORTED, PII_VIEWED
from engine.queries.dossier.model import Change, DossierEvent, PiiView
from engine.queries.dossier.times import china
from engine.results import TaskSummary
from forms import FormDefinition

# As access.case_history: the keyed hash of an objector's address serves the rate limit, not readers.
_PRIVATE_DETAILS = frozenset({"client"})
_OWN_SENTENCES: dict[str, Describe] = {
    DOSSIER_VIEWED: lambda e, d, title, f: "查阅本案审计档案（身份证号遮蔽显示）",
    EXPORTED: lambda e, d, title, f: f"导出本案审计档案（{EXPORT_FORMATS.get(str(d.get('format')), d.get('format'))}）",
}


_STATUS = ENROLLMENT_STATUS_LABELS


def dossier_event(
    event: AuditEvent,
    tasks: Mapping[int, TaskSummary],
    forms: Mapping[int, Mapping[str, FormDefinition]],
    instances: Mapping[int, ProcessInstance],
    people: Mapping[int, User],
    orgs: Mapping[str, str],
) -> DossierEvent:
    """The event in the dossier's words; `forms` by instance id, `people` by user id, `orgs` by unit code."""
    details = {k: v for k, v in (event.details or {}).items() if k not in _PRIVATE_DETAILS}
    instance = instances.get(event.instance_id) if event.instance_id is not None else None
    event_forms = forms.get(instance.id, {}) if instance is not None else {}
    definition = instance.definition if instance is not None else None
    return DossierEvent(
        seq=event.seq,
        occurred_at=event.occurred_at,
        time=china(event.occurred_at),
        action=event.action,
        description=_describe(event, details, tasks, event_forms),
        actor_username=event.actor_name,
        actor_name=_actor_name(event, people),
        role=event.actor_role,
        role_label=ROLE_LABELS.get(event.actor_role or "", event.actor_role or "—"),
        org_code=event.actor_org,
        org_name=orgs.get(event.actor_org or "", event.actor_org or "—"),
        task_id=event.task_id,
        instance_id=event.instance_id,
        process=f"{definition.process_id} v{definition.version}" if definition else "—",
        bundle_hash=definition.bundle_hash if definition else None,
        changes=_changes(event.action, details, event_forms),
        details=details,
        hash=event.hash,
        prev_hash=event.prev_hash,
    )


def pii_view(event: AuditEvent, number: str, people: Mapping[int, User], orgs: Mapping[str, str]) -> PiiView:
    """A personal-data view (or an auditor's read of the dossier) as a row of the report."""
    details = event.details or {}
    if event.action == PII_VIEWED:
        fields = details.get("fields")
        names = "、".join(PII_FIELD_LABELS.get(str(f), str(f)) for f in fields) if isinstance(fields, list) else ""
        what = f"完整的{names or '个人信息'}"
    elif event.action == EXPORTED:
        what = f"导出审计档案（{EXPORT_FORMATS.get(str(details.get('format')), details.get('format'))}，身份证号遮蔽）"
    else:
        what = "审计档案（身份证号遮蔽）"
    return PiiView(
        seq=event.seq,
        occurred_at=event.occurred_at,
        time=china(event.occurred_at),
        case_number=number,
        action=event.action,
        actor_username=event.actor_name,
        actor_name=_actor_name(event, people),
        role_label=ROLE_LABELS.get(event.actor_role or "", event.actor_role or "—"),
        org_name=orgs.get(event.actor_org or "", event.actor_org or "—"),
        what=what,
        reason=str(details.get("reason") or "—"),
    )


def people_of(session: Session, events: Iterable[AuditEvent]) -> dict[int, User]:
    """The users who acted in the events, by id."""
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids))).unique()}


def org_names_of(session: Session, events: Iterable[AuditEvent]) -> dict[str, str]:
    """The names of the units the events' actors acted for, by code."""
    codes = {e.actor_org for e in events if e.actor_org}
    if not codes:
        return {}
    return {
        str(code): str(name)
        for code, name in session.execute(select(OrgUnit.code, OrgUnit.name).where(OrgUnit.code.in_(codes)))
    }


def value_text(value: Any) -> str:
    """A recorded value for reading: text as is, yes/no, lists of words joined, structures as JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _describe(
    event: AuditEvent,
    details: dict[str, Any],
    tasks: Mapping[int, TaskSummary],
    forms: Mapping[str, FormDefinition],
) -> str:
    """The case page's sentence for the event (case_page.SENTENCES), or this module's for its own events."""
    task = tasks.get(event.task_id) if event.task_id is not None else None
    title = task.title if task else str(details.get("title") or details.get("task") or "任务")
    describe = _OWN_SENTENCES.get(event.action) or SENTENCES.get(event.action)
    if describe is None:
        return f"其他事件（{event.action}）"
    return describe(event, {**details, **({"_task": task} if task else {})}, title, forms)


def _changes(action: str, details: Mapping[str, Any], forms: Mapping[str, FormDefinition]) -> list[Change]:
    """Before/after of what the event changed, where it records it: a task completion's form data, an
    enrollment change, an extended legal clock."""
    if action == "task_completed" and isinstance(details.get("changes"), dict):
        form = forms.get(str(details.get("form") or ""))
        labels = form.field_titles() if form else {}
        return [
            _change(key, labels.get(key, key), change.get("before"), change.get("after"), _choices(form, key))
            for key, change in details["changes"].items()
            if isinstance(change, dict)
        ]
    if action == "enrollment_changed":
        before, after = details.get("before"), details.get("after")
        if isinstance(before, dict) and isinstance(after, dict):
            return [
                _change(
                    key, label, before.get(key), after.get(key), ENROLLMENT_STATUS_LABELS if key == "status" else None
                )
                for key, label in ENROLLMENT_FIELD_LABELS.items()
                if before.get(key) != after.get(key)
            ]
    if action == "enrollment_recalculated" and details.get("after") is not None:  # 年度调标
        return [_change("monthly_amount", "每月保障金额（元）", details.get("before"), details.get("after"))]
    if action == "legal_clock_extended":
        return [_change("clock_limit_days", "法定办理时限（工作日）", details.get("from"), details.get("to"))]
    return []


def _choices(form: FormDefinition | None, key: str) -> dict[str, str]:
    """The Chinese labels of a choice field's values (x-enum-labels), e.g. approve → 予以受理."""
    field = form.schema.get("properties", {}).get(key) if form is not None else None
    labels = field.get("x-enum-labels") if isinstance(field, dict) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def _change(key: str, label: str, before: Any, after: Any, choices: Mapping[str, str] | None = None) -> Change:
    if key == DIFFERENCES_KEY:  # the household differences, as the sentences they were stored with
        return Change(key, "家庭情况核实差异", before, after, _differences_text(before), _differences_text(after))
    return Change(key, label, before, after, _choice_text(before, choices), _choice_text(after, choices))


def _differences_text(value: Any) -> str:
    if not isinstance(value, list):
        return value_text(value)
    return "；".join(str(d.get("text")) for d in value if isinstance(d, Mapping)) or "无变化"


def _choice_text(value: Any, choices: Mapping[str, str] | None) -> str:
    """A choice with its label and the value recorded, e.g. 予以受理（approve）."""
    if choices and isinstance(value, str) and value in choices:
        return f"{choices[value]}（{value}）"
    return value_text(value)


def _actor_name(event: AuditEvent, people: Mapping[int, User]) -> str:
    user = people.get(event.actor_id) if event.actor_id is not None else None
    if user is not None:
        return user.display_name
    return NON_USER_ACTOR_LABELS.get(event.actor_name or "", event.actor_name or "—")
