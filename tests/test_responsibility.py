"""The responsibility chain and its reverse view."""

from __future__ import annotations

import datetime as dt
import json

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from test_people import DAY, county

import wenming
from wenming import Network
from wenming.errors import UnknownIdError
from wenming.ids import SiteId
from wenming.links import LINKS, Link
from wenming.people import PEOPLE, POSTS, Person, Post, Tenure
from wenming.responsibility import (
    Gap,
    Relation,
    Responsibility,
    responsibilities_of,
    responsibility_chain,
    responsibility_chains,
)
from wenming.sites import SiteKind
from wenming.testing.strategies import responsible_networks


def shape(
    net: Network, site: str, as_of: object = DAY
) -> list[tuple[str, str | None, str | None]]:
    chain = responsibility_chain(net, site, as_of=as_of)  # type: ignore[arg-type]
    return [(e.relation.value, e.post, e.person if e.gap is None else e.gap.value) for e in chain]


def test_chain_of_a_station() -> None:
    assert shape(county(), "s") == [
        ("head", "v-sec", "p7"),
        ("village", "t-lead", "p6"),
        ("head", "t-sec", "p4"),
        ("town", "c-prop", "p3"),
        ("area", "c-lead", "p2"),
        ("head", "c-sec", "p1"),
    ]


def test_chain_of_each_site_kind() -> None:
    net = county()
    assert [r for r, _, _ in shape(net, "c")] == ["head"]
    assert [r for r, _, _ in shape(net, "i")] == ["head", "town", "area", "head"]
    # A Point without a head or link of its own: its Station's chain.
    assert shape(net, "pt") == shape(net, "s")
    net.add(Link(id="l-pt", post="t-lead", kind="attached", site="pt"))
    assert shape(net, "pt")[0] == ("attached", "t-lead", "p6")


def test_chain_across_a_change_of_holder() -> None:
    net = county()
    before = responsibility_chain(net, "s", as_of="2022-12-31")
    after = responsibility_chain(net, "s", as_of="2023-01-01")
    assert before.entries[1].person == "p5"
    assert after.entries[1].person == "p6"  # the successor, from the tenure's start
    # the link is the post's: unchanged
    assert before.entries[1].post == after.entries[1].post == "t-lead"
    assert net.get(LINKS, "l-s").post == "t-lead"


def test_gap_vacant_post() -> None:
    net = county()
    net.remove("t8", section="tenures")
    assert shape(net, "s2")[0] == ("head", "v2-sec", "vacant")
    chain = responsibility_chain(net, "s2", as_of=DAY)
    assert not chain.complete
    assert len(chain.gaps) == 1


def test_gap_no_head() -> None:
    net = county()
    net.replace(attrs.evolve(net.site("s"), head=None))
    assert shape(net, "s")[0] == ("head", None, "no-head")


def test_gap_closed_head_post() -> None:
    net = county()
    net.replace(attrs.evolve(net.get(POSTS, "v-sec"), closed=dt.date(2023, 1, 1)))
    assert shape(net, "s")[0] == ("head", "v-sec", "post-closed")


def test_gap_no_village_link() -> None:
    net = county()
    net.remove("l-s", section="links")
    assert shape(net, "s")[1] == ("village", None, "no-link")


def test_gap_no_town_link_and_no_area_link() -> None:
    net = county()
    net.remove("l-town", section="links")
    net.remove("l-area", section="links")
    got = shape(net, "i")
    assert ("town", None, "no-link") in got
    assert ("area", None, "no-link") in got


def test_gap_town_in_no_area() -> None:
    net = county()
    net.remove("a", section="areas", cascade=True)
    assert ("area", None, "no-area") in shape(net, "i")


def test_links_that_have_closed_or_not_begun_do_not_count() -> None:
    net = county()
    net.replace(attrs.evolve(net.get(LINKS, "l-s"), established=dt.date(2024, 1, 1)))
    assert shape(net, "s")[1] == ("village", None, "no-link")
    assert shape(net, "s", as_of="2024-01-01")[1] == ("village", "t-lead", "p6")


