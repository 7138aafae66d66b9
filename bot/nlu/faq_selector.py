"""Rasa's ResponseSelector, run only for the messages whose FAQ entry matters.

The bot reads the selected FAQ entry when the intent is `faq`, and the FAQ
ranking when it offers readings after a miss (`nlu_fallback`).  For every
other message (most of them: a service question, a greeting) the selector's
model run was wasted, about a tenth of the Rasa server's CPU per message
(docs/benchmarks.md).  Placed after the fallback classifiers in config.yml,
so the intent it looks at is the final one.
"""

from __future__ import annotations

from typing import List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.unknown_words import FALLBACK


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class FaqResponseSelector(ResponseSelector):
    def process(self, messages: List[Message]) -> List[Message]:
        wanted = {self.retrieval_intent, FALLBACK}
        needed = [m for m in messages if ((m.get(INTENT) or {}).get(INTENT_NAME_KEY)) in wanted]
        if needed:
            super().process(needed)
        return messages
