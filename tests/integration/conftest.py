"""Fixtures of the integration tests; a test module may define its own `cli` where it needs another setup."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.integration.cli_support import demo_cli


@pytest.fixture
def cli(tmp_path: Path, processes_dir: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    """A CliRunner on a fresh demo database (`dibao init --demo`)."""
    return demo_cli(tmp_path, processes_dir, monkeypatch)
