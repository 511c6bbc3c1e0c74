from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings

from wenming import (
    Centre,
    Division,
    DivisionCode,
    DuplicateIdError,
    HierarchyError,
    Institute,
    InvariantError,
    Network,
    NetworkRecords,
    Point,
    SiteKind,
    Station,
    UnknownIdError,
    Venue,
    VenueKind,
)
from wenming.testing.strategies import networks

D = dt.date


def county_network() -> Network:
    """A county with two towns, three villages, and sites on most of them."""
    net = Network(name="test county")
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924100", name="城关镇"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924101001", name="双星社区"),
            Division(code="610924101201", name="金川村"),
            Division(code="610924100202", name="新桃村"),
            Centre(id="c", name="中心", division="610924", established=D(2019, 1, 1)),
            Institute(id="i100", name="城关所", division="610924100", parent="c"),
            Institute(
                id="i101",
                name="蒿坪所",
                division="610924101",
                parent="c",
                established=D(2020, 1, 1),
            ),
            Station(
                id="s001",
                name="双星站",
                division="610924101001",
                parent="i101",
                established=D(2021, 6, 1),
            ),
            Station(id="s201", name="金川站", division="610924101201", parent="i101"),
            Point(id="p1", name="学校点", division="610924101001", parent="s001", host="school"),
            Point(id="p2", name="广场点", division="610924100", parent="i100", host="square"),
            Venue(id="v1", kind=VenueKind.READING_ROOM, sites={"s001", "i101"}),
            Venue(id="v2", kind="culture_square", floor_area=800, sites={"s001"}),
        ]
    )
    return net


def test_lookups_and_traversal() -> None:
    net = county_network()
    assert len(net.sites) == 7
    assert len(net) == len(list(net)) == 15
    assert "s001" in net
    assert "nope" not in net
    assert net.site("s001").name == "双星站"
    assert net.division("610924101").name == "蒿坪镇"
    assert net.parent("s001") == net.site("i101")
    assert net.parent("c") is None
    assert [s.id for s in net.children("i101")] == ["s001", "s201"]
    assert [s.id for s in net.ancestors("p1")] == ["s001", "i101", "c"]
    assert net.ancestors("c") == ()
    assert [s.id for s in net.descendants("c")] == ["i100", "p2", "i101", "s001", "p1", "s201"]
    assert [s.id for s in net.sites_on("610924101001")] == ["s001", "p1"]
    assert [v.id for v in net.venues_of("s001")] == ["v1", "v2"]
    assert net.venues_of("c") == ()
    assert [s.id for s in net.iter_sites("station")] == ["s001", "s201"]
    assert [d.name for d in net.iter_divisions("town")] == ["城关镇", "蒿坪镇"]
    counts = net.counts()
    assert counts == {
        SiteKind.CENTRE: 1,
        SiteKind.INSTITUTE: 2,
        SiteKind.STATION: 2,
        SiteKind.POINT: 2,
    }


def test_as_of_hides_sites_not_yet_established_and_their_subtrees() -> None:
    net = county_network()
    day = D(2020, 6, 1)
    assert [s.id for s in net.children("i101", as_of=day)] == ["s201"]
    # s001 opened in 2021: it and the Point under it are not there in 2020.
    assert [s.id for s in net.descendants("c", as_of=day)] == ["i100", "p2", "i101", "s201"]
    assert [s.id for s in net.descendants("c", as_of=D(2019, 6, 1))] == ["i100", "p2"]
    assert net.counts(as_of=D(2018, 1, 1))[SiteKind.CENTRE] == 0
    # Before the Centre opened nothing under it existed, dated or not.
    assert [s.id for s in net.iter_sites(as_of=D(2018, 1, 1))] == []
    assert net.children("c", as_of=D(2018, 1, 1)) == ()
    # Undated sites exist as soon as everything above them does.
    assert [s.id for s in net.iter_sites(as_of=D(2019, 6, 1))] == ["c", "i100", "p2"]
    assert net.exists("s201", D(2020, 6, 1))
    assert not net.exists("s201", D(2019, 12, 31))
    assert net.exists("s201", None)
    # p1 is undated, but its Station s001 opened only in 2021.
    assert net.sites_on("610924101001", as_of=day) == ()
    assert net.sites_on("610924101001", as_of=D(2021, 6, 1)) == (net.site("s001"), net.site("p1"))


