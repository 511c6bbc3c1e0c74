"""Tests for wenming.coverage: full coverage (全覆盖) of towns and villages.

domain.md §1: full coverage means every town of the county has an Institute and
every village/community has a Station; Points are counted but cover nothing.
domain.md §7: township and village digits 400-599 are statistics-only units;
what coverage counts as a town is decided from names and digits together (the
brute force here uses the reference rule of test_township_roles).
"""

from __future__ import annotations

import datetime as dt

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_township_roles import reference_counted

from wenming.coverage import Coverage, LevelCoverage, coverage
from wenming.divisions import Division, DivisionCode, DivisionLevel
from wenming.errors import UnknownIdError
from wenming.network import Network
from wenming.sites import Centre, Institute, Point, Site, SiteKind, Station
from wenming.testing.strategies import networks

D = dt.date


def codes(*raw: str) -> tuple[DivisionCode, ...]:
    return tuple(DivisionCode.parse(c) for c in raw)


def county_network() -> Network:
    """Ziyang with 3 towns, 2 Institutes and 5 villages, 2 of them with a Station.

    ========== ========== =====================================
    town       Institute  villages (Station?)
    ========== ========== =====================================
    100 城关镇  i100       100201 yes (undated), 100202 no
    101 蒿坪镇  i101 2021  101001 yes (2021-06), 101202 no (Point only)
    102 汉王镇  —          102201 no (a Point under the Centre)
    ========== ========== =====================================
    """
    net = Network(name="紫阳县")
    net.add_all(
        [
            Division(code="61", name="陕西省"),
            Division(code="6109", name="安康市"),
            Division(code="610924", name="紫阳县"),
            Division(code="610924100", name="城关镇"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924102", name="汉王镇"),
            Division(code="610924100201", name="甲村"),
            Division(code="610924100202", name="乙村"),
            Division(code="610924101001", name="双星社区"),
            Division(code="610924101202", name="丙村"),
            Division(code="610924102201", name="丁村"),
            Centre(id="c", name="中心", division="610924", established=D(2019, 1, 1)),
            Institute(id="i100", name="城关所", division="610924100", parent="c"),
            Institute(
                id="i101",
                name="蒿坪所",
                division="610924101",
                parent="c",
                established=D(2021, 1, 1),
            ),
            Station(id="s100201", name="甲站", division="610924100201", parent="i100"),
            Station(
                id="s101001",
                name="双星站",
                division="610924101001",
                parent="i101",
                established=D(2021, 6, 1),
            ),
            Point(id="p1", name="学校点", division="610924101202", parent="i101", host="school"),
            Point(id="p2", name="广场点", division="610924102201", parent="c", host="square"),
            Point(id="p3", name="镇点", division="610924102", parent="c"),
        ]
    )
    return net


def test_counts_on_a_hand_built_county() -> None:
    cov = coverage(county_network())
    assert isinstance(cov, Coverage)
    assert cov.as_of is None
    assert cov.within is None
    assert cov.counties == LevelCoverage(
        level=DivisionLevel.COUNTY, kind=SiteKind.CENTRE, total=1, covered=1, uncovered=()
    )
    assert cov.towns == LevelCoverage(
        level=DivisionLevel.TOWN,
        kind=SiteKind.INSTITUTE,
        total=3,
        covered=2,
        uncovered=codes("610924102"),
    )
    # Points (p1 on 101202, p2 on 102201, p3 on town 102) cover nothing.
    assert cov.villages == LevelCoverage(
        level=DivisionLevel.VILLAGE,
        kind=SiteKind.STATION,
        total=5,
        covered=2,
        uncovered=codes("610924100202", "610924101202", "610924102201"),
    )
    assert cov.levels == (cov.counties, cov.towns, cov.villages)
    assert cov.towns.ratio == pytest.approx(2 / 3)
    assert cov.villages.ratio == pytest.approx(0.4)
    assert cov.counties.ratio == 1.0
    assert not cov.towns.full
    assert not cov.full
    assert cov.counties.full


def test_full_coverage() -> None:
    net = county_network()
    net.add_all(
        [
            Institute(id="i102", name="汉王所", division="610924102", parent="c"),
            Station(id="s100202", name="乙站", division="610924100202", parent="i100"),
            Station(id="s101202", name="丙站", division="610924101202", parent="i101"),
            Station(id="s102201", name="丁站", division="610924102201", parent="i102"),
        ]
    )
    cov = coverage(net)
    assert (cov.towns.covered, cov.towns.total) == (3, 3)
    assert (cov.villages.covered, cov.villages.total) == (5, 5)
    assert cov.towns.uncovered == ()
    assert cov.villages.uncovered == ()
    assert cov.full
    assert cov.villages.ratio == 1.0


def test_two_sites_on_one_division_count_once() -> None:
    net = county_network()
    net.add_site(Station(id="s100201-b", name="甲站二", division="610924100201", parent="i100"))
    cov = coverage(net)
    assert (cov.villages.covered, cov.villages.total) == (2, 5)


def test_as_of_excludes_sites_established_later() -> None:
    net = county_network()
    # 2021-03-01: i101 (2021-01-01) is open, s101001 (2021-06-01) is not yet.
    cov = coverage(net, as_of=D(2021, 3, 1))
    assert cov.as_of == D(2021, 3, 1)
    assert (cov.towns.covered, cov.towns.total) == (2, 3)
    assert (cov.villages.covered, cov.villages.total) == (1, 5)
    assert DivisionCode.parse("610924101001") in cov.villages.uncovered

    # The day before i101 opened.
    cov = coverage(net, as_of=D(2020, 12, 31))
    assert cov.towns.covered == 1
    assert cov.towns.uncovered == codes("610924101", "610924102")
    assert cov.villages.covered == 1

    # The day s101001 opened: sites established on the day count.
    cov = coverage(net, as_of=D(2021, 6, 1))
    assert (cov.towns.covered, cov.villages.covered) == (2, 2)

    # Totals never depend on the date: divisions are not dated.
    assert coverage(net, as_of=D(2000, 1, 1)).villages.total == 5


def test_as_of_before_the_centre_sees_nothing_under_it() -> None:
    # Network.exists: a site exists on a date if it and every site above it were
    # established; undated i100 and s100201 are not there before their Centre.
    net = county_network()
    cov = coverage(net, as_of=D(2018, 12, 31))
    assert (cov.counties.covered, cov.towns.covered, cov.villages.covered) == (0, 0, 0)
    assert (cov.counties.total, cov.towns.total, cov.villages.total) == (1, 3, 5)
    assert [net.exists(s, D(2018, 12, 31)) for s in ("c", "i100", "s100201")] == [
        False,
        False,
        False,
    ]


def two_county_network() -> Network:
    net = Network()
    net.add_all(
        [
            Division(code="61", name="陕西省"),
            Division(code="6109", name="安康市"),
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924101201", name="甲村"),
            Division(code="610925", name="岚皋县"),
            Division(code="610925100", name="城关镇"),
            Division(code="610925101", name="佐龙镇"),
            Division(code="610925100001", name="东社区"),
            Division(code="610925100202", name="乙村"),
            Division(code="610925101203", name="丙村"),
            Centre(id="zy", name="紫阳中心", division="610924"),
            Institute(id="zy-101", name="蒿坪所", division="610924101", parent="zy"),
            Station(id="zy-101201", name="甲站", division="610924101201", parent="zy-101"),
            Centre(id="lg", name="岚皋中心", division="610925"),
            Institute(id="lg-100", name="城关所", division="610925100", parent="lg"),
            Station(id="lg-100001", name="东站", division="610925100001", parent="lg-100"),
        ]
    )
    return net


def test_within_one_county() -> None:
    net = two_county_network()
    everything = coverage(net)
    assert (everything.counties.covered, everything.counties.total) == (2, 2)
    assert (everything.towns.covered, everything.towns.total) == (2, 3)
    assert (everything.villages.covered, everything.villages.total) == (2, 4)

    lg = coverage(net, within="610925")
    assert lg.within == DivisionCode.parse("610925")
    assert (lg.counties.covered, lg.counties.total) == (1, 1)
    assert (lg.towns.covered, lg.towns.total) == (1, 2)
    assert lg.towns.uncovered == codes("610925101")
    assert (lg.villages.covered, lg.villages.total) == (1, 3)
    assert lg.villages.uncovered == codes("610925100202", "610925101203")

    zy = coverage(net, within="610924000000")
    assert zy.within == DivisionCode.parse("610924")
    assert (zy.towns.covered, zy.towns.total) == (1, 1)
    assert (zy.villages.covered, zy.villages.total) == (1, 1)
    assert zy.full

    # The prefecture holds both counties: the same counts as the whole network.
    assert coverage(net, within="6109") == attrs.evolve(
        everything, within=DivisionCode.parse("6109")
    )


def test_within_a_town() -> None:
    cov = coverage(two_county_network(), within="610925100")
    assert (cov.counties.total, cov.counties.ratio) == (0, None)
    assert (cov.towns.covered, cov.towns.total) == (1, 1)
    assert (cov.villages.covered, cov.villages.total) == (1, 2)


def test_within_a_division_the_network_does_not_hold_raises() -> None:
    # It used to answer 0 of 0, which reads like "nothing to do" for a typo.
    with pytest.raises(UnknownIdError, match="coverage within 62: the network holds no such"):
        coverage(two_county_network(), within="62")
    with pytest.raises(LookupError):
        coverage(two_county_network(), within="610999")


def test_within_answers_as_a_filter_of_the_whole_would() -> None:
    net = two_county_network()
    whole = coverage(net)
    for division in net.divisions.values():
        cov = coverage(net, within=division.code)
        for part, total in zip(cov.levels, whole.levels, strict=True):
            inside = [c for c in total.uncovered if division.code.contains(c)]
            assert list(part.uncovered) == inside
            expected_total = sum(
                1
                for d in net.divisions.values()
                if d.level is part.level
                and division.code.contains(d.code)
                and reference_counted(net, d, include_statistical=False)
            )
            assert part.total == expected_total
            assert part.covered == expected_total - len(inside)


def statistical_network() -> Network:
    net = Network()
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924400", name="紫阳开发区"),  # statistics-only township
            Division(code="610924101201", name="甲村"),
            Division(code="610924101401", name="统计村"),  # statistics-only village
            Division(code="610924400201", name="开发区村"),  # village in a 4xx township
            Division(code="610924400001", name="开发区社区"),
            Centre(id="c", name="中心", division="610924"),
            Institute(id="i101", name="蒿坪所", division="610924101", parent="c"),
            Institute(id="i400", name="开发区所", division="610924400", parent="c"),
            Station(id="s101201", name="甲站", division="610924101201", parent="i101"),
            Station(id="s400001", name="开发区站", division="610924400001", parent="i400"),
        ]
    )
    return net


