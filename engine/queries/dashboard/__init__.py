"""统计看板 (docs/dashboard.md): aggregates over the user's township or county, read from indexed columns only.

Nothing here restores a workflow: every figure is a GROUP BY over `case_file`, `human_task` or
`enrollment`, which the processes keep current (engine.records.case_sync, runner).

Definitions (the page's captions say the same in Chinese):
- open: `Case.status` open or suspended (IN_PROGRESS_STATUSES); its stage is `Case.stage` (what it waits for now);
- overdue (case): open, undecided and past its legal limit (legal_clock: more than `clock_limit_days`
  working days since 受理). The calendar turns each (region, limit) pair into the latest start that is
  overdue today (case_search's cutoff), so the test is a range on `clock_started_at`;
- decided: `Case.decided_at` within the last 12 months (the same date a year ago, Beijing time, up to now);
- decided in time: decided with a legal clock and at most `clock_limit_days` working days used at the
  decision, exactly legal_clock's rule (see timeliness for how SQL counts it);
- tasks: open or claimed HumanTasks, overdue when past `due_at`, counted at the township of their village;
- 渐退 ending: enrollments in `gradual_exit` whose end date is within 30 days (or already passed while
  the final check is still pending);
- re-checks due: the rule of reviews.start_due_reviews (active, `next_review_on` on or before the day).

Who: township heads see their township; county clerks, approvers, the coordination committee, auditors
and administrators their county. Township clerks, village assistants, the verification centre and
designers do not get the dashboard (it is a supervision view, not a worklist).

One module per concern: `board` (the one call), `scope` (whose figures), `cases`, `timeliness`, `tasks`
and `enrollments` (the figures), `export` (the trace of a CSV export), `model` (the returned records).
The web layer and tests use the names below as `dashboard.<name>`.
"""

from engine.queries.dashboard.board import LIST_LIMIT, dashboard
from engine.queries.dashboard.enrollments import review_due
from engine.queries.dashboard.export import EXPORT_LIMIT, record_export
from engine.queries.dashboard.model import (
    SOON_DAYS,
    CaseCounts,
    Dashboard,
    ExitEnding,
    RecheckCounts,
    StageCount,
    TaskCounts,
    Timeliness,
    UpcomingRecheck,
)
from engine.queries.dashboard.scope import OTHER
from engine.queries.dashboard.tasks import OPEN_TASK_STATES
from engine.queries.dashboard.timeliness import in_time_cutoffs

__all__ = [
    "EXPORT_LIMIT",
    "LIST_LIMIT",
    "OPEN_TASK_STATES",
    "OTHER",
    "SOON_DAYS",
    "CaseCounts",
    "Dashboard",
    "ExitEnding",
    "RecheckCounts",
    "StageCount",
    "TaskCounts",
    "Timeliness",
    "UpcomingRecheck",
    "dashboard",
    "in_time_cutoffs",
    "record_export",
    "review_due",
]
