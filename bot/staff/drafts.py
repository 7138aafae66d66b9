"""Drafts: an editor's proposed version of a record, waiting for a reviewer.

There is at most one open draft per record; later edits by any editor go
into it.  A draft remembers the record's revision it started from, so
publishing a draft that another change has overtaken is refused instead of
silently undoing that change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa
from pydantic import BaseModel

from bot.catalogue.models import KINDS
from bot.db import connect
from bot.db.schema import drafts

OPEN = "open"
PUBLISHED = "published"
DISCARDED = "discarded"


@dataclass(frozen=True)
class Draft:
    id: int
    kind: str
    record_id: str
    base_revision: int
    record: BaseModel
    author: str
    reason: str
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime
    reviewed_by: Optional[str]
    reviewed_at: Optional[dt.datetime]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _draft(row) -> Draft:
    return Draft(
        row.id, row.kind, row.record_id, row.base_revision, KINDS[row.kind].parse_raw(row.document),
        row.author, row.reason, row.status, row.created_at, row.updated_at, row.reviewed_by, row.reviewed_at,
    )


class Drafts:
    def __init__(self, database_url: str) -> None:
        self.engine = connect(database_url)

    def save(self, kind: str, record_id: str, record: BaseModel, base_revision: int, author: str, reason: str) -> int:
        """Create the record's open draft, or replace the content of the one there is."""
        document = record.json(ensure_ascii=False)
        now = _now()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(drafts.c.id).where(
                drafts.c.kind == kind, drafts.c.record_id == record_id, drafts.c.status == OPEN)).first()
            if row:
                conn.execute(drafts.update().where(drafts.c.id == row.id).values(
                    document=document, author=author, reason=reason, updated_at=now))
                return row.id
            return conn.execute(drafts.insert().values(
                kind=kind, record_id=record_id, base_revision=base_revision, document=document, author=author,
                reason=reason, status=OPEN, created_at=now, updated_at=now,
            )).inserted_primary_key[0]

    def get(self, draft_id: int) -> Optional[Draft]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(drafts).where(drafts.c.id == draft_id)).first()
        return _draft(row) if row else None

    def open_for(self, kind: str, record_id: str) -> Optional[Draft]:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(drafts).where(
                drafts.c.kind == kind, drafts.c.record_id == record_id, drafts.c.status == OPEN)).first()
        return _draft(row) if row else None

    def list(self, status: Optional[str] = OPEN) -> List[Draft]:
        query = sa.select(drafts).order_by(drafts.c.updated_at.desc())
        if status:
            query = query.where(drafts.c.status == status)
        with self.engine.connect() as conn:
            return [_draft(row) for row in conn.execute(query)]

    def close(self, draft_id: int, status: str, reviewer: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(drafts.update().where(drafts.c.id == draft_id, drafts.c.status == OPEN).values(
                status=status, reviewed_by=reviewer, reviewed_at=_now()))
