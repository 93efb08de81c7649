"""Domain exceptions. Services raise these; the web layer and the CLI translate them at the edge.

Every message is Simplified Chinese, meant for the person who caused the problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


class DibaoError(Exception):
    """Base of every error a user may see. `code` is stable and machine-readable."""

    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DibaoError):
    code = "not_found"


class PermissionDenied(DibaoError):
    code = "forbidden"


class Conflict(DibaoError):
    """The thing changed underneath the caller (a concurrent completion, a stale version)."""

    code = "conflict"


class InvalidData(DibaoError):
    """Input failed validation; `fields` maps a field name to its Chinese error messages."""

    code = "invalid"

    def __init__(self, message: str, fields: Mapping[str, Sequence[str]] | None = None) -> None:
        super().__init__(message)
        self.fields: dict[str, list[str]] = {k: list(v) for k, v in (fields or {}).items()}


@dataclass(frozen=True)
class Problem:
    """One problem found in a process bundle: where it is and what is wrong."""

    file: str
    message: str
    element: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        if self.element:
            where += f" [{self.element}]"
        return f"{where}: {self.message}"


class BundleInvalid(DibaoError):
    """A process bundle failed validation; nothing was deployed."""

    code = "bundle_invalid"

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("流程包校验未通过：" + "；".join(str(p) for p in problems))
        self.problems = list(problems)


class WorkflowFailed(DibaoError):
    """The engine could not run a step (a script error, a time-out). The instance keeps its last good state."""

    code = "workflow_error"

    def __init__(self, message: str, element: str | None = None) -> None:
        super().__init__(message)
        self.element = element


class RateLimited(DibaoError):
    """Too many requests from one client within a time window; `retry_after` is seconds until one is accepted."""

    code = "rate_limited"

    def __init__(self, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class AuditKeyError(DibaoError):
    """The chain key is missing, unreadable or does not fit the chain; nothing was recorded."""

    code = "audit_key"


class CheckpointError(DibaoError):
    """A checkpoint or an auditor key that cannot be used: unreadable, malformed, or not signed by the key."""

    code = "checkpoint"


class BackupError(DibaoError):
    """A backup that cannot be made or a restore that is refused (docs/backup.md); the message names the files.
    A refused restore has written nothing."""

    code = "backup"


class DuplicateFound(Conflict):
    """A household being registered shares a member's 身份证号 with a running case or an enrolment.
    `matches` are engine.queries.duplicates.DuplicateMatch values (cases outside the caller's scope
    without their number); the caller registers anyway by confirming."""

    code = "duplicate"

    def __init__(self, message: str, matches: Sequence[object]) -> None:
        super().__init__(message)
        self.matches = list(matches)


class StorageUnavailable(DibaoError):
    """The attachment or document store cannot be written (a full disk, a lost mount, a wrong path); the
    upload or document is not recorded either. A server problem, not the user's: the web answers 503."""

    code = "storage_unavailable"
