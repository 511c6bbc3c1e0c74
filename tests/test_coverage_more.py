"""Coverage broken down per county and town, over time, and for links: against brute force."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_people import DAY, county
from test_township_roles import reference_counted

from wenming import Network, coverage
from wenming.coverage_more import (
    SITE_COVERAGE,
    coverage_by,
    coverage_series,
    link_coverage,
    register_site_coverage,
    site_coverage,
)
from wenming.datasets import ziyang
from wenming.divisions import DivisionLevel
from wenming.errors import InvariantError, UnknownIdError
from wenming.links import Link
from wenming.sites import SiteKind
from wenming.testing.strategies import networks, responsible_networks

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
DAYS = st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2026, 1, 1))

_KIND = {DivisionLevel.TOWN: "institute", DivisionLevel.VILLAGE: "station"}


def brute_covered(net: Network, code: str, level: DivisionLevel, day: dt.date | None) -> bool:
    return any(
        s.kind.value == _KIND[level] and s.division == code and net.exists(s.id, day)
        for s in net.sites.values()
    )


@PROPS
@given(networks(), st.sampled_from(["county", "town"]), DAYS, st.booleans())
def test_breakdown_equals_brute_force(
    net: Network, by: str, day: dt.date | None, include_statistical: bool
) -> None:
    table = coverage_by(net, by, as_of=day, include_statistical=include_statistical)
    digits = 6 if by == "county" else 9
    rows = {r.code: r for r in table}
    expected: dict[str, list[int]] = {}
    for d in net.divisions.values():
        if not reference_counted(net, d, include_statistical):
            continue
        if d.level.label == by:
            expected.setdefault(d.code.short, [0, 0, 0, 0])
        if d.level in (DivisionLevel.TOWN, DivisionLevel.VILLAGE):
            group = str(d.code)[:digits]
            row = expected.setdefault(group, [0, 0, 0, 0])
            at = 0 if d.level is DivisionLevel.TOWN else 2
            row[at] += 1
            row[at + 1] += brute_covered(net, d.code, d.level, day)
    assert {
        k: [r.towns_total, r.towns_covered, r.villages_total, r.villages_covered]
        for k, r in rows.items()
    } == expected
    assert [r.code for r in table] == sorted(rows)
    whole = coverage(net, as_of=day, include_statistical=include_statistical)
    assert sum(r.towns_covered for r in table) == whole.towns.covered
    assert sum(r.villages_covered for r in table) == whole.villages.covered
    assert sum(r.villages_total for r in table) == whole.villages.total


@PROPS
@given(networks(), st.lists(st.dates(dt.date(2015, 1, 1), dt.date(2026, 1, 1)), min_size=1))
def test_series_equals_coverage_on_each_date(net: Network, days: list[dt.date]) -> None:
    series = coverage_series(net, days)
    assert series.dates == tuple(sorted(set(days)))
    for i, day in enumerate(series.dates):
        cov = coverage(net, as_of=day)
        assert series.towns_covered[i] == cov.towns.covered
        assert series.villages_covered[i] == cov.villages.covered
        assert series.counties_covered[i] == cov.counties.covered
        assert series.towns_total == cov.towns.total
        assert series.towns_ratio[i] == cov.towns.ratio


@PROPS
@given(responsible_networks(), DAYS)
def test_link_coverage_equals_brute_force(net: Network, day: dt.date | None) -> None:
    towns, stations = link_coverage(net, as_of=day)
    table: Mapping[str, Link] = net.table("links")
    links = [
        link
        for link in table.values()
        if day is None or (link.exists_on(day) and net.get("posts", link.post).exists_on(day))
    ]
    for result, kind in ((towns, "institute"), (stations, "station")):
        sites = list(net.iter_sites(kind, as_of=day))
        assert result.total == len(sites)
        covered = [
            s.id
            for s in sites
            if any(
                (link.kind.value in ("village", "attached") and link.site == s.id)
                or (kind == "institute" and link.kind.value == "town" and link.town == s.division)
                for link in links
            )
        ]
        assert result.covered == len(covered)
        assert set(result.uncovered) == {s.id for s in sites} - set(covered)


def test_tables_and_series_read_well() -> None:
    net = ziyang()
    table = coverage_by(net, "town")
    assert len(table) == 17
    assert table.rows[0].to_dict()["towns_ratio"] == 1.0
    assert "towns" in str(table)
    assert table.to_dict()["by"] == "town"
    series = coverage_series(net, ["2023-08-01", dt.date(2010, 1, 1), "2023-08-01"])
    assert len(series.dates) == 2
    assert series.to_records()[0]["date"] == "2010-01-01"
    assert "date" in str(series)


def test_within_limits_the_rows() -> None:
    table = coverage_by(county(), "town", within="610924101", as_of=DAY)
    assert [(r.code, r.towns_covered, r.villages_covered, r.villages_total) for r in table] == [
        ("610924101", 1, 2, 2)
    ]


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvariantError, match="coverage by 'village'"):
        coverage_by(county(), "village")
    with pytest.raises(UnknownIdError, match="610925"):
        coverage_by(county(), within="610925")
    with pytest.raises(InvariantError, match="at least one date"):
        coverage_series(county(), [])
    with pytest.raises(InvariantError, match="'August'"):
        coverage_series(county(), ["August"])
    with pytest.raises(UnknownIdError, match="610925"):
        coverage_series(county(), [DAY], within="610925")


def test_site_coverage_hooks() -> None:
    c = site_coverage(county(), SiteKind.STATION, lambda s: s.id == "s", what="a squad")
    assert (c.covered, c.total, c.uncovered, c.ratio) == (1, 2, ("s2",), 0.5)
    assert c.to_dict()["what"] == "a squad"
    register_site_coverage("test-squads", lambda net, **kw: (c,))
    try:
        assert SITE_COVERAGE["test-squads"](county()) == (c,)
    finally:
        del SITE_COVERAGE["test-squads"]
    towns, stations = link_coverage(county(), as_of=DAY, within="610924101")
    assert (towns.covered, stations.covered, stations.total) == (1, 2, 2)
