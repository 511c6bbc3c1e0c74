"""What coverage counts as a town: township roles from names and codes together (issue 11).

The digit rule (township digits 001-099 street, 100-199 town, 200-399 township,
400-599 statistics-only) misreads rows of the real 2023 table: 直辖村级区划
placeholders coded 198, civil streets, towns and townships coded 4xx/5xx, and
Beijing's 0xx 地区 area offices. These tests pin the decision on those rows, on a
small network where the digit rule and the decision give different coverage, and
against a brute force that implements the rule on its own (it never calls the
library's helpers).
"""

from __future__ import annotations

import collections
import datetime as dt

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tables import TABLES, needs_tables

import wenming.datasets.national as national
from wenming import Division, DivisionTable, Network, coverage
from wenming.coverage import counted_divisions
from wenming.coverage_more import coverage_by, coverage_series
from wenming.divisions import (
    DivisionCode,
    DivisionLevel,
    TownshipRole,
    counts_as_town,
    township_role,
)
from wenming.sites import Centre, Institute, Point, Station
from wenming.testing import generate
from wenming.testing.strategies import networks

D = dt.date


# ---------------------------------------------------------------------------- the reference


def _ends(name: str, suffix: str) -> bool:
    name = name.strip()
    return len(name) >= len(suffix) and name[len(name) - len(suffix) :] == suffix


def reference_is_town(division: Division) -> bool:
    """The town rule written out again, without the library: does coverage count it?"""
    if division.level is not DivisionLevel.TOWN:
        return False
    digits = int(str(division.code)[6:9])
    name = division.name or ""
    if digits == 0 or _ends(name, "直辖村级区划"):
        return False
    if 400 <= digits <= 599:
        if _ends(name, "乡镇"):
            return False
        return any(_ends(name, suffix) for suffix in ("街道", "街道办事处", "镇", "乡"))
    return True


def reference_counted(net: Network, division: Division, include_statistical: bool) -> bool:
    """Brute force of what coverage counts, from the division and the network's records."""
    level = division.level
    if include_statistical:
        return level is not DivisionLevel.TOWN or not _ends(division.name, "直辖村级区划")
    if level is DivisionLevel.TOWN:
        return reference_is_town(division)
    if level is not DivisionLevel.VILLAGE:
        return True
    code = str(division.code)
    if 400 <= int(code[9:]) <= 599:
        return False
    if not 400 <= int(code[6:9]) <= 599:
        return True
    # Under a township coded 400-599: counted when that township is civil (or a placeholder).
    township = next((d for d in net.divisions.values() if str(d.code) == code[:9] + "000"), None)
    if township is None or township.level is not DivisionLevel.TOWN:
        return False
    return reference_is_town(township) or _ends(township.name, "直辖村级区划")


# ---------------------------------------------------------------------------- the rule on rows


def role(code: str, name: str) -> TownshipRole | None:
    return township_role(Division(code=code, name=name))


def test_roles_of_the_three_misread_groups() -> None:
    assert role("230803198", "向阳区直辖村级区划") is TownshipRole.PLACEHOLDER
    assert role("320505402", "枫桥街道") is TownshipRole.STREET
    assert role("130426400", "涉城镇") is TownshipRole.TOWN
    assert role("350122400", "马祖乡") is TownshipRole.TOWNSHIP
    assert role("110105021", "南磨房地区") is TownshipRole.AREA_OFFICE
    # Groupings, zones and unknown codes.
    assert role("370571400", "经济开发区直属乡镇") is TownshipRole.STATISTICAL
    assert role("610924401", "紫阳经济开发区") is TownshipRole.STATISTICAL
    assert role("610924650", "某单位") is TownshipRole.OTHER
    # The digits where the name says nothing.
    assert role("110101001", "东华门街道") is TownshipRole.STREET
    assert role("610924101", "蒿坪镇") is TownshipRole.TOWN
    assert role("150205202", "吉忽伦图苏木") is TownshipRole.TOWNSHIP
    # Not township level.
    assert role("610924", "紫阳县") is None
    assert role("610924101201", "某某街道") is None
    assert Division(code="610924", name="紫阳县").township_role is None
    assert Division(code="320505402", name="枫桥街道").township_role is TownshipRole.STREET


