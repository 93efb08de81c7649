"""The engine host: child processes in which every engine step that runs designer code executes.

Scripts, conditions, timer expressions and DMN cells are written by regional designers and run
inside the engine. The sandbox (engine.workflow.sandbox) refuses what they must not do and guards the
operations it knows can run long or allocate much, but a single C call it does not know of can still
hold the interpreter lock for minutes or allocate gigabytes. In the web server's own process that
would freeze every request; in the timer worker, every region's timers. So steps run here instead:

* a pool of long-lived child processes (``DIBAO_ENGINE_WORKERS``), each a fresh interpreter running
  ``python -m engine.workflow.host_child`` and holding the definitions it has parsed, started on
  first need (about half a second) and kept;
* each child limits its own address space (``DIBAO_ENGINE_MEMORY_MB``): an allocation beyond it fails
  in the child as the step's failure;
* the parent waits for a reply at most ``DIBAO_ENGINE_TIMEOUT`` seconds, then kills that child
  (SIGKILL), starts another on the next request, and reports the step as failed. Other threads of
  the parent are never blocked by a child, whatever it does;
* requests and replies are length-prefixed pickles on the child's stdin and stdout; what a child
  sends back is unpickled with an allow-list (engine.workflow.host_protocol).

The parent keeps the transaction: the child only computes the next state. A failed step leaves
nothing written, as before. Reading a stored state (a task's data, a diagram's highlights) happens in
the parent and runs no designer code (engine.workflow.isolated).
"""

from __future__ import annotations

import atexit
import logging
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from engine.clock import utcnow
from engine.errors import WorkflowFailed
from engine.workflow.dry_run import DryRunResult
from engine.workflow.host_protocol import (
    HEADER_SIZE,
    NEEDS_FILES,
    Failure,
    ProcessRef,
    Request,
    dump,
    frame,
    frame_length,
    load_reply,
)

log = logging.getLogger("dibao.engine_host")

_CHILD_MODULE = "engine.workflow.host_child"


def _monotonic() -> float:
    # Not time.monotonic: freezegun replaces that in tests, and a frozen deadline never comes.
    return time.clock_gettime(time.CLOCK_MONOTONIC)


class _Child:
    """One child process (``python -m engine.workflow.host_child``) and the processes it holds.

    A plain subprocess rather than multiprocessing: nothing of the parent (its __main__ module, its
    threads, its open database connections) is carried into the child, which imports only the engine."""

    def __init__(self, memory_bytes: int) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module, no shell
            [sys.executable, "-m", _CHILD_MODULE, str(memory_bytes)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        if self.process.stdin is None or self.process.stdout is None:
            raise RuntimeError("engine child started without pipes")
        self._requests, self._replies = self.process.stdin, self.process.stdout
        self.loaded: set[str] = set()

    def exchange(self, request: Request, timeout: float) -> Any:
        """Send one request and wait for its reply; raise _ChildLost if the child dies or overruns."""
        deadline = _monotonic() + timeout
        try:
            self._requests.write(frame(dump(request)))
            self._requests.flush()
            header = self._read(HEADER_SIZE, deadline)
            return load_reply(self._read(frame_length(header), deadline))
        except (OSError, ValueError) as exc:
            raise _ChildLost(timed_out=False) from exc

    def _read(self, size: int, deadline: float) -> bytes:
        fd, chunks, remaining = self._replies.fileno(), [], size
        while remaining:
            left = deadline - _monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise _ChildLost(timed_out=True)
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                raise _ChildLost(timed_out=False)
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=5)
        self._requests.close()
        self._replies.close()

    @property
    def alive(self) -> bool:
        return self.process.poll() is None


class _ChildLost(Exception):
    def __init__(self, *, timed_out: bool) -> None:
        super().__init__("timed out" if timed_out else "exited")
        self.timed_out = timed_out


