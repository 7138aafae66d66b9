"""Questions about a service's facts, and the lists of services."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker

from actions.replying import answerer, aspect_kept, latest_intent, send, turn


class ActionAnswerService(Action):
    def name(self) -> Text:
        return "action_answer_service"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        reply = await asyncio.to_thread(answerer().respond, turn(tracker))
        send(dispatcher, reply, tracker)
        return aspect_kept(reply)


class ActionListServices(Action):
    def name(self) -> Text:
        return "action_list_services"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        which = answerer().services_in_vneid if latest_intent(tracker) == "ask_vneid_services" else answerer().list_services
        send(dispatcher, await asyncio.to_thread(which), tracker)
        return []
