"""The VNeID activation guide, one step at a time, with "next" and "stuck"."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet

from actions.replying import answerer, latest_intent, send


class ActionVneidStep(Action):
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
        send(dispatcher, await asyncio.to_thread(answerer().vneid_step, step, stuck), tracker)
        return [SlotSet("vneid_step", float(step))]
