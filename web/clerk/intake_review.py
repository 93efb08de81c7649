"""The 动态复核 tab of 受理登记 (issue 14, docs/starting-cases.md): a re-check is of ONE enrolled household.

The clerk searches the enrolments in scope by case number or name (GET ?process=periodic_review&q=…),
picks one (…&enrolment=<case number>), and the start form opens prefilled with the household as last
verified, its village, its case and the amount paid now; the clerk adds the ground (定期复核, 家庭报告变化,
监测预警, 投诉举报) and corrects what changed. No JavaScript: the search is a GET form, the choice a link.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flask import flash, request

from engine.errors import NotFound
from engine.queries import enrolments
from engine.queries.starting import StartableProcess
from web.kit.current import context, username

PROCESS = "periodic_review"


def may_batch(process: str, startable: Sequence[StartableProcess]) -> bool:
    """The 批量启动到期复核 link: for township and county staff who may start re-checks."""
    return any(p.process_id == PROCESS for p in startable) and process == PROCESS


def prefill(process: str, enrolment: str | None) -> dict[str, Any]:
    """The start data an enrolment gives (nothing for other processes or none chosen); 404 outside scope."""
    if process != PROCESS or not enrolment:
        return {}
    try:
        return enrolments.enrolment_prefill(context(), username(), enrolment)
    except NotFound as missing:
        flash(missing.message, "error")
        return {}


def picker(process: str, values: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the household picker shows: the search text, the matches, and the chosen case."""
    if process != PROCESS:
        return None
    text = request.args.get("q", "")[:50]
    chosen = values.get("related_case") or None
    searched = bool(text) or chosen is None
    results = enrolments.search_enrolments(context(), username(), text) if searched else []
    return {"q": text, "results": results, "chosen": chosen, "searched": searched}
