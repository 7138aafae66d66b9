"""Rasa component: a message carrying an ID or phone number gets the
`personal_data` intent, whatever the classifier thought, so the bot answers
that it does not need such numbers (and does not echo them).  A message
without one never gets it, even if its wording resembles those examples."""

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
FALLBACK = "nlu_fallback"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class PersonalDataClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # below this confidence the next reading is not trusted (as FallbackClassifier's threshold)
        return {"threshold": 0.4}

    def __init__(self, config: Dict[Text, Any]) -> None:
        self._config = config

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
        return cls(config)

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            others = [r for r in message.get(INTENT_RANKING_KEY, []) if r.get("name") != INTENT_NAME]
            if contains_personal_data(text):
                intent = {"name": INTENT_NAME, "confidence": 1.0}
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent] + others, add_to_output=True)
            elif (message.get(INTENT) or {}).get("name") == INTENT_NAME:
                # the classifier guessed it from the wording, but there is no number: the next
                # reading if it is sure enough, otherwise "not understood"
                following = others[0] if others else {"name": FALLBACK, "confidence": 0.0}
                if following.get("confidence", 0.0) < self._config["threshold"]:
                    following = {"name": FALLBACK, "confidence": 1.0 - following.get("confidence", 0.0)}
                message.set(INTENT, dict(following), add_to_output=True)
                message.set(INTENT_RANKING_KEY, others, add_to_output=True)
        return messages
