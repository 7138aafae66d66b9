"""Helpers the tests share: real local processes, never mocks.

Tests import from here (never from each other or from conftest); conftest.py
turns these into fixtures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import subprocess
import sys
import time
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, List, Optional

from bot.config import ROOT, Settings
from tools.supervisor import Stack, free_port, isolated_settings, stack_env, wait_healthy
from tools.training import model_path

__all__ = ["TEST_DAY", "ROOT", "Stack", "free_port", "isolated_settings", "own_stack", "CatalogueProcess", "post_json",
           "ask", "replies", "wait_until", "seed", "seed_services", "seed_faq", "seed_phrases"]


# Stacks in tests answer as of this day, so facts with validity dates do not
# change under the tests as the calendar moves (the catalogue was checked then).
TEST_DAY = dt.date(2026, 11, 23)


@contextmanager
def own_stack(tmp: Path, model: Optional[Path] = None, settings: Optional[Settings] = None,
              log_dir: Optional[Path] = None, env: Optional[dict] = None) -> Iterator[Stack]:
    """The whole stack on free ports with its own databases, dated TEST_DAY."""
    settings = settings or dataclasses.replace(isolated_settings(tmp), today=TEST_DAY)
    running = Stack(settings, model or model_path(Settings.from_env().model_dir), log_dir=log_dir, env=env)
    running.start()
    try:
        yield running
    finally:
        running.stop()


class CatalogueProcess:
    """`python -m bot catalogue serve` as a real process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.url = settings.catalogue_url
        self.process: Optional[subprocess.Popen] = None

    def start(self) -> "CatalogueProcess":
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "catalogue", "serve"], cwd=ROOT, env=stack_env(self.settings)
        )
        assert wait_healthy(f"{self.url}/health", self.process, 60), "catalogue service did not start"
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def post_json(url: str, payload: dict, timeout: float = 30) -> object:
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def replies(stack: Stack, message: str, sender: Optional[str] = None) -> List[dict]:
    """Every message the bot sends back over REST (texts and custom metadata)."""
    url = f"http://127.0.0.1:{stack.settings.rasa_port}/webhooks/rest/webhook"
    return post_json(url, {"sender": sender or uuid.uuid4().hex, "message": message})  # type: ignore[return-value]


def ask(stack: Stack, message: str, sender: Optional[str] = None) -> str:
    """The bot's texts for one message, joined."""
    return "\n".join(r.get("text", "") for r in replies(stack, message, sender))


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def seed() -> dict:
    """Every record of the YAML seed under data/, by (kind, id)."""
    from bot.catalogue.files import Layout, read_all

    return read_all(Layout.under(ROOT / "data"))


def seed_services() -> dict:
    return {rid: r for (kind, rid), r in seed().items() if kind == "service"}


def seed_faq() -> dict:
    return {rid: r for (kind, rid), r in seed().items() if kind == "faq"}


def seed_phrases():
    from bot.catalogue.models import PHRASEBOOK_ID

    return seed()[("phrases", PHRASEBOOK_ID)]
