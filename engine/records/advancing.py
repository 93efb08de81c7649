"""The one transaction skeleton of every change that moves a workflow (design decision: docs/architecture.md).

Completing a task, delivering an objection, retrying an instance in error and firing a timer all do the
same thing around their own step: check the instance is usable, read the audit head and the open tasks
(``writeback.prepare``), restore the state, run the step in the engine host, write everything back
(``writeback.persist``) and commit; a stale version is a 409, and a step that fails parks the instance
in ``error`` in a transaction of its own while the step's transaction rolls back. Here it is written
once:

    with advancing(ctx, stale=STALE_MESSAGE) as step:
        user, task = ...                               # load and check, as the command needs
        run = step.begin(task.instance, actor)         # usable? prepare, restore
        run.complete_form(...)                         # the command's own step (engine host)
        ...                                            # the command's own records
        created = step.finish(task.case, run)          # writeback.persist
        return ...

The timer sweep fires many instances in one transaction, each in a savepoint (engine.services.timers):
``Advance(ctx, session)`` gives it the same begin/finish without the surrounding transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from engine.context import Context
from engine.errors import Conflict, WorkflowFailed
from engine.persistence import Case, HumanTask, ProcessInstance
from engine.records import audit
from engine.records.writeback import check_instance_usable, mark_error, persist, prepare
from engine.workflow.isolated import IsolatedRun

STALE_MESSAGE = "流程实例已被其他操作更新，请刷新后再试"


class Advance:
    """One workflow step inside a transaction: begin (check, prepare, restore), then finish (persist)."""

    def __init__(self, ctx: Context, session: Session) -> None:
        self.ctx = ctx
        self.session = session
        self.instance: ProcessInstance | None = None
        self.instance_id: int | None = None  # kept apart: the instance row is expired once the transaction ends
        self.actor: audit.Actor = audit.SYSTEM
        self._open_before: list[HumanTask] = []

    def begin(
        self,
        instance: ProcessInstance,
        actor: audit.Actor = audit.SYSTEM,
        *,
        retry: bool = False,
        lock_after_step: bool = False,
    ) -> IsolatedRun:
        """The instance's run, restored; WorkflowFailed or Conflict if it accepts no work (an instance in
        `error` does only when an administrator retries it).

        `lock_after_step`: take the audit head's lock once the engine step has run instead of now, so
        concurrent steps on PostgreSQL serialise on the lock only for their writes, not while their child
        works (docs/scaling.md). Only for a command that writes nothing before its step: a row it had
        written before waiting for the lock could deadlock with the lock's holder."""
        self.instance, self.instance_id, self.actor = instance, instance.id, actor
        if not retry:
            check_instance_usable(instance)
        self._open_before = prepare(self.session, instance.id, lock_audit=not lock_after_step)
        run = self.ctx.process(instance.definition).restore(instance.state)
        if lock_after_step:
            run.after_step = self._lock_audit_head
        return run

    def _lock_audit_head(self) -> None:
        audit.lock_head(self.session)

    def finish(self, case: Case, run: IsolatedRun, *, audit_new_tasks: bool = True) -> list[HumanTask]:
        """Write back what the step changed; returns the HumanTask rows it created."""
        if self.instance is None:
            raise RuntimeError("finish() before begin()")
        return persist(
            self.ctx,
            self.session,
            case,
            self.instance,
            run,
            self.actor,
            self._open_before,
            audit_new_tasks=audit_new_tasks,
        )


@contextmanager
def advancing(ctx: Context, *, stale: str = STALE_MESSAGE) -> Iterator[Advance]:
    """One write transaction around one workflow step (see the module docstring)."""
    step: Advance | None = None
    try:
        with ctx.db.write() as session:
            step = Advance(ctx, session)
            yield step
    except StaleDataError:
        raise Conflict(stale) from None
    except WorkflowFailed as failure:
        # A document that could not be issued leaves the case as it was, not in error (engine.records.documents).
        if step is not None and step.instance_id is not None and getattr(failure, "parks_instance", True):
            mark_error(ctx, step.instance_id, failure, step.actor)
        raise
