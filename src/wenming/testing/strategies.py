"""Hypothesis strategies for wenming records and networks (needs ``hypothesis``).

Examples
--------
>>> from hypothesis import given, settings
>>> from wenming import validate
>>> @settings(max_examples=5)
... @given(networks())
... def check(net):
...     assert validate(net) == ()
>>> check()
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from wenming.divisions import (
    Coordinates,
    Division,
    DivisionCode,
    DivisionLevel,
    UrbanRuralClass,
)
from wenming.errors import InvariantError
from wenming.ids import SiteId, VenueId
from wenming.network import Network
from wenming.sites import (
    Centre,
    Have,
    HostKind,
    Institute,
    Point,
    Site,
    Station,
    Venue,
    VenueKind,
)

__all__ = ["division_codes", "names", "networks"]

_LENGTHS = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.PREFECTURE: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWN: 9,
    DivisionLevel.VILLAGE: 12,
}


def names() -> st.SearchStrategy[str]:
    """Non-blank names, Chinese and otherwise (no surrogates)."""
    return st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
    ).filter(lambda s: s.strip() != "")


def division_codes(level: DivisionLevel | str | None = None) -> st.SearchStrategy[DivisionCode]:
    """Well-formed division codes of ``level`` (any level by default).

    Parameters
    ----------
    level : DivisionLevel or str, optional
        A level, or its name as the rest of the API takes it (``"village"``), or
        its number (1 for province to 5 for village).

    Raises
    ------
    InvariantError
        At once, if ``level`` names no level; the message lists the valid names.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(division_codes("village"), lambda code: True).level
    <DivisionLevel.VILLAGE: 5>
    >>> division_codes("villages")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: unknown division level 'villages'; expected one of \
province, prefecture, county, town, village
    """
    return _division_codes(None if level is None else _level(level))


def _level(level: object) -> DivisionLevel:
    if isinstance(level, DivisionLevel):
        return level
    if isinstance(level, str):
        return DivisionLevel.from_label(level)
    if isinstance(level, int) and not isinstance(level, bool) and 1 <= level <= 5:
        return DivisionLevel(level)
    names = ", ".join(m.label for m in DivisionLevel)
    raise InvariantError(
        f"level must be a DivisionLevel or one of {names}, not {level!r}",
        field="level",
        value=level,
    )


@st.composite
def _division_codes(draw: st.DrawFn, level: DivisionLevel | None) -> DivisionCode:
    chosen = level if level is not None else draw(st.sampled_from(list(DivisionLevel)))
    parts = [
        f"{draw(st.integers(11, 82)):02d}",
        f"{draw(st.integers(1, 99)):02d}",
        f"{draw(st.integers(1, 99)):02d}",
        f"{draw(st.integers(1, 599)):03d}",
        f"{draw(st.integers(1, 599)):03d}",
    ]
    return DivisionCode.parse("".join(parts)[: _LENGTHS[chosen]])


_dates = st.none() | st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2030, 12, 31))
_haves = st.none() | st.frozensets(st.sampled_from(list(Have)))


@st.composite
def networks(
    draw: st.DrawFn,
    *,
    max_counties: int = 2,
    max_towns: int = 3,
    max_villages: int = 3,
    max_points: int = 2,
    max_venues: int = 3,
) -> Network:
    """Valid networks: every hierarchy rule holds and ``validate()`` finds nothing.

    Each county has a Centre, towns may or may not have an Institute, villages may
    or may not have a Station, and Points hang off any of them. Dates, "six
    haves", heads, populations, coordinates and shared venues vary.
    """
    net = Network(name=draw(st.just("") | names()), description=draw(st.text(max_size=20)))
    province = DivisionCode.parse(f"{draw(st.integers(11, 82)):02d}")
    net.add_division(Division(code=province, name=draw(names())))
    prefecture = DivisionCode.parse(f"{province.short}01")
    net.add_division(Division(code=prefecture, name=draw(names())))
    sites: list[Site] = []

    def dated(parent: Site) -> dt.date | None:
        day = draw(_dates)
        if day is not None and parent.established is not None and day < parent.established:
            return parent.established
        return day

    n_counties = draw(st.integers(1, max_counties))
    for c in range(1, n_counties + 1):
        county = DivisionCode.parse(f"{prefecture.short}{c:02d}")
        net.add_division(Division(code=county, name=draw(names())))
        centre = Centre(
            id=SiteId(f"c{c}"),
            name=draw(names()),
            division=county,
            established=draw(_dates),
            six_haves=draw(_haves),
        )
        sites.append(centre)
        towns = draw(st.lists(st.integers(1, 599), max_size=max_towns, unique=True))
        for t in towns:
            town = DivisionCode.parse(f"{county.short}{t:03d}")
            net.add_division(Division(code=town, name=draw(names())))
            parent: Site = centre
            if draw(st.booleans()):
                parent = Institute(
                    id=SiteId(f"i{town.short}"),
                    name=draw(names()),
                    division=town,
                    parent=centre.id,
                    established=dated(centre),
                    six_haves=draw(_haves),
                )
                sites.append(parent)
            villages = draw(st.lists(st.integers(1, 599), max_size=max_villages, unique=True))
            for v in villages:
                village = DivisionCode.parse(f"{town.short}{v:03d}")
                net.add_division(
                    Division(
                        code=village,
                        name=draw(names()),
                        urban_rural=draw(st.none() | st.sampled_from(list(UrbanRuralClass))),
                        population=draw(st.none() | st.integers(0, 100_000)),
                        location=draw(
                            st.none()
                            | st.builds(
                                Coordinates,
                                lon=st.floats(-180, 180, allow_nan=False),
                                lat=st.floats(-90, 90, allow_nan=False),
                            )
                        ),
                    )
                )
                host: Site = parent
                if isinstance(parent, Institute) and draw(st.booleans()):
                    host = Station(
                        id=SiteId(f"s{village.short}"),
                        name=draw(names()),
                        division=village,
                        parent=parent.id,
                        established=dated(parent),
                        six_haves=draw(_haves),
                    )
                    sites.append(host)
                for p in range(draw(st.integers(0, max_points))):
                    sites.append(
                        Point(
                            id=SiteId(f"p{village.short}-{p}"),
                            name=draw(names()),
                            division=village,
                            parent=host.id,
                            host=draw(st.sampled_from(list(HostKind))),
                            established=dated(host),
                        )
                    )
    net.add_sites(sites)
    ids = sorted(net.sites)
    for v in range(draw(st.integers(0, max_venues))):
        net.add_venue(
            Venue(
                id=VenueId(f"v{v}"),
                kind=draw(st.sampled_from(list(VenueKind))),
                name=draw(st.none() | names()),
                floor_area=draw(
                    st.none() | st.floats(0.5, 10_000, allow_nan=False, allow_infinity=False)
                ),
                owner=draw(st.none() | names()),
                sites=draw(st.frozensets(st.sampled_from(ids), max_size=3)),
            )
        )
    return net
