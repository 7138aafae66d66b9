"""Recognise which public service a message is about, from catalogue aliases.

The `service` entity is not learned from annotated examples: it is matched
against every name and alias in the catalogue (accent- and case-insensitive,
after abbreviation expansion).  The names reach the component through the
training data, as lookup tables named "service:<id>" (and
"service_channel:<id>" for a channel's name, which loses to any other service
named beside it) that `make train` generates from the catalogue database, so
Rasa's cache sees them.  Matching forgives spelling variants and one typo per
long syllable (`bot.catalogue.search`).  The entity's value is the catalogue
id, its span the user's original words.

In the Rasa server, names added to the catalogue after training are merged in
as they appear (`bot.nlu.live_names`), so a new alias works without retraining.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.shared.utils.io import raise_warning

import bot.catalogue.search
import bot.vietnamese
from bot.catalogue.search import AliasMatcher, read_fillers
from bot.nlu import fingerprint, live_names
from bot.nlu.normalizer import VietnameseNormalizer, normalized_attribute
from bot.vietnamese import AlignedText

ENTITY = "service"
LOOKUP_PREFIX = "service:"
CHANNEL_LOOKUP_PREFIX = "service_channel:"


def service_terms(training_data: TrainingData, prefix: str = LOOKUP_PREFIX) -> Dict[str, List[str]]:
    """{service id: names} from the lookup tables "<prefix><id>"."""
    terms: Dict[str, List[str]] = {}
    for table in training_data.lookup_tables:
        name = table.get("name", "")
        elements = table.get("elements")
        if name.startswith(prefix) and isinstance(elements, list):
            terms.setdefault(name[len(prefix):], []).extend(str(e) for e in elements)
    return terms


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class CatalogueServiceExtractor(GraphComponent, EntityExtractorMixin):
    """Finds catalogue services by name or alias."""

    TERMS_FILE = "service_terms.json"

    @staticmethod
    def required_packages() -> List[Text]:
        return ["rapidfuzz"]

    @classmethod
    def required_components(cls) -> List[Type]:
        return [VietnameseNormalizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # small words that may stand inside a name (data/lang/fillers.yml)
        return {"fillers_path": None}

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The filler words and the matching code outside this class (alias matcher, folding)."""
        return fingerprint.digest(config.get("fillers_path"), bot.catalogue.search, bot.vietnamese, sys.modules[__name__])

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        terms: Optional[Dict[str, List[str]]] = None,
        channels: Optional[Dict[str, List[str]]] = None,
        fillers: Optional[List[str]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self.fillers = fillers if fillers is not None else read_fillers(config.get("fillers_path"))
        self.terms = terms or {}
        self.channels = channels or {}
        self.matcher = AliasMatcher(self.terms, self.channels, self.fillers)
        self._live_version: Optional[int] = None  # the live names' version in `matcher` (None: trained only)
        self._live_lock = threading.Lock()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "CatalogueServiceExtractor":
        return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        """Stores the services' names from the training data's lookup tables."""
        terms = service_terms(training_data)
        if not terms:
            raise_warning("No 'service:<id>' lookup tables in the training data; the service entity is disabled.")
        names = {"terms": terms, "channels": service_terms(training_data, CHANNEL_LOOKUP_PREFIX), "fillers": self.fillers}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / self.TERMS_FILE).write_text(json.dumps(names, ensure_ascii=False), encoding="utf-8")
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "CatalogueServiceExtractor":
        names: Dict[str, Dict[str, List[str]]] = {}
        try:
            with model_storage.read_from(resource) as directory:
                names = json.loads((directory / cls.TERMS_FILE).read_text(encoding="utf-8"))
        except (ValueError, FileNotFoundError) as error:
            raise_warning(f"Failed to load the service names from the model ({error}); the service entity is disabled.")
        return cls(config, model_storage, resource, names.get("terms"), names.get("channels"), names.get("fillers", []))

    def current_matcher(self) -> AliasMatcher:
        """The matcher for the latest live names, rebuilt once per catalogue version."""
        live = live_names.current()
        version = live.version if live else None
        if version != self._live_version:
            with self._live_lock:
                if version != self._live_version:
                    terms, channels = live.merged(self.terms, self.channels) if live else (self.terms, self.channels)
                    self.matcher = AliasMatcher(terms, channels, self.fillers)
                    self._live_version = version
        return self.matcher

    def process(self, messages: List[Message]) -> List[Message]:
        matcher = self.current_matcher()
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            aligned = message.get(normalized_attribute(TEXT)) or AlignedText.identity(text)
            entities = [
                {
                    "entity": ENTITY,
                    "start": match.start,
                    "end": match.end,
                    "value": match.service_id,
                    "confidence_entity": 1.0,
                }
                for match in matcher.find(aligned)
            ]
            entities = self.add_extractor_name(entities)
            message.set(ENTITIES, message.get(ENTITIES, []) + entities, add_to_output=True)
        return messages
