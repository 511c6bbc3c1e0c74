"""Editing a network: ``Network.replace`` and ``Network.remove`` (issue 5).

Every refusal leaves the network exactly as it was (records and indexes); every
cascade says what it removed, the record asked for first.
"""

from __future__ import annotations

import copy
import datetime as dt

import attrs
import pytest

from wenming import (
    Centre,
    Division,
    DuplicateIdError,
    HierarchyError,
    Institute,
    InvariantError,
    Network,
    Point,
    SiteId,
    Station,
    UnknownIdError,
    Venue,
    VenueId,
    VenueKind,
    WenmingError,
    coverage,
    validate,
)
from wenming.datasets import ziyang
from wenming.errors import InUseError

D = dt.date


def county() -> Network:
    """A county: three towns (one without an Institute), four villages, a few of each site."""
    net = Network(name="test county")
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924100", name="城关镇"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924102", name="汉王镇"),
            Division(code="610924100202", name="新桃村"),
            Division(code="610924101001", name="双星社区"),
            Division(code="610924101201", name="金川村"),
            Division(code="610924101202", name="田坝村"),
            Centre(id="c", name="中心", division="610924", established=D(2019, 1, 1)),
            Institute(id="i100", name="城关所", division="610924100", parent="c"),
            Institute(id="i101", name="蒿坪所", division="610924101", parent="c"),
            Station(id="s001", name="双星站", division="610924101001", parent="i101"),
            Station(id="s201", name="金川站", division="610924101201", parent="i101"),
            Point(id="p1", name="学校点", division="610924101001", parent="s001", host="school"),
            Point(id="p2", name="广场点", division="610924100", parent="i100", host="square"),
            Venue(id="v1", kind=VenueKind.READING_ROOM, sites={"s001", "i101", "c"}),
            Venue(id="v2", kind=VenueKind.CULTURE_SQUARE, sites={"p2"}),
        ]
    )
    return net


def ids(sites: object) -> list[str]:
    return sorted(s.id for s in sites)  # type: ignore[attr-defined]


def point(net: Network, site_id: str) -> Point:
    site = net.site(site_id)
    assert isinstance(site, Point)
    return site


def station(net: Network, site_id: str) -> Station:
    site = net.site(site_id)
    assert isinstance(site, Station)
    return site


def institute(net: Network, site_id: str) -> Institute:
    site = net.site(site_id)
    assert isinstance(site, Institute)
    return site


def indexed(net: Network) -> Network:
    """The network with every lazy index built (so edits must keep them up to date)."""
    net.build_indexes()
    return net


def assert_unchanged(net: Network, before_records: object, before: Network) -> None:
    assert net.records() == before_records
    assert net == before
    # The indexes, too, still describe the old records.
    assert ids(net.children("c")) == ["i100", "i101"]
    assert ids(net.children("i101")) == ["s001", "s201"]
    assert ids(net.sites_on("610924101")) == ["i101"]
    assert ids(net.sites_on("610924101001")) == ["p1", "s001"]
    assert [v.id for v in net.venues_of("i101")] == ["v1"]
    assert [v.id for v in net.venues_of("p2")] == ["v2"]


# ---------------------------------------------------------------------------- replace


@pytest.mark.parametrize("build_first", [True, False], ids=["indexes-built", "indexes-lazy"])
def test_replace_moves_a_station_between_villages(build_first: bool) -> None:
    net = county()
    if build_first:
        indexed(net)
    cov_before = coverage(net)
    old = net.site("s201")
    moved = attrs.evolve(old, division="610924101202")

    returned = net.replace(moved)

    assert returned is old
    assert net.site("s201") == moved
    assert net.sites[SiteId("s201")].division.short == "610924101202"
    assert ids(net.sites_on("610924101201")) == []
    assert ids(net.sites_on("610924101202")) == ["s201"]
    assert ids(net.children("i101")) == ["s001", "s201"]
    cov = coverage(net)
    assert cov.villages.covered == cov_before.villages.covered
    assert [c.short for c in cov.villages.uncovered] == ["610924100202", "610924101201"]
    assert validate(net) == ()


