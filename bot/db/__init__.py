"""Our SQL database: the catalogue, its revisions, feedback and what the
staff tools add later.  SQLite by default, PostgreSQL by `DATABASE_URL`.

The schema lives in `schema.py` and evolves only through the Alembic
migrations in `migrations/` (one history for all our tables); `connect()`
brings a database up to the newest revision before anyone uses it.
"""

from bot.db.engine import connect, migrate, utc_now

__all__ = ["connect", "migrate", "utc_now"]
