"""Rasa component: a message carrying an ID or phone number gets the
`personal_data` intent, whatever the classifier thought, so the bot answers
that it does not need such numbers (and does not echo them)."""

from __future__ import annotations

import sys
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

import bot.personal_data
from bot.nlu import fingerprint
from bot.personal_data import contains_personal_data

INTENT_NAME = "personal_data"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonalDataClassifier(GraphComponent):
    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The number patterns live in bot.personal_data."""
        return fingerprint.digest(bot.personal_data, sys.modules[__name__])

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "PersonalDataClassifier":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if contains_personal_data(text):
                intent = {"name": INTENT_NAME, "confidence": 1.0}
                ranking = [intent] + [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != INTENT_NAME]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
