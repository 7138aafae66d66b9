"""Shared fixtures: real local processes, never mocks.

`catalogue_service` starts the catalogue HTTP service on a free port with its
own SQLite file; `trained_model` trains the Rasa model (Rasa's cache makes an
unchanged model quick); `stack` starts catalogue + actions + Rasa + web.
Helpers live in tests/support; tests import them from there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from bot.config import Settings
from tests.support import CatalogueProcess, Stack, isolated_settings, own_stack
from tools.training import train

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@pytest.fixture(scope="session")
def catalogue_service(tmp_path_factory) -> Iterator[CatalogueProcess]:
    service = CatalogueProcess(isolated_settings(tmp_path_factory.mktemp("catalogue"))).start()  # dates come from callers
    yield service
    service.stop()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    return train(Settings.from_env())


@pytest.fixture(scope="session")
def stack(tmp_path_factory, trained_model) -> Iterator[Stack]:
    with own_stack(tmp_path_factory.mktemp("stack"), trained_model) as running:
        yield running
