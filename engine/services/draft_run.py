"""Dry runs of draft bundles, sent to the engine host (the run itself: engine.workflow.dry_run).

A draft has passed validation but nobody has vetted its scripts: its dry run executes them, so it runs
where every engine step runs, in a child process with a memory limit and a wall-clock kill, never in
the web request's thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from engine.clock import to_china, utcnow
from engine.context import Context
from engine.errors import WorkflowFailed
from engine.workflow.dry_run import SAMPLE_HOUSEHOLD, DryRunResult

__all__ = ["SAMPLE_HOUSEHOLD", "DryRunResult", "run_bundle"]


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
