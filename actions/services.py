"""Questions about a service's facts, and the lists of services."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.replying import answerer, latest_intent, send
from bot.replies.dialogue import aspect_for


class ActionAnswerService(Action):
    def name(self) -> Text:
        return "action_answer_service"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        aspect = aspect_for(latest_intent(tracker), tracker.get_slot("aspect"))
        send(dispatcher, await asyncio.to_thread(answerer().answer, tracker.get_slot("service"), aspect), tracker)
        return [SlotSet("aspect", aspect.value)]


class ActionListServices(Action):
    def name(self) -> Text:
        return "action_list_services"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        which = answerer().services_in_vneid if latest_intent(tracker) == "ask_vneid_services" else answerer().list_services
        send(dispatcher, await asyncio.to_thread(which), tracker)
        return []
