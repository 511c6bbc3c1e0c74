"""People, posts, tenures, areas and links: records, sections, rules, round trips."""

from __future__ import annotations

import datetime as dt

import attrs
import pytest

import wenming
from wenming import Centre, Division, Institute, Network, Point, Station, validate
from wenming.errors import InUseError, InvariantError, UnknownIdError
from wenming.links import LINKS, Area, Link
from wenming.people import (
    DEFAULT_POST_KINDS,
    PEOPLE,
    POSTS,
    Person,
    Post,
    PostKind,
    Tenure,
    holder,
    holders,
    post_kind,
    tenures_of,
)

DAY = dt.date(2023, 8, 1)


def county() -> Network:
    """A county, one town, two villages: every post, link and head in place."""
    net = Network(name="test")
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924101001", name="双星社区"),
            Division(code="610924101201", name="金竹村"),
            Post(id="c-sec", name="县委书记", kind="county_secretary", division="610924"),
            Post(id="c-lead", name="县领导", kind="county_leader", division="610924"),
            Post(id="c-prop", name="宣传部领导", kind="propaganda_leader", division="610924"),
            Post(id="t-sec", name="镇党委书记", kind="town_secretary", division="610924101"),
            Post(id="t-lead", name="镇领导", kind="town_leader", division="610924101"),
            Post(id="v-sec", name="社区书记", kind="village_secretary", division="610924101001"),
            Post(id="v2-sec", name="村书记", kind="village_secretary", division="610924101201"),
            *(Person(id=f"p{i}", name=f"人{i}", synthetic=True) for i in range(1, 10)),
            Tenure(id="t1", post="c-sec", person="p1", start="2020-01-01"),
            Tenure(id="t2", post="c-lead", person="p2", start="2020-01-01"),
            Tenure(id="t3", post="c-prop", person="p3", start="2020-01-01"),
            Tenure(id="t4", post="t-sec", person="p4", start="2020-01-01"),
            Tenure(id="t5", post="t-lead", person="p5", start="2020-01-01", end="2023-01-01"),
            Tenure(id="t6", post="t-lead", person="p6", start="2023-01-01"),
            Tenure(id="t7", post="v-sec", person="p7", start="2020-01-01"),
            Tenure(id="t8", post="v2-sec", person="p8", start="2020-01-01"),
            Centre(id="c", name="中心", division="610924", head="c-sec"),
            Institute(id="i", name="所", division="610924101", parent="c", head="t-sec"),
            Station(id="s", name="站", division="610924101001", parent="i", head="v-sec"),
            Station(id="s2", name="站2", division="610924101201", parent="i", head="v2-sec"),
            Point(id="pt", name="点", division="610924101001", parent="s"),
            Area(id="a", name="片区", towns={"610924101"}),
            Link(id="l-area", post="c-lead", kind="area", area="a"),
            Link(id="l-town", post="c-prop", kind="town", town="610924101"),
            Link(id="l-s", post="t-lead", kind="village", site="s"),
            Link(id="l-s2", post="t-lead", kind="village", site="s2"),
        ]
    )
    return net


def codes(net: Network | wenming.NetworkRecords) -> list[tuple[str, str | None]]:
    return [(i.code, i.path) for i in validate(net)]


def test_the_fixture_is_valid() -> None:
    assert validate(county()) == ()


# ---------------------------------------------------------------- records


def test_tenure_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(InvariantError, match="end 2020-01-01 must come after start 2021-01-01"):
        Tenure(id="t", post="p", person="x", start="2021-01-01", end="2020-01-01")
    with pytest.raises(InvariantError, match=r"end .* must come after start"):
        Tenure(id="t", post="p", person="x", start="2021-01-01", end="2021-01-01")
    with pytest.raises(InvariantError, match="start"):
        Tenure(id="t", post="p", person="x", start="January")


def test_post_and_person_refuse_bad_values() -> None:
    with pytest.raises(InvariantError, match="name must not be blank"):
        Post(id="x", name=" ", kind="town_leader", division="610924101")
    with pytest.raises(InvariantError) as info:
        Post(id="x", name="y", kind="town_leader", division="61092")
    assert info.value.field == "division"
    with pytest.raises(InvariantError, match="synthetic must be true or false"):
        Person(id="p", name="n", synthetic="yes")  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match=r"closed .* must come after established"):
        Post(
            id="x",
            name="y",
            kind="town_leader",
            division="610924101",
            established="2022-01-01",
            closed="2021-01-01",
        )


def test_person_repr_keeps_notes_out() -> None:
    person = Person(id="p", name="王五", note="电话 13800000000")
    assert "1380" not in repr(person)
    assert person.to_dict() == {"id": "p", "name": "王五", "note": "电话 13800000000"}


def test_post_kind_refuses_bad_values() -> None:
    with pytest.raises(InvariantError, match="span must be a whole number"):
        PostKind(id="k", name="k", level="town", span=0)
    with pytest.raises(InvariantError, match="unknown division level"):
        PostKind(id="k", name="k", level="hamlet")
    with pytest.raises(InvariantError, match="links 'x' is not one of"):
        PostKind(id="k", name="k", level="town", links={"x"})


