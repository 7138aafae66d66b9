"""A stack of the browser tests' own (module scope), so these tests start
from a live catalogue even if other tests stopped one.  The browser itself
(Debian's Chromium driven by Playwright) is a fixture in tests/conftest.py."""

from typing import Iterator

import pytest

from tests.support import Stack, own_stack


@pytest.fixture(scope="module")
def web_stack(tmp_path_factory, trained_model) -> Iterator[Stack]:
    with own_stack(tmp_path_factory.mktemp("web"), trained_model) as running:
        yield running
