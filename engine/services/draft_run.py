"""The old import path of the dry run's sample household, kept only so that web/ (moving into workspace
packages at the same time, issue 12) needs no edit: engine.services.designer.dry_runs holds dry runs.
Delete this module once web/ imports from there.
"""

from engine.services.designer.dry_runs import SAMPLE_HOUSEHOLD, DryRunResult, run_bundle

__all__ = ["SAMPLE_HOUSEHOLD", "DryRunResult", "run_bundle"]
