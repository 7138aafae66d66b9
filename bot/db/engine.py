"""Engines for our database, migrated to the newest schema on first use."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from pathlib import Path
from typing import Dict

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_engines: Dict[str, sa.engine.Engine] = {}
_lock = threading.Lock()


def _ensure_sqlite_directory(url: str) -> None:
    parsed = sa.engine.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate(url: str, revision: str = "head") -> None:
    """Upgrade the database at `url` to `revision` (Alembic)."""
    _ensure_sqlite_directory(url)
    engine = sa.create_engine(url, future=True)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    finally:
        engine.dispose()


def utc_now() -> dt.datetime:
    """Now in UTC as a naive datetime: how every timestamp column stores time."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def connect(url: str) -> sa.engine.Engine:
    """A shared engine for `url`, after migrating it (once per process)."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            migrate(url)
            options = {"future": True, "pool_pre_ping": True}
            if url.startswith("sqlite"):
                # several processes share the file: wait for a writer instead of failing
                options["connect_args"] = {"timeout": 30}
            engine = _engines[url] = sa.create_engine(url, **options)
        return engine
