"""The Alembic migrations build exactly the schema the models describe: they cannot drift apart."""
from __future__ import annotations

import os
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from storage import models  # noqa: F401  (registers the tables)
from storage.db import make_engine
from storage.migrate import upgrade

PG_URL = os.environ.get("KAMBOT_TEST_PG_URL")


def assert_no_drift(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            tables = set(inspect(connection).get_table_names())
            assert set(SQLModel.metadata.tables) <= tables
            assert "alembic_version" in tables
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    finally:
        engine.dispose()
    assert diff == [], diff
    assert version


def test_sqlite_migrations_match_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'sub' / 'kambot.sqlite3'}"  # the folder is created too
    upgrade(url)
    assert_no_drift(url)
    upgrade(url)  # a second run (init-db again) is a no-op
    assert_no_drift(url)


@pytest.mark.postgres
def test_postgresql_migrations_match_models():
    if not PG_URL:
        pytest.skip("KAMBOT_TEST_PG_URL not set")
    # A schema of our own, so that tests running beside this one keep their tables.
    schema = f"mig_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{separator}options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        engine = make_engine(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT current_schema()")).scalar_one() == schema
        engine.dispose()
        assert_no_drift(url)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
