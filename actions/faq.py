"""Answers from FAQ records: the `faq` retrieval intent, one rule."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker

from actions.replying import answerer, aspect_kept, send, turn


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        reply = await asyncio.to_thread(answerer().respond, turn(tracker))
        send(dispatcher, reply, tracker)
        return aspect_kept(reply)
