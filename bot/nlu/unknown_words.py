"""Rasa component: a message none of whose words the assistant has ever seen
(in its training examples or the catalogue's service names) is a miss.

A classifier always spreads its confidence over the intents it knows, so
"asdkjh qwe" can still look like a question; this guard sends such input to
`nlu_fallback` (and so to "Có phải anh/chị muốn hỏi…?" / the hand-over)
instead of a confident wrong answer.
"""

from __future__ import annotations

import json
import sys
from typing import Any, Dict, List, Optional, Set, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import raise_warning

import bot.vietnamese
from bot.nlu import fingerprint
from bot.nlu.normalizer import VietnameseNormalizer, normalized_attribute
from bot.nlu.service_entities import CHANNEL_LOOKUP_PREFIX, service_terms
from bot.vietnamese import AlignedText, folded_words, normalize

FALLBACK = "nlu_fallback"
UNKNOWN_WORDS = "unknown_words"  # set in the parse result, so the bot knows not to guess


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class UnknownWordsFallback(GraphComponent):
    VOCABULARY_FILE = "vocabulary.json"

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The word folding code outside this class."""
        return fingerprint.digest(bot.vietnamese, sys.modules[__name__])

    @classmethod
    def required_components(cls) -> List[Type]:
        return [VietnameseNormalizer]

    def __init__(self, config, model_storage: ModelStorage, resource: Resource, vocabulary: Set[str]) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext) -> "UnknownWordsFallback":
        return cls(config, model_storage, resource, set())

    def train(self, training_data: TrainingData) -> Resource:
        words: Set[str] = set()
        for message in training_data.intent_examples:
            words |= {w for w, _ in folded_words(normalize(message.get(TEXT)))}
        for terms in [*service_terms(training_data).values(), *service_terms(training_data, CHANNEL_LOOKUP_PREFIX).values()]:
            for term in terms:
                words |= {w for w, _ in folded_words(normalize(term))}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.VOCABULARY_FILE).write_text(json.dumps(sorted(words)), encoding="utf-8")
        return self._resource

    @classmethod
    def load(cls, config, model_storage, resource, execution_context, **kwargs: Any) -> "UnknownWordsFallback":
        vocabulary: Set[str] = set()
        try:
            with model_storage.read_from(resource) as directory:
                vocabulary = set(json.loads((directory / cls.VOCABULARY_FILE).read_text(encoding="utf-8")))
        except (ValueError, FileNotFoundError) as error:
            raise_warning(f"Failed to load the vocabulary from the model ({error}); the unknown-words guard is off.")
        return cls(config, model_storage, resource, vocabulary)

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.vocabulary:
            return messages
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # a button payload, not typed text
                continue
            aligned = message.get(normalized_attribute(TEXT)) or AlignedText.identity(text)
            words = [w for w, _ in folded_words(aligned) if not w.isdigit()]
            if words and not any(w in self.vocabulary for w in words):
                message.set(UNKNOWN_WORDS, True, add_to_output=True)
                message.set(INTENT, {"name": FALLBACK, "confidence": 1.0}, add_to_output=True)
                ranking = message.get(INTENT_RANKING_KEY, [])
                message.set(INTENT_RANKING_KEY, [{"name": FALLBACK, "confidence": 1.0}] + ranking, add_to_output=True)
        return messages
