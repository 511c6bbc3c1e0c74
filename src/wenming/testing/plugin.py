"""A pytest plugin: wenming fixtures for any project's test suite.

Installed with wenming (a ``pytest11`` entry point), so a downstream project's
tests can ask for these fixtures by name, with no ``conftest.py`` and no import:

``wenming_network``
    A fresh copy of the Ziyang County reference network (a new object per test:
    edit it freely).
``wenming_network_factory``
    ``make(seed=0, counties=1, **options)`` → a seeded synthetic network
    (:func:`wenming.testing.factories.synthetic_network`); the same arguments
    give the same network.
``wenming_ledger``
    An in-memory points ledger under the shipped household conduct card
    (:func:`wenming.points.conduct_card`), closed after the test.
``wenming_sqlite_ledger``
    The same as a real SQLite file in the test's ``tmp_path``, closed after
    the test; its path is ``ledger.store.path``.
``wenming_division_table``
    The national 2023 division tables (:func:`wenming.divisions.national_table`,
    read once per session). wenming ships none: a test that asks for them is
    *skipped*, with a reason saying how to get them, where there are none
    (``wenming divisions fetch`` once, or ``WENMING_DIVISIONS``); a damaged
    fetched copy fails the test.

Options: ``--wenming-seed N`` changes the factory's default seed (to shake out
tests that depend on one particular network).

Examples
--------
In a downstream project's ``tests/test_dashboard.py``::

    def test_every_town_has_an_institute(wenming_network):
        from wenming import coverage
        assert coverage(wenming_network).towns.full

    def test_scales_to_a_few_counties(wenming_network_factory):
        net = wenming_network_factory(seed=3, counties=4)
        assert len(net.sites) > 100
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from wenming.network import Network

__all__ = [
    "pytest_addoption",
    "wenming_division_table",
    "wenming_ledger",
    "wenming_network",
    "wenming_network_factory",
    "wenming_sqlite_ledger",
]


def pytest_addoption(parser: pytest.Parser) -> None:
    """Add ``--wenming-seed``."""
    group = parser.getgroup("wenming", "wenming fixtures")
    group.addoption(
        "--wenming-seed",
        type=int,
        default=0,
        help="default seed of the wenming_network_factory fixture (default 0)",
    )


@pytest.fixture
def wenming_network() -> Network:
    """A fresh copy of the Ziyang County reference network."""
    from wenming.datasets import ziyang

    return ziyang()


@pytest.fixture
def wenming_network_factory(request: pytest.FixtureRequest) -> Callable[..., Network]:
    """``make(seed=..., counties=..., **options)``: a seeded synthetic network."""
    from wenming.testing.factories import synthetic_network

    default_seed = int(request.config.getoption("--wenming-seed", default=0) or 0)

    def make(*, seed: int | None = None, counties: Any = 1, **options: Any) -> Network:
        return synthetic_network(
            seed=default_seed if seed is None else seed, counties=counties, **options
        )

    return make


@pytest.fixture
def wenming_ledger() -> Iterator[Any]:
    """An in-memory points ledger under the household conduct card."""
    from wenming.points import Ledger, conduct_card

    ledger = Ledger.in_memory(conduct_card())
    try:
        yield ledger
    finally:
        ledger.close()


@pytest.fixture
def wenming_sqlite_ledger(tmp_path: Path) -> Iterator[Any]:
    """A points ledger in a real SQLite file under ``tmp_path``."""
    from wenming.points import Ledger, conduct_card

    ledger = Ledger.create(tmp_path / "ledger.sqlite", conduct_card())
    try:
        yield ledger
    finally:
        ledger.close()


@pytest.fixture(scope="session")
def wenming_division_table() -> Any:
    """The national division tables, or a skip saying how to get them."""
    from wenming.divisions import national_table

    try:
        return national_table()
    except LookupError as exc:  # none at all; damaged tables fail instead
        pytest.skip(f"no national division tables: {exc}")
