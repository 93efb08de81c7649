"""Dry runs of a region's drafts: the draft bundle's process run in memory against a household the
designer typed, with the validation report, the assessment under the draft's parameters, the path taken
and where it stopped. Nothing is stored; the run is audited as designer.dry_run (without the household).

A draft has passed validation but nobody has vetted its scripts: its dry run executes them, so it runs
where every engine step runs, in the engine host's child process with a memory limit and a wall-clock
kill (engine.workflow.dry_run), never in the web request's thread.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.roles import Level
from engine.errors import InvalidData, NotFound, Problem, WorkflowFailed
from engine.persistence import OrgUnit
from engine.policy import designer_region
from engine.services.designer.files import draft_texts, record_event
from engine.services.designer.validation import check_drafts
from engine.workflow.dry_run import SAMPLE_HOUSEHOLD, DryRunResult

__all__ = ["SAMPLE_HOUSEHOLD", "DryRunReport", "DryRunResult", "dry_run", "dry_run_start_data", "run_bundle"]


@dataclass
class DryRunReport:
    region: str
    process_id: str
    drafts: list[str]
    problems: list[Problem]
    run: DryRunResult | None  # None when the drafts do not validate


def run_bundle(
    ctx: Context, files: Mapping[str, str], process_id: str, region: str, start: Mapping[str, Any]
) -> DryRunResult:
    """Run `process_id` of a validated bundle from `start` data as far as it goes without waiting.
    A run the engine host had to stop (its time or memory limit) comes back as a result saying so."""
    try:
        return ctx.engine_host().dry_run(
            files, process_id, region, start, time_budget=ctx.settings.script_budget, calendar_dir=ctx.calendar_dir
        )
    except WorkflowFailed as stopped:
        return DryRunResult(region, process_id, to_china(utcnow()).date(), stopped=f"试运行被中止：{stopped.message}")


def dry_run_start_data(ctx: Context, region: str, payload: Mapping[str, object]) -> dict[str, object]:
    """A start payload from what the designer typed: a whole start payload ({"village", "channel",
    "household"}) or just a household, which gets a village of the region and the window channel."""
    start: dict[str, object] = (
        dict(payload) if "household" in payload else {"channel": "window", "household": dict(payload)}
    )
    if not start.get("village"):
        with ctx.db.read() as session:
            village = session.scalars(
                select(OrgUnit.code)
                .where(OrgUnit.level == Level.VILLAGE, OrgUnit.region == region)
                .order_by(OrgUnit.id)
            ).first()
        start["village"] = village or "试运行村"
    return start


def _household_payload(household_json: str) -> dict[str, Any]:
    try:
        payload = json.loads(household_json)
    except json.JSONDecodeError as exc:
        raise InvalidData("家庭数据不是有效的 JSON", {"household": [f"第 {exc.lineno} 行：{exc.msg}"]}) from None
    if not isinstance(payload, dict):
        raise InvalidData("家庭数据有误", {"household": ["必须是一个 JSON 对象"]})
    return payload


def dry_run(ctx: Context, username: str, region: str, process_id: str, household_json: str) -> DryRunReport:
    """Run the draft bundle's process in memory against a household: the validation report, the
    assessment under the draft's parameters, the path and where it stopped."""
    region = designer_region(ctx, username, region)
    payload = _household_payload(household_json)
    drafts = draft_texts(ctx, username, region)
    result = check_drafts(ctx, region, drafts)
    report = DryRunReport(region, process_id, sorted(drafts), list(result.problems), None)
    if result.ok:
        bundle = next((b for b in result.bundles if b.process_id == process_id), None)
        if bundle is None:
            raise NotFound(f"草稿中没有流程 {process_id}")
        start = dry_run_start_data(ctx, region, payload)
        report.run = run_bundle(ctx, bundle.files, process_id, region, start)
    details = {
        "region": region,
        "process_id": process_id,
        "files": report.drafts,
        "valid": not report.problems,
        "stopped": report.run.stopped if report.run else None,
    }
    record_event(ctx, username, "designer.dry_run", details)
    return report
