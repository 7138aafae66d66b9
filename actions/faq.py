"""Answers from FAQ records: the `faq` retrieval intent, one rule."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker

from actions.replying import answerer, send
from bot.replies.dialogue import FAQ_INTENT, faq_key


def selected_faq(tracker: Tracker) -> Optional[str]:
    """The entry the response selector chose, or the one a button named."""
    selected = ((tracker.latest_message.get("response_selector") or {}).get(FAQ_INTENT) or {}).get("response") or {}
    return faq_key(selected) or next(tracker.get_latest_entity_values("faq"), None)


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(self, dispatcher, tracker: Tracker, domain) -> List[Dict[Text, Any]]:
        send(dispatcher, await asyncio.to_thread(answerer().faq, selected_faq(tracker)), tracker)
        return []