@pytest.mark.parametrize("build_first", [True, False], ids=["indexes-built", "indexes-lazy"])
def test_replace_moves_a_point_to_another_parent(build_first: bool) -> None:
    net = county()
    if build_first:
        indexed(net)
    old = net.replace(attrs.evolve(point(net, "p2"), parent="i101", division="610924101"))
    assert old.parent == "i100"
    assert ids(net.children("i100")) == []
    assert ids(net.children("i101")) == ["p2", "s001", "s201"]
    assert ids(net.sites_on("610924100")) == ["i100"]
    assert ids(net.sites_on("610924101")) == ["i101", "p2"]
    assert net.parent("p2") == net.site("i101")
    assert [s.id for s in net.ancestors("p2")] == ["i101", "c"]
    assert "p2" in {s.id for s in net.descendants("i101")}


@pytest.mark.parametrize("build_first", [True, False], ids=["indexes-built", "indexes-lazy"])
def test_replace_a_venue_updates_venues_of(build_first: bool) -> None:
    net = county()
    if build_first:
        indexed(net)
    old = net.venues[VenueId("v1")]
    new = attrs.evolve(old, sites=frozenset({"s201", "c"}), floor_area=80)
    assert net.replace(new) is old
    assert net.venue("v1") == new
    assert net.venues_of("i101") == ()
    assert net.venues_of("s001") == ()
    assert [v.id for v in net.venues_of("s201")] == ["v1"]
    assert [v.id for v in net.venues_of("c")] == ["v1"]


def test_replace_a_division_returns_the_old_one() -> None:
    net = indexed(county())
    old = net.division("610924101")
    returned = net.replace(Division(code="610924101", name="蒿坪镇(新)", population=12000))
    assert returned is old
    assert net.division("610924101").name == "蒿坪镇(新)"
    assert ids(net.sites_on("610924101")) == ["i101"]
    assert coverage(net).towns.covered == 2


def test_replace_with_an_equal_record_changes_nothing() -> None:
    net = county()
    before = net.records()
    site = net.site("s001")
    assert net.replace(attrs.evolve(site)) is site
    assert net.records() == before


def test_replace_by_another_kind_is_refused_and_names_the_record() -> None:
    net = indexed(county())
    before, snapshot = net.records(), copy.copy(net)
    point = Point(id="s001", name="双星点", division="610924101001", parent="i101")
    with pytest.raises(InvariantError) as info:
        net.replace(point)
    message = str(info.value)
    assert "'s001'" in message
    assert "Station" in message
    assert "Point" in message
    assert_unchanged(net, before, snapshot)


def test_replace_an_unknown_key_is_refused() -> None:
    net = county()
    before = net.records()
    with pytest.raises(UnknownIdError) as info:
        net.replace(Station(id="nowhere", name="站", division="610924101202", parent="i101"))
    assert "nowhere" in str(info.value)
    assert isinstance(info.value, LookupError)
    with pytest.raises(UnknownIdError):
        net.replace(Division(code="610924103", name="焕古镇"))
    with pytest.raises(UnknownIdError):
        net.replace(Venue(id="v9", kind="other"))
    assert net.records() == before


def test_replace_not_a_record_is_refused() -> None:
    net = county()
    with pytest.raises(InvariantError):
        net.replace("s001")


def test_replace_that_puts_children_outside_is_refused() -> None:
    net = indexed(county())
    before, snapshot = net.records(), copy.copy(net)
    moved = attrs.evolve(net.site("i101"), division="610924102")
    with pytest.raises(HierarchyError) as info:
        net.replace(moved)
    assert info.value.rule == "outside-parent"
    assert "i101" in str(info.value)
    assert net.site("i101").division.short == "610924101"
    assert_unchanged(net, before, snapshot)
    assert ids(net.sites_on("610924102")) == []


@pytest.mark.parametrize("build_first", [True, False], ids=["indexes-built", "indexes-lazy"])
def test_refused_replace_that_moves_a_site_leaves_the_indexes_true(build_first: bool) -> None:
    # The refused record changes its parent (an index key): whether the children
    # index was built before or is built during the replace, it must not keep it.
    net = county()
    net.add_all(
        [
            Division(code="610925", name="岚皋县"),
            Division(code="610925100", name="城关镇"),
            Centre(id="c2", name="岚皋中心", division="610925"),
        ]
    )
    if build_first:
        indexed(net)
    before, snapshot = net.records(), copy.copy(net)
    with pytest.raises(HierarchyError):
        net.replace(attrs.evolve(institute(net, "i101"), parent="c2", division="610925100"))
    assert net.children("c2") == ()
    assert ids(net.descendants("c2")) == []
    assert_unchanged(net, before, snapshot)
    # And a replace that is accepted afterwards files the site once.
    net.remove("p2", cascade=True)
    net.replace(attrs.evolve(institute(net, "i100"), parent="c2", division="610925100"))
    assert ids(net.children("c2")) == ["i100"]
    assert ids(net.children("c")) == ["i101"]