def test_chain_str_and_to_dict() -> None:
    chain = responsibility_chain(county(), "s", as_of=DAY)
    text = str(chain)
    assert text.startswith("responsibility chain of Station 's' as of 2023-08-01")
    assert "包村 village" in text
    assert "人6 (p6)" in text
    data = chain.to_dict()
    assert data["site"] == "s"
    assert data["as_of"] == "2023-08-01"
    assert data["entries"][0] == {
        "relation": "head",
        "through": "s",
        "site": "s",
        "post": "v-sec",
        "post_name": "社区书记",
        "person": "p7",
        "person_name": "人7",
    }
    json.dumps(data, ensure_ascii=False)
    net = county()
    net.remove("l-s", section="links")
    assert "1 gap(s)" in str(responsibility_chain(net, "s", as_of=DAY))
    assert "(no link)" in str(responsibility_chain(net, "s", as_of=DAY))


def test_bad_queries() -> None:
    net = county()
    with pytest.raises(UnknownIdError):
        responsibility_chain(net, "nowhere")
    with pytest.raises(wenming.InvariantError, match="is not a date"):
        responsibility_chain(net, "s", as_of="soon")
    net.replace(attrs.evolve(net.site("s"), established=dt.date(2024, 1, 1)))
    with pytest.raises(UnknownIdError, match="does not exist on 2023-08-01"):
        responsibility_chain(net, "s", as_of=DAY)
    with pytest.raises(UnknownIdError, match="no post or person"):
        responsibilities_of(net, "nobody")


def test_chains_in_bulk_match_one_by_one() -> None:
    net = county()
    bulk = list(responsibility_chains(net, as_of=DAY))
    assert [c.site for c in bulk] == list(net.sites)
    assert bulk == [responsibility_chain(net, s, as_of=DAY) for s in net.sites]


def _bulk_equals_single(net: Network, day: dt.date) -> None:
    bulk = list(responsibility_chains(net, as_of=day))
    alive = [s for s in net.sites if net.exists(s, day)]
    assert [c.site for c in bulk] == alive
    single = [responsibility_chain(net, s, as_of=day) for s in alive]
    assert bulk == single
    # Equal field by field and of the same types, not merely equal.
    for b, one in zip(bulk, single, strict=True):
        assert type(b) is type(one)
        assert attrs.asdict(b, recurse=False) == attrs.asdict(one, recurse=False)
        for e, f in zip(b.entries, one.entries, strict=True):
            assert type(e) is type(f)
            assert attrs.astuple(e) == attrs.astuple(f)
            assert hash(e) == hash(f)
    # Some sites only, in the order given, as ids or records.
    some = alive[::3]
    given_back = list(responsibility_chains(net, [net.site(s) for s in some], as_of=day))
    assert given_back == list(responsibility_chains(net, some, as_of=day))
    assert [c.site for c in given_back] == some


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responsible_networks())
def test_bulk_chains_equal_single_chains(net: Network) -> None:
    for day in (dt.date(2019, 6, 1), dt.date(2023, 8, 1)):
        _bulk_equals_single(net, day)


def test_bulk_chains_equal_single_chains_on_a_synthetic_province() -> None:
    from wenming.testing.factories import synthetic_network

    net = synthetic_network(seed=5, counties=6, responsibility=True)
    # Gaps of every kind, several links to one Station, closed links and posts.
    stations = list(net.iter_sites("station"))
    posts: list[Post] = list(net.table("posts").values())
    net.replace(attrs.evolve(stations[0], head=None))
    net.add(Link(id="extra-1", post=posts[0].id, kind="attached", site=stations[1].id))
    net.add(
        Link(
            id="extra-2",
            post=posts[1].id,
            kind="attached",
            site=stations[1].id,
            established="2024-01-01",
        )
    )
    links: list[Link] = list(net.table("links").values())
    for link in links:
        if link.site == stations[2].id:
            net.replace(attrs.evolve(link, closed=dt.date(2020, 1, 1)))
    head = stations[3].head
    assert head is not None
    head_post: Post = net.get("posts", head)
    net.replace(attrs.evolve(head_post, closed=dt.date(2022, 1, 1)))
    net.replace(attrs.evolve(stations[4], closed=dt.date(2023, 1, 1)))
    for day in (dt.date(2021, 6, 1), DAY, dt.date(2024, 6, 1)):
        _bulk_equals_single(net, day)