def test_the_towns_coverage_counts() -> None:
    town = {
        "230803198": ("向阳区直辖村级区划", False),
        "320505402": ("枫桥街道", True),
        "130426400": ("涉城镇", True),
        "350122400": ("马祖乡", True),
        "110105021": ("南磨房地区", True),
        "370571400": ("经济开发区直属乡镇", False),
        "610924401": ("紫阳经济开发区", False),
        "610924650": ("某单位", True),  # unassigned digits: counted, as before
        "610924101": ("蒿坪镇", True),
    }
    for code, (name, expected) in town.items():
        division = Division(code=code, name=name)
        assert counts_as_town(division) is expected, code
        found = township_role(division)
        assert found is not None
        assert found.is_town is expected, code
    assert not counts_as_town(Division(code="610924", name="紫阳县"))
    assert not counts_as_town(Division(code="610924101201", name="甲村"))


def test_a_blank_name_leaves_the_digits_to_decide() -> None:
    for code, expected in [
        ("610924198", TownshipRole.TOWN),
        ("610924402", TownshipRole.STATISTICAL),
    ]:
        for name in ("", None):
            # Built past the validator (a blank name is refused), as a trusted reader might.
            division = object.__new__(Division)
            for field, value in [("code", DivisionCode(code)), ("name", name)]:
                object.__setattr__(division, field, value)
            object.__setattr__(division, "level", DivisionLevel.TOWN)
            assert township_role(division) is expected
            assert counts_as_town(division) is expected.is_town
    # Trailing spaces do not hide a name.
    assert role("320505402", "枫桥街道 ") is TownshipRole.STREET
    assert not counts_as_town(Division(code="230803198", name="向阳区直辖村级区划\u3000"))


def test_datasets_national_re_exports_the_model_names() -> None:
    assert national.TownshipRole is TownshipRole
    assert national.township_role is township_role
    assert national.counts_as_town is counts_as_town
    assert {"TownshipRole", "township_role", "counts_as_town"} <= set(national.__all__)


NAMES = [
    "蒿坪镇",
    "马祖乡",
    "枫桥街道",
    "南磨房地区",
    "向阳区直辖村级区划",
    "经济开发区直属乡镇",
    "紫阳经济开发区",
    "保康街道办事处",
    "吴家山街",
    "甲村",
    "x",
]


@settings(max_examples=300, deadline=None)
@given(code=st.integers(1, 999), name=st.sampled_from(NAMES) | st.text(min_size=1, max_size=6))
def test_the_fast_test_agrees_with_the_role(code: int, name: str) -> None:
    if not name.strip():
        name = "x"
    division = Division(code=f"610924{code:03d}", name=name)
    role = township_role(division)
    assert role is not None
    assert counts_as_town(division) is role.is_town is reference_is_town(division)
    assert division.township_role is role


# ---------------------------------------------------------------------------- the real table


