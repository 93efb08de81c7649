"""What the engine host's parent and child processes say to each other (engine.workflow.host).

Requests go down pickled: the parent is trusted. Replies come up through ``load_reply``, an
unpickler that rebuilds only the classes listed here and the plain values task data may hold, so
that even a child whose sandbox had been broken could not make the parent run code by what it
sends back.
"""

from __future__ import annotations

import hashlib
import io
import pickle
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from engine.errors import Conflict, DibaoError, InvalidData, NotFound, WorkflowFailed
from engine.workflow.documents import PassedElement
from engine.workflow.runtime import FormCompletion, UserTaskView, WaitingMessage


@dataclass(frozen=True)
class ProcessRef:
    """Which process to run. ``files`` travel only when the child may not have the process yet;
    ``calendar_dir`` is the parent's working-day calendar (its Settings.processes_dir)."""

    key: str
    process_id: str
    region: str
    time_budget: float
    calendar_dir: Path
    files: Mapping[str, str] | None = None

    @classmethod
    def of(
        cls, process_id: str, region: str, time_budget: float, calendar_dir: Path, files: Mapping[str, str]
    ) -> ProcessRef:
        """A reference (without the files) keyed by everything the child's parsed process depends on."""
        digest = hashlib.sha256(f"{process_id}\0{region}\0{time_budget!r}\0{calendar_dir}".encode())
        for name in sorted(files):
            digest.update(f"\0{name}\0{len(files[name])}\0".encode())
            digest.update(files[name].encode())
        return cls(digest.hexdigest(), process_id, region, time_budget, calendar_dir)


@dataclass(frozen=True)
class Request:
    """One engine step: ``op`` is start, complete_form, message, advance, dry_run, decision_test (a DMN
    table run on its own, engine.workflow.decision_test), or migrate (stored states moved from the
    ``source`` version onto ``process``, engine.workflow.migration)."""

    op: str
    process: ProcessRef
    # Naive UTC, as ISO text: the child runs the step at this moment (engine.clock.pinned). Text, because
    # under freezegun the parent's datetimes are freezegun's class, which the reply must not carry back.
    now: str
    state: bytes | None = None
    args: dict[str, Any] = field(default_factory=dict)
    # A second process the step needs besides ``process`` (the version a migration starts from).
    source: ProcessRef | None = None

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.now)


@dataclass(frozen=True)
class StepResult:
    """The workflow after the step: its stored state and everything the parent's bookkeeping reads."""

    state: bytes
    completed: bool
    ready: tuple[UserTaskView, ...]
    data: dict[str, Any]
    next_timer_at: datetime | None
    waiting: tuple[WaitingMessage, ...]
    completion: FormCompletion | None = None
    # Elements that declare documents and completed during the step (engine.workflow.documents).
    passed: tuple[PassedElement, ...] = ()


@dataclass(frozen=True)
class Failure:
    """The step failed. ``kind``: workflow, conflict, not_found, invalid, or needs_files (the child
    does not hold the process; the parent sends it again with its files)."""

    kind: str
    message: str
    element: str | None = None
    fields: dict[str, list[str]] | None = None
    child_exits: bool = False  # the child leaves after this reply (its state is in doubt)

    @classmethod
    def of(cls, error: DibaoError) -> Failure:
        if isinstance(error, InvalidData):
            return cls("invalid", error.message, fields=error.fields)
        if isinstance(error, Conflict):
            return cls("conflict", error.message)
        if isinstance(error, NotFound):
            return cls("not_found", error.message)
        return cls("workflow", error.message, getattr(error, "element", None))

    def error(self) -> DibaoError:
        if self.kind == "invalid":
            return InvalidData(self.message, self.fields)
        if self.kind == "conflict":
            return Conflict(self.message)
        if self.kind == "not_found":
            return NotFound(self.message)
        return WorkflowFailed(self.message, self.element)


NEEDS_FILES = "needs_files"

# Framing on the child's pipes: a 4-byte big-endian length, then that many bytes of pickle.
_LENGTH = struct.Struct(">I")
MAX_FRAME = 512 * 1024 * 1024


def dump(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def frame(payload: bytes) -> bytes:
    if len(payload) > MAX_FRAME:
        raise ValueError("engine host message too large")
    return _LENGTH.pack(len(payload)) + payload


def frame_length(header: bytes) -> int:
    (length,) = _LENGTH.unpack(header)
    if length > MAX_FRAME:
        raise ValueError("engine host message too large")
    return int(length)


HEADER_SIZE = _LENGTH.size


def load_request(data: bytes) -> Request:
    request = pickle.loads(data)  # noqa: S301 - from the parent process, which is trusted
    if not isinstance(request, Request):
        raise TypeError("not an engine host request")
    return request


# Everything a reply may contain besides builtin containers, strings and numbers.
_REPLY_CLASSES = {
    ("datetime", "datetime"),
    ("datetime", "date"),
    ("datetime", "time"),
    ("datetime", "timedelta"),
    ("datetime", "timezone"),
    ("decimal", "Decimal"),
    ("uuid", "UUID"),
    ("engine.workflow.host_protocol", "StepResult"),
    ("engine.workflow.host_protocol", "Failure"),
    ("engine.workflow.runtime", "UserTaskView"),
    ("engine.workflow.documents", "PassedElement"),
    ("engine.workflow.runtime", "WaitingMessage"),
    ("engine.workflow.runtime", "FormCompletion"),
    ("engine.workflow.dry_run", "DryRunResult"),
    ("engine.workflow.dry_run", "ReachedElement"),
    ("engine.workflow.dry_run", "FilledTask"),
    ("engine.workflow.decision_test", "TableRun"),
    ("engine.workflow.decision_test", "MatchedRule"),
    ("engine.workflow.migration", "CaseMigration"),
    ("engine.workflow.migration", "Step"),
}


class _ReplyUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in _REPLY_CLASSES:
            raise pickle.UnpicklingError(f"engine host reply refers to {module}.{name}")
        return super().find_class(module, name)


def load_reply(data: bytes) -> Any:
    return _ReplyUnpickler(io.BytesIO(data)).load()
