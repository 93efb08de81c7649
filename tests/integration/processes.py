"""Real `dibao` processes for the tests of the production server and the worker: this checkout's code (the
venv's `dibao` script may belong to another), the environment of a test's Context, a free port, and
polling a starting or working process (never sleeping for a timer)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from engine.context import Context
from engine.settings import PROJECT_ROOT

DIBAO = [sys.executable, "-c", "import sys; from web.cli import main; sys.argv[0] = 'dibao'; main()"]


def environment(ctx: Context, **extra: str) -> dict[str, str]:
    settings = ctx.settings
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),
        "DIBAO_DATABASE_URL": settings.database_url,
        "DIBAO_PROCESSES_DIR": str(settings.processes_dir),
        "DIBAO_ATTACHMENTS_DIR": str(settings.attachments_dir),
        "DIBAO_DOCUMENTS_DIR": str(settings.documents_dir),
        "DIBAO_AUDIT_KEY_FILE": str(settings.audit_key_file),
        "DIBAO_FAST_PASSWORD_HASH": "1",
        **extra,
    }


def start(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`dibao ARGS…` in a process group of its own (so a test can kill it with its engine host children)."""
    with log.open("wb") as sink:
        return subprocess.Popen([*DIBAO, *args], env=env, stdout=sink, stderr=sink, start_new_session=True)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*DIBAO, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if condition():
            return
        if process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}\n{log.read_text()}")
        time.sleep(0.02)  # polling a running process, not waiting for a timer
    raise AssertionError(f"{what}: not within 60 s\n{log.read_text()}")


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (our own server)
            return bool(response.status == 200)
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes], timeout: float = 40) -> int:
    """SIGTERM, then the exit status (a process that does not stop in time is killed and fails the test)."""
    process.terminate()
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()
        raise AssertionError("the process did not stop on SIGTERM") from None
