"""Tests for wenming.sites: the four site kinds, venues and the hierarchy rules.

The hierarchy is domain.md §1: a Centre sits on a county and has no parent; an
Institute sits on a town/township/street under its county's Centre; a Station
sits on a village/community under its town's Institute; a Point sits anywhere in
the county under a Station, an Institute or a Centre.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

import attrs
import pytest

from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import DivisionCodeError, InvariantError, WenmingError
from wenming.sites import (
    ALLOWED_PARENTS,
    SITE_CLASSES,
    SITE_DIVISION_LEVELS,
    Centre,
    Have,
    HostKind,
    Institute,
    Point,
    Site,
    SiteKind,
    Station,
    Venue,
    VenueKind,
    division_level_problem,
    parent_kind_problem,
    placement_problem,
)

D = dt.date

# One canonical division per level, all inside Ziyang County.
CODE_OF_LEVEL = {
    DivisionLevel.PROVINCE: "61",
    DivisionLevel.PREFECTURE: "6109",
    DivisionLevel.COUNTY: "610924",
    DivisionLevel.TOWN: "610924101",
    DivisionLevel.VILLAGE: "610924101001",
}
LEVEL_WORDS = {
    DivisionLevel.PROVINCE: "a province",
    DivisionLevel.PREFECTURE: "a prefecture",
    DivisionLevel.COUNTY: "a county",
    DivisionLevel.TOWN: "a town/township/street",
    DivisionLevel.VILLAGE: "a village/community",
}


def make(kind: SiteKind, site_id: str, division: str, parent: str = "x") -> Site:
    """Build a site of ``kind``; ``parent`` is ignored for a Centre."""
    if kind is SiteKind.CENTRE:
        return Centre(id=site_id, name=f"{site_id} 中心", division=division)
    if kind is SiteKind.INSTITUTE:
        return Institute(id=site_id, name=f"{site_id} 所", division=division, parent=parent)
    if kind is SiteKind.STATION:
        return Station(id=site_id, name=f"{site_id} 站", division=division, parent=parent)
    return Point(id=site_id, name=f"{site_id} 点", division=division, parent=parent)


NATURAL_LEVEL = {
    SiteKind.CENTRE: DivisionLevel.COUNTY,
    SiteKind.INSTITUTE: DivisionLevel.TOWN,
    SiteKind.STATION: DivisionLevel.VILLAGE,
    SiteKind.POINT: DivisionLevel.VILLAGE,
}


# ---------------------------------------------------------------- construction


def test_centre() -> None:
    centre = Centre(
        id="zy",
        name="紫阳县新时代文明实践中心",
        division="610924",
        established=D(2019, 3, 1),
        head="county-secretary",
        six_haves=["place", "rules"],
    )
    assert centre.kind is SiteKind.CENTRE
    assert centre.parent is None
    assert centre.id == "zy"
    assert centre.division == DivisionCode.parse("610924")
    assert type(centre.division) is DivisionCode
    assert centre.established == D(2019, 3, 1)
    assert centre.head == "county-secretary"
    assert centre.six_haves == frozenset({Have.PLACE, Have.RULES})


def test_institute_station_point() -> None:
    inst = Institute(id="zy-101", name="蒿坪镇新时代文明实践所", division="610924101", parent="zy")
    assert inst.kind is SiteKind.INSTITUTE
    assert inst.parent == "zy"
    assert inst.division.level is DivisionLevel.TOWN
    assert inst.established is None
    assert inst.head is None
    assert inst.six_haves is None

    station = Station(
        id="zy-101-001", name="双星社区新时代文明实践站", division="610924101001", parent="zy-101"
    )
    assert station.kind is SiteKind.STATION
    assert station.parent == "zy-101"

    point = Point(
        id="p1", name="红椿镇中心小学实践点", division="610924110", parent="zy-110", host="school"
    )
    assert point.kind is SiteKind.POINT
    assert point.host is HostKind.SCHOOL
    assert Point(id="p2", name="点", division="610924", parent="zy").host is HostKind.OTHER


def test_site_classes_and_kinds() -> None:
    assert list(SITE_CLASSES) == [
        SiteKind.CENTRE,
        SiteKind.INSTITUTE,
        SiteKind.STATION,
        SiteKind.POINT,
    ]
    for kind, cls in SITE_CLASSES.items():
        assert cls.kind is kind
    assert [k.label for k in SiteKind] == ["Centre", "Institute", "Station", "Point"]


def test_venue() -> None:
    venue = Venue(
        id="v1",
        kind="other",
        name="县融媒体中心",
        floor_area=240,
        owner="县融媒体中心",
        sites=["zy", "zy-101"],
    )
    assert venue.kind is VenueKind.OTHER
    assert venue.floor_area == 240.0
    assert isinstance(venue.floor_area, float)
    assert venue.sites == frozenset({"zy", "zy-101"})
    assert isinstance(venue.sites, frozenset)
    bare = Venue(id="v2", kind=VenueKind.READING_ROOM)
    assert (bare.name, bare.floor_area, bare.owner, bare.sites) == (None, None, None, frozenset())


def test_venue_kinds_are_the_shared_venues_of_the_domain() -> None:
    assert {k.value for k in VenueKind} == {
        "culture_station",
        "activity_room",
        "reading_room",
        "culture_square",
        "women_children_room",
        "moral_lecture_hall",
        "outdoor_led_screen",
        "other",
    }


def test_six_haves_are_six() -> None:
    assert len(Have) == 6


# ---------------------------------------------------------------- single-record rules


def _invariant(field: str, build: Any, **kwargs: Any) -> InvariantError:
    with pytest.raises(InvariantError) as info:
        build(**kwargs)
    err = info.value
    assert isinstance(err, ValueError)
    assert isinstance(err, WenmingError)
    assert err.field == field
    assert field in str(err)
    return err


def _station(**changes: Any) -> Station:
    fields: dict[str, Any] = {
        "id": "s1",
        "name": "双星社区新时代文明实践站",
        "division": "610924101001",
        "parent": "i1",
    }
    fields.update(changes)
    return Station(**fields)


def _point(**changes: Any) -> Point:
    fields: dict[str, Any] = {"id": "p1", "name": "点", "division": "610924101", "parent": "i1"}
    fields.update(changes)
    return Point(**fields)


def _venue(**changes: Any) -> Venue:
    fields: dict[str, Any] = {"id": "v1", "kind": "reading_room"}
    fields.update(changes)
    return Venue(**fields)


@pytest.mark.parametrize("value", ["", " s1", "s1 ", " ", "\ts1"])
@pytest.mark.parametrize("field", ["id", "parent", "head"])
def test_blank_or_padded_identifiers(field: str, value: str) -> None:
    err = _invariant(field, _station, **{field: value})
    assert repr(value) in str(err)
    assert "non-empty, without surrounding spaces" in str(err)
    assert err.value == value


@pytest.mark.parametrize("field", ["id", "parent", "head"])
def test_non_string_identifiers(field: str) -> None:
    err = _invariant(field, _station, **{field: 17})
    assert str(err) == f"{field} must be a string, not int"


@pytest.mark.parametrize("value", ["", " ", "\u3000"])
def test_blank_site_names(value: str) -> None:
    for build in (_station, _point):
        err = _invariant("name", build, name=value)
        assert str(err) == "name must not be blank"
    with pytest.raises(InvariantError, match=r"^name must not be blank$"):
        Centre(id="c", name=value, division="610924")


@pytest.mark.parametrize(
    ("value", "type_name"), [(None, "NoneType"), (42, "int"), (b"x", "bytes")]
)
def test_non_string_site_names(value: object, type_name: str) -> None:
    err = _invariant("name", _station, name=value)
    assert str(err) == f"name must be a string, not {type_name}"


def test_malformed_division() -> None:
    with pytest.raises(DivisionCodeError) as info:
        _station(division="61092410100")
    assert info.value.field == "division"
    assert "division code" in str(info.value)
    assert "has 11 digits" in str(info.value)


@pytest.mark.parametrize(
    ("value", "type_name"),
    [(dt.datetime(2020, 1, 1, 9, 30), "datetime"), ("2020-01-01", "str"), (20200101, "int")],
)
def test_established_must_be_a_date(value: object, type_name: str) -> None:
    err = _invariant("established", _station, established=value)
    assert str(err) == f"established must be a date, not {type_name}"


def test_unknown_host_lists_allowed_values() -> None:
    err = _invariant("host", _point, host="bank")
    assert str(err) == (
        "host 'bank' is not one of: "
        "school, enterprise, scenic_spot, hospital, square, household, other"
    )
    assert err.value == "bank"


def test_unknown_venue_kind_lists_allowed_values() -> None:
    err = _invariant("kind", _venue, kind="gym")
    assert str(err) == (
        "kind 'gym' is not one of: culture_station, activity_room, reading_room, "
        "culture_square, women_children_room, moral_lecture_hall, outdoor_led_screen, other"
    )


def test_six_haves_forms() -> None:
    expected = frozenset({Have.PLACE, Have.SIGNAGE})
    for value in (
        ["place", "signage"],
        ("signage", "place"),
        {"place", "signage"},
        frozenset({Have.PLACE, Have.SIGNAGE}),
        ["place", "signage", "place"],
    ):
        site = _station(six_haves=value)
        assert site.six_haves == expected
        assert isinstance(site.six_haves, frozenset)
        assert all(type(h) is Have for h in site.six_haves)
    assert _station(six_haves=[]).six_haves == frozenset()
    assert _station(six_haves=None).six_haves is None


@pytest.mark.parametrize("value", ["place", "place,rules", {"place": True}])
def test_six_haves_must_be_a_collection(value: object) -> None:
    err = _invariant("six_haves", _station, six_haves=value)
    assert str(err) == f"six_haves must be a list or set, not {type(value).__name__}"


@pytest.mark.parametrize("value", [["place", "money"], ("money",), {"money"}, ["place", 1]])
def test_unknown_have(value: Any) -> None:
    err = _invariant("six_haves", _station, six_haves=value)
    assert "is not one of: place, organisation, projects, facilities, rules, signage" in str(err)


def test_an_unknown_have_is_refused_again_after_a_good_list() -> None:
    # The converter shares frozensets of haves between records: a cached good
    # list must not let a bad one through, nor a bad one poison the cache.
    good = ["place", "rules"]
    assert _station(six_haves=good).six_haves == frozenset({Have.PLACE, Have.RULES})
    with pytest.raises(InvariantError):
        _station(six_haves=["place", "rulez"])
    with pytest.raises(InvariantError):
        _station(six_haves=["place", "rulez"])
    assert _station(six_haves=("place", "rules")).six_haves == frozenset({Have.PLACE, Have.RULES})


@pytest.mark.parametrize("value", [0.5, 1, 240, 240.0, 1e7])
def test_floor_area_accepted(value: float) -> None:
    area = _venue(floor_area=value).floor_area
    assert area == float(value)
    assert type(area) is float


@pytest.mark.parametrize("value", [0, 0.0, -1, -240.5, math.nan, math.inf, -math.inf, 1e7 + 1])
def test_floor_area_out_of_range(value: float) -> None:
    err = _invariant("floor_area", _venue, floor_area=value)
    assert "is outside (0, 10000000]" in str(err)


@pytest.mark.parametrize(
    ("value", "type_name"), [(True, "bool"), (False, "bool"), ("240", "str"), ([240], "list")]
)
def test_floor_area_not_a_number(value: object, type_name: str) -> None:
    err = _invariant("floor_area", _venue, floor_area=value)
    assert str(err) == f"floor_area must be a number, not {type_name}"


@pytest.mark.parametrize("value", ["zy", "zy,zy-101"])
def test_venue_sites_given_as_a_string(value: str) -> None:
    err = _invariant("sites", _venue, sites=value)
    assert str(err) == "sites must be a list or set, not str"


def test_collection_fields_accept_any_non_string_iterable() -> None:
    sites = {"zy": 1, "zy-101": 2}
    assert _venue(sites=sites.keys()).sites == frozenset({"zy", "zy-101"})
    assert _venue(sites=(s for s in ["zy"])).sites == frozenset({"zy"})
    haves = _station(six_haves=(h for h in ["place", "rules"])).six_haves
    assert haves == frozenset({Have.PLACE, Have.RULES})


@pytest.mark.parametrize("value", [[""], ["zy", " zy-101"]])
def test_venue_sites_with_blank_ids(value: list[str]) -> None:
    _invariant("sites", _venue, sites=value)


@pytest.mark.parametrize("field", ["name", "owner"])
def test_venue_optional_text_is_not_blank(field: str) -> None:
    err = _invariant(field, _venue, **{field: "  "})
    assert str(err) == f"{field} must not be blank"
    _invariant(field, _venue, **{field: 3})


@pytest.mark.parametrize("value", ["", " v1"])
def test_venue_id(value: str) -> None:
    _invariant("id", _venue, id=value)


# ---------------------------------------------------------------- value semantics


def test_frozen() -> None:
    station = _station()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        station.name = "另一个站"  # type: ignore[misc]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        station.parent = "i2"  # type: ignore[misc, assignment]
    venue = _venue()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        venue.floor_area = 10.0  # type: ignore[misc]


def test_hashable_and_equal() -> None:
    a = _station(six_haves=["place"])
    b = _station(six_haves=("place",), division=DivisionCode.parse("610924101001"))
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, _station(id="s2")}) == 2
    assert a != _station(name="另一个站")
    assert hash(_venue(sites=["a", "b"])) == hash(_venue(sites=("b", "a")))
    assert _venue(sites=["a", "b"]) == _venue(sites={"b", "a"})


def test_different_kinds_with_the_same_fields_are_not_equal() -> None:
    inst: Site = Institute(id="x", name="n", division="610924101", parent="c")
    point: Site = Point(id="x", name="n", division="610924101", parent="c")
    station: Site = Station(id="x", name="n", division="610924101", parent="c")
    assert inst != station
    assert station != inst
    assert inst != point
    assert len({inst, station, point}) == 3


def test_evolve() -> None:
    station = _station()
    moved = attrs.evolve(station, division="610924101002", established=D(2021, 5, 1))
    assert moved.division == DivisionCode.parse("610924101002")
    assert moved.established == D(2021, 5, 1)
    assert station.division == DivisionCode.parse("610924101001")
    assert station.established is None
    assert type(moved) is Station
    # Changes go through the same rules as construction.
    with pytest.raises(InvariantError, match="name must not be blank"):
        attrs.evolve(station, name="")
    with pytest.raises(DivisionCodeError):
        attrs.evolve(station, division="6109241010")
    venue = attrs.evolve(_venue(), floor_area=120)
    assert venue.floor_area == 120.0


def test_exists_on() -> None:
    undated = _station()
    assert undated.exists_on(D(1990, 1, 1))
    assert undated.exists_on(None)
    dated = _station(established=D(2020, 6, 1))
    assert not dated.exists_on(D(2020, 5, 31))
    assert dated.exists_on(D(2020, 6, 1))
    assert dated.exists_on(D(2023, 8, 1))
    assert dated.exists_on(None)


def test_missing_haves() -> None:
    assert _station().missing_haves is None
    assert _station(six_haves=[]).missing_haves == frozenset(Have)
    assert _station(six_haves=list(Have)).missing_haves == frozenset()
    assert _station(six_haves=["place", "rules"]).missing_haves == frozenset(
        {Have.ORGANISATION, Have.PROJECTS, Have.FACILITIES, Have.SIGNAGE}
    )


# ---------------------------------------------------------------- hierarchy rules


def test_hierarchy_tables_match_the_domain() -> None:
    assert dict(ALLOWED_PARENTS) == {
        SiteKind.CENTRE: frozenset(),
        SiteKind.INSTITUTE: {SiteKind.CENTRE},
        SiteKind.STATION: {SiteKind.INSTITUTE},
        SiteKind.POINT: {SiteKind.CENTRE, SiteKind.INSTITUTE, SiteKind.STATION},
    }
    assert dict(SITE_DIVISION_LEVELS) == {
        SiteKind.CENTRE: {DivisionLevel.COUNTY},
        SiteKind.INSTITUTE: {DivisionLevel.TOWN},
        SiteKind.STATION: {DivisionLevel.VILLAGE},
        SiteKind.POINT: {DivisionLevel.COUNTY, DivisionLevel.TOWN, DivisionLevel.VILLAGE},
    }


@pytest.mark.parametrize(
    ("kind", "level"), list(itertools.product(list(SiteKind), list(DivisionLevel)))
)
def test_division_level_problem_every_combination(kind: SiteKind, level: DivisionLevel) -> None:
    site = make(kind, "s", CODE_OF_LEVEL[level])
    problem = division_level_problem(site, level)
    if level in SITE_DIVISION_LEVELS[kind]:
        assert problem is None
    else:
        assert problem is not None
        assert problem.startswith(f"{kind.label} 's' must sit on a ")
        assert problem.endswith(f" division; {CODE_OF_LEVEL[level]} is {LEVEL_WORDS[level]}")
        for allowed in SITE_DIVISION_LEVELS[kind]:
            assert LEVEL_WORDS[allowed].split(" ", 1)[1] in problem


def test_division_level_problem_messages() -> None:
    station = make(SiteKind.STATION, "s", "610924")
    assert division_level_problem(station, DivisionLevel.COUNTY) == (
        "Station 's' must sit on a village/community division; 610924 is a county"
    )
    centre = make(SiteKind.CENTRE, "c", "610924101")
    assert division_level_problem(centre, DivisionLevel.TOWN) == (
        "Centre 'c' must sit on a county division; 610924101 is a town/township/street"
    )
    inst = make(SiteKind.INSTITUTE, "i", "610924101001")
    assert division_level_problem(inst, DivisionLevel.VILLAGE) == (
        "Institute 'i' must sit on a town/township/street division; "
        "610924101001 is a village/community"
    )
    point = make(SiteKind.POINT, "p", "6109")
    assert division_level_problem(point, DivisionLevel.PREFECTURE) == (
        "Point 'p' must sit on a county or town/township/street or village/community "
        "division; 6109 is a prefecture"
    )


@pytest.mark.parametrize(
    ("kind", "parent_kind"), list(itertools.product(list(SiteKind), list(SiteKind)))
)
def test_parent_kind_problem_every_combination(kind: SiteKind, parent_kind: SiteKind) -> None:
    parent = make(parent_kind, "up", CODE_OF_LEVEL[NATURAL_LEVEL[parent_kind]])
    site = make(kind, "s", CODE_OF_LEVEL[NATURAL_LEVEL[kind]], parent="up")
    problem = parent_kind_problem(site, parent)
    if parent_kind in ALLOWED_PARENTS[kind]:
        assert problem is None
    elif kind is SiteKind.CENTRE:
        assert problem == "a Centre has no parent"
    else:
        assert problem is not None
        assert problem.startswith(f"the parent of {kind.label} 's' must be ")
        article = "an" if parent_kind.label[0] in "AEIOU" else "a"
        assert problem.endswith(f"; 'up' is {article} {parent_kind.label}")
        for allowed in ALLOWED_PARENTS[kind]:
            assert allowed.label in problem


def test_parent_kind_problem_messages() -> None:
    centre = make(SiteKind.CENTRE, "zy", "610924")
    station = make(SiteKind.STATION, "s", "610924101001", parent="zy")
    assert parent_kind_problem(station, centre) == (
        "the parent of Station 's' must be an Institute; 'zy' is a Centre"
    )
    point = make(SiteKind.POINT, "p", "610924101001")
    other_point = make(SiteKind.POINT, "p2", "610924101001")
    assert parent_kind_problem(point, other_point) == (
        "the parent of Point 'p' must be a Centre or an Institute or a Station; 'p2' is a Point"
    )
    inst = make(SiteKind.INSTITUTE, "i", "610924101")
    assert parent_kind_problem(inst, station) == (
        "the parent of Institute 'i' must be a Centre; 's' is a Station"
    )
    assert parent_kind_problem(centre, inst) == "a Centre has no parent"


# For each parent kind: divisions a child may sit on (inside the parent's area) and
# divisions it may not (outside it), with the parent on its natural division.
PARENT_DIVISION = {
    SiteKind.CENTRE: "610924",
    SiteKind.INSTITUTE: "610924101",
    SiteKind.STATION: "610924101001",
}
INSIDE = {
    SiteKind.CENTRE: ["610924", "610924101", "610924102", "610924101001", "610924117203"],
    SiteKind.INSTITUTE: ["610924101", "610924101001", "610924101201"],
    SiteKind.STATION: ["610924101001"],
}
OUTSIDE = {
    SiteKind.CENTRE: ["610925", "610925101", "610925101001", "6109", "61", "620924101"],
    SiteKind.INSTITUTE: ["610924", "610924102", "610924102001", "610925101", "610925101001"],
    SiteKind.STATION: ["610924101", "610924101002", "610924102001", "610924", "610925101001"],
}
ALLOWED_PAIRS = [(kind, up) for kind, ups in ALLOWED_PARENTS.items() for up in sorted(ups)]


@pytest.mark.parametrize(("kind", "parent_kind"), ALLOWED_PAIRS)
def test_placement_problem_every_allowed_pair(kind: SiteKind, parent_kind: SiteKind) -> None:
    parent = make(parent_kind, "up", PARENT_DIVISION[parent_kind])
    candidates = INSIDE[parent_kind] + OUTSIDE[parent_kind]
    for code in candidates:
        site = make(kind, "s", code, parent="up")
        problem = placement_problem(site, parent)
        # The rule: a child's division lies within its parent's division.
        assert (problem is None) is parent.division.contains(site.division), code
        assert (problem is None) is (code in INSIDE[parent_kind]), code
        if problem is not None:
            assert problem == (
                f"{kind.label} 's' sits on {DivisionCode.parse(code).short}, outside its "
                f"parent {parent_kind.label} 'up' ({PARENT_DIVISION[parent_kind]})"
            )


def test_allowed_pairs_cover_the_domain() -> None:
    assert set(ALLOWED_PAIRS) == {
        (SiteKind.INSTITUTE, SiteKind.CENTRE),
        (SiteKind.STATION, SiteKind.INSTITUTE),
        (SiteKind.POINT, SiteKind.CENTRE),
        (SiteKind.POINT, SiteKind.INSTITUTE),
        (SiteKind.POINT, SiteKind.STATION),
    }


def test_placement_problem_messages() -> None:
    inst = make(SiteKind.INSTITUTE, "i", "610924101")
    station = make(SiteKind.STATION, "s", "610924102201", parent="i")
    assert placement_problem(station, inst) == (
        "Station 's' sits on 610924102201, outside its parent Institute 'i' (610924101)"
    )
    centre = make(SiteKind.CENTRE, "zy", "610924")
    stray = make(SiteKind.INSTITUTE, "i2", "610925101", parent="zy")
    assert placement_problem(stray, centre) == (
        "Institute 'i2' sits on 610925101, outside its parent Centre 'zy' (610924)"
    )
    village_station = make(SiteKind.STATION, "s1", "610924101001", parent="i")
    point = make(SiteKind.POINT, "p", "610924101", parent="s1")
    assert placement_problem(point, village_station) == (
        "Point 'p' sits on 610924101, outside its parent Station 's1' (610924101001)"
    )
