"""Hypothesis strategies for wenming records and networks (needs ``hypothesis``).

One strategy per record family (:func:`divisions`, :func:`sites`, :func:`posts`,
:func:`volunteers`, :func:`teams`, :func:`activities`, :func:`ledgers`), valid
networks (:func:`networks` and the ``*_networks`` variants), and
:func:`invalid_networks`, which plants exactly one named defect. Importing this
module registers a strategy for each record type with Hypothesis, so
``st.from_type(Centre)`` draws valid Centres.

Examples
--------
>>> from hypothesis import given, settings
>>> from wenming import validate
>>> @settings(max_examples=5)
... @given(networks())
... def check(net):
...     assert validate(net) == ()
>>> check()
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import attrs
from hypothesis import strategies as st

from wenming.divisions import (
    Coordinates,
    Division,
    DivisionCode,
    DivisionLevel,
    UrbanRuralClass,
)
from wenming.errors import InvariantError
from wenming.ids import SiteId, VenueId
from wenming.network import Network
from wenming.sites import (
    Centre,
    Have,
    HostKind,
    Institute,
    Point,
    Site,
    Station,
    Venue,
    VenueKind,
)

if TYPE_CHECKING:
    from wenming.requests import ServiceRequest

__all__ = [
    "DEFECTS",
    "activities",
    "activity_networks",
    "division_codes",
    "divisions",
    "invalid_networks",
    "ledgers",
    "names",
    "networks",
    "posts",
    "request_walks",
    "resident_ids",
    "responsible_networks",
    "sites",
    "teams",
    "volunteer_networks",
    "volunteers",
]

_LENGTHS = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.PREFECTURE: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWN: 9,
    DivisionLevel.VILLAGE: 12,
}


def names() -> st.SearchStrategy[str]:
    """Non-blank names, Chinese and otherwise (no surrogates)."""
    return st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12
    ).filter(lambda s: s.strip() != "")


def division_codes(level: DivisionLevel | str | None = None) -> st.SearchStrategy[DivisionCode]:
    """Well-formed division codes of ``level`` (any level by default).

    Parameters
    ----------
    level : DivisionLevel or str, optional
        A level, or its name as the rest of the API takes it (``"village"``), or
        its number (1 for province to 5 for village).

    Raises
    ------
    InvariantError
        At once, if ``level`` names no level; the message lists the valid names.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(division_codes("village"), lambda code: True).level
    <DivisionLevel.VILLAGE: 5>
    >>> division_codes("villages")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: unknown division level 'villages'; expected one of \
