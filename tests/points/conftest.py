"""Fixtures for the points tests: the same ledger API over memory and a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wenming.points import Ledger, PointsScheme

MakeLedger = Callable[[PointsScheme], Ledger]


@pytest.fixture(params=["memory", "sqlite"])
def make_ledger(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MakeLedger]:
    """Build ledgers of a scheme, in memory or in a SQLite file under ``tmp_path``."""
    opened: list[Ledger] = []

    def make(scheme: PointsScheme) -> Ledger:
        if request.param == "memory":
            ledger = Ledger.in_memory(scheme)
        else:
            ledger = Ledger.create(
                tmp_path / f"l{len(opened)}.ledger", scheme, synchronous="normal"
            )
        opened.append(ledger)
        return ledger

    yield make
    for ledger in opened:
        ledger.close()
