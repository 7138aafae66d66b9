"""What every action shares: the answerer (built on first use, not at import)
and sending a `Reply` with the metadata the widget attaches to feedback."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.catalogue.client import CatalogueClient
from bot.config import Settings
from bot.replies.answers import Answerer, Reply
from bot.replies.aspects import Aspect
from bot.replies.dialogue import FAQ_INTENT, Turn, faq_key
from bot.replies.ranking import LineRanker
from bot.replies.render import today_in_vietnam


@lru_cache(maxsize=1)
def answerer() -> Answerer:
    settings = Settings.from_env()
    today = (lambda: settings.today) if settings.today else today_in_vietnam
    client = CatalogueClient(settings.catalogue_url, timeout=settings.catalogue_timeout)
    return Answerer(client, today, LineRanker.from_files(settings.lexicon_path, settings.ranking_path))


def turn(tracker: Tracker) -> Turn:
    """The latest user message as plain data for `Answerer.respond`."""
    message = tracker.latest_message or {}
    selector = (message.get("response_selector") or {}).get(FAQ_INTENT) or {}
    entities = message.get("entities") or []
    text = message.get("text") or ""
    return Turn(
        text=text,
        question=without_names(text, [e for e in entities if e.get("entity") == "service"],
                               message.get("spelling") or []),
        intent=latest_intent(tracker),
        ranking=message.get("intent_ranking") or [],
        faq_selected=faq_key(selector.get("response") or {}),
        faq_ranking=selector.get("ranking") or [],
        services_named=[e["value"] for e in sorted(  # the longest name first: the most specific
            (e for e in entities if e.get("entity") == "service" and e.get("value")),
            key=lambda e: -(int(e.get("end", 0)) - int(e.get("start", 0))))],
        service_slot=tracker.get_slot("service"),
        aspect_slot=tracker.get_slot("aspect"),
        faq_button=next((e["value"] for e in entities if e.get("entity") == "faq"), None),
        unknown_words=bool(message.get("unknown_words")),
        events=list(tracker.events),
    )


def without_names(text: str, entities: List[Dict[str, Any]], mends: List[Dict[str, Any]] = ()) -> str:
    """The message with the service names cut out and the NLU's typo mends
    applied (both as spans of the original text), for ranking fact lines."""
    edits = [(e, " ") for e in entities] + [
        (m, f" {m.get('value', '')} ") for m in mends
        if not any(int(e.get("start", 0)) < int(m.get("end", 0)) and int(m.get("start", 0)) < int(e.get("end", 0))
                   for e in entities)]
    for span, new in sorted(edits, key=lambda edit: -int(edit[0].get("start", 0))):
        start, end = int(span.get("start", 0)), int(span.get("end", 0))
        if 0 <= start < end <= len(text):
            text = text[:start] + new + text[end:]
    return text


def aspect_kept(reply: Reply) -> List[Dict[str, Any]]:
    """Remember the aspect a service answer gave, for "còn khai sinh thì sao?"."""
    return [SlotSet("aspect", reply.aspect)] if reply.aspect in {a.value for a in Aspect} else []


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def send(dispatcher: CollectingDispatcher, reply: Reply, tracker: Tracker) -> None:
    """The reply, then its intent, service, kind and aspect as a custom message
    (the web widget attaches them to 👍/👎 feedback; evaluation and the
    analytics projection read them)."""
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
    meta = {"intent": latest_intent(tracker), "service": tracker.get_slot("service"), "kind": reply.kind,
            "aspect": reply.aspect}
    dispatcher.utter_message(json_message={"data": {"meta": meta}})
