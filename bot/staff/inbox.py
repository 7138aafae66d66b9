"""The inbox of missed questions, and what staff do with each group:
teach an intent, add a service alias, link an FAQ entry, mark it out of
scope, or dismiss it.  Teaching changes a record (a revision with who and
why); dismissing and viewing a conversation go to the staff log.

Examples taught for an intent are stored at once (they reach citizens only
through a retrain whose model a reviewer activates after the quality gate);
an alias or an FAQ example goes through `Workspace.submit`, so an editor's
becomes a draft for review like any other change.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional

import sqlalchemy as sa
import yaml

from bot.analytics.projection import OPEN, Projection
from bot.catalogue.models import Alias, AliasKind, IntentExamples
from bot.config import ROOT
from bot.db import utc_now
from bot.db.schema import inbox, staff_log
from bot.staff.accounts import Permission, User
from bot.staff.workspace import Invalid, NotFound, Outcome, Problem, Workspace

OUT_OF_SCOPE = "out_of_scope"
STATUSES = ("open", "assigned", "out_of_scope", "dismissed")
REASONS = {  # why a question is in the inbox, as staff read it
    "fallback": "Trợ lý không hiểu",
    "clarify": "Phải hỏi lại ý",
    "ask_service": "Phải hỏi lại thủ tục nào",
    "handover": "Chuyển cán bộ",
    "low_confidence": "Trả lời khi chưa chắc",
    "thumbs_down": "Người dân đánh giá chưa tốt",
}


def domain_intents(path: Path = ROOT / "domain.yml") -> List[str]:
    """The intents staff can teach: those the domain declares."""
    declared = yaml.safe_load(path.read_text(encoding="utf-8")).get("intents") or []
    return [next(iter(i)) if isinstance(i, dict) else str(i) for i in declared]


@dataclass(frozen=True)
class Item:
    id: int
    text: str
    reasons: List[str]
    count: int
    first_seen: dt.datetime
    last_seen: dt.datetime
    conversation_id: Optional[str]
    event_id: Optional[int]
    comment: Optional[str]
    status: str
    resolution: Optional[str]
    resolved_by: Optional[str]


@dataclass(frozen=True)
class Line:
    event_id: int
    at: dt.datetime
    speaker: str  # "user" or "bot"
    text: str



def _item(row) -> Item:
    return Item(row.id, row.text, row.reasons.split(","), row.count, row.first_seen, row.last_seen,
                row.conversation_id, row.event_id, row.comment, row.status, row.resolution, row.resolved_by)


class Inbox:
    def __init__(self, workspace: Workspace, projection: Projection, intents: Iterable[str]) -> None:
        self.workspace = workspace
        self.projection = projection
        self.engine = projection.engine
        self.intents = sorted(i for i in intents if i not in ("nlu_fallback", "faq"))

    # -- reading -----------------------------------------------------------------

    def items(self, user: User, status: str = OPEN, limit: int = 300) -> List[Item]:
        self.workspace.require(user, Permission.read)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(inbox).where(inbox.c.status == status)
                                .order_by(inbox.c.count.desc(), inbox.c.last_seen.desc()).limit(limit)).all()
        return [_item(row) for row in rows]

    def item(self, user: User, item_id: int) -> Item:
        self.workspace.require(user, Permission.read)
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(inbox).where(inbox.c.id == item_id)).first()
        if row is None:
            raise NotFound(f"inbox {item_id}")
        return _item(row)

    def conversation(self, user: User, conversation_id: str) -> List[Line]:
        """The masked conversation; the viewing is logged."""
        self.workspace.require(user, Permission.conversations)
        lines = [Line(*row) for row in self.projection.conversation(conversation_id)]
        self.log(user, "view_conversation", conversation_id)
        return lines

    # -- acting on a group ---------------------------------------------------------

    def assign_intent(self, user: User, item_id: int, intent: str, reason: str = "") -> Optional[int]:
        """Teach the group's question as an example of `intent` (used at the next training)."""
        self.workspace.require(user, Permission.edit)
        if intent not in self.intents:
            raise Invalid([Problem("intent", f"không có ý định '{intent}'")])
        item = self.item(user, item_id)
        revision = self._teach(user, intent, item.text, reason or f"hộp thư: câu hỏi #{item_id}")
        self._resolve(user, item_id, OUT_OF_SCOPE if intent == OUT_OF_SCOPE else "assigned", f"intent {intent}")
        return revision

    def out_of_scope(self, user: User, item_id: int, reason: str = "") -> Optional[int]:
        return self.assign_intent(user, item_id, OUT_OF_SCOPE, reason)

    def add_alias(self, user: User, item_id: int, service_id: str, alias: str, reason: str = "") -> Outcome:
        """A new name for a service (live without retraining once published)."""
        self.workspace.require(user, Permission.edit)
        self.item(user, item_id)
        service = self.workspace.record(user, "service", service_id)
        name = alias.strip()
        if not name:
            raise Invalid([Problem("alias", "cần nhập tên gọi")])
        record = service.copy(update={"aliases": [*service.aliases, Alias(name=name, kind=AliasKind.name,
                                                                          note=f"hộp thư: câu hỏi #{item_id}")]})
        outcome = self.workspace.submit(user, "service", service_id, record,
                                        reason or f"tên gọi mới từ hộp thư (câu hỏi #{item_id})")
        self._resolve(user, item_id, "assigned", f"alias '{name}' of {service_id}")
        return outcome

    def link_faq(self, user: User, item_id: int, faq_id: str, reason: str = "") -> Outcome:
        """Add the group's question to an FAQ entry's example questions."""
        self.workspace.require(user, Permission.edit)
        item = self.item(user, item_id)
        entry = self.workspace.record(user, "faq", faq_id)
        if item.text in entry.examples:
            raise Invalid([Problem("faq", "câu hỏi này đã có trong mục hỏi đáp")])
        record = entry.copy(update={"examples": [*entry.examples, item.text]})
        outcome = self.workspace.submit(user, "faq", faq_id, record,
                                        reason or f"câu hỏi mẫu từ hộp thư (#{item_id})")
        self._resolve(user, item_id, "assigned", f"faq {faq_id}")
        return outcome

    def dismiss(self, user: User, item_id: int, reason: str = "") -> None:
        self.workspace.require(user, Permission.edit)
        self.item(user, item_id)
        self._resolve(user, item_id, "dismissed", reason or "bỏ qua")

    # -- internals -----------------------------------------------------------------

    def _teach(self, user: User, intent: str, text: str, reason: str) -> Optional[int]:
        current = self.workspace.store.get("examples", intent)
        examples = list(current.examples) if current else []  # type: ignore[attr-defined]
        if text.strip() in examples:
            return None
        record = IntentExamples(id=intent, examples=[*examples, text])
        return self.workspace.store.put("examples", record, user.email, reason)

    def _resolve(self, user: User, item_id: int, status: str, resolution: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(inbox.update().where(inbox.c.id == item_id).values(
                status=status, resolution=resolution, resolved_by=user.email, resolved_at=utc_now()))
        self.log(user, f"inbox_{status}", f"inbox {item_id}", resolution)

    def log(self, user: User, action: str, target: str, detail: Optional[str] = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(staff_log.insert().values(at=utc_now(), who=user.email, action=action, target=target,
                                                   detail=detail))

    def activity(self, user: User, limit: int = 200) -> List[dict]:
        self.workspace.require(user, Permission.read)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(staff_log).order_by(staff_log.c.id.desc()).limit(limit)).mappings().all()
        return [dict(row) for row in rows]