def test_replace_with_a_bad_reference_is_refused() -> None:
    net = indexed(county())
    before, snapshot = net.records(), copy.copy(net)
    with pytest.raises(UnknownIdError):
        net.replace(attrs.evolve(station(net, "s201"), parent="ghost"))
    with pytest.raises(UnknownIdError):
        net.replace(attrs.evolve(net.site("s201"), division="610924101299"))
    with pytest.raises(HierarchyError):  # a Station may not hang off a Centre
        net.replace(attrs.evolve(station(net, "s201"), parent="c"))
    with pytest.raises(UnknownIdError):
        net.replace(attrs.evolve(net.venue("v1"), sites=frozenset({"ghost"})))
    assert_unchanged(net, before, snapshot)


# ---------------------------------------------------------------------------- remove


def test_remove_a_leaf() -> None:
    net = indexed(county())
    p1 = net.site("p1")
    assert net.remove("p1") == (p1,)
    assert "p1" not in net
    assert p1 not in net
    assert net.children("s001") == ()
    assert ids(net.sites_on("610924101001")) == ["s001"]
    assert ids(net.descendants("c")) == ["i100", "i101", "p2", "s001", "s201"]
    with pytest.raises(UnknownIdError):
        net.site("p1")


def test_remove_by_record() -> None:
    net = county()
    p1 = net.site("p1")
    assert net.remove(p1) == (p1,)
    with pytest.raises(UnknownIdError):  # gone now
        net.remove(p1)


def test_remove_a_record_that_differs_from_the_one_held_is_refused() -> None:
    net = county()
    before = net.records()
    stale = attrs.evolve(net.site("p1"), name="另一个点")
    with pytest.raises(UnknownIdError):
        net.remove(stale)
    assert net.records() == before


def test_remove_unknown_key() -> None:
    net = county()
    before = net.records()
    with pytest.raises(UnknownIdError) as info:
        net.remove("ghost")
    assert "ghost" in str(info.value)
    with pytest.raises(UnknownIdError):
        net.remove("p1", section="venues")
    assert net.records() == before


def test_remove_a_site_with_children_is_refused_naming_them() -> None:
    net = indexed(county())
    before, snapshot = net.records(), copy.copy(net)
    with pytest.raises(InUseError) as info:
        net.remove("i101")
    exc = info.value
    message = str(exc)
    assert "Institute 'i101'" in message
    assert "Station 's001' (parent)" in message
    assert "Station 's201' (parent)" in message
    assert "Venue 'v1' (sites)" in message or "venue 'v1' (sites)" in message
    assert "cascade=True" in message
    assert exc.kind == "site"
    assert exc.id == "i101"
    assert set(exc.referrers) == {("sites", "s001"), ("sites", "s201"), ("venues", "v1")}
    assert isinstance(exc, WenmingError)
    assert isinstance(exc, ValueError)
    assert_unchanged(net, before, snapshot)


def test_remove_a_division_with_sites_on_it_is_refused() -> None:
    net = indexed(county())
    before, snapshot = net.records(), copy.copy(net)
    with pytest.raises(InUseError) as info:
        net.remove("610924101001")
    message = str(info.value)
    assert "610924101001" in message
    assert "Station 's001' (division)" in message
    assert "Point 'p1' (division)" in message
    assert info.value.kind == "division"
    assert set(info.value.referrers) == {("sites", "s001"), ("sites", "p1")}
    assert_unchanged(net, before, snapshot)


def test_remove_a_division_nothing_sits_on() -> None:
    net = county()
    division = net.division("610924102")
    assert net.remove("610924102") == (division,)
    assert net.remove("610924101202", section="divisions")[0].name == "田坝村"
    assert validate(net) == ()


def test_remove_a_site_a_venue_lists_is_refused() -> None:
    net = indexed(county())
    before, snapshot = net.records(), copy.copy(net)
    with pytest.raises(InUseError) as info:
        net.remove("p2")
    assert "v2" in str(info.value)
    assert "(sites)" in str(info.value)
    assert info.value.referrers == (("venues", "v2"),)
    assert_unchanged(net, before, snapshot)


