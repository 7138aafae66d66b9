"""Dialogue decisions, apart from wording: which aspect a question asks, when
to offer "did you mean…" and when to hand over to people, and what to offer.

They take plain data (intent names, tracker events as dicts), so they are
tested without a Rasa server.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple

from bot.replies.aspects import ASPECT_BY_INTENT, Aspect

FALLBACK = "nlu_fallback"
FAQ_INTENT = "faq"
# asks whether a (replaced) paper is still valid: answered from the record's details
VALIDITY_INTENT = "ask_validity"
SERVICE_INTENTS = {*ASPECT_BY_INTENT, "inform_service", VALIDITY_INTENT}
# asks which services the VNeID app offers
VNEID_SERVICES_INTENT = "ask_vneid_services"
# small talk: a service named in the same message makes it a question about that
# service ("chào em, cho hỏi làm hộ chiếu ..."); out of scope stays out of scope
# even with a service's word in it ("giá xe máy honda bao nhiêu"), unless a
# line of that service's record answers the question itself
SMALL_TALK = {"greet", "thank", "goodbye"}
OUT_OF_SCOPE = "out_of_scope"
HANDOVER_INTENT = "request_human"
PERSONAL_DATA = "personal_data"
# Intents never offered as "Có phải anh/chị muốn hỏi…?" candidates.
NOT_OFFERED = {FALLBACK, "out_of_scope", "personal_data", "vneid_next_step", "vneid_stuck"}
# Misses in a row before the bot hands over to people instead of asking again.
HANDOVER_AFTER_MISSES = 2


def aspect_for(intent: Optional[str], previous: Optional[str]) -> Aspect:
    """The intent's aspect; for a bare service name, the previous aspect."""
    if intent in ASPECT_BY_INTENT:
        return ASPECT_BY_INTENT[intent]
    try:
        return Aspect(previous) if previous else Aspect.overview
    except ValueError:
        return Aspect.overview


@dataclass(frozen=True)
class Turn:
    """What the actions know about the latest user message, as plain data."""

    text: str
    intent: Optional[str]
    ranking: Sequence[Mapping[str, Any]] = ()
    # the text without the service's name as typed: what is asked about the service
    question: Optional[str] = None
    faq_selected: Optional[str] = None  # the FAQ entry the response selector chose
    faq_ranking: Sequence[Mapping[str, Any]] = ()
    services_named: Sequence[str] = ()  # `service` entities of this message, in order
    service_slot: Optional[str] = None  # the conversation's service (this message or earlier)
    aspect_slot: Optional[str] = None
    faq_button: Optional[str] = None  # a FAQ id named by a button payload
    unknown_words: bool = False  # the NLU saw no word it knows
    events: Sequence[Mapping[str, Any]] = ()

    @property
    def service(self) -> Optional[str]:
        return self.services_named[0] if self.services_named else self.service_slot

    def best_service_intent(self) -> Optional[Tuple[str, float]]:
        """The likeliest intent that asks about a service's facts, with its confidence."""
        if self.intent in SERVICE_INTENTS:
            return self.intent, 1.0 if not self.ranking else float(self.ranking[0].get("confidence") or 0)
        for item in self.ranking:
            if item.get("name") in SERVICE_INTENTS:
                return item["name"], float(item.get("confidence") or 0)
        return None

    def confidence(self, intent: str) -> float:
        return next((float(i.get("confidence") or 0) for i in self.ranking if i.get("name") == intent), 0.0)


def user_turns_this_session(events: Sequence[Mapping[str, Any]]) -> List[Mapping[str, Any]]:
    """The user's messages since the session started, newest first."""
    turns: List[Mapping[str, Any]] = []
    for event in reversed(events):
        if event.get("event") == "session_started":
            break
        if event.get("event") == "user":
            turns.append(event)
    return turns


def consecutive_misses(events: Sequence[Mapping[str, Any]]) -> int:
    """How many of the latest user messages in a row the NLU did not understand (at least 1)."""
    misses = 0
    for event in user_turns_this_session(events):
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != FALLBACK:
            break
        misses += 1
    return max(misses, 1)


def should_hand_over(misses: int) -> bool:
    """Every second miss in a row goes to people; never a loop of questions."""
    return misses % HANDOVER_AFTER_MISSES == 0


@dataclass(frozen=True)
class Candidate:
    """A reading offered as a button: an intent, or a FAQ entry."""

    intent: str
    faq: Optional[str] = None


def clarify_candidates(
    ranking: Sequence[Mapping[str, Any]],
    faq_ranking: Sequence[Mapping[str, Any]],
    offerable: Iterable[str],
    limit: int = 2,
) -> List[Candidate]:
    """The likeliest readings the bot can offer: intents with a label, and for
    the FAQ family the entry the response selector ranks first."""
    offerable = set(offerable)
    candidates: List[Candidate] = []
    for item in ranking:
        name = item.get("name")
        if name in NOT_OFFERED:
            continue
        if name == FAQ_INTENT:
            key = faq_key(faq_ranking[0]) if faq_ranking else None
            if key:
                candidates.append(Candidate(FAQ_INTENT, key))
        elif name in offerable:
            candidates.append(Candidate(name))
        if len(candidates) == limit:
            break
    return candidates


def faq_key(selected: Mapping[str, Any]) -> Optional[str]:
    """'faq/vneid_no_otp' (a response selector result) -> 'vneid_no_otp'."""
    key = selected.get("intent_response_key") or ""
    return key.split("/", 1)[1] if key.startswith(FAQ_INTENT + "/") else None


def payload(intent: str, entities: Optional[Dict[str, str]] = None) -> str:
    """A button payload that Rasa reads as the intent, without the NLU."""
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def service_payload(intent: str, service: Optional[str]) -> str:
    return payload(intent, {"service": service} if service else None)


def faq_payload(entry_id: str) -> str:
    return payload(FAQ_INTENT, {"faq": entry_id})
