"""The engine host's child process (``python -m engine.workflow.host_child``): where every engine step
that runs designer code executes.

One request at a time from the parent (engine.workflow.host): restore or start the workflow, apply
the step at the parent's moment, serialize, reply. The process sets its own address-space limit at
start, so an allocation beyond it fails here (a MemoryError, reported as the step's failure) instead
of exhausting the host; the parent kills it if a step outlives the wall-clock limit. After any
failure that may have left the interpreter in a doubtful state (memory, an internal error) the child
replies and exits, and the parent starts a fresh one.
"""

from __future__ import annotations

import os
import pickle
import resource
import signal
import sys
from collections import OrderedDict
from dataclasses import replace
from typing import Any, BinaryIO

from engine.clock import pinned
from engine.errors import DibaoError, WorkflowFailed
from engine.workflow import dry_run
from engine.workflow.cancelling import cancel_workflow
from engine.workflow.decision_test import run_table_request
from engine.workflow.documents import PassedElement, completed_ids, passed_elements
from engine.workflow.host_protocol import (
    HEADER_SIZE,
    NEEDS_FILES,
    Failure,
    ProcessRef,
    Request,
    StepResult,
    dump,
    frame,
    frame_length,
    load_request,
)
from engine.workflow.migration import CaseMigration, migrate_state
from engine.workflow.rewind import rewind
from engine.workflow.runtime import FormCompletion, LoadedProcess, WorkflowRun
from engine.workflow.timer_clock import follow_engine_clock

CACHED_PROCESSES = 32  # parsed definitions kept per child (a county runs a handful)


class _Processes:
    """The parsed processes this child holds, most recently used last."""

    def __init__(self) -> None:
        self._loaded: OrderedDict[str, LoadedProcess] = OrderedDict()

    def get(self, ref: ProcessRef) -> LoadedProcess | None:
        loaded = self._loaded.get(ref.key)
        if loaded is not None:
            self._loaded.move_to_end(ref.key)
            return loaded
        if ref.files is None:
            return None
        loaded = LoadedProcess(
            ref.process_id, ref.files, time_budget=ref.time_budget, region=ref.region, calendar_dir=ref.calendar_dir
        )
        self._loaded[ref.key] = loaded
        if len(self._loaded) > CACHED_PROCESSES:
            self._loaded.popitem(last=False)
        return loaded


def _result(
    run: WorkflowRun, completion: FormCompletion | None = None, passed: tuple[PassedElement, ...] = ()
) -> StepResult:
    # serialize() first: it fails (naming the step) on anything that cannot be stored, before the
    # data is pickled for the parent.
    state = run.serialize()
    return StepResult(
        state=state,
        completed=run.completed,
        ready=tuple(run.ready_user_tasks()),
        data=run.data(),
        next_timer_at=run.next_timer_at(),
        waiting=tuple(run.waiting_messages()),
        completion=completion,
        passed=passed,
    )


def _passed(process: LoadedProcess, run: WorkflowRun, before: set[str] | None) -> tuple[PassedElement, ...]:
    """The elements this step passed that declare documents (engine.records.documents issues them)."""
    if before is None:
        return ()
    return tuple(p for p in passed_elements(run, before) if (p.process_id, p.element_id) in process.documents)


def _step(process: LoadedProcess, request: Request) -> Any:
    op, args = request.op, request.args
    if op == "start":
        started = process.start(args["data"])
        return _result(started, passed=_passed(process, started, set() if process.documents else None))
    if op == "dry_run":
        return dry_run.follow_bundle(process, args["start"])
    if request.state is None:
        raise WorkflowFailed(f"引擎请求 {op} 缺少流程状态")
    run = process.restore(request.state)
    before = completed_ids(run) if process.documents else None
    if op == "complete_form":
        form = process.forms.get(args["form_key"])
        if form is None:
            raise WorkflowFailed(f"表单 {args['form_key']} 不在流程包中", args.get("element"))
        completion = run.complete_form(args["task_id"], form, args["data"])
        return _result(run, completion, _passed(process, run, before))
    if op == "message":
        run.send_message(args["name"], args["payload"])
    elif op == "advance":
        run.advance()
    elif op == "cancel":
        cancel_workflow(run)
    elif op == "rewind":  # 撤回, 退回, an administrator's move (engine.workflow.rewind)
        rewind(run, args)
    else:
        raise WorkflowFailed(f"未知的引擎请求：{op}")
    # A rewind reopens steps; it issues nothing (documents already issued stay, as history).
    return _result(run, passed=_passed(process, run, None if op in ("rewind", "cancel") else before))


def _migrate(processes: _Processes, target: LoadedProcess, request: Request) -> Any:
    """Several cases' states moved from the source version onto `target` (engine.workflow.migration):
    one request for a batch, so the specs are looked up and the pipe crossed once per batch."""
    source = processes.get(request.source) if request.source is not None else None
    if source is None:
        return Failure(NEEDS_FILES, "子进程未加载原版本流程")
    apply, mapping = bool(request.args.get("apply")), dict(request.args.get("mapping") or {})
    plans: list[CaseMigration] = []
    for state in request.args["states"]:
        plan, run = migrate_state(source, target, state, mapping)
        plans.append(replace(plan, result=_result(run)) if apply and run is not None else plan)
    return tuple(plans)


def handle(processes: _Processes, request: Request) -> tuple[Any, bool]:
    """The reply, and whether this child should exit after sending it."""
    with pinned(request.moment):
        try:
            if request.op == "decision_test":  # a table on its own (the 测试决策表 page): no process to load
                return run_table_request(request.args), False
            process = processes.get(request.process)
            if process is None:
                return Failure(NEEDS_FILES, "子进程未加载该流程"), False
            if request.op == "migrate":
                return _migrate(processes, process, request), False
            return _step(process, request), False
        except DibaoError as error:
            return Failure.of(error), False
        except MemoryError:
            return Failure("workflow", "流程步骤占用内存超过上限，已中止并回到上一个正常状态"), True
        except BaseException as exc:
            return Failure("workflow", f"流程引擎内部错误（{type(exc).__name__}），已中止并回到上一个正常状态"), True


def _read_exactly(stream: BinaryIO, size: int) -> bytes | None:
    data = stream.read(size)
    return data if data is not None and len(data) == size else None


def serve(requests: BinaryIO, replies: BinaryIO, memory_bytes: int) -> None:
    """The child's main loop: one framed request in, one framed reply out, until the parent leaves."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    follow_engine_clock()  # Spiff's timers compare with engine.clock, pinned per request
    processes = _Processes()
    while True:
        header = _read_exactly(requests, HEADER_SIZE)
        if header is None:
            return  # the parent went away
        body = _read_exactly(requests, frame_length(header))
        if body is None:
            return
        reply, leave = handle(processes, load_request(body))
        try:
            out = frame(dump(reply))
        except (MemoryError, RecursionError, TypeError, ValueError, pickle.PicklingError) as exc:
            message = f"流程步骤的结果无法传回（{type(exc).__name__}）"
            out = frame(dump(Failure("workflow", message, child_exits=True)))
            leave = True
        replies.write(out)
        replies.flush()
        if leave:
            return


def main() -> None:
    """``python -m engine.workflow.host_child MEMORY_BYTES``, started by engine.workflow.host.

    Requests arrive on stdin and replies leave on the original stdout; anything else that writes to
    stdout (a stray print in a library) goes to stderr instead, so it cannot corrupt a reply."""
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    serve(sys.stdin.buffer, replies, int(sys.argv[1]) if len(sys.argv) > 1 else 0)


if __name__ == "__main__":
    main()
