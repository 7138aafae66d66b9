"""Rasa component: a message none of whose words the assistant has ever seen
(in its training examples or the catalogue's service names) is a miss.

A classifier always spreads its confidence over the intents it knows, so
"asdkjh qwe" can still look like a question; this guard sends such input to
`nlu_fallback` (and so to "Có phải anh/chị muốn hỏi…?" / the hand-over)
instead of a confident wrong answer.  In the Rasa server, the words of service
names added to the catalogue after training count as seen
(`bot.nlu.live_names`), so a new alias is not taken for gibberish.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, Dict, Iterable, List, Optional, Set, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import raise_warning

import bot.vietnamese
from bot.nlu import fingerprint, live_names
from bot.nlu.normalizer import VietnameseNormalizer, normalized_attribute
from bot.nlu.service_entities import CHANNEL_LOOKUP_PREFIX, service_terms
from bot.vietnamese import AlignedText, folded_words, normalize

FALLBACK = "nlu_fallback"
UNKNOWN_WORDS = "unknown_words"  # set in the parse result, so the bot knows not to guess


def known_words(texts: Iterable[str]) -> Set[str]:
    """The folded words of `texts`, as messages are compared with them."""
    words: Set[str] = set()
    for text in texts:
        words |= {w for w, _ in folded_words(normalize(text))}
    return words


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
        self.trained_vocabulary = vocabulary
        self.vocabulary = vocabulary  # with the words of the live service names, if any
        self._live_version: Optional[int] = None  # the live names' version in `vocabulary` (None: trained only)
        self._live_lock = threading.Lock()

    @classmethod
    def create(cls, config, model_storage, resource, execution_context: ExecutionContext) -> "UnknownWordsFallback":
        return cls(config, model_storage, resource, set())

    def train(self, training_data: TrainingData) -> Resource:
        words = known_words(message.get(TEXT) for message in training_data.intent_examples)
        for terms in [*service_terms(training_data).values(), *service_terms(training_data, CHANNEL_LOOKUP_PREFIX).values()]:
            words |= known_words(terms)
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

    def current_vocabulary(self) -> Set[str]:
        """The vocabulary with the latest live names' words, rebuilt once per catalogue version."""
        live = live_names.current()
        version = live.version if live else None
        if version != self._live_version:
            with self._live_lock:
                if version != self._live_version:
                    extra = known_words(live.all_names()) if live else set()
                    self.vocabulary = self.trained_vocabulary | extra
                    self._live_version = version
        return self.vocabulary

    def process(self, messages: List[Message]) -> List[Message]:
        if not self.trained_vocabulary:  # the model has none: the guard is off, live names or not
            return messages
        vocabulary = self.current_vocabulary()
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):  # a button payload, not typed text
                continue
            aligned = message.get(normalized_attribute(TEXT)) or AlignedText.identity(text)
            words = [w for w, _ in folded_words(aligned) if not w.isdigit()]
            if words and not any(w in vocabulary for w in words):
                message.set(UNKNOWN_WORDS, True, add_to_output=True)
                message.set(INTENT, {"name": FALLBACK, "confidence": 1.0}, add_to_output=True)
                ranking = message.get(INTENT_RANKING_KEY, [])
                message.set(INTENT_RANKING_KEY, [{"name": FALLBACK, "confidence": 1.0}] + ranking, add_to_output=True)
        return messages