province, prefecture, county, town, village
    """
    return _division_codes(None if level is None else _level(level))


def _level(level: object) -> DivisionLevel:
    if isinstance(level, DivisionLevel):
        return level
    if isinstance(level, str):
        return DivisionLevel.from_label(level)
    if isinstance(level, int) and not isinstance(level, bool) and 1 <= level <= 5:
        return DivisionLevel(level)
    names = ", ".join(m.label for m in DivisionLevel)
    raise InvariantError(
        f"level must be a DivisionLevel or one of {names}, not {level!r}",
        field="level",
        value=level,
    )


@st.composite
def _division_codes(draw: st.DrawFn, level: DivisionLevel | None) -> DivisionCode:
    chosen = level if level is not None else draw(st.sampled_from(list(DivisionLevel)))
    parts = [
        f"{draw(st.integers(11, 82)):02d}",
        f"{draw(st.integers(1, 99)):02d}",
        f"{draw(st.integers(1, 99)):02d}",
        f"{draw(st.integers(1, 599)):03d}",
        f"{draw(st.integers(1, 599)):03d}",
    ]
    return DivisionCode.parse("".join(parts)[: _LENGTHS[chosen]])


_dates = st.none() | st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2030, 12, 31))
_haves = st.none() | st.frozensets(st.sampled_from(list(Have)))


@st.composite
def networks(
    draw: st.DrawFn,
    *,
    max_counties: int = 2,
    max_towns: int = 3,
    max_villages: int = 3,
    max_points: int = 2,
    max_venues: int = 3,
) -> Network:
    """Valid networks: every hierarchy rule holds and ``validate()`` finds nothing.

    Each county has a Centre, towns may or may not have an Institute, villages may
    or may not have a Station, and Points hang off any of them. Dates, "six
    haves", heads, populations, coordinates and shared venues vary.
    """
    net = Network(name=draw(st.just("") | names()), description=draw(st.text(max_size=20)))
    province = DivisionCode.parse(f"{draw(st.integers(11, 82)):02d}")
    net.add_division(Division(code=province, name=draw(names())))
    prefecture = DivisionCode.parse(f"{province.short}01")
    net.add_division(Division(code=prefecture, name=draw(names())))
    sites: list[Site] = []

    def dated(parent: Site) -> dt.date | None:
        day = draw(_dates)
        if day is not None and parent.established is not None and day < parent.established:
            return parent.established
        return day

    n_counties = draw(st.integers(1, max_counties))
    for c in range(1, n_counties + 1):
        county = DivisionCode.parse(f"{prefecture.short}{c:02d}")
        net.add_division(Division(code=county, name=draw(names())))
        centre = Centre(
            id=SiteId(f"c{c}"),
            name=draw(names()),
            division=county,
            established=draw(_dates),
            six_haves=draw(_haves),
        )
        sites.append(centre)
        towns = draw(st.lists(st.integers(1, 599), max_size=max_towns, unique=True))
        for t in towns:
            town = DivisionCode.parse(f"{county.short}{t:03d}")
            net.add_division(Division(code=town, name=draw(names())))
            parent: Site = centre
            if draw(st.booleans()):
                parent = Institute(
                    id=SiteId(f"i{town.short}"),
                    name=draw(names()),
                    division=town,
                    parent=centre.id,
                    established=dated(centre),
                    six_haves=draw(_haves),
                )
                sites.append(parent)
            villages = draw(st.lists(st.integers(1, 599), max_size=max_villages, unique=True))
            for v in villages:
                village = DivisionCode.parse(f"{town.short}{v:03d}")
                net.add_division(
                    Division(
                        code=village,
                        name=draw(names()),
                        urban_rural=draw(st.none() | st.sampled_from(list(UrbanRuralClass))),
                        population=draw(st.none() | st.integers(0, 100_000)),
                        location=draw(
                            st.none()
                            | st.builds(
                                Coordinates,
                                lon=st.floats(-180, 180, allow_nan=False),
                                lat=st.floats(-90, 90, allow_nan=False),
                            )
                        ),
                    )
                )
                host: Site = parent
                if isinstance(parent, Institute) and draw(st.booleans()):
                    host = Station(
                        id=SiteId(f"s{village.short}"),
                        name=draw(names()),
                        division=village,
                        parent=parent.id,
                        established=dated(parent),
                        six_haves=draw(_haves),
                    )
                    sites.append(host)
                for p in range(draw(st.integers(0, max_points))):
                    sites.append(
                        Point(
                            id=SiteId(f"p{village.short}-{p}"),
                            name=draw(names()),
                            division=village,
                            parent=host.id,
                            host=draw(st.sampled_from(list(HostKind))),
                            established=dated(host),
                        )
                    )
    net.add_sites(sites)
    ids = sorted(net.sites)
    for v in range(draw(st.integers(0, max_venues))):
        net.add_venue(
            Venue(
                id=VenueId(f"v{v}"),
                kind=draw(st.sampled_from(list(VenueKind))),
                name=draw(st.none() | names()),
                floor_area=draw(
                    st.none() | st.floats(0.5, 10_000, allow_nan=False, allow_infinity=False)
                ),
                owner=draw(st.none() | names()),
                sites=draw(st.frozensets(st.sampled_from(ids), max_size=3)),
            )
        )
    return net


@st.composite
def responsible_networks(draw: st.DrawFn, /, **network_options: int) -> Network:
    """Networks (as :func:`networks`) with posts, people, tenures, areas and links.

    Every Centre, Institute and Station may get its first-in-command post as
    head; posts may have holders (sometimes in succession, sometimes none);
    towns are grouped into areas; 联片, 包镇, 包村 and 挂点 links come from posts of
    the kinds that may make them. Gaps of every kind occur. The records obey the
    add-time checks but not every validation rule (a town leader may exceed
    the span): use them for queries and round trips.
    """
    from wenming.links import Area, Link
    from wenming.people import Person, Post, Tenure

    net = draw(networks(**network_options))
    posts: list[Post] = []
    people: list[Person] = []
    tenures: list[Tenure] = []
    heads: list[Site] = []
    secretaries = {"centre": "county_secretary", "institute": "town_secretary"}
    secretaries["station"] = "village_secretary"
    n_people = draw(st.integers(1, 4))
    people = [Person(id=f"m{i}", name=draw(names()), synthetic=True) for i in range(n_people)]

    def hold(post_id: str) -> None:
        start = draw(st.dates(dt.date(2018, 1, 1), dt.date(2024, 1, 1)))
        for k in range(draw(st.integers(0, 2))):
            end = draw(st.none() | st.just(start + dt.timedelta(days=draw(st.integers(1, 900)))))
            person = f"m{draw(st.integers(0, n_people - 1))}"
            tenures.append(
                Tenure(id=f"{post_id}-t{k}", post=post_id, person=person, start=start, end=end)
            )
            if end is None:
                break
            start = end

    for site in list(net.iter_sites()):
        kind = secretaries.get(site.kind.value)
        if kind is None or not draw(st.booleans()):
            continue
        post_id = f"sec-{site.id}"
        posts.append(Post(id=post_id, name=draw(names()), kind=kind, division=site.division))
        hold(post_id)
        heads.append(attrs.evolve(site, head=post_id))
    counties = [d.code for d in net.iter_divisions("county")]
    towns = [d.code for d in net.iter_divisions("town")]
    stations = [s.id for s in net.iter_sites("station")]
    all_sites = sorted(net.sites)
    links: list[Link] = []
    areas: list[Area] = []
    for c, county in enumerate(counties):
        inside = [t for t in towns if t.county == county.county]
        if draw(st.booleans()) and inside:
            areas.append(Area(id=f"area{c}", name=draw(names()), towns=frozenset(inside)))
        for j in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(["county_leader", "propaganda_leader"]))
            post_id = f"cl{c}-{j}"
            posts.append(Post(id=post_id, name=draw(names()), kind=kind, division=county))
            hold(post_id)
            if kind == "county_leader" and areas and areas[-1].id == f"area{c}":
                links.append(Link(id=f"la{c}-{j}", post=post_id, kind="area", area=f"area{c}"))
            elif kind == "propaganda_leader" and inside:
                town = draw(st.sampled_from(inside))
                links.append(Link(id=f"lt{c}-{j}", post=post_id, kind="town", town=town))
    for t, town in enumerate(towns):
        here = [s for s in stations if net.site(s).division.startswith(town[:9])]
        if not here and not all_sites:
            continue
        for j in range(draw(st.integers(0, 2))):
            post_id = f"tl{t}-{j}"
            posts.append(Post(id=post_id, name=draw(names()), kind="town_leader", division=town))
            hold(post_id)
            if draw(st.booleans()) and here:
                target = draw(st.sampled_from(here))
                links.append(Link(id=f"lv{t}-{j}", post=post_id, kind="village", site=target))
            elif all_sites:
                target = draw(st.sampled_from(all_sites))
                links.append(Link(id=f"lx{t}-{j}", post=post_id, kind="attached", site=target))
    net.add_all([*posts, *people, *tenures, *areas, *links])
    for site in heads:
        net.replace(site)
    return net


# ---------------------------------------------------------------------------- activities (issue 8)

_ACTIVITY_DAY0 = dt.date(2023, 1, 1)


def _taxonomy_codes() -> tuple[list[str], list[str], list[str]]:
    from wenming.taxonomy import default_taxonomy

    tax = default_taxonomy()
    return tuple(  # type: ignore[return-value]
        [c.code for c in tax.leaves(root)] for root in ("content", "theme", "format")
    )


@st.composite
def activity_networks(
    draw: st.DrawFn,
    /,
    *,
    max_activities: int = 12,
    max_projects: int = 2,
    days: int = 365,
    **network_options: int,
) -> Network:
    """Networks (as :func:`networks`) with brand projects and activities; ``validate`` is clean.

    Activities start on one of ``days`` days from 2023-01-01 (a date, or a date
    and time), last up to three days, and carry default-taxonomy codes.
    """
    from wenming.activities import Activity, BrandProject

    net = draw(networks(**network_options))
    content, themes, formats = _taxonomy_codes()
    site_ids = sorted(net.sites)
    projects = [
        BrandProject(
            id=f"bp{j}",
            name=draw(names()),
            site=draw(st.sampled_from(site_ids)),
            categories=draw(st.frozensets(st.sampled_from(content), max_size=2)),
        )
        for j in range(draw(st.integers(0, max_projects)))
    ]
    records: list[Any] = [*projects]
    for i in range(draw(st.integers(0, max_activities))):
        day = _ACTIVITY_DAY0 + dt.timedelta(days=draw(st.integers(0, days - 1)))
        start: dt.date = day
        if draw(st.booleans()):
            start = dt.datetime.combine(day, dt.time(draw(st.integers(6, 20))))
        length = draw(st.integers(0, 2))
        end = None if length == 0 else day + dt.timedelta(days=length)
        records.append(
            Activity(
                id=f"a{i}",
                title=draw(names()),
                start=start,
                end=end,
                site=draw(st.sampled_from(site_ids)),
                categories=draw(st.frozensets(st.sampled_from(content), max_size=3)),
                themes=draw(st.frozensets(st.sampled_from(themes), max_size=2)),
                formats=draw(st.frozensets(st.sampled_from(formats), max_size=2)),
                departments=draw(st.frozensets(names(), max_size=2)),
                beneficiaries=draw(st.none() | st.integers(0, 500)),
                project=draw(st.none() | st.sampled_from([p.id for p in projects]))
                if projects
                else None,
            )
        )
    net.add_all(records)
    return net


@st.composite
def request_walks(
    draw: st.DrawFn,
    /,
    *,
    station: str = "s1",
    teams: tuple[str, ...] = ("t1", "t2"),
    activities: tuple[str, ...] = ("a1",),
    max_steps: int = 10,
    request_id: str = "r1",
) -> ServiceRequest:
    """A :class:`~wenming.requests.ServiceRequest` moved along a random legal walk.

    Each step picks an action the current state allows (from
    :data:`~wenming.requests.TRANSITIONS`) with the fields it needs, minutes
    to days after the step before.
    """
    from wenming.requests import ACTION_FIELDS, TRANSITIONS
    from wenming.requests import ServiceRequest as Request

    content, _, _ = _taxonomy_codes()
    at = dt.datetime(2023, 1, 1, 8) + dt.timedelta(minutes=draw(st.integers(0, 500_000)))
    request = Request(
        id=request_id,
        station=station,
        category=draw(st.sampled_from(content)),
        requested=at,
    )
    for _ in range(draw(st.integers(0, max_steps))):
        allowed = list(TRANSITIONS[request.state])
        if not allowed:
            break
        action = draw(st.sampled_from(allowed))
        at += dt.timedelta(minutes=draw(st.integers(0, 5_000)))
        required, optional = ACTION_FIELDS[action]
        values = {
            "team": st.sampled_from(teams),
            "reason": names(),
            "activity": st.sampled_from(activities),
            "rating": st.integers(1, 5),
            "comment": names(),
        }
        payload = {f: draw(values[f]) for f in sorted(required)}
        payload.update({f: draw(values[f]) for f in sorted(optional) if draw(st.booleans())})
        actor = draw(st.sampled_from(["centre", "institute", "team", "resident"]))
        request = request.advance(action, at=at, actor=actor, **payload)
    return request


# ---------------------------------------------------------------------------- volunteers (issue 7)


def resident_ids() -> st.SearchStrategy[str]:
    """Valid 18-character resident ID numbers (check character computed; synthetic)."""
    from wenming.volunteers import ResidentId

    return st.builds(
        lambda county, born, seq: ResidentId.build(county, born, seq).number,
        st.sampled_from(["610924", "110105", "440524", "653101"]),
        st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2015, 12, 31)),
        st.integers(0, 999),
    )


@st.composite
def volunteer_networks(draw: st.DrawFn, /, max_volunteers: int = 6) -> Network:
    """A county with volunteers, teams, memberships and service records (some corrected).

    The volunteers hold ID numbers and phones; the records are by members, in
    their teams' activities, on days they were members.

    Every record is consistent: ``validate`` finds no error.
    """
    from wenming.service import ServiceRecord
    from wenming.teams import Membership, Team
    from wenming.volunteers import Consent, Volunteer

    net = Network(name="volunteers")
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Centre(id=SiteId("c"), name="中心", division="610924"),
        ]
    )
    n_teams = draw(st.integers(1, 3))
    teams = [Team(id="corps", name="总队", level="corps", site="c")] + [
        Team(id=f"b{i}", name=f"大队{i}", level="brigade", kind="sector", site="c", parent="corps")
        for i in range(1, n_teams)
    ]
    net.add_all(teams)
    start = dt.date(2023, 1, 2)
    records: list[object] = []
    n = 0
    for k in range(draw(st.integers(0, max_volunteers))):
        vid = f"V{k:04d}"
        registered = start + dt.timedelta(days=draw(st.integers(0, 60)))
        volunteer = Volunteer(
            id=vid,
            name=draw(names()),
            registered=registered,
            residence="610924",
            id_number=draw(st.none() | resident_ids()),
            phone=draw(st.none() | st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)),
            skills=draw(st.frozensets(st.sampled_from(["义诊", "宣讲", "法律", "理发"]))),
        )
        age = volunteer.age_on(registered)
        records.append(volunteer)
        records.append(
            Consent(
                id=f"c{k}",
                volunteer=vid,
                purpose="登记",
                given=registered,
                sensitive=True,
                by_guardian=age is not None and age < 14,
            )
        )
        for team in draw(st.lists(st.sampled_from(teams), unique=True, max_size=n_teams)):
            joined = registered + dt.timedelta(days=draw(st.integers(0, 30)))
            records.append(
                Membership(id=f"m{k}-{team.id}", volunteer=vid, team=team.id, start=joined)
            )
            for _ in range(draw(st.integers(0, 3))):
                day = joined + dt.timedelta(days=draw(st.integers(0, 200)))
                rid = f"r{n}"
                n += 1
                record = ServiceRecord(
                    id=rid,
                    volunteer=vid,
                    activity=f"{team.id}-{draw(st.integers(0, 3))}",
                    date=day,
                    minutes=draw(st.integers(1, 600)),
                    recorded=day + dt.timedelta(days=draw(st.integers(0, 3))),
                    team=team.id,
                    content=draw(st.none() | names()),
                )
                records.append(record)
                if draw(st.booleans()):
                    records.append(
                        attrs.evolve(
                            record,
                            id=f"{rid}-fix",
                            minutes=draw(st.integers(1, 600)),
                            recorded=record.recorded + dt.timedelta(days=1),
                            supersedes=rid,
                            reason="更正",
                        )
                    )
    net.add_all(records)
    return net


# ---------------------------------------------------------------------------- records (issue 11)
#
# One strategy per record family, drawing one record at a time from small
# integers and short names, so that Hypothesis shrinks a failing example to the
# plainest record: the first code, the shortest name, no optional field.


def divisions(level: DivisionLevel | str | None = None) -> st.SearchStrategy[Division]:
    """Division records of ``level`` (any level by default), with optional details.

    Examples
    --------
    >>> from hypothesis import find
    >>> find(divisions("town"), lambda d: True).level
    <DivisionLevel.TOWN: 4>
    """
    return st.builds(
        Division,
        code=division_codes(level),
        name=names(),
        urban_rural=st.none() | st.sampled_from(list(UrbanRuralClass)),
        population=st.none() | st.integers(0, 100_000),
    )


_SITE_LEVELS = {
    "centre": DivisionLevel.COUNTY,
    "institute": DivisionLevel.TOWN,
    "station": DivisionLevel.VILLAGE,
    "point": DivisionLevel.VILLAGE,
}


@st.composite
def _site(draw: st.DrawFn, kind: str) -> Site:
    code = draw(division_codes(_SITE_LEVELS[kind]))
    common: dict[str, Any] = {
        "id": SiteId(f"{kind[0]}{code.short}"),
        "name": draw(names()),
        "division": code,
        "established": draw(_dates),
    }
    if kind == "centre":
        return Centre(**common, six_haves=draw(_haves))
    parent = {"institute": "c", "station": "i", "point": "s"}[kind]
    common["parent"] = SiteId(f"{parent}{code.short[: 6 if kind == 'institute' else 9]}")
    if kind == "institute":
        return Institute(**common, six_haves=draw(_haves))
    if kind == "station":
        return Station(**common, six_haves=draw(_haves))
    return Point(**common, host=draw(st.sampled_from(list(HostKind))))


def sites(kind: str | None = None) -> st.SearchStrategy[Site]:
    """Single site records (Centre, Institute, Station or Point) on divisions of their level.

    Ids follow the factories' pattern (``c610924``, ``i610924101`` …) and each
    names the parent its division implies; use :func:`networks` for sites that
    fit together.

    Parameters
    ----------
    kind : {"centre", "institute", "station", "point"}, optional
        One kind only (any kind by default).
    """
    kinds = [kind] if kind is not None else list(_SITE_LEVELS)
    return st.one_of(*(_site(k) for k in kinds))


def posts() -> st.SearchStrategy[Any]:
    """Post records of the shipped kinds, each on a division of its kind's level."""
    from wenming.people import DEFAULT_POST_KINDS, Post

    kinds = sorted(DEFAULT_POST_KINDS.values(), key=lambda k: k.id)

    @st.composite
    def post(draw: st.DrawFn) -> Post:
        kind = draw(st.sampled_from(kinds))
        code = draw(division_codes(kind.level))
        return Post(
            id=f"post-{code.short}-{kind.id}", name=draw(names()), kind=kind.id, division=code
        )

    return post()


