"""`dibao` as real processes, for the tests and benchmarks that need a real server (the browser tests, the
scale proof, the HTTP benchmark): the environment of a server with stores of its own, a free port, waiting
for /healthz, stopping. One place, so the harnesses start servers the same way."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from engine.settings import PROJECT_ROOT

STARTUP_SECONDS = 60


def dibao_command(*args: str) -> list[str]:
    """The `dibao` command of this checkout (the installed script may import another checkout's code)."""
    return [sys.executable, "-c", "from web.cli import main; main()", *args]


def server_environment(base: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of `dibao` processes on `database_url` whose stores, key and copies of processes/ and
    forms/ lie under `base` (a 部署 writes files there; the repository's own must stay as they are)."""
    processes = shutil.copytree(PROJECT_ROOT / "processes", base / "processes")
    forms = shutil.copytree(PROJECT_ROOT / "forms" / "definitions", base / "forms")
    return {
        **os.environ,
        "PYTHONPATH": str(PROJECT_ROOT),  # the subprocesses run this checkout's code
        "DIBAO_DATABASE_URL": database_url,
        "DIBAO_DEMO": "1",
        "DIBAO_FAST_PASSWORD_HASH": "1",
        "DIBAO_ATTACHMENTS_DIR": str(base / "attachments"),
        "DIBAO_DOCUMENTS_DIR": str(base / "documents"),
        "DIBAO_PROCESSES_DIR": str(processes),
        "DIBAO_FORMS_DIR": str(forms),
        "DIBAO_AUDIT_KEY_FILE": str(base / "audit-chain.key"),  # never the repository's instance/
        **extra,
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    """Poll /healthz of a starting server; AssertionError with its log if it exits or stays silent."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}:\n{log.read_text('utf-8', 'replace')}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (our own server)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # polling a starting process, not waiting for the app under test
    raise AssertionError(f"{url} did not answer /healthz within {STARTUP_SECONDS} s:\n{log.read_text('utf-8')}")


def stop(process: subprocess.Popen[bytes], timeout: float = 20) -> None:
    """SIGTERM (gunicorn finishes the requests in flight), then SIGKILL after `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
