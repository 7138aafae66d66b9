"""Shared fixtures: real local processes, never mocks.

`catalogue_service` starts the catalogue HTTP service on a free port with its
own SQLite file; `trained_model` trains the Rasa model if it is stale (the same
model `make run` uses); `stack` starts catalogue + actions + Rasa.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from bot.config import ROOT, Settings
from bot.stack import Stack, stack_env, wait_healthy
from bot.training import model_path, train

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_for(tmp: Path) -> Settings:
    base = Settings.from_env()
    catalogue_port = free_port()
    return replace(
        base,
        rasa_port=free_port(),
        action_port=free_port(),
        catalogue_port=catalogue_port,
        web_port=free_port(),
        catalogue_url=f"http://127.0.0.1:{catalogue_port}",
        database_url=f"sqlite:///{tmp / 'catalogue.db'}",
        tracker_store_url=f"sqlite:///{tmp / 'tracker.db'}",
        var_dir=tmp,
    )


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
    service = CatalogueProcess(settings_for(tmp_path_factory.mktemp("catalogue"))).start()
    yield service
    service.stop()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    settings = Settings.from_env()
    return train(settings.model_dir)


@pytest.fixture(scope="session")
def stack(tmp_path_factory, trained_model) -> Iterator[Stack]:
    settings = settings_for(tmp_path_factory.mktemp("stack"))
    running = Stack(settings, model_path(settings.model_dir))
    running.start()
    yield running
    running.stop()


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