def test_statistical_units_excluded_by_default() -> None:
    cov = coverage(statistical_network())
    assert (cov.towns.covered, cov.towns.total) == (1, 1)
    assert (cov.villages.covered, cov.villages.total) == (1, 1)
    assert cov.full


def test_statistical_units_included_on_request() -> None:
    cov = coverage(statistical_network(), include_statistical=True)
    assert (cov.towns.covered, cov.towns.total) == (2, 2)
    assert (cov.villages.covered, cov.villages.total) == (2, 4)
    assert cov.villages.uncovered == codes("610924101401", "610924400201")
    assert not cov.full


def test_ratio_none_when_nothing_to_cover() -> None:
    net = Network()
    net.add_all(
        [Division(code="610924", name="紫阳县"), Centre(id="c", name="中心", division="610924")]
    )
    cov = coverage(net)
    assert (cov.towns.total, cov.towns.ratio) == (0, None)
    assert (cov.villages.total, cov.villages.ratio) == (0, None)
    assert cov.counties.ratio == 1.0
    assert cov.counties.full
    assert not cov.towns.full
    assert not cov.villages.full
    assert not cov.full
    assert coverage(Network()).counties.ratio is None


def test_str_is_a_table() -> None:
    expected = "\n".join(
        [
            "level     site       covered  total  ratio",
            "county    Centre           1      1 100.0%",
            "town      Institute        2      3  66.7%",
            "village   Station          2      5  40.0%",
        ]
    )
    assert str(coverage(county_network())) == expected


