"""Build our Rasa components the way Rasa does: create, train, persist, load."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLReader

from bot.catalogue.files import Layout, read_all
from bot.config import ROOT
from bot.nlu.normalizer import VietnameseNormalizer
from bot.nlu.service_entities import CatalogueServiceExtractor
from bot.nlu.tokenizer import VietnameseTokenizer
from tools.training import training_data_from_catalogue

CONFIGS: Dict[type, Dict[str, Any]] = {
    VietnameseNormalizer: {"abbreviations_path": str(ROOT / "data/lang/abbreviations.yml")},
    VietnameseTokenizer: {"custom_words_path": str(ROOT / "data/lang/words.txt")},
    CatalogueServiceExtractor: {"fillers_path": str(ROOT / "data/lang/fillers.yml")},
}


def catalogue_training_data() -> TrainingData:
    """The training data `make train` generates from the seed catalogue (service names as lookup tables)."""
    records = read_all(Layout.under(ROOT / "data"))
    services = {rid: r for (kind, rid), r in records.items() if kind == "service"}
    files = training_data_from_catalogue(services, {})  # type: ignore[arg-type]
    return RasaYAMLReader().reads(files["catalogue.yml"])


def trained_then_loaded(tmp_path: Path, overrides: Dict[type, Dict[str, Any]] = None) -> List[Any]:
    """Normaliser, tokenizer and extractor, trained and re-loaded from storage."""
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    loaded = []
    for cls, config in CONFIGS.items():
        config = {**cls.get_default_config(), **config, **(overrides or {}).get(cls, {})}
        resource = Resource(cls.__name__)
        component = cls.create(config, storage, resource, context)
        component.train(catalogue_training_data())
        loaded.append(cls.load(config, storage, resource, context))
    return loaded


def process(components: List[Any], text: str) -> Message:
    message = Message(data={"text": text})
    for component in components:
        component.process([message])
    return message
