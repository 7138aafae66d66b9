"""Questions about a service's facts, and the lists of services."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker

from actions.replying import answerer, aspect_kept, latest_intent, send, turn
from bot.replies.dialogue import VNEID_SERVICES_INTENT


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
        if latest_intent(tracker) == VNEID_SERVICES_INTENT:  # or a question about a service named with VNeID
            reply = await asyncio.to_thread(answerer().respond, turn(tracker))
        else:
            reply = await asyncio.to_thread(answerer().list_services)
        send(dispatcher, reply, tracker)
        return aspect_kept(reply)
