"""The masked projection staff analytics read, and the inbox of missed
questions, built by a job from the tracker store.

The tracker store already holds conversations masked (bot/tracker_store.py).
`update()` reads the events added since its last run and writes one `turns`
row per citizen message: the text, what the NLU understood (intent,
confidence, model) and what the bot did (the reply's kind, service and
aspect, which every action sends as metadata).  A message the bot missed
(nlu_fallback, a clarify or "which service?" turn, a hand-over, a
low-confidence answer) and every 👎 with its comment go to the `inbox`,
where near-duplicates are grouped: the same accent-free words, compared with
a token-set similarity.  Pages read these tables, never the raw events.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Tuple

import sqlalchemy as sa
from rapidfuzz import fuzz

from bot.db import connect
from bot.db.schema import counters, feedback, inbox, turns
from bot.vietnamese import folded_words, normalize

logger = logging.getLogger(__name__)

LOW_CONFIDENCE = 0.6  # an answer given with less is worth a look
SIMILAR = 85  # token-set similarity (0-100) at which two questions are one group
BATCH = 20_000  # events read per round
MISS_BY_KIND = {"clarify": "clarify", "ask_service": "ask_service", "handover": "handover"}
ANSWERED = ("answer", "faq", "list", "guide")  # kinds that give the citizen catalogue facts
EVENTS_DONE = "analytics_event_id"
FEEDBACK_DONE = "analytics_feedback_id"
OPEN = "open"


@dataclass
class Turn:
    event_id: int
    conversation_id: str
    at: dt.datetime  # UTC
    text: str
    intent: Optional[str]
    confidence: Optional[float]
    model_id: Optional[str]
    service: Optional[str] = None
    aspect: Optional[str] = None
    kind: Optional[str] = None

    @property
    def miss(self) -> Optional[str]:
        """Why this message belongs in the inbox (None: it was answered, or was a button)."""
        if self.text.startswith("/"):
            return None
        if self.intent == "nlu_fallback":
            return "fallback"
        if self.kind in MISS_BY_KIND:
            return MISS_BY_KIND[self.kind]
        if self.kind in ANSWERED and self.confidence is not None and self.confidence < LOW_CONFIDENCE:
            return "low_confidence"
        return None


def turns_from_events(rows: Iterable[Tuple[int, str, str, Optional[str], str]]) -> Tuple[List[Turn], Optional[int]]:
    """Complete turns in `rows` (id, sender, type, action name, data): a user
    message, the bot's replies, then `action_listen`.  Returns them and the
    id of the last event that can be skipped next time (None: nothing read)."""
    pending: Dict[str, Turn] = {}
    done: List[Turn] = []
    last = None
    for event_id, sender, kind, action, data in rows:
        last = event_id
        if kind == "user":
            event = json.loads(data)
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            pending[sender] = Turn(
                event_id, sender, dt.datetime.utcfromtimestamp(float(event.get("timestamp") or 0)),
                str(event.get("text") or ""), intent.get("name"), intent.get("confidence"),
                (event.get("metadata") or {}).get("model_id"),
            )
        elif kind == "bot" and sender in pending:
            meta = ((((json.loads(data).get("data") or {}).get("custom") or {}).get("data")) or {}).get("meta")
            if isinstance(meta, dict):
                turn = pending[sender]
                turn.kind = meta.get("kind") or turn.kind
                turn.service = meta.get("service") or turn.service
                turn.aspect = meta.get("aspect") or turn.aspect
        elif kind == "action" and action == "action_listen" and sender in pending:
            done.append(pending.pop(sender))
    if pending:  # a turn still being answered: read it again next time
        last = min(t.event_id for t in pending.values()) - 1
    return done, last


def group_key(text: str) -> str:
    return " ".join(sorted({w for w, _ in folded_words(normalize(text)) if not w.isdigit()}))


class Projection:
    """Keeps `turns` and `inbox` up to date from the tracker store and the feedback."""

    def __init__(self, database_url: str, tracker_store_url: str) -> None:
        self.engine = connect(database_url)
        self.tracker_url = tracker_store_url
        self._tracker: Optional[sa.engine.Engine] = None

    def _tracker_engine(self) -> sa.engine.Engine:
        if self._tracker is None:
            self._tracker = sa.create_engine(self.tracker_url, future=True)
        return self._tracker

    def update(self) -> Dict[str, int]:
        """One run of the job; returns how many turns and inbox entries it added."""
        added = {"turns": 0, "misses": 0, "feedback": 0}
        while True:
            before = self._counter(EVENTS_DONE)
            rows = self._events_after(before)
            found, last = turns_from_events(rows)
            with self.engine.begin() as conn:
                known = {r for (r,) in conn.execute(sa.select(turns.c.event_id).where(
                    turns.c.event_id.in_([t.event_id for t in found])))} if found else set()
                groups = _OpenGroups(conn)
                for turn in (t for t in found if t.event_id not in known):
                    conn.execute(turns.insert().values(
                        event_id=turn.event_id, conversation_id=turn.conversation_id, at=turn.at, text=turn.text,
                        intent=turn.intent, confidence=turn.confidence, service=turn.service, aspect=turn.aspect,
                        kind=turn.kind, miss=turn.miss, model_id=turn.model_id))
                    added["turns"] += 1
                    if turn.miss:
                        groups.add(turn.text, turn.miss, turn.at, turn.conversation_id, turn.event_id)
                        added["misses"] += 1
                if last is not None and last > before:
                    self._set_counter(conn, EVENTS_DONE, last)
            if len(rows) < BATCH or last is None or last <= before:
                break
        added["feedback"] = self._feedback()
        return added

    def _events_after(self, after: int) -> List[Tuple[int, str, str, Optional[str], str]]:
        try:
            with self._tracker_engine().connect() as conn:
                return list(conn.execute(sa.text(
                    "SELECT id, sender_id, type_name, action_name, data FROM events "
                    "WHERE id > :after AND type_name IN ('user', 'bot', 'action') ORDER BY id LIMIT :limit"
                ), {"after": after, "limit": BATCH}))
        except sa.exc.OperationalError as error:  # no conversation yet: the table does not exist
            logger.info("No tracker events to read yet (%s)", error.orig)
            return []

    def conversation(self, conversation_id: str) -> List[Tuple[int, dt.datetime, str, str]]:
        """(event id, time, "user"/"bot", text) of a conversation, from the masked store."""
        with self._tracker_engine().connect() as conn:
            rows = conn.execute(sa.text(
                "SELECT id, type_name, data FROM events WHERE sender_id = :sender AND type_name IN ('user', 'bot') "
                "ORDER BY id"), {"sender": conversation_id}).all()
        lines = []
        for event_id, kind, data in rows:
            event = json.loads(data)
            if event.get("text"):
                lines.append((event_id, dt.datetime.utcfromtimestamp(float(event.get("timestamp") or 0)), kind,
                              str(event["text"])))
        return lines

    def _feedback(self) -> int:
        with self.engine.begin() as conn:
            after = self._counter(FEEDBACK_DONE, conn)
            rows = conn.execute(sa.select(feedback).where(feedback.c.id > after).order_by(feedback.c.id)).all()
            down = [row for row in rows if row.rating == "down"]
            if down:
                groups = _OpenGroups(conn)
                for row in down:
                    groups.add(row.question, "thumbs_down", row.created_at, row.conversation_id, None, row.comment)
            if rows:
                self._set_counter(conn, FEEDBACK_DONE, rows[-1].id)
        return len(down)

    def _counter(self, name: str, conn=None) -> int:
        if conn is None:
            with self.engine.connect() as own:
                return self._counter(name, own)
        return conn.execute(sa.select(counters.c.value).where(counters.c.name == name)).scalar() or 0

    @staticmethod
    def _set_counter(conn, name: str, value: int) -> None:
        if not conn.execute(counters.update().where(counters.c.name == name).values(value=value)).rowcount:
            conn.execute(counters.insert().values(name=name, value=value))


class _OpenGroups:
    """The open inbox groups, matched in memory during one run."""

    def __init__(self, conn) -> None:
        self.conn = conn
        self.keys: Dict[int, str] = dict(conn.execute(sa.select(inbox.c.id, inbox.c.key).where(inbox.c.status == OPEN)).all())

    def add(self, text: str, reason: str, at: dt.datetime, conversation_id: Optional[str],
            event_id: Optional[int], comment: Optional[str] = None) -> None:
        key = group_key(text)
        if not key:
            return
        best = max(self.keys.items(), key=lambda item: fuzz.token_set_ratio(key, item[1]), default=None)
        if best and fuzz.token_set_ratio(key, best[1]) >= SIMILAR:
            row = self.conn.execute(sa.select(inbox.c.reasons, inbox.c.count, inbox.c.first_seen, inbox.c.last_seen)
                                    .where(inbox.c.id == best[0])).one()
            reasons = sorted(set(row.reasons.split(",")) | {reason})
            values: Dict[str, Any] = {"count": row.count + 1, "reasons": ",".join(reasons),
                                      "first_seen": min(row.first_seen, at)}
            if at >= row.last_seen:
                values.update(last_seen=at, text=text, conversation_id=conversation_id, event_id=event_id)
            if comment:
                values["comment"] = comment
            self.conn.execute(inbox.update().where(inbox.c.id == best[0]).values(**values))
            return
        item = self.conn.execute(inbox.insert().values(
            key=key, text=text, reasons=reason, count=1, first_seen=at, last_seen=at, conversation_id=conversation_id,
            event_id=event_id, comment=comment, status=OPEN)).inserted_primary_key[0]
        self.keys[item] = key