def test_unknown_ids_raise_lookup_errors() -> None:
    net = county_network()
    with pytest.raises(UnknownIdError, match="unknown site 'zz'") as info:
        net.site("zz")
    assert isinstance(info.value, LookupError)
    assert info.value.id == "zz"
    for call in (net.children, net.ancestors, net.parent, net.venues_of):
        with pytest.raises(UnknownIdError):
            call("zz")
    with pytest.raises(UnknownIdError):
        list(net.descendants("zz"))
    with pytest.raises(UnknownIdError, match="unknown division '610924999'"):
        net.division("610924999")
    with pytest.raises(UnknownIdError, match="unknown venue 'v9'"):
        net.venue("v9")


def test_unknown_parent_is_refused_and_nothing_is_added() -> None:
    net = county_network()
    before = net.records()
    site = Station(id="s9", name="站", division="610924100202", parent="nowhere")
    with pytest.raises(UnknownIdError, match="Station 's9': unknown parent site 'nowhere'"):
        net.add_site(site)
    assert net.records() == before


def test_unknown_division_is_refused() -> None:
    net = county_network()
    with pytest.raises(UnknownIdError, match=r"unknown division 610924100299 \(add the Division"):
        net.add_site(Station(id="s9", name="站", division="610924100299", parent="i100"))


@pytest.mark.parametrize(
    ("site", "rule", "message"),
    [
        (
            Institute(id="x", name="所", division="610924100", parent="s001"),
            "parent-kind",
            "the parent of Institute 'x' must be a Centre; 's001' is a Station",
        ),
        (
            Station(id="x", name="站", division="610924100202", parent="c"),
            "parent-kind",
            "the parent of Station 'x' must be an Institute; 'c' is a Centre",
        ),
        (
            Point(id="x", name="点", division="610924101001", parent="p1"),
            "parent-kind",
            "the parent of Point 'x' must be a Centre or an Institute or a Station; "
            "'p1' is a Point",
        ),
        (
            Station(id="x", name="站", division="610924", parent="i100"),
            "division-level",
            "Station 'x' must sit on a village/community division; 610924 is a county",
        ),
        (
            Institute(id="x", name="所", division="610924100202", parent="c"),
            "division-level",
            "Institute 'x' must sit on a town/township/street division; 610924100202 is a "
            "village/community",
        ),
        (
            Centre(id="x", name="中心", division="610924100"),
            "division-level",
            "Centre 'x' must sit on a county division; 610924100 is a town/township/street",
        ),
        (
            Station(id="x", name="站", division="610924100202", parent="i101"),
            "outside-parent",
            "Station 'x' sits on 610924100202, outside its parent Institute 'i101' (610924101)",
        ),
        (
            Point(id="x", name="点", division="610924", parent="s001"),
            "outside-parent",
            "Point 'x' sits on 610924, outside its parent Station 's001' (610924101001)",
        ),
    ],
)
def test_hierarchy_breaks_are_refused_with_the_rule_and_message(
    site: Centre | Institute | Station | Point, rule: str, message: str
) -> None:
    net = county_network()
    before = net.records()
    with pytest.raises(HierarchyError) as info:
        net.add_site(site)
    assert str(info.value) == message
    assert info.value.rule == rule
    assert info.value.site == "x"
    assert net.records() == before


def test_duplicates_are_refused() -> None:
    net = county_network()
    with pytest.raises(DuplicateIdError, match="duplicate site id 's001'"):
        net.add_site(Station(id="s001", name="站", division="610924100202", parent="i100"))
    with pytest.raises(DuplicateIdError, match="duplicate division id '610924100000'"):
        net.add_division(Division(code="610924100", name="again"))
    with pytest.raises(DuplicateIdError, match="duplicate venue id 'v1'"):
        net.add_venue(Venue(id="v1", kind="other"))
    with pytest.raises(DuplicateIdError, match="duplicate site id 'a'"):
        net.add_sites(
            [
                Station(id="a", name="站", division="610924100202", parent="i100"),
                Station(id="a", name="站", division="610924100202", parent="i100"),
            ]
        )


def test_venue_with_unknown_site_is_refused() -> None:
    net = county_network()
    with pytest.raises(UnknownIdError, match="venue 'v9': unknown site 'ghost'"):
        net.add_venue(Venue(id="v9", kind="other", sites={"c", "ghost"}))
    assert "v9" not in net.venues