def test_str_shows_a_dash_for_no_ratio() -> None:
    lines = str(coverage(two_county_network(), within="610925100")).splitlines()
    assert lines[1] == "county    Centre           0      0      —"
    assert lines[2] == "town      Institute        1      1 100.0%"
    assert lines[3] == "village   Station          1      2  50.0%"
    assert len({len(line) for line in lines}) == 1  # columns line up


def test_to_dict() -> None:
    cov = coverage(county_network(), as_of=D(2021, 3, 1), within="610924")
    assert cov.to_dict() == {
        "as_of": "2021-03-01",
        "within": "610924",
        "full": False,
        "levels": [
            {
                "level": "county",
                "kind": "centre",
                "total": 1,
                "covered": 1,
                "ratio": 1.0,
                "uncovered": [],
            },
            {
                "level": "town",
                "kind": "institute",
                "total": 3,
                "covered": 2,
                "ratio": pytest.approx(2 / 3),
                "uncovered": ["610924102"],
            },
            {
                "level": "village",
                "kind": "station",
                "total": 5,
                "covered": 1,
                "ratio": pytest.approx(0.2),
                "uncovered": ["610924100202", "610924101001", "610924101202", "610924102201"],
            },
        ],
    }
    plain = coverage(county_network()).to_dict()
    assert (plain["as_of"], plain["within"]) == (None, None)


