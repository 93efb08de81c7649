"""What the backup and restore tests share: a complete place for a system to live (database, key, stores,
processes/ and forms/), a real 低保 case carried part way with an attachment and issued documents, and
carrying the restored case to its end."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from freezegun import freeze_time

from engine.context import Context
from engine.services import attachments
from engine.settings import PROJECT_ROOT, Settings
from tests.integration.cli_support import ok
from tests.scenarios.flow import Application
from tests.scenarios.households import household, member
from tests.scenarios.issued import issued
from web.cli import main

START = "2026-11-23 01:00:00"  # Monday 09:00 Beijing time
NOTICE_OVER = "2026-11-30 02:00:00"  # the 7-day 公示 is over
PDF = b"%PDF-1.4 \xe5\x85\xa5\xe6\x88\xb7\xe8\xb0\x83\xe6\x9f\xa5\xe8\xa1\xa8"


@dataclass(frozen=True)
class Place:
    root: Path
    database_url: str

    @property
    def key_file(self) -> Path:
        return self.root / "audit-chain.key"

    def env(self) -> dict[str, str]:
        return {
            "DIBAO_DATABASE_URL": self.database_url,
            "DIBAO_AUDIT_KEY_FILE": str(self.key_file),
            "DIBAO_ATTACHMENTS_DIR": str(self.root / "attachments"),
            "DIBAO_DOCUMENTS_DIR": str(self.root / "documents"),
            "DIBAO_PROCESSES_DIR": str(self.root / "processes"),
            "DIBAO_FORMS_DIR": str(self.root / "forms"),  # never the project's forms/definitions
        }

    def use(self, monkeypatch: pytest.MonkeyPatch) -> None:
        for name, value in self.env().items():
            monkeypatch.setenv(name, value)

    def written(self) -> list[str]:
        """Every file under the place's folder (a SQLite database file included)."""
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())


def origin(root: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Place:
    """A running system's place: processes/ and forms/ copied in, `dibao init --demo` done."""
    place = Place(root, database_url)
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(PROJECT_ROOT / "processes", root / "processes")
    shutil.copytree(PROJECT_ROOT / "forms" / "definitions", root / "forms")
    place.use(monkeypatch)
    ok(CliRunner().invoke(main, ["init", "--demo"]))
    return place


def context() -> Context:
    return Context.from_settings(Settings.from_env())


@freeze_time(START)
def case_part_way(ctx: Context) -> tuple[str, int]:
    """A 低保 application accepted, with an attachment on its investigation, through 初审 into its 公示."""
    app = Application(
        ctx,
        household(
            member("张三", "self", ("wage", "1500.00"), employment="employed", started="2024-03-01"),
            member("李芳", "spouse"),
            member("张小明", "child", birth="20100620", employment="student"),
        ),
    ).start()
    app.accept()
    uploaded = attachments.upload(ctx, "clerk1", app.task("start_investigation").id, "入户调查表.pdf", PDF)
    app.investigate().first_review()
    assert app.open_task_names() == []  # in its 公示, waiting for the timer
    return app.number, uploaded.id


def finish_case(ctx: Context, number: str) -> None:
    """The 公示 timer fires and the county confirms, on whatever system `ctx` is."""
    app = Application(ctx, {}, number=number)
    with freeze_time(NOTICE_OVER):
        assert app.end_notice() == 1
        app.confirm()
    done = app.view()
    assert (done.status, done.outcome, done.decided_amount) == ("closed", "approved", "900.00")
    assert done.enrollment is not None
    assert issued(ctx, number)  # every PDF, the restored ones included, is read back from storage


def backup(directory: Path, *args: str) -> str:
    return ok(CliRunner().invoke(main, ["backup", str(directory), *args]))