def test_add_sites_accepts_children_before_parents() -> None:
    net = Network()
    net.add_divisions([Division(code="610924", name="县"), Division(code="610924101", name="镇")])
    net.add_sites(
        [
            Institute(id="i", name="所", division="610924101", parent="c"),
            Centre(id="c", name="中心", division="610924"),
        ]
    )
    assert [s.id for s in net.children("c")] == ["i"]


def test_add_all_is_all_or_nothing() -> None:
    net = county_network()
    before = net.records()
    with pytest.raises(UnknownIdError):
        net.add_all(
            [
                Division(code="610924100203", name="新村"),
                Station(id="ok", name="站", division="610924100203", parent="i100"),
                Station(id="bad", name="站", division="610924100203", parent="ghost"),
            ]
        )
    assert net.records() == before
    assert "610924100203" not in net.divisions


def test_add_refuses_things_that_are_not_records() -> None:
    net = Network()
    with pytest.raises(InvariantError, match="not str"):
        net.add("a site")
    with pytest.raises(InvariantError, match="not int"):
        net.add_all([1])


def test_indexes_stay_current_after_queries() -> None:
    net = county_network()
    assert [s.id for s in net.children("i100")] == ["p2"]  # builds the lazy indexes
    net.add_division(Division(code="610924100203", name="新村"))
    net.add_site(Station(id="s203", name="站", division="610924100203", parent="i100"))
    assert [s.id for s in net.children("i100")] == ["p2", "s203"]
    assert [s.id for s in net.sites_on("610924100203")] == ["s203"]
    net.venues_of("c")  # builds the venue index
    net.add_venue(Venue(id="v3", kind="other", sites={"c"}))
    assert [v.id for v in net.venues_of("c")] == ["v3"]


def test_views_are_read_only() -> None:
    net = county_network()
    with pytest.raises(TypeError):
        net.sites["new"] = net.site("c")  # type: ignore[index]
    assert isinstance(next(iter(net.divisions)), DivisionCode)


def test_equality_and_records_round_trip() -> None:
    a = county_network()
    b = Network.from_records(a.records())
    assert a == b
    assert a.records() == b.records()
    b.add_division(Division(code="610924100203", name="新村"))
    assert a != b
    assert a != "not a network"
    shuffled = NetworkRecords(
        name=a.name,
        divisions=tuple(reversed(a.records().divisions)),
        sites=tuple(reversed(a.records().sites)),
        venues=a.records().venues,
    )
    assert Network.from_records(shuffled) == a


def test_records_are_in_canonical_order() -> None:
    records = county_network().records()
    kinds = [s.kind for s in records.sites]
    assert kinds == sorted(kinds, key=list(SiteKind).index)
    assert [d.code for d in records.divisions] == sorted(d.code for d in records.divisions)


def test_repr_counts() -> None:
    assert repr(county_network()) == (
        "<Network 'test county': 6 divisions, 1 centre, 2 institute, 2 station, 2 point, 2 venues>"
    )


@settings(max_examples=60, deadline=None)
@given(networks())
def test_traversal_agrees_with_parent_links(net: Network) -> None:
    for site in net.sites.values():
        chain = net.ancestors(site.id)
        # chain length == depth: follow the parent ids by hand.
        depth, parent = 0, site.parent
        while parent is not None:
            depth += 1
            parent = net.sites[parent].parent
        assert len(chain) == depth
        below = {s.id for s in net.descendants(site.id)}
        brute = {
            other.id
            for other in net.sites.values()
            if site.id in {a.id for a in net.ancestors(other.id)}
        }
        assert below == brute
        assert {c.id for c in net.children(site.id)} == {
            o.id for o in net.sites.values() if o.parent == site.id
        }


def test_a_refused_add_all_keeps_earlier_views_true() -> None:
    net = county_network()
    divisions_view = net.divisions
    net.children("c")  # build the lazy indexes
    with pytest.raises(UnknownIdError):
        net.add_all(
            [
                Division(code="610924100204", name="新村"),
                Station(id="ok", name="站", division="610924100204", parent="i100"),
                Venue(id="v9", kind="other", sites={"ghost"}),
            ]
        )
    assert "610924100204" not in divisions_view
    assert "ok" not in net
    assert [s.id for s in net.children("i100")] == ["p2"]