def test_coverage_does_not_change_the_network() -> None:
    net = county_network()
    before = net.records()
    coverage(net, as_of=D(2021, 3, 1), within="610924101", include_statistical=True)
    assert net.records() == before


# ---------------------------------------------------------------- property


_LEVEL_KIND = {
    DivisionLevel.COUNTY: SiteKind.CENTRE,
    DivisionLevel.TOWN: SiteKind.INSTITUTE,
    DivisionLevel.VILLAGE: SiteKind.STATION,
}


def _short(code: str) -> str:
    """The code without its zero padding (the deepest non-zero digit group)."""
    for start, end in ((9, 12), (6, 9), (4, 6), (2, 4)):
        if code[start:end].strip("0"):
            return code[:end]
    return code[:2]


def _brute_force(
    net: Network, as_of: dt.date | None, within: str | None, include_statistical: bool
) -> dict[DivisionLevel, tuple[int, list[str]]]:
    """(total, uncovered codes) per level, straight from the records."""

    def alive(site: Site) -> bool:
        s: Site | None = site
        while s is not None:
            if as_of is not None and s.established is not None and s.established > as_of:
                return False
            s = None if s.parent is None else net.sites[s.parent]
        return True

    prefix = "" if within is None else _short(within)
    out: dict[DivisionLevel, tuple[int, list[str]]] = {}
    for level, kind in _LEVEL_KIND.items():
        in_scope = [
            str(d.code)
            for d in net.divisions.values()
            if d.level is level
            and str(d.code).startswith(prefix)
            and reference_counted(net, d, include_statistical)
        ]
        uncovered = [
            code
            for code in in_scope
            if not any(
                s.kind is kind and str(s.division) == code and alive(s) for s in net.sites.values()
            )
        ]
        out[level] = (len(in_scope), sorted(uncovered))
    return out


@settings(max_examples=75, deadline=None)
@given(
    net=networks(max_counties=2, max_towns=4, max_villages=4),
    as_of=st.none() | st.dates(min_value=D(2017, 1, 1), max_value=D(2031, 12, 31)),
    include_statistical=st.booleans(),
    data=st.data(),
)
def test_property_coverage_matches_brute_force(
    net: Network,
    as_of: dt.date | None,
    include_statistical: bool,
    data: st.DataObject,
) -> None:
    scopes = [None, *sorted(str(c) for c in net.divisions)]
    within = data.draw(st.sampled_from(scopes), label="within")
    cov = coverage(net, as_of=as_of, within=within, include_statistical=include_statistical)
    expected = _brute_force(net, as_of, within, include_statistical)
    for lv in cov.levels:
        total, uncovered = expected[lv.level]
        assert lv.kind is _LEVEL_KIND[lv.level]
        assert lv.total == total
        assert lv.covered == total - len(uncovered)
        assert [str(c) for c in lv.uncovered] == uncovered
        assert lv.ratio == (None if total == 0 else lv.covered / total)
        assert lv.full is (total > 0 and lv.covered == total)
    assert cov.full is (cov.towns.full and cov.villages.full)


def test_short_helper() -> None:
    # The brute force's own way of stripping padding, checked on known codes.
    assert _short("610000000000") == "61"
    assert _short("610900000000") == "6109"
    assert _short("610924000000") == "610924"
    assert _short("610924101000") == "610924101"
    assert _short("610924101201") == "610924101201"
    assert _short("610924100000") == "610924100"
    assert _short("610924001001") == "610924001001"
    assert _short("441900000000") == "4419"
