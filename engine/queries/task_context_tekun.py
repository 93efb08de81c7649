"""The 特困 decision-context panel (docs/tekun.md): what 初审, the county's check and its decision read of the
特困人员认定评估 — the three conditions, the care tier and the standards — and the proposed support."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.domain.vocabulary import CONTEXT_PANELS
from engine.domain.vocabulary_tekun import SUPPORT_MODES, TEKUN_CARE_TIERS, TEKUN_CONDITIONS
from engine.persistence import Case
from engine.queries.task_context_values import day, item, yuan
from engine.results import ContextItem, ContextPanel

NAME = "tekun"


def tekun_panel(case: Case, data: Mapping[str, Any]) -> ContextPanel:
    assessment = case.assessment
    if not isinstance(assessment, dict) or "care_tier" not in assessment:
        return ContextPanel(NAME, CONTEXT_PANELS[NAME], [], empty="尚未进行特困人员认定评估（入户调查后自动评估）")
    items = item("认定结论", "符合特困人员条件" if assessment.get("eligible") else "不符合特困人员条件")
    conditions = assessment.get("conditions")
    for code, label in TEKUN_CONDITIONS.items():
        if isinstance(conditions, dict) and isinstance(conditions.get(code), bool):
            items += item(label, "符合" if conditions[code] else "不符合")
    items += item("生活自理能力（护理档次）", TEKUN_CARE_TIERS.get(str(assessment.get("care_tier"))))
    items += item("基本生活标准", yuan(assessment.get("basic"), "元/月"))
    items += item("照料护理标准", yuan(assessment.get("care"), "元/月"))
    items += item("拟救助供养金额", yuan(assessment.get("total"), "元/月"))
    items += item("评估日期", day(assessment.get("as_of")))
    items += _support(data)
    basis = [str(line) for line in assessment.get("explanation") or [] if isinstance(line, str)]
    return ContextPanel(NAME, CONTEXT_PANELS[NAME], items, basis=basis)


def _support(data: Mapping[str, Any]) -> list[ContextItem]:
    mode = str(data.get("support_mode") or "")
    items = item("拟供养方式", SUPPORT_MODES.get(mode))
    if mode == "centralized":
        items += item("供养服务机构", str(data.get("institution") or "") or None)
    elif mode == "dispersed":
        carer = str(data.get("carer_name") or "")
        items += item("照料服务人", carer or None)
    return items
