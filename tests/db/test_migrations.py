"""One Alembic history for all our tables; it produces exactly bot/db/schema.py."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.db import migrate
from bot.db.schema import metadata


def test_migrations_build_the_schema_in_code(tmp_path):
    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    engine = sa.create_engine(url, future=True)
    with engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn), metadata)
        tables = set(sa.inspect(conn).get_table_names())
    assert differences == []
    assert {"records", "revisions", "counters", "feedback", "alembic_version"} <= tables


def test_migrating_twice_changes_nothing_and_downgrade_works(tmp_path):
    from alembic import command

    from bot.db.engine import alembic_config

    url = f"sqlite:///{tmp_path / 'm.db'}"
    migrate(url)
    migrate(url)
    command.downgrade(alembic_config(url), "base")
    engine = sa.create_engine(url, future=True)
    with engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) == {"alembic_version"}
