"""Where the catalogue lives at run time: an SQL database.

SQLite (a file under var/) by default, PostgreSQL when DATABASE_URL points at
one.  The YAML files in data/catalogue are the seed: `sync()` writes every
entry whose content changed and removes entries whose file is gone, and bumps a
version number so readers know to refresh.  Later staff tools edit the same
table.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Dict, Mapping, Optional

import sqlalchemy as sa

from bot.catalogue.models import Service

metadata = sa.MetaData()

services_table = sa.Table(
    "catalogue_services",
    metadata,
    sa.Column("id", sa.String(100), primary_key=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
)

meta_table = sa.Table(
    "catalogue_meta",
    metadata,
    sa.Column("key", sa.String(50), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
)

VERSION_KEY = "version"


def sqlite_url(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


class CatalogueStore:
    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, future=True, pool_pre_ping=True)
        metadata.create_all(self.engine)

    @staticmethod
    def _hash(document: str) -> str:
        return hashlib.sha256(document.encode("utf-8")).hexdigest()

    def sync(self, services: Mapping[str, Service]) -> int:
        """Make the table equal to `services`; returns the number of changes."""
        documents = {sid: s.json(ensure_ascii=False) for sid, s in services.items()}
        changes = 0
        with self.engine.begin() as conn:
            existing = dict(
                conn.execute(sa.select(services_table.c.id, services_table.c.content_hash)).all()
            )
            for sid, document in documents.items():
                digest = self._hash(document)
                if existing.get(sid) == digest:
                    continue
                changes += 1
                if sid in existing:
                    conn.execute(
                        services_table.update()
                        .where(services_table.c.id == sid)
                        .values(document=document, content_hash=digest)
                    )
                else:
                    conn.execute(
                        services_table.insert().values(id=sid, document=document, content_hash=digest)
                    )
            gone = set(existing) - set(documents)
            if gone:
                changes += len(gone)
                conn.execute(services_table.delete().where(services_table.c.id.in_(gone)))
            if changes:
                self._bump_version(conn)
        return changes

    def _bump_version(self, conn) -> None:
        current = conn.execute(
            sa.select(meta_table.c.value).where(meta_table.c.key == VERSION_KEY)
        ).scalar()
        if current is None:
            conn.execute(meta_table.insert().values(key=VERSION_KEY, value=1))
        else:
            conn.execute(
                meta_table.update().where(meta_table.c.key == VERSION_KEY).values(value=current + 1)
            )

    def version(self) -> int:
        with self.engine.connect() as conn:
            value: Optional[int] = conn.execute(
                sa.select(meta_table.c.value).where(meta_table.c.key == VERSION_KEY)
            ).scalar()
        return value or 0

    def all(self) -> Dict[str, Service]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(services_table.c.id, services_table.c.document)).all()
        return {sid: Service.parse_obj(json.loads(document)) for sid, document in rows}
