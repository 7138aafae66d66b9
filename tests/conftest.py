"""Shared fixtures: real local processes, never mocks.

`catalogue_service` starts the catalogue HTTP service on a free port with its
own SQLite file; `trained_model` trains the Rasa model if it is stale (the same
model `make run` uses); `stack` starts catalogue + actions + Rasa.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

from bot.config import ROOT, Settings
from bot.stack import Stack, free_port, isolated_settings, stack_env, wait_healthy  # noqa: F401 (free_port: used by tests)
from bot.training import model_path, train

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


@contextmanager
def own_stack(tmp: Path) -> Iterator[Stack]:
    """The whole stack on free ports with its own databases."""
    settings = isolated_settings(tmp)
    running = Stack(settings, model_path(settings.model_dir))
    running.start()
    try:
        yield running
    finally:
        running.stop()


class CatalogueProcess:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.catalogue_url
        self.process: subprocess.Popen = None  # type: ignore[assignment]

    def start(self) -> "CatalogueProcess":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "catalogue", "serve"],
            cwd=ROOT,
            env=stack_env(self.settings),
        )
        assert wait_healthy(f"{self.url}/health", self.process, 60), "catalogue service did not start"
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


@pytest.fixture(scope="session")
def catalogue_service(tmp_path_factory) -> Iterator[CatalogueProcess]:
    service = CatalogueProcess(isolated_settings(tmp_path_factory.mktemp("catalogue"))).start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    settings = Settings.from_env()
    return train(settings.model_dir)


@pytest.fixture(scope="session")
def stack(tmp_path_factory, trained_model) -> Iterator[Stack]:
    with own_stack(tmp_path_factory.mktemp("stack")) as running:
        yield running


def post_json(url: str, payload: dict, timeout: float = 30) -> object:
    import json

    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False
