"""The per-family strategies, invalid_networks and the registered type strategies."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

import wenming
from wenming import Centre, Division, Institute, Network, Point, Station, validate
from wenming.activities import Activity
from wenming.people import Post
from wenming.teams import Team
from wenming.testing.strategies import (
    DEFECTS,
    activities,
    divisions,
    invalid_networks,
    ledgers,
    posts,
    sites,
    teams,
    volunteers,
)
from wenming.volunteers import Volunteer

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("defect", DEFECTS)
def test_invalid_networks_plant_exactly_the_named_defect(defect: str) -> None:
    @FAST
    @given(invalid_networks(defects=(defect,)))
    def check(case: tuple[Any, str]) -> None:
        records, code = case
        assert code == defect
        issues = validate(records)
        assert [i.code for i in issues] == [code]
        expected = "warning" if code == "established-before-parent" else "error"
        assert issues[0].severity.value == expected

    check()


def test_invalid_networks_refuse_an_unknown_defect() -> None:
    with pytest.raises(wenming.InvariantError, match="unknown defect 'nope'"):
        find(invalid_networks(defects=("nope",)), lambda case: True)


@pytest.mark.parametrize(
    ("cls", "level"),
    [(Centre, "county"), (Institute, "town"), (Station, "village"), (Point, "village")],
)
def test_type_strategies_are_registered(cls: type[Any], level: str) -> None:
    site: Any = find(st.from_type(cls), lambda s: True)
    assert type(site) is cls
    assert site.division.level.label == level
    # Shrinks to the plainest record: the first code, a one-character name, no options.
    assert len(site.name) == 1
    assert site.established is None


@FAST
@given(
    st.from_type(Division),
    st.from_type(Post),
    st.from_type(Volunteer),
    st.from_type(Team),
    st.from_type(Activity),
)
def test_from_type_for_every_family(
    division: Division, post: Post, volunteer: Volunteer, team: Team, activity: Activity
) -> None:
    for record in (division, post, volunteer, team, activity):
        assert isinstance(record.to_dict(), dict)


@FAST
@given(st.from_type(Network))
def test_from_type_network_is_valid(net: Network) -> None:
    assert validate(net) == ()


@FAST
@given(st.lists(volunteers(sensitive=True), max_size=4, unique_by=lambda v: v.id))
def test_volunteers_round_trip_through_the_file_format(people: list[Any]) -> None:
    net = Network()
    net.add_all([attrs.evolve(v, residence=None) for v in people])
    assert wenming.loads(wenming.dumps(net, sensitive=True), sensitive=True) == net
    loaded: list[Any] = list(wenming.loads(wenming.dumps(net)).table("volunteers").values())
    assert all(v.id_number is None for v in loaded)


@FAST
@given(divisions("village"), sites(), posts(), teams(), activities())
def test_single_records_are_well_formed(
    division: Division, site: Any, post: Post, team: Team, activity: Activity
) -> None:
    assert division.level.label == "village"
    assert site.kind.value in {"centre", "institute", "station", "point"}
    assert post.id.startswith("post-")
    assert team.level in {"corps", "brigade", "squad"}
    assert activity.day.year == 2023


def test_record_strategies_shrink_to_the_plainest() -> None:
    assert find(sites("station"), lambda s: True).six_haves is None
    team = find(teams(), lambda t: True)
    assert (team.id, team.site, team.parent) == ("T0", None, None)
    activity = find(activities(), lambda a: True)
    assert (activity.id, activity.categories) == ("A0", frozenset())


@FAST
@given(ledgers())
def test_ledger_balances_are_the_sum_of_entries(ledger: Any) -> None:
    try:
        for account in ledger.accounts():
            entries = [e for e in ledger.entries() if e.account == account.id]
            assert ledger.balance(account.id) == sum(e.points for e in entries)
    finally:
        ledger.close()
