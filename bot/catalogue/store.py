"""Where the catalogue lives: the SQL database is the source of truth.

Every change to a record (a service, a FAQ entry, the phrasebook) is a new
revision: who, when, why, and the record before and after.  The shared
"version" counter goes up with every change, so the catalogue service and
other readers know when to reload.  The YAML files under data/ only seed an
empty database (`seed_if_empty`) and are what `import`/`export` exchange.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import logging
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa
from pydantic import BaseModel

from bot.catalogue.files import Key, catalogue_problems, dump, record_id
from bot.catalogue.models import KINDS
from bot.db import connect, utc_now
from bot.db.schema import counters, records, revisions

logger = logging.getLogger(__name__)

VERSION = "version"


class InvalidChange(ValueError):
    """A change would break the catalogue (e.g. an alias claimed twice)."""


@dataclass(frozen=True)
class Revision:
    kind: str
    record_id: str
    revision: int
    author: str
    reason: str
    created_at: dt.datetime
    before: Optional[dict]
    after: Optional[dict]


@dataclass
class Changes:
    """What an import would do, record by record."""

    added: List[Key] = field(default_factory=list)
    changed: List[Key] = field(default_factory=list)
    only_in_database: List[Key] = field(default_factory=list)
    diffs: Dict[Key, str] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.added or self.changed)

    def summary(self) -> str:
        lines = [self.diffs[key] for key in sorted(self.diffs)]
        lines.append(
            f"{len(self.added)} to add, {len(self.changed)} to change, "
            f"{len(self.only_in_database)} only in the database (kept)"
        )
        for kind, rid in self.only_in_database:
            lines.append(f"  only in the database: {kind} {rid}")
        return "\n".join(lines)


def _parsed(kind: str, rid: str, document: str) -> Optional[BaseModel]:
    try:
        return KINDS[kind].parse_raw(document)
    except ValueError as error:  # pydantic's ValidationError is a ValueError
        logger.error("Stored %s %s no longer matches the schema (import the seed to replace it): %s", kind, rid, error)
        return None



def _document(record: BaseModel) -> str:
    return record.json(ensure_ascii=False)


class CatalogueStore:
    def __init__(self, url: str) -> None:
        self.engine = connect(url)

    # -- reading ---------------------------------------------------------------

    def version(self) -> int:
        with self.engine.connect() as conn:
            value = conn.execute(sa.select(counters.c.value).where(counters.c.name == VERSION)).scalar()
        return value or 0

    def count(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(records)).scalar() or 0

    def get(self, kind: str, rid: str) -> Optional[BaseModel]:
        with self.engine.connect() as conn:
            document = conn.execute(
                sa.select(records.c.document).where(records.c.kind == kind, records.c.id == rid)
            ).scalar()
        return _parsed(kind, rid, document) if document else None

    def all(self, kind: str) -> Dict[str, BaseModel]:
        """Every valid record of a kind (one that no longer validates is logged and left out)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(records.c.id, records.c.document).where(records.c.kind == kind).order_by(records.c.id)
            ).all()
        parsed = {rid: _parsed(kind, rid, document) for rid, document in rows}
        return {rid: record for rid, record in parsed.items() if record is not None}

    def invalid(self) -> List[Key]:
        """Records stored in a form the current schema rejects (an import replaces them)."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(records.c.kind, records.c.id, records.c.document)).all()
        return [(kind, rid) for kind, rid, document in rows if _parsed(kind, rid, document) is None]

    def everything(self) -> Dict[Key, BaseModel]:
        return {(kind, rid): record for kind in KINDS for rid, record in self.all(kind).items()}

    def revision(self, kind: str, rid: str) -> int:
        """The record's current revision number (0: no such record)."""
        with self.engine.connect() as conn:
            value = conn.execute(
                sa.select(records.c.revision).where(records.c.kind == kind, records.c.id == rid)
            ).scalar()
        return value or 0

    def history(self, kind: str, rid: str) -> List[Revision]:
        return self._revisions(sa.select(revisions).where(
            revisions.c.kind == kind, revisions.c.record_id == rid).order_by(revisions.c.revision))

    def audit(
        self, author: Optional[str] = None, since: Optional[dt.datetime] = None,
        until: Optional[dt.datetime] = None, limit: int = 200,
    ) -> List[Revision]:
        """Every change across records, newest first; `author` matches part of the name."""
        query = sa.select(revisions).order_by(revisions.c.id.desc()).limit(limit)
        if author:
            query = query.where(revisions.c.author.contains(author, autoescape=True))
        if since:
            query = query.where(revisions.c.created_at >= since)
        if until:
            query = query.where(revisions.c.created_at < until)
        return self._revisions(query)

    def _revisions(self, query) -> List[Revision]:
        with self.engine.connect() as conn:
            rows = conn.execute(query).mappings().all()
        return [
            Revision(
                row["kind"], row["record_id"], row["revision"], row["author"], row["reason"], row["created_at"],
                json.loads(row["before"]) if row["before"] else None,
                json.loads(row["after"]) if row["after"] else None,
            )
            for row in rows
        ]

    # -- writing ---------------------------------------------------------------

    def put(self, kind: str, record: BaseModel, author: str, reason: str) -> Optional[int]:
        """Store a new revision of `record`; None if it equals the current one."""
        written = self.apply([(kind, record_id(kind, record), record)], author, reason)
        return written[0][1] if written else None

    def delete(self, kind: str, rid: str, author: str, reason: str) -> Optional[int]:
        written = self.apply([(kind, rid, None)], author, reason)
        return written[0][1] if written else None

    def apply(
        self, changes: Iterable[Tuple[str, str, Optional[BaseModel]]], author: str, reason: str
    ) -> List[Tuple[Key, int]]:
        """Apply record changes (None deletes) in one transaction, one version bump.

        Returns the (key, new revision) of every record that really changed.
        """
        if not author.strip() or not reason.strip():
            raise InvalidChange("every change needs an author and a reason")
        changes = list(changes)
        written: List[Tuple[Key, int]] = []
        with self.engine.begin() as conn:
            for kind, rid, record in changes:
                if kind not in KINDS:
                    raise InvalidChange(f"unknown kind of record: {kind}")
                row = conn.execute(
                    sa.select(records.c.document, records.c.revision).where(
                        records.c.kind == kind, records.c.id == rid
                    )
                ).first()
                before = row.document if row else None
                after = _document(record) if record is not None else None
                if before is not None and after is not None and _parsed(kind, rid, before) == record:
                    continue
                if before is None and after is None:
                    continue
                number = (row.revision if row else 0) + 1
                now = utc_now()
                if row is None:
                    conn.execute(records.insert().values(
                        kind=kind, id=rid, document=after, revision=number, updated_at=now, updated_by=author))
                elif after is None:
                    conn.execute(records.delete().where(records.c.kind == kind, records.c.id == rid))
                else:
                    conn.execute(records.update().where(records.c.kind == kind, records.c.id == rid).values(
                        document=after, revision=number, updated_at=now, updated_by=author))
                conn.execute(revisions.insert().values(
                    kind=kind, record_id=rid, revision=number, author=author, reason=reason,
                    created_at=now, before=before, after=after))
                written.append(((kind, rid), number))
            if any(kind in ("service", "phrases") for (kind, _), _ in written):
                self._check_catalogue(conn)
            if written:
                self._bump_version(conn)
        return written

    def _check_catalogue(self, conn) -> None:
        rows = conn.execute(
            sa.select(records.c.kind, records.c.id, records.c.document).where(records.c.kind.in_(["service", "phrases"]))
        ).all()
        problems = catalogue_problems({(kind, rid): KINDS[kind].parse_raw(document) for kind, rid, document in rows})
        if problems:
            raise InvalidChange("; ".join(problems))  # the transaction rolls back

    @staticmethod
    def _bump_version(conn) -> None:
        updated = conn.execute(
            counters.update().where(counters.c.name == VERSION).values(value=counters.c.value + 1)
        ).rowcount
        if not updated:
            conn.execute(counters.insert().values(name=VERSION, value=1))

    # -- the YAML seed ---------------------------------------------------------

    def compare(self, incoming: Dict[Key, BaseModel]) -> Changes:
        """What importing `incoming` would change, with a readable diff per record."""
        current: Dict[Key, Optional[BaseModel]] = dict(self.everything())
        current.update({key: None for key in self.invalid()})
        changes = Changes()
        for key in sorted(incoming):
            kind, rid = key
            new = incoming[key]
            old = current.get(key)
            if old == new:
                continue
            (changes.changed if key in current else changes.added).append(key)
            before = dump(kind, old).splitlines(keepends=True) if old is not None else []
            changes.diffs[key] = "".join(difflib.unified_diff(
                before, dump(kind, new).splitlines(keepends=True),
                fromfile=f"database: {kind} {rid}", tofile=f"files: {kind} {rid}",
            ))
        changes.only_in_database = sorted(set(current) - set(incoming))
        return changes

    def import_records(self, incoming: Dict[Key, BaseModel], author: str, reason: str) -> Changes:
        changes = self.compare(incoming)
        self.apply([(k, rid, incoming[(k, rid)]) for k, rid in changes.added + changes.changed], author, reason)
        return changes

    def seed_if_empty(self, incoming: Dict[Key, BaseModel]) -> bool:
        """Import the seed into an empty database; never touch a filled one."""
        if self.count():
            return False
        try:
            self.apply([(k, rid, r) for (k, rid), r in sorted(incoming.items())], "seed", "first start: data/ imported")
        except sa.exc.IntegrityError:  # another process seeded it at the same moment
            logger.info("The catalogue was seeded by another process.")
            return False
        logger.info("Empty catalogue database seeded with %d records.", len(incoming))
        return True
