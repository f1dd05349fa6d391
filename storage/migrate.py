"""Schema changes through Alembic; `kambot init-db` upgrades to the newest revision."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

from storage.db import normalise_url

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    from storage.db import make_engine

    engine = make_engine(url)  # creates the SQLite folder if needed
    engine.dispose()
    command.upgrade(alembic_config(url), revision)


def schema_state(engine) -> str:
    """"empty" (no kambot tables), "old" (an older revision than this code's), or "current".
    Tables made without Alembic (create_all in tests) count as current."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import inspect

    with engine.connect() as connection:
        revision = MigrationContext.configure(connection).get_current_revision()
        tables = set(inspect(connection).get_table_names())
    if revision is None:
        return "current" if "staff" in tables else "empty"
    head = ScriptDirectory.from_config(alembic_config(engine.url.render_as_string(hide_password=False))).get_current_head()
    return "current" if revision == head else "old"
