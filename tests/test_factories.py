from __future__ import annotations

from pathlib import Path

import pytest

from wenming import DivisionTable, SiteKind, coverage, validate
from wenming.testing.factories import synthetic_network

TABLES = Path(__file__).resolve().parents[2] / "shared" / "data" / "divisions-2023"


def test_same_seed_same_network_other_seed_other_network() -> None:
    assert synthetic_network(seed=5, counties=2) == synthetic_network(seed=5, counties=2)
    assert synthetic_network(seed=5, counties=2) != synthetic_network(seed=6, counties=2)


def test_synthetic_codes_are_valid_and_fully_covered() -> None:
    net = synthetic_network(seed=0, counties=3, points_per_station=1.0)
    assert validate(net) == ()
    counts = net.counts()
    assert counts[SiteKind.CENTRE] == 3
    assert counts[SiteKind.POINT] == counts[SiteKind.STATION]
    assert coverage(net).full
    assert "synthetic" in net.description


def test_on_the_real_tables() -> None:
    if not TABLES.exists():
        pytest.skip("the shared division tables are not here")
    table = DivisionTable.read_csv_dir(TABLES, edition="2023", counties=["610924"])
    net = synthetic_network(seed=1, table=table, counties=None, villages_per_town=(2, 2))
    assert validate(net) == ()
    assert net.counts()[SiteKind.INSTITUTE] == 17
    assert net.counts()[SiteKind.STATION] == 34
    assert net.division("610924101").name == "蒿坪镇"
    assert "2023 tables" in net.description
