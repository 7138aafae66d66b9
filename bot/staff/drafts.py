"""Drafts: an editor's proposed version of a record, waiting for a reviewer.

There is at most one open draft per record (a unique index makes sure);
later edits by any editor go into it, and every editor is named among its
authors.  A draft remembers the record's revision it was made from, so
publishing a draft that another change has overtaken is refused instead of
silently undoing that change; its `fingerprint` lets a reviewer's "publish"
refer to exactly the content they saw.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import List, Optional

import sqlalchemy as sa
from pydantic import BaseModel

from bot.catalogue.models import KINDS
from bot.db import connect, utc_now
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

    @property
    def authors(self) -> List[str]:
        return [a.strip() for a in self.author.split(",") if a.strip()]

    @property
    def fingerprint(self) -> str:
        """Changes whenever the content or its authors change."""
        return hashlib.sha256(f"{self.author}\n{self.record.json()}".encode()).hexdigest()[:16]



def _draft(row) -> Draft:
    return Draft(
        row.id, row.kind, row.record_id, row.base_revision, KINDS[row.kind].parse_raw(row.document),
        row.author, row.reason, row.status, row.created_at, row.updated_at, row.reviewed_by, row.reviewed_at,
    )


class Drafts:
    def __init__(self, database_url: str) -> None:
        self.engine = connect(database_url)

    def save(self, kind: str, record_id: str, record: BaseModel, base_revision: int, author: str, reason: str) -> int:
        """Create the record's open draft, or replace the content of the one there is
        (its authors then include `author`; `base_revision` is what the content was made from)."""
        try:
            return self._save(kind, record_id, record, base_revision, author, reason)
        except sa.exc.IntegrityError:  # another editor created it at the same moment: add to theirs
            return self._save(kind, record_id, record, base_revision, author, reason)

    def _save(self, kind: str, record_id: str, record: BaseModel, base_revision: int, author: str,
              reason: str) -> int:
        document = record.json(ensure_ascii=False)
        now = utc_now()
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(drafts.c.id, drafts.c.author).where(
                drafts.c.kind == kind, drafts.c.record_id == record_id, drafts.c.status == OPEN)).first()
            if row:
                authors = [a.strip() for a in row.author.split(",")]
                conn.execute(drafts.update().where(drafts.c.id == row.id).values(
                    document=document, author=", ".join(authors + ([author] if author not in authors else [])),
                    reason=reason, updated_at=now, base_revision=base_revision))
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
                status=status, reviewed_by=reviewer, reviewed_at=utc_now()))
