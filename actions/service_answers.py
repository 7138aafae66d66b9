"""Custom action: answer a question about a service from the catalogue.

Thin on purpose: read the slots, call `bot.answering`, send the reply.
"""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answering import Answerer, aspect_for
from bot.catalogue.answers import load_replies
from bot.catalogue.client import CatalogueClient
from bot.config import Settings

_settings = Settings.from_env()
_answerer = Answerer(
    CatalogueClient(_settings.catalogue_url, timeout=_settings.catalogue_timeout),
    load_replies(str(_settings.replies_path)),
)


class ActionAnswerService(Action):
    def name(self) -> Text:
        return "action_answer_service"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        aspect = aspect_for(intent, tracker.get_slot("aspect"))
        # The catalogue client is blocking (requests); keep the event loop free.
        reply = await asyncio.to_thread(_answerer.answer, tracker.get_slot("service"), aspect)
        dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
        return [SlotSet("aspect", aspect.value)]
