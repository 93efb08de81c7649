"""Real-browser fixtures: one `dibao serve` over real HTTP on a fresh demo database, and Debian's Chromium
driven by Playwright (never `playwright install`: DIBAO_CHROMIUM or /usr/bin/chromium, see
.ci/install-chromium). A failing test gets the server's log attached to its report."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from engine.settings import PROJECT_ROOT
from tests.running import free_port, server_environment, stop, wait_until_healthy

CHROMIUM = os.environ.get("DIBAO_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"
_LOG_KEY = pytest.StashKey[Path]()

# A shared machine can be slow: give each assertion and action time before calling it a failure.
expect.set_options(timeout=20_000)


@dataclass(frozen=True)
class Server:
    url: str
    env: dict[str, str]
    log: Path

    def dibao(self, *args: str) -> str:
        """The CLI against the server's database (another process: it does not see a travelled clock)."""
        done = subprocess.run([_dibao(), *args], env=self.env, capture_output=True, text=True, check=True)
        return done.stdout


def _dibao() -> str:
    return str(Path(sys.executable).with_name("dibao"))


def server_env(base: Path) -> dict[str, str]:
    """The environment of a server on its own SQLite file under `base`, with copies of processes/ and forms/."""
    return server_environment(base, f"sqlite:///{base / 'dibao.sqlite3'}")


def init_demo(env: dict[str, str]) -> None:
    subprocess.run([_dibao(), "init", "--demo"], env=env, check=True, capture_output=True)


@contextmanager
def seeded_serving(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config, seed: str, *args: str
) -> Iterator[tuple[Server, str]]:
    """A module's own server: a demo database, then `python -m tests.browser.<seed> ARGS…` on it before
    `dibao serve` starts. Yields the server and what the seed printed (its last line names what it made)."""
    base = tmp_path_factory.mktemp(f"dibao-{seed}")
    env = server_env(base)
    init_demo(env)
    seeded = subprocess.run(
        [sys.executable, "-m", f"tests.browser.{seed}", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    with serving(base, env, pytestconfig) as running:
        yield running, seeded.stdout.strip()


@contextmanager
def serving(base: Path, env: dict[str, str], pytestconfig: pytest.Config) -> Iterator[Server]:
    """`dibao serve` on a free port over the database of `env` (already initialised), stopped at the end."""
    port = free_port()
    log = base / "serve.log"
    pytestconfig.stash[_LOG_KEY] = log
    with log.open("wb") as sink:
        process = subprocess.Popen(
            # The production server (gunicorn) as `make run` starts it: the tests travel the demo clock and
            # wait for its timers, so one process (demo mode) with the worker in it.
            [_dibao(), "serve", "--with-worker", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=sink,
            stderr=sink,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url, process, log)
        yield Server(url, env, log)
    finally:
        stop(process)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config) -> Iterator[Server]:
    """`dibao init --demo` on a temp SQLite file, then `dibao serve` on a free port, stopped at the end.

    The server works on copies of processes/ and forms/definitions/: a designer's 部署 writes files into the
    processes directory, and a test must never change the repository's own procedures."""
    base = tmp_path_factory.mktemp("dibao-browser")
    env = server_env(base)
    init_demo(env)
    with serving(base, env, pytestconfig) as running:
        yield running


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"找不到 Chromium：{CHROMIUM}（运行 .ci/install-chromium，或设置 DIBAO_CHROMIUM）")
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Generator[None, Any, Any]:
    """Attach the server's log to a failing browser test (what the server said is half the story)."""
    report = yield
    log = item.config.stash.get(_LOG_KEY, None)
    if report.failed and log is not None and log.exists():
        report.sections.append(("dibao serve log", log.read_text(encoding="utf-8", errors="replace")[-20_000:]))
    return report
