"""What every action shares: the answerer (built on first use, not at import)
and sending a `Reply` with the metadata the widget attaches to feedback."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.catalogue.client import CatalogueClient
from bot.config import Settings
from bot.replies.answers import Answerer, Reply
from bot.replies.render import today_in_vietnam


@lru_cache(maxsize=1)
def answerer() -> Answerer:
    settings = Settings.from_env()
    today = (lambda: settings.today) if settings.today else today_in_vietnam
    return Answerer(CatalogueClient(settings.catalogue_url, timeout=settings.catalogue_timeout), today)


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def send(dispatcher: CollectingDispatcher, reply: Reply, tracker: Tracker) -> None:
    """The reply, then its intent, service and kind as a custom message (the
    web widget attaches them to 👍/👎 feedback; evaluation reads the kind)."""
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
    meta = {"intent": latest_intent(tracker), "service": tracker.get_slot("service"), "kind": reply.kind}
    dispatcher.utter_message(json_message={"data": {"meta": meta}})
