"""Schema creation and upgrade through Alembic, for `dibao init` and the tests."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from engine.settings import PROJECT_ROOT

MIGRATIONS_DIR = PROJECT_ROOT / "engine" / "persistence" / "migrations"


def alembic_config(engine: Engine) -> Config:
    config = Config(toml_file=PROJECT_ROOT / "pyproject.toml")
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["database_url"] = engine.url.render_as_string(hide_password=False)
    return config


def upgrade_to_head(engine: Engine) -> None:
    with engine.begin() as connection:
        config = alembic_config(engine)
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def script_heads() -> set[str]:
    """The newest revision(s) of engine/persistence/migrations, read from the scripts."""
    config = Config(toml_file=PROJECT_ROOT / "pyproject.toml")
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return set(ScriptDirectory.from_config(config).get_heads())


def current_heads(engine: Engine) -> set[str]:
    """The revision(s) the database says it is at (alembic_version); empty for a database never migrated."""
    with engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())
