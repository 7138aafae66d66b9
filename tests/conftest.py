"""Shared fixtures: real local processes, never mocks.

`catalogue_service` starts the catalogue HTTP service on a free port with its
own SQLite file; `trained_model` trains the Rasa model (Rasa's cache makes an
unchanged model quick); `stack` starts catalogue + actions + Rasa + web;
`browser` is Debian's Chromium driven by Playwright, `page` a fresh tab.
Helpers live in tests/support; tests import them from there.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from bot.config import Settings
from tests.support import CatalogueProcess, Stack, isolated_settings, own_stack
from tests.support.browser import ARTIFACTS, CHROMIUM, FLAGS
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert Path(CHROMIUM).exists(), "run `python3 tools/bootstrap.py --browser` (make test does)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, request) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    page = context.new_page()
    page.set_default_timeout(30000)
    page.on("console", lambda m: print("browser console:", m.type, m.text))
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()
