from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given, settings

from wenming import (
    Centre,
    Division,
    Institute,
    Issue,
    IssueError,
    Network,
    NetworkInvalidError,
    NetworkRecords,
    Point,
    Severity,
    Station,
    ValidationContext,
    Venue,
    check,
    register_rule,
    validate,
)
from wenming.datasets import ziyang
from wenming.testing.strategies import networks
from wenming.validation import RULES

DIVISIONS = (
    Division(code="610924", name="紫阳县"),
    Division(code="610924100", name="城关镇"),
    Division(code="610924101", name="蒿坪镇"),
    Division(code="610924102", name="汉王镇"),
    Division(code="610924101001", name="双星社区"),
    Division(code="610924101201", name="金川村"),
)
CENTRE = Centre(id="c", name="中心", division="610924")
I100 = Institute(id="i100", name="城关所", division="610924100", parent="c")
I101 = Institute(id="i101", name="蒿坪所", division="610924101", parent="c")


def records(
    *sites: Centre | Institute | Station | Point, venues: tuple[Venue, ...] = ()
) -> NetworkRecords:
    return NetworkRecords(divisions=DIVISIONS, sites=(CENTRE, I100, I101, *sites), venues=venues)


def codes(issues: tuple[Issue, ...]) -> list[tuple[str, str]]:
    return [(i.code, i.path) for i in issues]


def test_a_valid_document_has_no_issues() -> None:
    assert (
        validate(records(Station(id="s", name="站", division="610924101001", parent="i101"))) == ()
    )
    assert validate(ziyang()) == ()


def test_unknown_parent_names_the_path() -> None:
    issues = validate(records(Station(id="s", name="站", division="610924101001", parent="x")))
    assert codes(issues) == [("unknown-parent", "$.sites[3].parent")]
    assert str(issues[0]) == "$.sites[3].parent: unknown site 'x' (not in $.sites)"
    assert issues[0].subject == "s"
    assert issues[0].severity is Severity.ERROR


def test_parent_kind_and_division_level_and_outside_parent() -> None:
    issues = validate(
        records(
            Institute(id="bad-kind", name="所", division="610924102", parent="i101"),
            Station(id="bad-level", name="站", division="610924101", parent="i101"),
            Station(id="outside", name="站", division="610924101201", parent="i100"),
        )
    )
    assert codes(issues) == [  # document order
        ("parent-kind", "$.sites[3].parent"),
        ("division-level", "$.sites[4].division"),
        ("outside-parent", "$.sites[5].division"),
    ]
    messages = [i.message for i in issues]
    messages[0], messages[1] = messages[1], messages[0]
    assert messages[0] == (
        "Station 'bad-level' must sit on a village/community division; "
        "610924101 is a town/township/street"
    )
    assert (
        messages[1]
        == "the parent of Institute 'bad-kind' must be a Centre; 'i101' is an Institute"
    )
    assert messages[2] == (
        "Station 'outside' sits on 610924101201, outside its parent Institute 'i100' (610924100)"
    )


def test_unknown_division() -> None:
    issues = validate(records(Station(id="s", name="站", division="610924101299", parent="i101")))
    assert codes(issues) == [("unknown-division", "$.sites[3].division")]
    assert issues[0].message == "unknown division 610924101299 (not in $.divisions)"


def test_duplicate_ids_in_every_section() -> None:
    doc = NetworkRecords(
        divisions=(*DIVISIONS, Division(code="610924100000", name="again")),
        sites=(
            CENTRE,
            I100,
            I101,
            Institute(id="i100", name="又一个", division="610924100", parent="c"),
        ),
        venues=(Venue(id="v", kind="other"), Venue(id="v", kind="other")),
    )
    issues = [i for i in validate(doc) if i.code == "duplicate-id"]
    assert [(i.path, i.message) for i in issues] == [
        ("$.divisions[6].code", "duplicate division code 610924100 (first at $.divisions[1])"),
        ("$.sites[3].id", "duplicate site id 'i100' (first at $.sites[1])"),
        ("$.venues[1].id", "duplicate venue id 'v' (first at $.venues[0])"),
    ]


def test_two_sites_claiming_one_division() -> None:
    net_records = records(
        Station(id="s1", name="站", division="610924101001", parent="i101"),
        Station(id="s2", name="站", division="610924101001", parent="i101"),
        Institute(id="i100b", name="所", division="610924100", parent="c"),
        Centre(id="c2", name="中心", division="610924"),
    )
    issues = validate(net_records)
    assert codes(issues) == [
        ("duplicate-claim", "$.sites[4].division"),
        ("duplicate-claim", "$.sites[5].division"),
        ("duplicate-claim", "$.sites[6].division"),
    ]
    assert issues[0].message == (
        "Stations 's1' ($.sites[3]) and 's2' both claim village 610924101001"
    )
    assert "both claim town 610924100" in issues[1].message
    assert "both claim county 610924" in issues[2].message
    # A network can hold such a state (it is consistent), so validate(network) sees it too.
    net = Network.from_records(net_records)
    assert [i.code for i in validate(net)] == ["duplicate-claim"] * 3


