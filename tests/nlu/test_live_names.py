"""A service alias added to the catalogue is understood by the trained NLU
components within 5 s, through a real catalogue service (bot.nlu.live_names)."""

import logging
import time

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.loading import load_data

from bot.catalogue.models import Alias
from bot.catalogue.store import CatalogueStore
from bot.nlu import live_names
from bot.nlu.unknown_words import UNKNOWN_WORDS, UnknownWordsFallback
from tests.support import ROOT, CatalogueProcess, isolated_settings, wait_until
from tests.support.nlu import catalogue_training_data, process, trained_then_loaded

SERVICE = "dang_ky_tam_tru"
ALIAS = "giấy thông hành xanh ngọc"  # made up: no service is called this
NEW_WORDS = "xanh ngọc"  # its words the assistant has never seen


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    """Normaliser, tokenizer, service extractor and the unknown-words guard,
    trained on the seed catalogue's names and the hand-written examples."""
    components = trained_then_loaded(tmp_path_factory.mktemp("model"))
    storage = LocalModelStorage(tmp_path_factory.mktemp("guard"))
    context = ExecutionContext(GraphSchema({}), "test")
    resource = Resource(UnknownWordsFallback.__name__)
    guard = UnknownWordsFallback.create({}, storage, resource, context)
    guard.train(catalogue_training_data().merge(load_data(str(ROOT / "data" / "nlu"))))
    return [*components, UnknownWordsFallback.load({}, storage, resource, context)]


@pytest.fixture
def catalogue(tmp_path):
    settings = isolated_settings(tmp_path)
    service = CatalogueProcess(settings).start()
    try:
        yield service
    finally:
        live_names.disable()
        service.stop()


def services(pipeline, text):
    return [(e["value"], text[e["start"]:e["end"]]) for e in process(pipeline, text).get("entities", [])
            if e["entity"] == "service"]


def unknown(pipeline, text):
    return bool(process(pipeline, text).get(UNKNOWN_WORDS))


def test_a_new_alias_is_understood_within_5_s_and_kept_while_the_catalogue_is_down(pipeline, catalogue, caplog):
    poller = live_names.enable(catalogue.url, catalogue.settings.live_names_seconds, timeout=1.0)
    assert wait_until(lambda: live_names.current() is not None, timeout=10), "no names read from the catalogue"
    text = f"làm {ALIAS} cần gì"
    assert services(pipeline, text) == [] and unknown(pipeline, NEW_WORDS)
    assert services(pipeline, "đk tạm trú cần gì") == [(SERVICE, "đk tạm trú")]  # trained names still work

    store = CatalogueStore(catalogue.settings.database_url)
    record = store.get("service", SERVICE)
    store.put("service", record.copy(update={"aliases": [*record.aliases, Alias(name=ALIAS)]}),
              "test@example", "a name people use")
    started = time.monotonic()
    assert wait_until(lambda: services(pipeline, text) == [(SERVICE, ALIAS)], timeout=5), \
        "the new alias was not understood within 5 s"
    assert time.monotonic() - started < 5
    assert services(pipeline, "lam giay thong hanh xanh ngoc") == [(SERVICE, "giay thong hanh xanh ngoc")]
    assert not unknown(pipeline, NEW_WORDS)
    assert services(pipeline, "đk tạm trú cần gì") == [(SERVICE, "đk tạm trú")]

    # The catalogue goes away: one warning for the operator, the last names stay, nothing raises.
    caplog.set_level(logging.WARNING, logger=live_names.__name__)
    catalogue.stop()
    warned = lambda: [r for r in caplog.records if r.name == live_names.__name__ and r.levelno == logging.WARNING]
    assert wait_until(lambda: warned(), timeout=3 * poller.every + poller.timeout)
    time.sleep(2 * poller.every + poller.timeout)  # more failed polls: still one warning
    assert len(warned()) == 1
    assert services(pipeline, text) == [(SERVICE, ALIAS)] and not unknown(pipeline, NEW_WORDS)

    # Disabled: the trained names alone, as without live names.
    live_names.disable()
    assert services(pipeline, text) == [] and unknown(pipeline, NEW_WORDS)
    assert services(pipeline, "đk tạm trú cần gì") == [(SERVICE, "đk tạm trú")]
