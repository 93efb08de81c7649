"""What the command-line tests share: a demo database initialised through `dibao init --demo`, and a check
that a command succeeded that shows its output when it did not."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from web.cli import main


def demo_cli(tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("DIBAO_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    monkeypatch.setenv("DIBAO_PROCESSES_DIR", str(processes_dir))
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--demo"]).exit_code == 0
    return runner


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output