def test_cycles_are_reported_once() -> None:
    doc = NetworkRecords(
        divisions=DIVISIONS,
        sites=(
            CENTRE,
            Point(id="a", name="点", division="610924101", parent="b"),
            Point(id="b", name="点", division="610924101", parent="a"),
            Point(id="tail", name="点", division="610924101", parent="a"),
        ),
    )
    issues = [i for i in validate(doc) if i.code == "cycle"]
    assert len(issues) == 1
    assert issues[0].message == "sites form a cycle: 'a' → 'b' → 'a'"
    assert issues[0].path == "$.sites[1].parent"


def test_venue_naming_unknown_site() -> None:
    issues = validate(records(venues=(Venue(id="v", kind="other", sites={"c", "ghost"}),)))
    assert codes(issues) == [("unknown-venue-site", "$.venues[0].sites")]
    assert issues[0].message == "unknown site 'ghost' (not in $.sites)"


def test_established_before_parent_is_a_warning_after_the_errors() -> None:
    late_parent = Institute(
        id="i101", name="所", division="610924101", parent="c", established=dt.date(2021, 1, 1)
    )
    doc = NetworkRecords(
        divisions=DIVISIONS,
        sites=(
            CENTRE,
            late_parent,
            Station(
                id="s",
                name="站",
                division="610924101001",
                parent="i101",
                established=dt.date(2020, 1, 1),
            ),
            Station(id="e", name="站", division="610924101201", parent="ghost"),
        ),
    )
    issues = validate(doc)
    assert [(i.code, i.severity) for i in issues] == [
        ("unknown-parent", Severity.ERROR),
        ("established-before-parent", Severity.WARNING),
    ]
    assert issues[1].message == (
        "Station 's' was established 2020-01-01, before its parent 'i101' (2021-01-01)"
    )
    # Warnings never make check() raise; errors do.
    check(NetworkRecords(divisions=DIVISIONS, sites=(CENTRE, late_parent, doc.sites[2])))
    with pytest.raises(NetworkInvalidError):
        check(doc)


def test_as_of_ignores_sites_that_do_not_exist_yet() -> None:
    doc = records(
        Station(id="s1", name="站", division="610924101001", parent="i101"),
        Station(
            id="s2",
            name="站",
            division="610924101001",
            parent="i101",
            established=dt.date(2025, 1, 1),
        ),
    )
    assert [i.code for i in validate(doc)] == ["duplicate-claim"]
    assert validate(doc, as_of=dt.date(2024, 1, 1)) == ()


def test_rule_selection_and_unknown_rule() -> None:
    doc = records(Station(id="s", name="站", division="610924101299", parent="x"))
    assert [i.code for i in validate(doc, rules=["unknown-reference"])] == [
        "unknown-division",
        "unknown-parent",
    ]
    with pytest.raises(LookupError, match="unknown validation rule 'no-such-rule'; the rules are"):
        validate(doc, rules=["no-such-rule"])


def test_check_raises_an_exception_group_of_every_error() -> None:
    doc = records(
        Station(id="s", name="站", division="610924101299", parent="x"),
    )
    with pytest.raises(NetworkInvalidError) as info:
        check(doc, source="county.json")
    err = info.value
    assert str(err) == (
        "county.json: $.sites[3].division: unknown division 610924101299 (not in $.divisions)"
        " (and 1 more error)"
    )
    assert [i.code for i in err.issues] == ["unknown-division", "unknown-parent"]
    assert all(isinstance(e, IssueError) for e in err.exceptions)
    caught: list[str] = []
    try:
        check(doc)
    except* IssueError as group:
        caught = [str(e) for e in group.exceptions]
    assert caught[1] == "$.sites[3].parent: unknown site 'x' (not in $.sites)"


def test_registering_a_rule() -> None:
    def no_points(ctx: ValidationContext) -> Iterator[Issue]:
        for i, site in enumerate(ctx.records.sites):
            if isinstance(site, Point):
                yield Issue(
                    code="no-points",
                    severity="info",
                    message="a point",
                    subject=site.id,
                    path=ctx.path("sites", i),
                )

    register_rule("test-no-points")(no_points)
    try:
        with pytest.raises(ValueError, match="already registered"):
            register_rule("test-no-points")(no_points)
        doc = records(Point(id="p", name="点", division="610924100", parent="i100"))
        assert codes(validate(doc)) == [("no-points", "$.sites[3]")]
        assert validate(doc)[0].severity is Severity.INFO
    finally:
        del RULES["test-no-points"]


@settings(max_examples=50, deadline=None)
@given(networks())
def test_generated_networks_are_valid(net: Network) -> None:
    assert validate(net) == ()
    assert validate(net.records()) == ()


def test_as_of_drops_undated_children_of_later_parents_with_them() -> None:
    doc = NetworkRecords(
        divisions=DIVISIONS,
        sites=(
            Centre(id="c", name="中心", division="610924", established=dt.date(2020, 1, 1)),
            I100,
        ),
        venues=(Venue(id="v", kind="other", sites={"c", "i100"}),),
    )
    assert validate(doc, as_of=dt.date(2019, 1, 1)) == ()
    assert validate(doc, as_of=dt.date(2021, 1, 1)) == ()
