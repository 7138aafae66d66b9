"""Custom actions.  Thin on purpose: read the tracker, call `bot.answering`,
send the reply.  The catalogue client is blocking (requests), so each call
runs in a worker thread to keep the action server's event loop free."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.answering import Answerer, Reply, aspect_for
from bot.catalogue.answers import load_replies
from bot.catalogue.client import CatalogueClient
from bot.config import Settings

_settings = Settings.from_env()
_answerer = Answerer(
    CatalogueClient(_settings.catalogue_url, timeout=_settings.catalogue_timeout),
    load_replies(str(_settings.replies_path)),
)


def latest_intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def send(dispatcher: CollectingDispatcher, reply: Reply, tracker: Optional[Tracker] = None) -> None:
    """Send the reply; with a tracker, also the answer's intent and service
    (a custom message the web widget attaches to 👍/👎 feedback)."""
    dispatcher.utter_message(text=reply.text, buttons=reply.buttons or None)
    if tracker is not None:
        meta = {"intent": latest_intent(tracker), "service": tracker.get_slot("service")}
        dispatcher.utter_message(json_message={"data": {"meta": meta}})


def user_turns_this_session(tracker: Tracker) -> List[Dict[str, Any]]:
    turns: List[Dict[str, Any]] = []
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") == "user":
            turns.append(event)
    return turns  # newest first


def consecutive_misses(tracker: Tracker) -> int:
    misses = 0
    for event in user_turns_this_session(tracker):
        if ((event.get("parse_data") or {}).get("intent") or {}).get("name") != "nlu_fallback":
            break
        misses += 1
    return max(misses, 1)


class ActionAnswerService(Action):
    def name(self) -> Text:
        return "action_answer_service"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        aspect = aspect_for(latest_intent(tracker), tracker.get_slot("aspect"))
        reply = await asyncio.to_thread(_answerer.answer, tracker.get_slot("service"), aspect)
        send(dispatcher, reply, tracker)
        return [SlotSet("aspect", aspect.value)]


class ActionAnswerFaq(Action):
    """Rules (data/rules/faq.yml) route FAQ intents here; the intent is the FAQ id."""

    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        entry_id = latest_intent(tracker) or ""
        send(dispatcher, await asyncio.to_thread(_answerer.faq, entry_id), tracker)
        return []


class ActionListServices(Action):
    def name(self) -> Text:
        return "action_list_services"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        if latest_intent(tracker) == "ask_vneid_services":
            reply = await asyncio.to_thread(_answerer.services_in_vneid)
        else:
            reply = await asyncio.to_thread(_answerer.list_services)
        send(dispatcher, reply, tracker)
        return []


class ActionVneidStep(Action):
    """The activation guide one step at a time, with "next" and "stuck" buttons."""

    def name(self) -> Text:
        return "action_vneid_step"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        intent = latest_intent(tracker)
        current = int(tracker.get_slot("vneid_step") or 0)
        if intent == "vneid_stuck":
            step, stuck = max(current, 1), True
        elif intent == "vneid_next_step":
            step, stuck = current + 1, False
        else:
            step, stuck = 1, False
        send(dispatcher, await asyncio.to_thread(_answerer.vneid_step, step, stuck), tracker)
        return [SlotSet("vneid_step", float(step))]


class ActionClarify(Action):
    """NLU unsure: offer the two likeliest readings; on the second miss in a
    row, hand over to the hotline / one-stop desk."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        reply = _answerer.clarify(ranking, tracker.get_slot("service"), consecutive_misses(tracker))
        send(dispatcher, reply)
        return []


class ActionSessionStart(Action):
    """Start every conversation with the welcome and the main topics."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        send(dispatcher, _answerer.welcome())
        return [SessionStarted(), ActionExecuted("action_listen")]


class ActionGreet(Action):
    """Answer a greeting, unless the welcome was just shown for this session."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        if len(user_turns_this_session(tracker)) > 1:
            send(dispatcher, _answerer.welcome(first_of_session=False))
        return []