def test_the_fast_constructors_make_equal_records() -> None:
    from wenming.responsibility import ChainEntry, ResponsibilityChain, _new_chain, _new_entry

    entry = ChainEntry(relation=Relation.HEAD, through="s", site=SiteId("s"), gap=Gap.NO_HEAD)
    fast = _new_entry(Relation.HEAD, "s", "s", None, None, None, None, Gap.NO_HEAD)
    assert fast == entry
    assert hash(fast) == hash(entry)
    assert repr(fast) == repr(entry)
    assert fast.to_dict() == entry.to_dict()
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        fast.site = "x"
    chain = ResponsibilityChain(
        site=SiteId("s"), kind=SiteKind.STATION, as_of=DAY, entries=(entry,)
    )
    assert _new_chain("s", SiteKind.STATION, DAY, (fast,)) == chain


def test_reverse_view_of_a_post_and_a_person() -> None:
    net = county()
    got = responsibilities_of(net, "c-prop", as_of=DAY)
    assert {(r.site, r.relation, r.direct) for r in got} == {
        ("i", Relation.TOWN, False),
        ("s", Relation.TOWN, False),
        ("s2", Relation.TOWN, False),
        ("pt", Relation.TOWN, False),
    }
    leader = responsibilities_of(net, "t-lead", as_of=DAY)
    assert {(r.site, r.direct) for r in leader} == {("s", True), ("s2", True), ("pt", False)}
    # by person: p6 holds t-lead since 2023; p5 held it before
    assert {r.site for r in responsibilities_of(net, "p6", as_of=DAY)} == {"s", "s2", "pt"}
    assert responsibilities_of(net, "p5", as_of=DAY) == ()
    assert {r.site for r in responsibilities_of(net, "p5", as_of="2022-01-01")} == {
        "s",
        "s2",
        "pt",
    }
    person = net.get(PEOPLE, "p1")
    assert isinstance(person, Person)
    heads = responsibilities_of(net, person, as_of=DAY)
    assert all(r.relation is Relation.HEAD for r in heads)
    assert {r.site for r in heads if r.direct} == {"c"}
    assert heads[0].to_dict()["relation"] == "head"


def test_a_person_holding_two_posts() -> None:
    net = county()
    net.add(Tenure(id="t-two", post="c-prop", person="p2", start="2020-01-01"))
    net.remove("t3", section="tenures")
    posts = {r.post for r in responsibilities_of(net, "p2", as_of=DAY)}
    assert posts == {"c-lead", "c-prop"}


def _agree(net: Network, day: dt.date) -> None:
    chains = {c.site: c for c in responsibility_chains(net, as_of=day)}
    posts = {e.post for c in chains.values() for e in c if e.post is not None}
    posts |= set(net.table("posts"))
    reverse: set[Responsibility] = set()
    for post in posts:
        reverse.update(responsibilities_of(net, post, as_of=day))
    # every responsibility is an entry of the chain of the site it names …
    for r in reverse:
        chain = chains[r.site]
        assert any(
            e.post == r.post and e.relation is r.relation and e.through == r.through for e in chain
        ), (r, chain)
    # … and every chain entry with a post that exists is a responsibility
    keys = {(r.site, r.post, r.relation, r.through) for r in reverse}
    for site, chain in chains.items():
        for e in chain:
            if e.post is None or e.gap is Gap.POST_CLOSED:
                continue
            assert (site, e.post, e.relation, e.through) in keys, (site, e)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responsible_networks())
def test_chains_and_reverse_view_agree(net: Network) -> None:
    for day in (dt.date(2019, 6, 1), dt.date(2023, 8, 1)):
        _agree(net, day)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(responsible_networks())
def test_round_trip_with_people_and_links(net: Network) -> None:
    text = wenming.dumps(net)
    assert wenming.loads(text) == net
    assert wenming.loads_records(text) == net.records()


def test_agreement_on_a_synthetic_county() -> None:
    from wenming.testing.factories import synthetic_network

    net = synthetic_network(seed=3, counties=1, responsibility=True)
    assert wenming.validate(net) == ()
    _agree(net, DAY)
    assert all(c.complete for c in responsibility_chains(net, as_of=DAY))