@needs_tables
def test_roles_on_the_real_table() -> None:
    table = national.national_table(TABLES)
    towns = [d for d in table.values() if d.level is DivisionLevel.TOWN]
    assert len(towns) == 41351  # the 41,352 rows but the one standing for Kinmen county
    by_band = collections.Counter(
        (d.code.township_type.value, township_role(d))  # type: ignore[union-attr]
        for d in towns
    )
    placeholders = [d for d in towns if township_role(d) is TownshipRole.PLACEHOLDER]
    assert len(placeholders) == 11
    assert {d.code.short[6:] for d in placeholders} == {"198"}
    assert all(d.name.endswith("直辖村级区划") for d in placeholders)
    # Coded 4xx/5xx: 120 streets (9 of them named …街道办事处), 10 towns and 5
    # townships by their names; the
    # rest (development zones, farms, "…直属乡镇" groupings …) statistics-only.
    assert by_band[("statistical", TownshipRole.STREET)] == 120
    assert by_band[("statistical", TownshipRole.TOWN)] == 10
    assert by_band[("statistical", TownshipRole.TOWNSHIP)] == 5
    assert by_band[("statistical", TownshipRole.STATISTICAL)] == 2575
    # Coded 0xx: 64 地区 area offices beside 9,002 streets.
    assert by_band[("street", TownshipRole.AREA_OFFICE)] == 64
    assert by_band[("street", TownshipRole.STREET)] == 9002
    assert by_band[("town", TownshipRole.TOWN)] == 21366
    assert by_band[("township", TownshipRole.TOWNSHIP)] == 8198
    assert sum(by_band.values()) == len(towns)
    # What coverage counts as a town: the digit rule's 38,641 less the 11
    # placeholders plus the 135 civil 4xx/5xx rows.
    digit_rule = sum(1 for d in towns if not d.code.is_statistical)
    assert digit_rule == 38641
    assert sum(counts_as_town(d) for d in towns) == 38641 - 11 + 135 == 38765
    assert all(counts_as_town(d) is reference_is_town(d) for d in towns)


@needs_tables
def test_coverage_of_the_real_table_counts_the_decided_towns() -> None:
    table = national.national_table(TABLES)
    net = Network()
    net.add_all(table.values())
    # One village under each township, and a Station-less network: all uncovered.
    net.add_all(
        Division(code=f"{d.code.short}001", name="合成社区")
        for d in table.values()
        if d.level is DivisionLevel.TOWN
    )
    cov = coverage(net)
    assert cov.counties.total == 2978
    assert cov.towns.total == 38765
    # Villages: under every town counted, and under the 11 placeholders (real
    # villages that belong to no township); not under statistics-only units.
    assert cov.villages.total == 38765 + 11
    by_county = coverage_by(net, "county")
    assert sum(r.towns_total for r in by_county) == 38765
    assert sum(r.villages_total for r in by_county) == 38776
    with_statistical = coverage(net, include_statistical=True)
    assert with_statistical.towns.total == 41351 - 11
    assert with_statistical.villages.total == 41351


@needs_tables
def test_generated_networks_cover_the_decided_towns() -> None:
    table = national.national_table(TABLES)
    # The 11 counties with a placeholder: no Institute on it, full coverage.
    counties = sorted(
        {d.code.county for d in table.values() if township_role(d) is TownshipRole.PLACEHOLDER}
    )
    assert len(counties) == 11
    net = generate("county", seed=1, table=table, counties=counties, teams=False)
    assert not any(s.division.short.endswith("198") for s in net.iter_sites("institute"))
    cov = coverage(net)
    assert cov.full
    assert cov.counties.total == 11
    # The 60 counties with a civil 4xx/5xx row: an Institute on each of the
    # 135 rows, and coverage counts them (and their villages) as covered.
    civil = [
        d
        for d in table.values()
        if d.code.is_statistical and township_role(d) is not TownshipRole.STATISTICAL
    ]
    assert len(civil) == 135
    counties = sorted({d.code.county for d in civil})
    assert len(counties) == 60
    net = generate("county", seed=1, table=table, counties=counties, teams=False)
    cov = coverage(net)
    assert cov.full
    institutes = {s.division for s in net.iter_sites("institute")}
    assert {d.code for d in civil} <= institutes
    towns = [d for d in net.divisions.values() if d.level is DivisionLevel.TOWN]
    expected = sum(reference_is_town(d) for d in towns)
    assert cov.towns.total == len(institutes) == expected == 684
    # The digit rule would have left those 135 out (and their villages).
    assert sum(not d.code.is_statistical for d in towns) == expected - 135


# ---------------------------------------------------------------------------- a hand-built county


