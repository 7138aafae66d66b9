"""👍/👎 feedback on the bot's answers, kept for the staff tools.

Stored in our SQL database (the `feedback` table, bot/db).  ID and
phone numbers in the question, answer and comment are masked before storage.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import sqlalchemy as sa

from bot.db import connect
from bot.db.schema import feedback as feedback_table
from bot.personal_data import mask

LIMITS = {"conversation_id": 64, "question": 2000, "answer": 8000, "intent": 100, "service": 100, "comment": 1000}


class InvalidFeedback(ValueError):
    """The submitted feedback is malformed; the message says what is wrong."""


@dataclass
class Feedback:
    conversation_id: str
    rating: str
    question: str
    answer: str
    intent: Optional[str] = None
    service: Optional[str] = None
    comment: Optional[str] = None

    @classmethod
    def from_json(cls, data: Any) -> "Feedback":
        if not isinstance(data, dict):
            raise InvalidFeedback("expected a JSON object")
        values: Dict[str, Optional[str]] = {}
        for key, limit in LIMITS.items():
            value = data.get(key)
            if value is not None and not isinstance(value, str):
                raise InvalidFeedback(f"{key} must be text")
            values[key] = value[:limit] if value else None
        rating = data.get("rating")
        if rating not in ("up", "down"):
            raise InvalidFeedback("rating must be 'up' or 'down'")
        if not values["conversation_id"]:
            raise InvalidFeedback("conversation_id is required")
        return cls(rating=rating, question=values["question"] or "", answer=values["answer"] or "",
                   conversation_id=values["conversation_id"], intent=values["intent"],
                   service=values["service"], comment=values["comment"])


class FeedbackStore:
    def __init__(self, url: str) -> None:
        self.engine = connect(url)

    def add(self, feedback: Feedback) -> int:
        row = {
            "created_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None),
            "conversation_id": feedback.conversation_id,
            "rating": feedback.rating,
            "question": mask(feedback.question),
            "answer": mask(feedback.answer),
            "intent": feedback.intent,
            "service": feedback.service,
            "comment": mask(feedback.comment) if feedback.comment else None,
        }
        with self.engine.begin() as conn:
            return conn.execute(feedback_table.insert().values(**row)).inserted_primary_key[0]

    def all(self) -> List[Dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(feedback_table).order_by(feedback_table.c.id)).mappings().all()
        return [dict(r) for r in rows]