class EngineHost:
    """A pool of engine child processes shared by every thread of this process."""

    def __init__(self, *, workers: int, memory_mb: int, timeout: float) -> None:
        if workers < 1 or timeout <= 0:
            raise ValueError("engine host needs at least one worker and a positive timeout")
        self.workers, self.timeout = workers, timeout
        self.memory_bytes = memory_mb * 1024 * 1024
        self._idle: list[_Child] = []
        self._count = 0
        self._available = threading.Condition()
        self._closed = False

    # --- the operations -------------------------------------------------------------------------
    def run(self, request: Request, files: Mapping[str, str], source_files: Mapping[str, str] | None = None) -> Any:
        """The child's reply to `request` (a StepResult, a DryRunResult or a Failure).

        `files` are the process's files, sent along the first time a child meets the process
        (`source_files` likewise for the request's source process)."""
        child = self._checkout()
        try:
            reply = self._send(child, request, files, source_files)
        except _ChildLost as lost:
            child.kill()
            self._discard()
            raise self._lost_failure(lost, request) from None
        except BaseException:
            child.kill()
            self._discard()
            raise
        if child.alive and not (isinstance(reply, Failure) and reply.child_exits):
            self._checkin(child)
        else:  # it replied, then left (after a memory failure): start afresh next time
            child.kill()
            self._discard()
        return reply

    def dry_run(
        self,
        files: Mapping[str, str],
        process_id: str,
        region: str,
        start: Mapping[str, Any],
        *,
        time_budget: float,
        calendar_dir: Path,
    ) -> DryRunResult:
        ref = ProcessRef.of(process_id, region, time_budget, calendar_dir, files)
        reply = self.run(Request("dry_run", ref, utcnow().isoformat(), args={"start": dict(start)}), files)
        if isinstance(reply, Failure):
            raise reply.error()
        if not isinstance(reply, DryRunResult):
            raise WorkflowFailed("试运行没有得到结果")
        return reply

    def decision_test(self, args: Mapping[str, Any], *, region: str, time_budget: float, calendar_dir: Path) -> Any:
        """A DMN table's rows run on typed inputs (engine.workflow.decision_test.run_table's arguments),
        in a child: a draft table's cells are designer code. Returns its TableRun."""
        ref = ProcessRef.of("decision_test", region, time_budget, calendar_dir, {})
        args = {**args, "region": region, "time_budget": time_budget, "calendar_dir": calendar_dir}
        reply = self.run(Request("decision_test", ref, utcnow().isoformat(), args=args), {})
        if isinstance(reply, Failure):
            raise reply.error()
        return reply

    def _send(
        self, child: _Child, request: Request, files: Mapping[str, str], source_files: Mapping[str, str] | None
    ) -> Any:
        keys = [request.process.key] + ([request.source.key] if request.source is not None else [])
        with_files = self._with_files(request, files, source_files)
        reply = child.exchange(request if all(k in child.loaded for k in keys) else with_files, self.timeout)
        if isinstance(reply, Failure) and reply.kind == NEEDS_FILES:
            reply = child.exchange(with_files, self.timeout)
        child.loaded.update(keys)
        return reply

    @staticmethod
    def _with_files(request: Request, files: Mapping[str, str], source_files: Mapping[str, str] | None) -> Request:
        request = replace(request, process=replace(request.process, files=files))
        if request.source is not None and source_files is not None:
            request = replace(request, source=replace(request.source, files=source_files))
        return request

    def _lost_failure(self, lost: _ChildLost, request: Request) -> WorkflowFailed:
        what = {"dry_run": "试运行", "decision_test": "测试决策表", "migrate": "迁移"}.get(request.op, "流程步骤")
        if lost.timed_out:
            log.error(
                "engine child killed after %.1f s running %s of %s",
                self.timeout,
                request.op,
                request.process.process_id,
            )
            return WorkflowFailed(f"{what}运行超过 {self.timeout:g} 秒，已强制中止并回到上一个正常状态")
        log.error("engine child exited running %s of %s", request.op, request.process.process_id)
        return WorkflowFailed(f"{what}的执行进程意外退出（可能超出内存上限），已回到上一个正常状态")

    # --- the pool -------------------------------------------------------------------------------
    def _checkout(self) -> _Child:
        with self._available:
            while True:
                if self._closed:
                    raise WorkflowFailed("流程引擎已关闭")
                if self._idle:
                    return self._idle.pop()
                if self._count < self.workers:
                    self._count += 1
                    break
                self._available.wait()
        try:
            return _Child(self.memory_bytes)
        except BaseException:
            self._discard()
            raise

    def _checkin(self, child: _Child) -> None:
        with self._available:
            if self._closed:
                child.kill()
                self._count -= 1
            else:
                self._idle.append(child)
            self._available.notify()

    def _discard(self) -> None:
        """One child fewer in the pool (the caller killed it or never started it)."""
        with self._available:
            self._count -= 1
            self._available.notify()

    def close(self) -> None:
        with self._available:
            self._closed = True
            idle, self._idle = self._idle, []
            self._count -= len(idle)
            self._available.notify_all()
        for child in idle:
            child.kill()


_hosts: dict[tuple[int, int, float], EngineHost] = {}
_hosts_lock = threading.Lock()


def shared_host(*, workers: int, memory_mb: int, timeout: float) -> EngineHost:
    """The host for these limits, shared by every Context of this process (children cost a fork each)."""
    key = (workers, memory_mb, timeout)
    with _hosts_lock:
        host = _hosts.get(key)
        if host is None:
            host = _hosts[key] = EngineHost(workers=workers, memory_mb=memory_mb, timeout=timeout)
        return host


@atexit.register
def _close_hosts() -> None:
    for host in list(_hosts.values()):
        host.close()