def test_link_names_exactly_its_target() -> None:
    with pytest.raises(InvariantError, match=r"a village \(包村\) link needs site"):
        Link(id="l", post="p", kind="village")
    with pytest.raises(InvariantError, match=r"an area \(联片\) link names an area, not a site"):
        Link(id="l", post="p", kind="area", area="a", site="s")
    with pytest.raises(InvariantError, match="kind 'x' is not one of"):
        Link(id="l", post="p", kind="x", site="s")
    assert Link(id="l", post="p", kind="town", town="610924101").target == "610924101"


# ---------------------------------------------------------------- holders


def test_holder_follows_tenures() -> None:
    net = county()
    assert holder(net, "t-lead", as_of="2022-12-31") == net.get(PEOPLE, "p5")
    assert holder(net, "t-lead", as_of="2023-01-01") == net.get(PEOPLE, "p6")
    assert holder(net, "t-lead", as_of=dt.datetime(2019, 1, 1, 8)) is None
    assert [t.id for t in tenures_of(net, "t-lead")] == ["t5", "t6"]
    assert holders(net, "t-lead", as_of="2019-01-01") == ()
    with pytest.raises(UnknownIdError):
        holder(net, "nobody")


def test_a_closed_post_has_no_holder() -> None:
    net = county()
    net.replace(attrs.evolve(net.get(POSTS, "t-lead"), closed=dt.date(2023, 6, 1)))
    assert holder(net, "t-lead", as_of="2023-05-31") is not None
    assert holder(net, "t-lead", as_of="2023-06-01") is None


def test_post_kinds_are_data() -> None:
    net = county()
    assert post_kind(net, "town_leader").span == 3
    net.add(PostKind(id="town_leader", name="镇领导", level="town", links={"village"}, span=4))
    assert post_kind(net, "town_leader").span == 4
    net.add(PostKind(id="school_head", name="校长", level="village", links={"attached"}))
    net.add(Post(id="sch", name="校长", kind="school_head", division="610924101001"))
    with pytest.raises(UnknownIdError, match="unknown post kind"):
        post_kind(net, "emperor")
    assert set(DEFAULT_POST_KINDS) <= set(wenming.people.post_kinds(net))


# ---------------------------------------------------------------- add time


def test_unknown_references_are_refused_at_add_time() -> None:
    net = county()
    with pytest.raises(UnknownIdError, match="unknown head post 'nope'"):
        net.add(Station(id="s3", name="站", division="610924101001", parent="i", head="nope"))
    with pytest.raises(UnknownIdError, match="unknown post kind 'emperor'"):
        net.add(Post(id="x", name="x", kind="emperor", division="610924"))
    with pytest.raises(UnknownIdError):
        net.add(Tenure(id="tx", post="nope", person="p1", start="2020-01-01"))
    with pytest.raises(UnknownIdError):
        net.add(Link(id="lx", post="t-lead", kind="village", site="nope"))
    before = net.records()
    with pytest.raises(UnknownIdError):  # nothing half-applied
        net.add_all(
            [
                Post(id="ok", name="ok", kind="town_leader", division="610924101"),
                Link(id="lx", post="ok", kind="village", site="nope"),
            ]
        )
    assert net.records() == before


def test_removing_a_head_post_is_refused_and_cascade_detaches() -> None:
    net = county()
    with pytest.raises(InUseError, match="Station 's' \\(head\\)"):
        net.remove("v-sec")
    removed = net.remove("v-sec", cascade=True)
    assert [type(r).__name__ for r in removed] == ["Post", "Tenure"]
    assert net.site("s").head is None
    assert "s" in net


def test_removing_a_post_with_links_cascades_to_them() -> None:
    net = county()
    removed = net.remove("t-lead", cascade=True)
    assert {getattr(r, "id", None) for r in removed} >= {"t-lead", "l-s", "l-s2", "t5", "t6"}


# ---------------------------------------------------------------- validation


def test_overlapping_tenures_are_an_issue_with_a_path() -> None:
    net = county()
    net.add(Tenure(id="t9", post="t-lead", person="p9", start="2022-06-01", end="2023-06-01"))
    issues = [i for i in validate(net) if i.code == "tenure-overlap"]
    assert len(issues) == 2  # overlaps t5 and t6
    assert issues[0].path is not None
    assert issues[0].path.startswith("$.tenures[")
    assert "one person at a time" in issues[0].message


def test_multi_holder_kinds_may_overlap() -> None:
    net = county()
    net.add(PostKind(id="committee", name="委员", level="town", single_holder=False))
    net.add(Post(id="cm", name="委员", kind="committee", division="610924101"))
    net.add(Tenure(id="ta", post="cm", person="p1", start="2020-01-01"))
    net.add(Tenure(id="tb", post="cm", person="p2", start="2020-01-01"))
    assert validate(net) == ()
    assert len(holders(net, "cm", as_of=DAY)) == 2


