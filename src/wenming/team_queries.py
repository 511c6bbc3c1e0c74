"""Team analytics: shared volunteers, volunteers per station, idle teams, team coverage.

Every query takes the network first, never changes it, and is one pass over the
records (no graph library: :func:`wenming.graph.overlap_graph` draws the overlap
as a weighted networkx graph from :func:`volunteer_overlap`).

=============================  ===============================================
query                          answers
=============================  ===============================================
:func:`volunteer_overlap`      which teams share volunteers on a day, and how
                               many (a team–team pair per row)
:func:`volunteers_per_station` each Station's teams, their members and the
                               registered volunteers living in its village
:func:`idle_teams`             teams with no activity in a period: none they
                               organised (``Activity.teams``) and no service
                               record of theirs (``ServiceRecord.team``)
:func:`team_coverage`          towns with a brigade, Stations with a squad
                               (registered as ``SITE_COVERAGE["teams"]``)
=============================  ===============================================

Examples
--------
>>> from wenming.datasets import ziyang
>>> net = ziyang()
>>> overlap = volunteer_overlap(net, as_of="2023-08-01")
>>> overlap.columns
('team', 'other', 'shared')
>>> brigades, squads = team_coverage(net, as_of="2023-08-01")
>>> (brigades.what, brigades.covered, brigades.total)
('brigade', 17, 17)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from itertools import combinations
from typing import Any

from wenming._fields import DateLike, as_date
from wenming.activities import Activity, town_of
from wenming.coverage_more import SiteCoverage, register_site_coverage, site_coverage
from wenming.errors import InvariantError
from wenming.network import Network
from wenming.service import ServiceRecord, effective_records
from wenming.sites import Site, SiteKind
from wenming.tables import Table
from wenming.teams import Membership, Team
from wenming.volunteers import Volunteer

__all__ = [
    "idle_teams",
    "team_coverage",
    "volunteer_overlap",
    "volunteers_per_station",
]


def _day(as_of: DateLike) -> dt.date:
    return as_date(as_of) or dt.date.today()


def _members_on(network: Network, day: dt.date) -> dict[str, set[str]]:
    """Team id → the volunteers who are members on ``day`` (teams existing that day)."""
    teams: Mapping[str, Team] = network.table("teams")
    memberships: Mapping[str, Membership] = network.table("memberships")
    out: dict[str, set[str]] = {}
    alive: dict[str, bool] = {}
    for m in memberships.values():
        if not m.covers(day):
            continue
        team = m.team
        ok = alive.get(team)
        if ok is None:
            found = teams.get(team)
            ok = alive[team] = found is not None and found.exists_on(day)
        if ok:
            out.setdefault(team, set()).add(m.volunteer)
    return out


def volunteer_overlap(network: Network, as_of: DateLike = None, *, minimum: int = 1) -> Table:
    """Pairs of teams that share volunteers on a day, with how many they share.

    A volunteer counts for a team when a membership covers the day and the
    team exists that day. Each pair appears once (``team`` < ``other``).

    Parameters
    ----------
    network : Network
        Its teams and memberships.
    as_of : date, optional
        The day (today by default).
    minimum : int
        Only pairs sharing at least this many volunteers (1 or more).

    Returns
    -------
    Table
        ``team``, ``other``, ``shared``; most shared first, then by ids.

    Raises
    ------
    InvariantError
        ``minimum`` below 1.
    """
    if type(minimum) is not int or minimum < 1:
        raise InvariantError(
            f"minimum must be a whole number of at least 1, not {minimum!r}",
            field="minimum",
            value=minimum,
        )
    day = _day(as_of)
    teams_of: dict[str, list[str]] = {}
    for team, volunteers in _members_on(network, day).items():
        for v in volunteers:
            teams_of.setdefault(v, []).append(team)
    shared: dict[tuple[str, str], int] = {}
    for teams in teams_of.values():
        if len(teams) < 2:
            continue
        for pair in combinations(sorted(teams), 2):
            shared[pair] = shared.get(pair, 0) + 1
    rows = sorted(
        ((a, b, n) for (a, b), n in shared.items() if n >= minimum),
        key=lambda r: (-r[2], r[0], r[1]),
    )
    return Table(
        title=f"volunteers shared between teams on {day.isoformat()}",
        columns=("team", "other", "shared"),
        rows=rows,
    )


def _station_of(sites: Mapping[str, Site]) -> dict[str, str]:
    """Site id → the Station it counts for (a Station itself, a Point directly under one)."""
    out: dict[str, str] = {}
    for site in sites.values():
        if site.kind is SiteKind.STATION:
            out[site.id] = site.id
        elif site.kind is SiteKind.POINT and site.parent is not None:
            parent = sites.get(site.parent)
            if parent is not None and parent.kind is SiteKind.STATION:
                out[site.id] = parent.id
    return out


def volunteers_per_station(network: Network, as_of: DateLike = None) -> Table:
    """Each Station's teams, their members and the volunteers living in its village.

    Parameters
    ----------
    network : Network
        Its sites, teams, memberships and volunteers.
    as_of : date, optional
        The day (today by default): Stations and teams existing then,
        memberships covering it, volunteers registered then.

    Returns
    -------
    Table
        ``station``, ``name``, ``town``, ``teams`` (teams bound to the Station
        or to a Point directly under it), ``members`` (distinct volunteers in
        those teams) and ``residents`` (registered volunteers whose residence
        is the Station's division); by town and station.
    """
    day = _day(as_of)
    sites: Mapping[str, Site] = network.table("sites")
    station_of = _station_of(sites)
    teams: Mapping[str, Team] = network.table("teams")
    members = _members_on(network, day)
    team_count: dict[str, int] = {}
    people: dict[str, set[str]] = {}
    for team in teams.values():
        station = station_of.get(team.site) if team.site is not None else None
        if station is None or not team.exists_on(day):
            continue
        team_count[station] = team_count.get(station, 0) + 1
        people.setdefault(station, set()).update(members.get(team.id, ()))
    volunteers: Mapping[str, Volunteer] = network.table("volunteers")
    residents: dict[Any, int] = {}
    for v in volunteers.values():
        if v.residence is not None and v.registered_on(day):
            residents[v.residence] = residents.get(v.residence, 0) + 1
    rows = []
    for site in sites.values():
        if site.kind is not SiteKind.STATION or not site.exists_on(day):
            continue
        town = town_of(site.division)
        rows.append(
            (
                site.id,
                site.name,
                None if town is None else town.short,
                team_count.get(site.id, 0),
                len(people.get(site.id, ())),
                residents.get(site.division, 0),
            )
        )
    rows.sort(key=lambda r: (r[2] is None, r[2] or "", r[0]))
    return Table(
        title=f"volunteers per station on {day.isoformat()}",
        columns=("station", "name", "town", "teams", "members", "residents"),
        rows=rows,
    )


def idle_teams(network: Network, *, start: DateLike, end: DateLike) -> Table:
    """Teams that existed in a period and show no activity in it.

    A team is active in the half-open period ``[start, end)`` if an activity it
    organised (its id in :attr:`Activity.teams <wenming.activities.Activity.teams>`)
    ran on a day of the period, or a counted service record of the team
    (:attr:`ServiceRecord.team <wenming.service.ServiceRecord.team>`, not
    superseded) falls in it. Both sources are read: activities say what a
    team organised, service records what its members did for it.

    Parameters
    ----------
    network : Network
        Its teams, activities and service records.
    start, end : date
        The period: ``start`` is the first day counted, ``end`` the first not.

    Returns
    -------
    Table
        ``team``, ``name``, ``level``, ``site`` and ``last_activity`` (its
        last activity or service day before ``end``, or ``None``); by id.

    Raises
    ------
    InvariantError
        A missing or malformed date, or ``end`` not after ``start``.
    """
    first, stop = as_date(start, "start"), as_date(end, "end")
    if first is None or stop is None:
        raise InvariantError("idle_teams needs a start and an end", field="start")
    if stop <= first:
        raise InvariantError(
            f"end {stop} must come after start {first}", field="end", value=stop.isoformat()
        )
    last: dict[str, dt.date] = {}

    def seen(team: str, day: dt.date) -> None:
        if day > last.get(team, dt.date.min):
            last[team] = day

    activities: Mapping[str, Activity] = network.table("activities")
    for a in activities.values():
        if not a.teams or a.day >= stop:
            continue
        ran = min(a.last_day, stop - dt.timedelta(days=1))
        for organiser in a.teams:
            seen(organiser, ran)
    record: ServiceRecord
    for record in effective_records(network, end=stop):
        if record.team is not None:
            seen(record.team, min(record.end or record.date, stop - dt.timedelta(days=1)))
    table: Mapping[str, Team] = network.table("teams")
    rows = []
    for team in sorted(table.values(), key=lambda t: t.id):
        if team.established is not None and team.established >= stop:
            continue
        if team.closed is not None and team.closed <= first:
            continue
        when = last.get(team.id)
        if when is not None and when >= first:
            continue
        rows.append((team.id, team.name, team.level, team.site, when))
    return Table(
        title=f"teams with no activity from {first.isoformat()} to {stop.isoformat()}",
        columns=("team", "name", "level", "site", "last_activity"),
        rows=rows,
    )


def team_coverage(
    network: Network,
    *,
    as_of: DateLike = None,
    within: str | None = None,
    brigade: str = "brigade",
    squad: str = "squad",
) -> tuple[SiteCoverage, SiteCoverage]:
    """Towns (Institutes) with a brigade and Stations with a squad, on a day.

    A site has one when a team of that level, existing on ``as_of``, is bound
    to it (:attr:`Team.site <wenming.teams.Team.site>`). Registered as the
    ``"teams"`` indicator of :data:`wenming.coverage_more.SITE_COVERAGE`.

    Parameters
    ----------
    network : Network
        Its sites and teams.
    as_of : date, optional
        The day; without one, dates are ignored (every site, every team).
    within : str, optional
        Only sites inside this division.
    brigade, squad : str
        The team-level ids that count (a county with its own vocabulary
        names its own).

    Returns
    -------
    tuple of SiteCoverage
        Institutes with a brigade, Stations with a squad.
    """
    day = as_date(as_of)
    has: dict[str, set[str]] = {brigade: set(), squad: set()}
    teams: Mapping[str, Team] = network.table("teams")
    for team in teams.values():
        bucket = has.get(team.level)
        if bucket is None or team.site is None:
            continue
        if day is None or team.exists_on(day):
            bucket.add(team.site)
    with_brigade, with_squad = has[brigade], has[squad]
    return (
        site_coverage(
            network,
            SiteKind.INSTITUTE,
            lambda s: s.id in with_brigade,
            what=brigade,
            as_of=day,
            within=within,
        ),
        site_coverage(
            network,
            SiteKind.STATION,
            lambda s: s.id in with_squad,
            what=squad,
            as_of=day,
            within=within,
        ),
    )


register_site_coverage("teams", team_coverage)
