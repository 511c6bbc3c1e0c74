from __future__ import annotations

from wenming import SiteKind, coverage, validate
from wenming.datasets import ziyang
from wenming.divisions import DivisionLevel

# Domain §6: the 17 towns of Ziyang County (610924), 107 unused.
TOWN_SUFFIXES = [f"{n:03d}" for n in range(100, 118) if n != 107]


def test_ziyang_reproduces_the_reported_figures() -> None:
    net = ziyang()
    assert net.counts()[SiteKind.CENTRE] == 1
    assert net.counts()[SiteKind.INSTITUTE] == 17
    towns = sorted(d.code.short for d in net.iter_divisions(DivisionLevel.TOWN))
    assert towns == [f"610924{t}" for t in TOWN_SUFFIXES]
    assert net.division("610924101").name == "蒿坪镇"
    cov = coverage(net)
    assert (cov.towns.covered, cov.towns.total) == (17, 17)
    centre = next(net.iter_sites("centre"))
    venue = net.venues_of(centre.id)[0]
    assert venue.floor_area == 240
    assert "synthetic" in net.description
    assert validate(net) == ()


def test_each_call_gives_an_independent_copy() -> None:
    a = ziyang()
    b = ziyang()
    assert a == b
    assert a is not b
    from wenming import Division

    a.add_division(Division(code="610924101399", name="x"))
    assert a != ziyang()
