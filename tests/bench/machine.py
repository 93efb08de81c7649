"""The machine line printed with the results."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def code_revision() -> str:
    """The commit measured, and whether the working tree differed from it (read-only git calls)."""
    root = Path(__file__).resolve().parents[2]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "--no-optional-locks", "-C", str(root), *args], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", "engine", "forms", "processes")
    except (OSError, subprocess.CalledProcessError):
        return "unknown revision"
    return f"commit {commit}" + (" + uncommitted changes in engine/forms/processes" if dirty else "")


def describe() -> str:
    return (
        f"{cpu_model()}, {os.cpu_count()} cores; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"SpiffWorkflow {version('SpiffWorkflow')}; SQLAlchemy {version('SQLAlchemy')}; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
