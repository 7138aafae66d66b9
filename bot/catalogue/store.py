"""Where the catalogue lives at run time: an SQL database.

SQLite (a file under var/) by default, PostgreSQL when DATABASE_URL points at
one.  The YAML files in data/catalogue (services) and data/faq are the seed:
`sync()` writes every record whose content changed and removes entries whose file is gone, and bumps a
version number so readers know to refresh.  Later staff tools edit the same
table.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Dict, Mapping, Optional, Type, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel

from bot.catalogue.models import Service

M = TypeVar("M", bound=BaseModel)

metadata = sa.MetaData()

records_table = sa.Table(
    "catalogue_records",
    metadata,
    sa.Column("kind", sa.String(20), primary_key=True),  # "service" or "faq"
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

    def sync(self, records: Mapping[str, BaseModel], kind: str = "service") -> int:
        """Make the rows of `kind` equal to `records`; returns the number of changes."""
        table = records_table
        documents = {rid: r.json(ensure_ascii=False) for rid, r in records.items()}
        changes = 0
        with self.engine.begin() as conn:
            existing = dict(
                conn.execute(
                    sa.select(table.c.id, table.c.content_hash).where(table.c.kind == kind)
                ).all()
            )
            for rid, document in documents.items():
                digest = self._hash(document)
                if existing.get(rid) == digest:
                    continue
                changes += 1
                if rid in existing:
                    conn.execute(
                        table.update()
                        .where(table.c.kind == kind, table.c.id == rid)
                        .values(document=document, content_hash=digest)
                    )
                else:
                    conn.execute(
                        table.insert().values(kind=kind, id=rid, document=document, content_hash=digest)
                    )
            gone = set(existing) - set(documents)
            if gone:
                changes += len(gone)
                conn.execute(table.delete().where(table.c.kind == kind, table.c.id.in_(gone)))
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

    def all(self, kind: str = "service", model: Type[M] = Service) -> Dict[str, M]:  # type: ignore[assignment]
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(records_table.c.id, records_table.c.document).where(records_table.c.kind == kind)
            ).all()
        return {rid: model.parse_obj(json.loads(document)) for rid, document in rows}
