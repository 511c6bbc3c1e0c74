"""Test-session settings shared by the tests, the doctests in ``src`` and the docs."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _isolated_data_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point ``WENMING_DATA`` at an empty folder for the whole run.

    A copy of the national tables that ``wenming divisions fetch`` made on this
    machine must not change what the tests see (``national_table()`` with no
    argument reads it). Subprocesses inherit the setting.
    """
    before = os.environ.get("WENMING_DATA")
    os.environ["WENMING_DATA"] = str(tmp_path_factory.mktemp("wenming-data"))
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("WENMING_DATA", None)
        else:
            os.environ["WENMING_DATA"] = before