def rules_network() -> Network:
    """One county where the digit rule and the decision disagree.

    ====== ==================== ========= =========================================
    code   name                 Institute villages (Station?)
    ====== ==================== ========= =========================================
    101    蒿坪镇                yes       101201 yes, 101401 (4xx digits) yes
    198    县直辖村级区划         —         198201 no, 198202 no
    402    枫桥街道              yes 2020  402001 yes, 402002 no
    403    紫阳经济开发区         yes       403201 yes
    404    经济开发区直属乡镇     —         —
    405    双河镇 (4xx digits)    —         405201 no
    021    南磨房地区            —         021001 no (a Point under the Centre)
    ====== ==================== ========= =========================================
    """
    towns = {
        "101": "蒿坪镇",
        "198": "县直辖村级区划",
        "402": "枫桥街道",
        "403": "紫阳经济开发区",
        "404": "经济开发区直属乡镇",
        "405": "双河镇",
        "021": "南磨房地区",
    }
    stations = {"101201", "101401", "402001", "403201"}
    villages = [*sorted(stations), "198201", "198202", "402002", "405201", "021001"]
    net = Network(name="规则县")
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            *(Division(code=f"610924{t}", name=n) for t, n in towns.items()),
            *(Division(code=f"610924{v}", name=f"{v}村") for v in villages),
            Centre(id="c", name="中心", division="610924", established=D(2019, 1, 1)),
            *(
                Institute(
                    id=f"i{t}",
                    name=f"{towns[t]}所",
                    division=f"610924{t}",
                    parent="c",
                    established=D(2020, 1, 1) if t == "402" else None,
                )
                for t in ("101", "402", "403")
            ),
            *(
                Station(id=f"s{v}", name=f"{v}站", division=f"610924{v}", parent=f"i{v[:3]}")
                for v in sorted(stations)
            ),
            Point(id="p021", name="地区点", division="610924021001", parent="c"),
        ]
    )
    return net


def test_hand_built_county_coverage_by_the_decision() -> None:
    net = rules_network()
    cov = coverage(net)
    # Towns: 101, 402, 405 and the 地区 021 (not the placeholder 198, not the
    # zones 403 and 404). Covered: 101 and 402.
    assert (cov.towns.covered, cov.towns.total) == (2, 4)
    assert [c.short for c in cov.towns.uncovered] == ["610924021", "610924405"]
    # Villages: 101201, the placeholder's 198201 and 198202, 402001, 402002,
    # 405201 and 021001 (not 101401 by its own digits, not 403201 under a zone).
    assert (cov.villages.covered, cov.villages.total) == (2, 7)
    assert [c.short for c in cov.villages.uncovered] == [
        "610924021001",
        "610924198201",
        "610924198202",
        "610924402002",
        "610924405201",
    ]
    # The digit rule alone counted 101, 198 and 021 as towns (1 of 3 covered)
    # and 101201, 198201, 198202 and 021001 as villages (1 of 4).
    towns = [d for d in net.divisions.values() if d.level is DivisionLevel.TOWN]
    villages = [d for d in net.divisions.values() if d.level is DivisionLevel.VILLAGE]
    assert sum(not d.code.is_statistical for d in towns) == 3
    assert sum(not d.code.is_statistical for d in villages) == 4


def test_hand_built_county_with_statistical_units() -> None:
    cov = coverage(rules_network(), include_statistical=True)
    # Every township but the placeholder: 101, 402, 403, 404, 405, 021.
    assert (cov.towns.covered, cov.towns.total) == (3, 6)
    assert (cov.villages.covered, cov.villages.total) == (4, 9)


def test_hand_built_county_breakdowns_and_series() -> None:
    net = rules_network()
    (county,) = coverage_by(net, "county")
    assert (county.towns_covered, county.towns_total) == (2, 4)
    assert (county.villages_covered, county.villages_total) == (2, 7)
    towns = {r.code: r for r in coverage_by(net, "town")}
    # The placeholder is no town but its villages count; the zones have no row.
    assert sorted(towns) == ["610924021", "610924101", "610924198", "610924402", "610924405"]
    assert towns["610924198"].name == "县直辖村级区划"
    assert (towns["610924198"].towns_total, towns["610924198"].villages_total) == (0, 2)
    assert (towns["610924402"].towns_covered, towns["610924402"].villages_covered) == (1, 1)
    assert (towns["610924101"].villages_covered, towns["610924101"].villages_total) == (1, 1)
    series = coverage_series(net, ["2019-06-01", "2021-01-01"])
    assert (series.towns_total, series.villages_total) == (4, 7)
    # Before 2020 枫桥街道's Institute (and the Station under it) did not exist.
    assert series.towns_covered == (1, 2)
    assert series.villages_covered == (1, 2)
    counted = counted_divisions(net)
    assert sorted(d.code.short for d in net.divisions.values() if counted(d))[:3] == [
        "610924",
        "610924021",
        "610924021001",
    ]