def test_head_must_be_the_first_in_command_of_the_site_division() -> None:
    net = county()
    net.replace(attrs.evolve(net.site("i"), head="t-lead"))
    net.add(Division(code="610924102", name="汉王镇"))
    net.add(Post(id="t2-sec", name="书记", kind="town_secretary", division="610924102"))
    net.replace(attrs.evolve(net.site("c"), head="t2-sec"))
    found = codes(net)
    assert ("head-not-first-in-command", "$.sites[1].head") in found
    assert ("head-not-first-in-command", "$.sites[0].head") in found
    net.replace(attrs.evolve(net.site("i"), head="t2-sec"))
    assert ("head-division", "$.sites[1].head") in codes(net)


def test_post_at_the_wrong_level() -> None:
    net = county()
    net.add(Post(id="bad", name="x", kind="town_secretary", division="610924"))
    assert ("post-level", "$.posts[0].division") in codes(net)


def test_links_from_the_wrong_kind_or_to_the_wrong_level() -> None:
    net = county()
    net.add(Link(id="l-bad-kind", post="v-sec", kind="village", site="s"))
    net.add(Link(id="l-bad-town", post="c-prop", kind="town", town="610924101001"))
    net.add(Link(id="l-bad-site", post="t-lead", kind="village", site="i"))
    found = codes(net)
    assert any(c == "link-post-kind" for c, _ in found)
    targets = [p for c, p in found if c == "link-target"]
    assert any(p is not None and p.endswith(".town") for p in targets)
    assert any(p is not None and p.endswith(".site") for p in targets)


def test_towns_and_stations_without_links_are_warnings() -> None:
    net = county()
    net.remove("l-s")
    net.remove("l-town")
    issues = {i.code: i for i in validate(net)}
    assert issues["station-without-link"].severity is wenming.Severity.WARNING
    assert issues["town-without-link"].severity is wenming.Severity.WARNING
    # an attached (挂点) link counts instead
    net.add(Link(id="l-att", post="t-lead", kind="attached", site="s"))
    assert "station-without-link" not in {i.code for i in validate(net)}


def test_a_network_without_links_gets_no_link_warnings() -> None:
    net = county()
    for link in list(net.table(LINKS)):
        net.remove(link, section="links")
    assert validate(net) == ()


def test_town_in_two_areas_and_area_of_a_non_town() -> None:
    net = county()
    net.add(Area(id="b", name="另一片", towns={"610924101", "610924101001"}))
    found = codes(net)
    assert ("town-in-two-areas", "$.areas[1].towns") in found
    assert ("area-town-level", "$.areas[1].towns") in found


def test_span_is_the_post_kind_span() -> None:
    net = county()
    net.add_all(
        [
            Division(code="610924101202", name="村3"),
            Division(code="610924101203", name="村4"),
            Station(id="s3", name="站3", division="610924101202", parent="i"),
            Station(id="s4", name="站4", division="610924101203", parent="i"),
            Link(id="l-s3", post="t-lead", kind="village", site="s3"),
            Link(id="l-s4", post="t-lead", kind="village", site="s4"),
        ]
    )
    assert "span" in {i.code for i in validate(net)}
    net.add(PostKind(id="town_leader", name="镇领导", level="town", links={"village"}, span=4))
    assert "span" not in {i.code for i in validate(net)}


def test_unknown_references_in_records_are_issues_with_paths() -> None:
    records = county().records()
    records = records.replace(
        links=(*records.links, Link(id="zz", post="ghost", kind="area", area="nowhere")),
        tenures=(*records.tenures, Tenure(id="tz", post="c-sec", person="ghost", start=DAY)),
    )
    found = codes(records)
    assert ("unknown-link-post", f"$.links[{len(records.links) - 1}].post") in found
    assert ("unknown-link-area", f"$.links[{len(records.links) - 1}].area") in found
    assert ("unknown-tenure-person", f"$.tenures[{len(records.tenures) - 1}].person") in found


# ---------------------------------------------------------------- files


def test_round_trip_with_the_new_sections(tmp_path: object) -> None:
    net = county()
    net.add(PostKind(id="school_head", name="校长", level="village", links={"attached"}))
    text = wenming.dumps(net)
    assert wenming.loads(text) == net
    assert wenming.dumps(wenming.loads(text)) == text


def test_format_errors_in_new_sections_have_paths() -> None:
    import json

    doc = json.loads(wenming.dumps(county()))
    doc["tenures"][0]["start"] = "soon"
    doc["links"][0]["kind"] = "friendship"
    doc["people"][0]["synthetic"] = "yes"
    with pytest.raises(wenming.FormatError) as info:
        wenming.loads(json.dumps(doc))
    text = "\n".join(info.value.errors)
    assert "$.tenures[0].start" in text
    assert "$.links[0].kind" in text
    assert "$.people[0].synthetic" in text


def test_ziyang_has_posts_links_and_heads() -> None:
    from wenming.datasets import ziyang

    net = ziyang()
    assert validate(net) == ()
    assert all(s.head is not None for s in net.iter_sites() if s.kind.value != "point")
    assert all(p.synthetic for p in net.table(PEOPLE).values())
    assert "SYNTHETIC" in net.description
    assert len(net.table("areas")) == 4
    kinds = {link.kind.value for link in net.table(LINKS).values()}
    assert kinds == {"area", "town", "village"}
