"""The case timeline's sentence for a recorded 特困 visit (docs/tekun-visits.md); engine.queries.case_page merges
it into its SENTENCES, so the case page and the auditor's dossier both read it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any


def _recorded(event: Any, d: Mapping[str, Any], title: str, forms: Any) -> str:
    month = str(d.get("month") or "")[:7] or "?"
    late = "（逾期后补探访）" if d.get("late") else ""
    return f"登记 {month} 月度探访记录：探访日期 {d.get('visited_on') or '?'}{late}"


SENTENCES: dict[str, Callable[[Any, Mapping[str, Any], str, Any], str]] = {"care_visit_recorded": _recorded}
