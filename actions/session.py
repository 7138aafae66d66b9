"""The conversation around the questions: welcome, greetings, small talk,
and what to do when the NLU did not understand."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted

from actions.replying import answerer, latest_intent, send
from bot.replies.dialogue import consecutive_misses, user_turns_this_session

# intent -> phrase of the dialogue (data/lang/replies.yml) said in reply
PHRASE_FOR_INTENT = {
    "goodbye": "goodbye",
    "thank": "thank",
    "out_of_scope": "out_of_scope",
    "personal_data": "personal_data",
}


class ActionSessionStart(Action):
    """Start every conversation with the welcome and the main topics."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        send(dispatcher, await asyncio.to_thread(answerer().welcome), tracker)
        return [SessionStarted(), ActionExecuted("action_listen")]


class ActionGreet(Action):
    """Answer a greeting, unless the welcome was just shown for this session."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        if len(user_turns_this_session(tracker.events)) > 1:
            send(dispatcher, await asyncio.to_thread(answerer().welcome, False), tracker)
        return []


class ActionSay(Action):
    """Small talk and fixed answers, worded in the phrasebook."""

    def name(self) -> Text:
        return "action_say"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        key = PHRASE_FOR_INTENT.get(latest_intent(tracker) or "", "out_of_scope")
        send(dispatcher, await asyncio.to_thread(answerer().say, key), tracker)
        return []


class ActionClarify(Action):
    """NLU unsure: offer the likeliest readings; on the second miss in a row,
    hand over to the hotline / one-stop desk."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        message = tracker.latest_message
        faq_ranking = ((message.get("response_selector") or {}).get("faq") or {}).get("ranking") or []
        reply = await asyncio.to_thread(
            answerer().after_miss,
            message.get("intent_ranking") or [],
            faq_ranking,
            tracker.get_slot("service"),
            consecutive_misses(tracker.events),
        )
        send(dispatcher, reply, tracker)
        return []
