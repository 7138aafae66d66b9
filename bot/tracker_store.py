"""Where conversations are kept: Rasa's SQL tracker store (SQLite or
PostgreSQL), with personal numbers masked before anything is written, a
retention limit, and a per-replica cache so a message costs the same at turn
100 as at turn 1.

Named in endpoints.yml (`type: bot.tracker_store.MaskedSQLTrackerStore`).

- **Masking.** Every string of an event (user text, parse data, entity
  values, slot values, bot text) goes through `bot.personal_data.mask_all`
  before it is stored, so the database never holds an ID, phone, e-mail or
  account number in clear.  The tracker in memory, used for the turn being
  answered, is not changed.
- **Loading and saving.** Rasa rebuilds the tracker of the current session
  from all its events on every message and finds the new events by counting
  the stored ones.  Here the tracker of a conversation this replica handled
  last is kept in memory with the id of the last event it stored: if the
  database's last event for that sender is still that one, the kept tracker
  is used as is, and only the events added since are written.  Another
  replica's write changes the last id, so the tracker is then rebuilt from
  the database (with several replicas the Redis lock store keeps one replica
  per conversation at a time).
- **Retention.** `purge(url, days)` deletes events older than `days`
  (RETENTION_DAYS, default 90); `python -m bot conversations purge` and a
  daily job of the running stack call it.
"""

from __future__ import annotations

import itertools
import json
import logging
import threading
import time
from collections import OrderedDict
from typing import Any, Dict, Optional, Text, Tuple

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from bot.personal_data import mask_all

logger = logging.getLogger(__name__)

# conversations whose tracker a replica keeps in memory
CACHED_CONVERSATIONS = 5000

# one Core statement, compiled once (an ORM query is rebuilt on every call)
_EVENTS = SQLTrackerStore.SQLEvent.__table__
_LAST_EVENT_ID = sa.select(sa.func.max(_EVENTS.c.id)).where(_EVENTS.c.sender_id == sa.bindparam("sender_id"))


class MaskedSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            # one writer, many readers, and a commit without a disk flush per message
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
            self.engine.dispose()
        # sender -> (the tracker object, events it holds when stored, id of the last stored event)
        self._kept: "OrderedDict[Text, Tuple[DialogueStateTracker, int, int]]" = OrderedDict()
        self._kept_lock = threading.Lock()

    # -- reading ---------------------------------------------------------------

    def _last_event_id(self, session, sender_id: Text) -> Optional[int]:
        return session.execute(_LAST_EVENT_ID, {"sender_id": sender_id}).scalar()

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            last_id = self._last_event_id(session, sender_id)
        with self._kept_lock:
            kept = self._kept.get(sender_id)
        if kept is not None:
            tracker, count, kept_id = kept
            if kept_id == last_id and len(tracker.events) == count:
                with self._kept_lock:
                    self._kept.move_to_end(sender_id)
                return tracker
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._keep(sender_id, tracker, last_id)
        return tracker

    # -- writing ---------------------------------------------------------------

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, masked."""
        await self.stream_events(tracker)
        with self._kept_lock:
            kept = self._kept.get(tracker.sender_id)
        with self.session_scope() as session:
            # the kept tracker was checked against the database when it was retrieved for this
            # message, and the lock store keeps other replicas off the conversation until now
            if kept is not None and kept[0] is tracker:
                new_events = list(itertools.islice(tracker.events, kept[1], None))
                last_id = kept[2]
            else:
                new_events = list(self._additional_events(session, tracker))
                last_id = None
            rows = []
            for event in new_events:
                data = mask_all(event.as_dict())
                rows.append({
                    "sender_id": tracker.sender_id,
                    "type_name": event.type_name,
                    "timestamp": data.get("timestamp"),
                    "intent_name": (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY),
                    "action_name": data.get("name"),
                    "data": json.dumps(data),
                })
            if rows:  # one executemany INSERT, without the ORM's unit of work
                session.execute(_EVENTS.insert(), rows)
            if rows or last_id is None:
                last_id = self._last_event_id(session, tracker.sender_id)
            session.commit()
        self._keep(tracker.sender_id, tracker, last_id)

    def _keep(self, sender_id: Text, tracker: DialogueStateTracker, last_id: Optional[int]) -> None:
        with self._kept_lock:
            self._kept[sender_id] = (tracker, len(tracker.events), last_id or 0)
            self._kept.move_to_end(sender_id)
            while len(self._kept) > CACHED_CONVERSATIONS:
                self._kept.popitem(last=False)


def _sqlite_pragmas(connection, record) -> None:  # noqa: ARG001 - SQLAlchemy event API
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def purge(url: str, days: float) -> int:
    """Delete stored conversation events older than `days`; returns how many."""
    engine = sa.create_engine(url, future=True)
    try:
        cutoff = time.time() - days * 86400
        events = sa.table("events", sa.column("timestamp"))
        with engine.begin() as conn:
            if not sa.inspect(conn).has_table("events"):
                return 0
            deleted = conn.execute(sa.delete(events).where(events.c.timestamp < cutoff)).rowcount
    finally:
        engine.dispose()
    logger.info("Retention: %d conversation events older than %s days deleted.", deleted, days)
    return deleted
