"""wenming.team_queries and wenming.graph.overlap_graph: team analytics."""

from __future__ import annotations

import datetime as dt
from itertools import combinations
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_graph_families import team_county
from test_people import DAY

from wenming import Network
from wenming.coverage_more import SITE_COVERAGE
from wenming.datasets import ziyang
from wenming.errors import InvariantError, UnknownIdError
from wenming.graph import overlap_graph
from wenming.sites import SiteKind
from wenming.team_queries import (
    idle_teams,
    team_coverage,
    volunteer_overlap,
    volunteers_per_station,
)
from wenming.teams import Team
from wenming.testing.strategies import networks, volunteer_networks

SLOW = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DAYS = st.none() | st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 31))


@st.composite
def team_networks(draw: st.DrawFn) -> Network:
    """Generated networks with teams of every level bound to random sites, dated or not."""
    net = draw(networks())
    teams: list[Team] = []
    for n, site_id in enumerate(sorted(net.sites)):
        for level in draw(st.lists(st.sampled_from(["corps", "brigade", "squad"]), max_size=3)):
            start, stop = draw(_DAYS), draw(_DAYS)
            if start is not None and stop is not None and stop <= start:
                start, stop = stop, None
            teams.append(
                Team(
                    id=f"t{n}-{len(teams)}",
                    name="队",
                    level=level,
                    site=site_id,
                    established=start,
                    closed=stop,
                )
            )
    net.add_all(teams)
    return net


# ---------------------------------------------------------------- team coverage


@SLOW
@given(team_networks(), _DAYS)
def test_team_coverage_is_a_brute_force_count(net: Network, day: dt.date | None) -> None:
    brigades, squads = team_coverage(net, as_of=day)
    teams: Any = net.table("teams").values()
    for result, kind, level in (
        (brigades, SiteKind.INSTITUTE, "brigade"),
        (squads, SiteKind.STATION, "squad"),
    ):
        sites = [s for s in net.sites.values() if s.kind is kind and net.exists(s.id, day)]
        covered = [
            s.id
            for s in sites
            if any(
                t.site == s.id and t.level == level and (day is None or t.exists_on(day))
                for t in teams
            )
        ]
        assert (result.total, result.covered) == (len(sites), len(covered))
        assert set(result.uncovered) == {s.id for s in sites} - set(covered)
        assert result.kind is kind


def test_team_coverage_is_registered_and_scoped() -> None:
    assert SITE_COVERAGE["teams"] is team_coverage
    brigades, squads = SITE_COVERAGE["teams"](team_county(), as_of=DAY)
    assert (brigades.covered, brigades.total) == (1, 1)
    assert (squads.covered, squads.total, squads.uncovered) == (1, 2, ("s2",))
    assert squads.to_dict()["what"] == "squad"
    inside, _ = team_coverage(team_county(), as_of=DAY, within="610924101201")
    assert inside.total == 0
    with pytest.raises(UnknownIdError, match="no division 610924999"):
        team_coverage(team_county(), within="610924999")
    own = team_coverage(team_county(), squad="brigade", brigade="corps")
    assert (own[0].covered, own[1].covered) == (0, 0)


# ---------------------------------------------------------------- overlap


def test_volunteer_overlap_and_its_graph() -> None:
    net = team_county()
    table = volunteer_overlap(net, as_of=DAY)
    assert table.rows == (("b", "q", 2), ("b", "q2", 1), ("q", "q2", 1))
    assert volunteer_overlap(net, as_of=DAY, minimum=2).rows == (("b", "q", 2),)
    early = volunteer_overlap(net, as_of="2022-05-01")  # V3 in q, not shared
    assert early.rows == table.rows
    g = overlap_graph(net, as_of=DAY)
    assert sorted(g.nodes) == ["team:b", "team:corps", "team:q", "team:q2"]
    assert g.edges["team:b", "team:q"]["weight"] == 2
    assert g.nodes["team:q"]["members"] == 2
    assert g.nodes["team:corps"]["members"] == 0
    assert g.degree("team:corps") == 0
    assert g.graph["as_of"] == DAY.isoformat()
    with pytest.raises(InvariantError, match="minimum must be a whole number"):
        volunteer_overlap(net, minimum=0)
    with pytest.raises(InvariantError, match="minimum"):
        overlap_graph(net, minimum=0)


@SLOW
@given(volunteer_networks(), st.dates(dt.date(2023, 1, 1), dt.date(2023, 12, 31)))
def test_overlap_is_a_brute_force_count(net: Network, day: dt.date) -> None:
    memberships: Any = list(net.table("memberships").values())
    teams: Any = net.table("teams")
    members = {
        t: {m.volunteer for m in memberships if m.team == t and m.covers(day)}
        for t in teams
        if teams[t].exists_on(day)
    }
    expected = {
        (a, b): len(members[a] & members[b])
        for a, b in combinations(sorted(members), 2)
        if members[a] & members[b]
    }
    got = {(a, b): n for a, b, n in volunteer_overlap(net, as_of=day).rows}
    assert got == expected
    g = overlap_graph(net, as_of=day)
    assert {
        tuple(sorted((u.removeprefix("team:"), v.removeprefix("team:")))): d["weight"]
        for u, v, d in g.edges(data=True)
    } == expected
    assert all(g.nodes[f"team:{t}"]["members"] == len(m) for t, m in members.items())


def test_overlap_on_the_reference_network() -> None:
    net = ziyang()
    table = volunteer_overlap(net, as_of="2023-08-01")
    assert all(n >= 1 for n in table.column("shared"))
    assert list(table.column("shared")) == sorted(table.column("shared"), reverse=True)


# ---------------------------------------------------------------- per station, idle teams


def test_volunteers_per_station() -> None:
    table = volunteers_per_station(team_county(), as_of=DAY)
    assert table.columns == ("station", "name", "town", "teams", "members", "residents")
    assert table.rows == (
        ("s", "站", "610924101", 2, 2, 2),  # q and q2 (at the Point under s): V1, V2
        ("s2", "站2", "610924101", 0, 0, 1),  # V3 lives there
    )
    before = volunteers_per_station(team_county(), as_of="2022-05-01")
    assert before.rows[0][3:] == (2, 3, 2)  # V3 is still in q


def test_idle_teams() -> None:
    net = team_county()
    summer = idle_teams(net, start="2023-07-01", end="2023-08-01")
    assert summer.column("team") == ("b", "corps", "q2")  # q organised a1
    assert summer.rows[0][4] == dt.date(2023, 3, 1)  # b's last: its service record
    spring = idle_teams(net, start="2023-03-01", end="2023-04-01")
    assert spring.column("team") == ("corps", "q", "q2")
    future = idle_teams(net, start="2024-05-01", end="2024-06-01")
    assert future.column("team") == ("corps", "q2")  # a2 organised by b and q
    assert future.to_dict()[1]["last_activity"] is None
    with pytest.raises(InvariantError, match="must come after start"):
        idle_teams(net, start="2023-08-01", end="2023-08-01")
    with pytest.raises(InvariantError, match="needs a start and an end"):
        idle_teams(net, start=None, end="2023-08-01")


def test_idle_teams_leave_out_teams_not_existing_in_the_period() -> None:
    net = team_county()
    net.add_all(
        [
            Team(id="old", name="旧队", level="squad", site="s2", closed="2020-01-01"),
            Team(id="new", name="新队", level="squad", site="s2", established="2030-01-01"),
        ]
    )
    got = idle_teams(net, start="2023-01-01", end="2024-01-01").column("team")
    assert "old" not in got
    assert "new" not in got
