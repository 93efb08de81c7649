"""Ending a workflow before it finishes (终止, an administrator's cancel): SpiffWorkflow's own cancel.

Runs in the engine host's child (op "cancel") like every other step, so the stored state afterwards is
one the library wrote itself: every unfinished task cancelled, no timer left waiting (nothing WAITING
remains, so `next_timer_at()` is None) and the workflow marked finished. Callers must not treat the run
as a normal completion: `completed` is true after a cancel too (engine.records.ending does the books).
"""

from __future__ import annotations

from engine.workflow.runtime import WorkflowRun


def cancel_workflow(run: WorkflowRun) -> int:
    """Cancel every unfinished task of the run (subprocesses included); returns how many were cancelled."""
    # The run's workflow is private to the runtime module; this is the one other reader, kept in the
    # engine package so no caller ever sees a SpiffWorkflow object.
    return len(run._workflow.cancel())