# ---------------------------------------------------------------------------- property


@st.composite
def named_networks(draw: st.DrawFn) -> Network:
    """Valid networks whose divisions carry names that decide roles (codes 1-599)."""
    net = draw(networks(max_counties=2, max_towns=5, max_villages=3))
    records = net.records()
    divisions = tuple(
        attrs.evolve(d, name=draw(st.sampled_from(NAMES))) for d in records.of("divisions")
    )
    return Network.from_records(records.replace(divisions=divisions))


def brute_coverage(
    net: Network, day: dt.date | None, include_statistical: bool
) -> dict[str, list[int]]:
    """County code → [towns, covered, villages, covered] straight from the records."""
    kind = {DivisionLevel.TOWN: "institute", DivisionLevel.VILLAGE: "station"}
    out: dict[str, list[int]] = {}
    for d in net.divisions.values():
        if d.level not in kind or not reference_counted(net, d, include_statistical):
            continue
        row = out.setdefault(str(d.code)[:6], [0, 0, 0, 0])
        at = 0 if d.level is DivisionLevel.TOWN else 2
        row[at] += 1
        row[at + 1] += any(
            s.kind.value == kind[d.level] and s.division == d.code and net.exists(s.id, day)
            for s in net.sites.values()
        )
    return out


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    net=named_networks(),
    day=st.none() | st.dates(D(2015, 1, 1), D(2026, 1, 1)),
    include_statistical=st.booleans(),
)
def test_every_coverage_count_follows_the_rule(
    net: Network, day: dt.date | None, include_statistical: bool
) -> None:
    expected = brute_coverage(net, day, include_statistical)
    table = coverage_by(net, "county", as_of=day, include_statistical=include_statistical)
    got = {
        r.code: [r.towns_total, r.towns_covered, r.villages_total, r.villages_covered]
        for r in table
        if r.towns_total or r.villages_total
    }
    assert got == {k: v for k, v in expected.items() if v[0] or v[2]}
    cov = coverage(net, as_of=day, include_statistical=include_statistical)
    assert cov.towns.total == sum(v[0] for v in expected.values())
    assert cov.towns.covered == sum(v[1] for v in expected.values())
    assert cov.villages.total == sum(v[2] for v in expected.values())
    assert cov.villages.covered == sum(v[3] for v in expected.values())
    if day is not None:
        series = coverage_series(net, [day], include_statistical=include_statistical)
        assert (series.towns_total, series.towns_covered) == (
            cov.towns.total,
            (cov.towns.covered,),
        )
        assert series.villages_covered == (cov.villages.covered,)


def test_reference_table_rows_for_the_brute_force() -> None:
    # The reference agrees with the library on a table's worth of named rows.
    table = DivisionTable.of(
        "t",
        [Division(code=f"610924{n:03d}", name=NAMES[n % len(NAMES)]) for n in range(1, 600)],
    )
    assert all(counts_as_town(d) is reference_is_town(d) for d in table.values())


def test_the_scorecard_rows_are_the_towns_coverage_counts() -> None:
    from wenming.governance import scorecard

    net = rules_network()
    card = scorecard(net)
    # 蒿坪镇, 枫桥街道, 双河镇 (civil, whatever the 4xx digits) and 南磨房地区; not the
    # placeholder, the development zone or the grouping.
    assert [row.town.short for row in card] == ["610924021", "610924101", "610924402", "610924405"]
    villages = {row.town.short: row.villages for row in card}
    assert villages == {"610924021": 1, "610924101": 1, "610924402": 2, "610924405": 1}
