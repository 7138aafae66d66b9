"""A stack of the staff tests' own (module scope): they change the catalogue,
so they never share one with tests that expect the seed's answers."""

from typing import Iterator

import pytest

from tests.support import Stack, own_stack
from tests.support.staff import STAFF_ENV


@pytest.fixture(scope="module")
def staff_stack(tmp_path_factory, trained_model) -> Iterator[Stack]:
    with own_stack(tmp_path_factory.mktemp("staff"), trained_model, env=STAFF_ENV) as running:
        yield running
