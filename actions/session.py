"""The conversation around the questions: welcome, greetings, small talk,
hand-over, and what to do when the NLU did not understand.  Each action hands
the message to `Answerer.respond`, which decides (a greeting in front of a
question is answered as the question)."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, SessionStarted

from actions.replying import answerer, aspect_kept, send, turn


class ActionSessionStart(Action):
    """Start every conversation with the welcome and the main topics."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        send(dispatcher, await asyncio.to_thread(answerer().welcome), tracker)
        return [SessionStarted(), ActionExecuted("action_listen")]


async def respond(dispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    reply = await asyncio.to_thread(answerer().respond, turn(tracker))
    if reply.text:  # nothing to add to a first greeting: the welcome was just sent
        send(dispatcher, reply, tracker)
    return aspect_kept(reply)


class ActionGreet(Action):
    """A greeting (the welcome was just shown for a first message) or a question behind one."""

    def name(self) -> Text:
        return "action_greet"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        return await respond(dispatcher, tracker)


class ActionSay(Action):
    """Small talk, out of scope, personal numbers, a request for a person."""

    def name(self) -> Text:
        return "action_say"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        return await respond(dispatcher, tracker)


class ActionClarify(Action):
    """NLU unsure: answer if a service is known, otherwise offer the likeliest
    readings; on the second miss in a row, hand over to people."""

    def name(self) -> Text:
        return "action_clarify"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        return await respond(dispatcher, tracker)