def test_remove_cascade_takes_the_subtree_and_detaches_venues() -> None:
    net = indexed(county())
    asked = net.site("i101")
    removed = net.remove("i101", cascade=True)
    assert removed[0] == asked
    assert sorted(r.id for r in removed) == ["i101", "p1", "s001", "s201"]
    assert len(set(removed)) == len(removed)
    for site_id in ("i101", "s001", "s201", "p1"):
        assert site_id not in net
    # The venue stays and no longer lists the removed sites.
    assert net.venue("v1").sites == frozenset({"c"})
    assert [v.id for v in net.venues_of("c")] == ["v1"]
    assert ids(net.children("c")) == ["i100"]
    assert ids(net.sites_on("610924101001")) == []
    assert net.counts()[Station.kind] == 0
    assert coverage(net).towns.covered == 1
    assert validate(net) == ()
    # The venue that pointed only at removed sites is not among the removed records.
    assert all(not isinstance(r, Venue) for r in removed)


def test_remove_cascade_from_a_division() -> None:
    net = indexed(county())
    town = net.division("610924101")
    removed = net.remove("610924101", cascade=True)
    assert removed[0] == town
    assert {getattr(r, "id", None) for r in removed[1:]} == {"i101", "s001", "s201", "p1"}
    # The villages are divisions of their own; they stay.
    assert "610924101001" in {d.code.short for d in net.divisions.values()}
    assert validate(net) == ()


def test_remove_cascade_of_a_leaf_listed_by_a_venue_keeps_the_venue() -> None:
    net = indexed(county())
    removed = net.remove("p2", cascade=True)
    assert [r.id for r in removed] == ["p2"]
    assert net.venue("v2").sites == frozenset()
    assert net.venues_of("i100") == ()


def test_remove_a_venue() -> None:
    net = indexed(county())
    v1 = net.venue("v1")
    assert net.remove("v1") == (v1,)
    assert net.venues_of("i101") == ()
    assert net.site("i101").id == "i101"  # sites are untouched


def test_ambiguous_key_needs_section() -> None:
    net = county()
    net.add(Venue(id="p1", kind="other", sites={"s001"}))
    before = net.records()
    with pytest.raises(InvariantError) as info:
        net.remove("p1")
    message = str(info.value)
    assert "sites" in message
    assert "venues" in message
    assert "section=" in message
    assert net.records() == before
    venue = net.venue("p1")
    assert net.remove("p1", section="venues") == (venue,)
    assert net.site("p1").id == "p1"
    assert net.remove("p1", section="sites")[0].id == "p1"


def test_remove_unknown_section_is_refused() -> None:
    net = county()
    with pytest.raises(InvariantError) as info:
        net.remove("p1", section="stations")
    for name in ("divisions", "sites", "venues"):
        assert name in str(info.value)


def test_removed_then_readded_gives_an_equal_network() -> None:
    original = county()
    net = county()
    net.add_all(net.remove("p1"))
    assert net == original
    assert net.records() == original.records()

    net = indexed(county())
    v1 = net.venue("v1")
    removed = net.remove("i101", cascade=True)
    net.add_all(removed)
    net.replace(v1)  # the cascade detached i101 and s001 from it
    assert net == original
    assert net.records() == original.records()
    assert ids(net.children("i101")) == ["s001", "s201"]
    assert [v.id for v in net.venues_of("s001")] == ["v1"]


def test_add_after_remove_refuses_duplicates_again() -> None:
    net = county()
    p1 = net.site("p1")
    net.remove("p1")
    net.add(p1)
    with pytest.raises(DuplicateIdError):
        net.add(p1)


def test_remove_returns_records_in_a_stable_order() -> None:
    first = county().remove("c", cascade=True)
    second = county().remove("c", cascade=True)
    assert first == second
    assert first[0].id == "c"
    assert len(first) == 7


def test_remove_a_post_a_site_names_as_head() -> None:
    net = ziyang()
    site = net.site("institute-610924101")
    head = site.head
    assert head is not None
    before = net.records()
    with pytest.raises(InUseError) as info:
        net.remove(head)
    assert "Institute 'institute-610924101' (head)" in str(info.value)
    assert ("sites", "institute-610924101") in info.value.referrers
    assert net.records() == before
    removed = net.remove(head, cascade=True)
    assert removed[0].id == head
    # The site stays, without its head; the post's tenures go with the post.
    assert net.site("institute-610924101").head is None
    assert all(getattr(r, "post", head) == head for r in removed[1:])
    # The town's brigade, headed by the same post, has lost its head too (a warning).
    assert [(i.code, i.subject) for i in validate(net)] == [
        ("team-head-missing", "team-610924101")
    ]