def volunteers(*, sensitive: bool = False) -> st.SearchStrategy[Any]:
    """Volunteer records; with ``sensitive``, some hold a valid, synthetic ID number and phone."""
    from wenming.volunteers import Sex, Volunteer

    @st.composite
    def volunteer(draw: st.DrawFn) -> Volunteer:
        registered = draw(st.dates(dt.date(2018, 1, 1), dt.date(2024, 12, 31)))
        extra: dict[str, Any] = {}
        if sensitive:
            extra["id_number"] = draw(st.none() | resident_ids())
            extra["phone"] = draw(st.none() | st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
        if extra.get("id_number") is None:  # else the ID number gives the sex
            extra["sex"] = draw(st.none() | st.sampled_from(list(Sex)))
        return Volunteer(
            id=f"V{draw(st.integers(0, 9_999_999)):07d}",
            name=draw(names()),
            residence=draw(st.none() | division_codes("village")),
            registered=registered,
            skills=draw(
                st.frozensets(st.sampled_from(["义诊", "宣讲", "法律", "理发"]), max_size=2)
            ),
            **extra,
        )

    return volunteer()


def teams() -> st.SearchStrategy[Any]:
    """Team records of the shipped levels and kinds (site, head and parent ids optional)."""
    from wenming.teams import Team, TeamKind

    return st.builds(
        Team,
        id=st.integers(0, 999).map(lambda n: f"T{n}"),
        name=names(),
        level=st.sampled_from(["corps", "brigade", "squad"]),
        kind=st.sampled_from(list(TeamKind)),
        site=st.none() | st.integers(0, 9).map(lambda n: f"s{n}"),
        parent=st.none() | st.integers(0, 9).map(lambda n: f"T{n}"),
        established=st.none() | st.dates(dt.date(2018, 1, 1), dt.date(2024, 12, 31)),
    )


def activities() -> st.SearchStrategy[Any]:
    """Activity records with default-taxonomy codes, on 2023 days, at sites ``s0``-``s9``."""
    from wenming.activities import Activity

    content, themes, formats = _taxonomy_codes()
    return st.builds(
        Activity,
        id=st.integers(0, 99_999).map(lambda n: f"A{n}"),
        title=names(),
        start=st.dates(dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        site=st.integers(0, 9).map(lambda n: f"s{n}"),
        categories=st.frozensets(st.sampled_from(content), max_size=3),
        themes=st.frozensets(st.sampled_from(themes), max_size=2),
        formats=st.frozensets(st.sampled_from(formats), max_size=2),
        beneficiaries=st.none() | st.integers(0, 500),
    )


@st.composite
def ledgers(draw: st.DrawFn, *, max_accounts: int = 3, max_entries: int = 8) -> Any:
    """An in-memory volunteer-points ledger with accounts and service and adjustment entries.

    The entries are posted through the ledger, so every rule of the scheme
    holds; the caller closes the ledger (``ledger.close()``).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5)
    ... @given(ledgers())
    ... def check(ledger):
    ...     try:
    ...         total = sum(e.points for e in ledger.entries())
    ...         assert sum(ledger.balances().values()) == total
    ...     finally:
    ...         ledger.close()
    >>> check()
    """
    from wenming.points import Ledger, volunteer_hours

    ledger = Ledger.in_memory(volunteer_hours())
    zone = dt.timezone(dt.timedelta(hours=8))
    at = dt.datetime(2024, 1, 1, 8, tzinfo=zone)
    accounts = [f"v-{i:04d}" for i in range(draw(st.integers(1, max_accounts)))]
    ledger.open_accounts(accounts, at=at, operator="clerk")
    for n in range(draw(st.integers(0, max_entries))):
        at += dt.timedelta(minutes=draw(st.integers(1, 10_000)))
        account = draw(st.sampled_from(accounts))
        if draw(st.booleans()):
            minutes = draw(st.integers(6, 600))  # under 6 minutes earns no point
            ledger.earn_service(account, f"rec-{n}", minutes, at=at, operator="clerk")
        else:
            points = draw(st.integers(1, 50))
            ledger.adjust(account, points, "补录", key=f"adj-{n}", at=at, operator="clerk")
    return ledger


# ---------------------------------------------------------------------------- invalid networks

DEFECTS: tuple[str, ...] = (
    "unknown-parent",
    "unknown-division",
    "unknown-head",
    "unknown-venue-site",
    "duplicate-id",
    "duplicate-claim",
    "parent-kind",
    "division-level",
    "established-before-parent",
)
"""The defects :func:`invalid_networks` plants, by the issue code ``validate`` reports."""


@st.composite
def invalid_networks(draw: st.DrawFn, defects: tuple[str, ...] = DEFECTS) -> tuple[Any, str]:
    """A network's records with exactly one named defect: ``(records, code)``.

    For testing a downstream service's error handling: ``validate(records)``
    reports exactly one issue, and its code is ``code`` (an error, but for
    ``established-before-parent``, a warning). The records are a
    :class:`~wenming.NetworkRecords` (a duplicate id cannot be added to a
    :class:`~wenming.Network`); names and dates vary around a county with a
    Centre, an Institute, a Station and a Point.

    Parameters
    ----------
    defects : tuple of str
        The defects to choose from (default :data:`DEFECTS`).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from wenming import validate
    >>> @settings(max_examples=10)
    ... @given(invalid_networks())
    ... def check(case):
    ...     records, code = case
    ...     assert [i.code for i in validate(records)] == [code]
    >>> check()
    """
    from wenming.network import NetworkRecords

    code = draw(st.sampled_from(defects))
    county = DivisionCode.parse(f"{draw(st.integers(11, 82)):02d}01{draw(st.integers(1, 99)):02d}")
    town = DivisionCode.parse(f"{county.short}{draw(st.integers(100, 199)):03d}")
    village = DivisionCode.parse(f"{town.short}{draw(st.integers(200, 399)):03d}")
    day = draw(st.dates(dt.date(2018, 1, 1), dt.date(2022, 12, 31)))
    divisions = [
        Division(code=county, name=draw(names())),
        Division(code=town, name=draw(names())),
        Division(code=village, name=draw(names())),
    ]
    centre = Centre(id=SiteId("c"), name=draw(names()), division=county)
    institute = Institute(id=SiteId("i"), name=draw(names()), division=town, parent="c")
    station = Station(
        id=SiteId("s"), name=draw(names()), division=village, parent="i", established=day
    )
    point = Point(
        id=SiteId("p"),
        name=draw(names()),
        division=village,
        parent="s",
        host=draw(st.sampled_from(list(HostKind))),
        established=day + dt.timedelta(days=draw(st.integers(0, 400))),
    )
    sites: list[Site] = [centre, institute, station, point]
    venues = [Venue(id=VenueId("v"), kind=draw(st.sampled_from(list(VenueKind))), sites={"s"})]
    if code == "unknown-parent":
        sites[2] = attrs.evolve(station, parent="nowhere")
    elif code == "unknown-division":
        other = DivisionCode.parse(f"{town.short}{draw(st.integers(400, 599)):03d}")
        sites[3] = attrs.evolve(point, division=other, parent="i")
    elif code == "unknown-head":
        sites[2] = attrs.evolve(station, head="nobody")
    elif code == "unknown-venue-site":
        venues[0] = attrs.evolve(venues[0], sites={"s", "nowhere"})
    elif code == "duplicate-id":
        sites.append(attrs.evolve(point, name=draw(names())))
    elif code == "duplicate-claim":
        sites.append(attrs.evolve(station, id=SiteId("s2"), established=None))
    elif code == "parent-kind":
        sites[2] = attrs.evolve(station, parent="c")
        sites[3] = attrs.evolve(point, parent="i")
    elif code == "division-level":
        sites[1] = attrs.evolve(institute, division=village)
    elif code == "established-before-parent":
        sites[3] = attrs.evolve(
            point, established=day - dt.timedelta(days=draw(st.integers(1, 400)))
        )
    else:
        raise InvariantError(
            f"unknown defect {code!r}; invalid_networks plants one of {', '.join(DEFECTS)}",
            field="defects",
            value=code,
        )
    records = NetworkRecords(
        name=draw(st.just("") | names()), divisions=divisions, sites=sites, venues=venues
    )
    return records, code


# ---------------------------------------------------------------------------- type strategies
#
# Importing this module registers a strategy for each record type, so that
# ``st.from_type(Centre)`` (and ``@given(site=...)`` with type hints via
# ``st.builds``) draws valid records. Registering is global to Hypothesis and
# done once; importing again changes nothing.


def _register() -> None:
    from wenming.activities import Activity
    from wenming.people import Post
    from wenming.teams import Team
    from wenming.volunteers import Volunteer

    table: dict[type, st.SearchStrategy[Any]] = {
        Division: divisions(),
        Centre: _site("centre"),
        Institute: _site("institute"),
        Station: _site("station"),
        Point: _site("point"),
        Post: posts(),
        Volunteer: volunteers(),
        Team: teams(),
        Activity: activities(),
        Network: networks(),
    }
    for cls, strategy in table.items():
        st.register_type_strategy(cls, strategy)


_register()
