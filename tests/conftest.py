"""Shared fixtures: an isolated database per test (a temp SQLite file, or a fresh PostgreSQL schema),
the real processes/ deployed, and the demo org tree and users."""

from __future__ import annotations

import os

os.environ.setdefault("DIBAO_FAST_PASSWORD_HASH", "1")  # before engine.services.users is imported

import secrets
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from engine.context import Context
from engine.errors import Conflict
from engine.lookups import get_org_unit
from engine.persistence import Base
from engine.records.audit_key import KEY_BYTES, write_key_file
from engine.services import tasks
from engine.services.bootstrap import create_demo_data
from engine.services.designer import deploy
from engine.services.users import add_user
from engine.settings import PROJECT_ROOT, Settings
from engine.workflow.bundle import calendar_dir

DATA = Path(__file__).parent / "data"
BUNDLES = DATA / "bundles"
# The repository's working-day calendar, for tests that build engine pieces without a Context.
CALENDAR_DIR = calendar_dir(PROJECT_ROOT / "processes")
POSTGRES_URL = os.environ.get("DIBAO_TEST_POSTGRES_URL")

MakeContext = Callable[..., Context]


def _postgres_schema_url(request: pytest.FixtureRequest) -> str:
    if not POSTGRES_URL:
        pytest.skip("DIBAO_TEST_POSTGRES_URL is not set (make test-postgres sets it)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    request.addfinalizer(drop)
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.node.get_closest_marker("postgres"):
        return _postgres_schema_url(request)
    return f"sqlite:///{tmp_path / 'dibao.sqlite3'}"


@pytest.fixture
def audit_key_file(tmp_path: Path) -> Path:
    """Where this test's audit chain key lives; a test that needs none (`dibao init` creating it) removes it."""
    return tmp_path / "audit-chain.key"


@pytest.fixture(autouse=True)
def _audit_key_env(audit_key_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A CLI command or app a test starts from the environment uses the test's key, never instance/'s.
    monkeypatch.setenv("DIBAO_AUDIT_KEY_FILE", str(audit_key_file))
    monkeypatch.delenv("DIBAO_AUDIT_KEY", raising=False)
    monkeypatch.delenv("DIBAO_AUDIT_PUBLIC_KEY", raising=False)


@pytest.fixture
def processes_dir(tmp_path: Path) -> Path:
    """A private copy of processes/ that a test may change (region overrides, new versions)."""
    target = tmp_path / "processes"
    shutil.copytree(PROJECT_ROOT / "processes", target)
    return target


@pytest.fixture
def make_context(database_url: str, processes_dir: Path, tmp_path: Path, audit_key_file: Path) -> Iterator[MakeContext]:
    made: list[Context] = []

    def make(*, schema: bool = True, demo: bool = True, deployed: bool = True, **overrides: object) -> Context:
        overrides.setdefault("attachments_dir", tmp_path / "attachments")  # never the real instance/ folder
        overrides.setdefault("documents_dir", tmp_path / "documents")
        overrides.setdefault("script_budget", 0.5)
        overrides.setdefault("audit_key_file", audit_key_file)
        if schema and not made and not audit_key_file.exists():
            write_key_file(audit_key_file, secrets.token_bytes(KEY_BYTES))  # what `dibao init` would create
        settings = Settings(database_url=database_url, demo=True, processes_dir=processes_dir, **overrides)  # type: ignore[arg-type]
        ctx = Context.from_settings(settings)
        made.append(ctx)
        if schema and len(made) == 1:
            Base.metadata.create_all(ctx.db.engine)
            if demo:
                create_demo_data(ctx)
            if deployed:
                deploy(ctx)
        return ctx

    yield make
    for ctx in made:
        ctx.close()


@pytest.fixture
def ctx(make_context: MakeContext) -> Context:
    return make_context()


def add_second_clerk(ctx: Context) -> None:
    """A second township_clerk in 城关镇, for claims, transfers and races between colleagues."""
    with ctx.db.write() as session:
        add_user(
            session,
            "clerk1b",
            "城关镇经办人乙",
            "pw-12345678",
            get_org_unit(session, "demo-town-1"),
            ["township_clerk"],
        )


def complete_concurrently(
    ctx: Context, task_id: int, data: dict[str, object], before: Callable[[], object] = lambda: None
) -> list[str]:
    """clerk1 and clerk1b complete the same task in two threads; returns "ok"/"conflict" per thread.
    `before` runs in each thread first (a barrier, to make the two overlap)."""
    outcomes: list[str] = []

    def work(username: str) -> None:
        before()
        try:
            tasks.complete(ctx, task_id, username, {**data, "applicant_name": username})
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=work, args=(u,)) for u in ("clerk1", "clerk1b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return sorted(outcomes)


def add_fixture_process(processes_dir: Path, *names: str, region: str | None = None) -> None:
    """Copy fixture files from tests/data/bundles/<dir>/ into the private processes tree."""
    target = processes_dir / "default" if region is None else processes_dir / "regions" / region
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        source = BUNDLES / name
        for path in source.iterdir() if source.is_dir() else [source]:
            if path.suffix in {".bpmn", ".dmn"}:
                shutil.copy(path, target / path.name)
