"""Seeded generators of synthetic practice networks, from one county to the nation.

Every generated network is valid (``validate()`` finds nothing), and the same
arguments always give the same network. Division codes either come from a real
:class:`~wenming.DivisionTable` (province to township; villages are always
synthetic) or are made up, with made-up names. Every generated network says in
its description that its names are synthetic.

Examples
--------
>>> from wenming import SiteKind, validate
>>> net = synthetic_network(seed=1, counties=2)
>>> net.counts()[SiteKind.CENTRE]
2
>>> validate(net)
()
>>> synthetic_network(seed=1, counties=2) == net
True
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import random
from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any, TypeAlias

from wenming._gc import paused_gc
from wenming.divisions import (
    Division,
    DivisionCode,
    DivisionLevel,
    DivisionTable,
    TownshipType,
    UrbanRuralClass,
)
from wenming.errors import InvariantError, UnknownIdError
from wenming.ids import PostId, SiteId
from wenming.links import Area, Link
from wenming.network import Network, NetworkRecords
from wenming.people import Person, Post, Tenure
from wenming.sites import (
    Centre,
    Have,
    HostKind,
    Institute,
    Point,
    Site,
    SiteKind,
    Station,
)

__all__ = [
    "POINTS_PER_STATION_MOST",
    "VILLAGES_PER_TOWN_MOST",
    "Counties",
    "check_flag",
    "check_range",
    "check_rate",
    "check_share",
    "synthetic_network",
    "synthetic_records",
]

_HOSTS = tuple(HostKind)
_HAVES = tuple(Have)
_START = dt.date(2018, 7, 1)  # the first pilot counties


Counties: TypeAlias = int | str | Iterable[str] | None
"""What ``counties=`` takes: a number of counties, one code or several, or ``None``."""


def _synthetic_divisions(rng: random.Random, counties: int) -> list[Division]:
    out = [Division(code="99", name="合成省"), Division(code="9901", name="合成市")]
    towns = (10, 20)
    for c in range(1, counties + 1):
        county = f"99{1 + (c - 1) // 99:02d}{1 + (c - 1) % 99:02d}"
        if (c - 1) % 99 == 0 and c > 1:
            out.append(Division(code=county[:4], name=f"合成市{county[2:4]}"))
        out.append(Division(code=county, name=f"合成县{c}"))
        for t in range(rng.randint(*towns)):
            out.append(Division(code=f"{county}{100 + t:03d}", name=f"合成县{c}镇{t + 1}"))
    return out


def _synthetic_divisions_at(rng: random.Random, codes: list[DivisionCode]) -> list[Division]:
    """Made-up names and towns on the given county codes (no table to take them from)."""
    counties: set[DivisionCode] = set()
    for code in codes:
        county = DivisionCode(code.county)
        if code.level < DivisionLevel.COUNTY or county.level is not DivisionLevel.COUNTY:
            what = (
                f"is a {code.level.label}"
                if code.level < DivisionLevel.COUNTY
                else "has county digits 00"
            )
            raise InvariantError(
                f"counties: {code.short!r} {what}; without table= there are no counties to "
                "take from it: give county codes, or pass a DivisionTable",
                field="counties",
                value=code,
            )
        counties.add(county)
    out: list[Division] = []
    above: set[str] = set()
    for c, county in enumerate(sorted(counties), start=1):
        for short, name in ((county.province, "合成省"), (county[:4], "合成市")):
            if short not in above:
                above.add(short)
                out.append(Division(code=short, name=f"{name}{short}"))
        out.append(Division(code=county, name=f"合成县{c}"))
        for t in range(rng.randint(10, 20)):
            out.append(Division(code=f"{county.short}{100 + t:03d}", name=f"合成县{c}镇{t + 1}"))
    return out


def _codes(counties: str | Iterable[str]) -> list[DivisionCode]:
    """Parse a ``counties=`` argument that names divisions (a code, or several)."""
    items = [counties] if isinstance(counties, str) else list(counties)
    return [DivisionCode.parse(c) for c in items]


def _check_count(counties: Counties) -> None:
    if isinstance(counties, bool) or (isinstance(counties, int) and counties < 0):
        raise InvariantError(
            f"counties must be a number of counties >= 0, division codes or None, "
            f"not {counties!r}",
            field="counties",
            value=counties,
        )


def _number(value: Any) -> float | None:
    """``value`` as a finite float if it is a real number (not a bool), else ``None``."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
        if math.isfinite(number):
            return number
    return None


def check_range(name: str, value: Any, *, most: int | None = None) -> tuple[int, int]:
    """``value`` as an inclusive range ``(low, high)`` of whole numbers, 0 <= low <= high.

    ``most`` bounds ``high`` (the number codes or ids have room for). Any integer
    type is accepted (``numpy.int64`` too); a bool is not.

    Examples
    --------
    >>> check_range("villages_per_town", [2, 5])
    (2, 5)
    >>> check_range("villages_per_town", 5)
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: villages_per_town must be a range (low, high) of whole ...
    """
    if isinstance(value, tuple | list) and len(value) == 2:
        pair = value
        if all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in pair):
            low, high = int(pair[0]), int(pair[1])
            if 0 <= low <= high and (most is None or high <= most):
                return (low, high)
    bound = "high" if most is None else f"high <= {most}"
    raise InvariantError(
        f"{name} must be a range (low, high) of whole numbers, 0 <= low <= {bound}, not {value!r}",
        field=name,
        value=value,
    )


def check_share(name: str, value: Any) -> float:
    """``value`` as a share: a number from 0 to 1."""
    number = _number(value)
    if number is not None and 0 <= number <= 1:
        return number
    raise InvariantError(
        f"{name} must be a share from 0 to 1, not {value!r}", field=name, value=value
    )


def check_rate(name: str, value: Any, *, most: float | None = None) -> float:
    """``value`` as a mean count: a finite number >= 0 (and <= ``most``)."""
    number = _number(value)
    if number is not None and number >= 0 and (most is None or number <= most):
        return number
    bound = "a number >= 0" if most is None else f"a number from 0 to {most:g}"
    raise InvariantError(f"{name} must be {bound}, not {value!r}", field=name, value=value)


def check_flag(name: str, value: Any) -> bool:
    """``value`` as a yes/no option: ``True`` or ``False``."""
    if isinstance(value, bool):
        return value
    raise InvariantError(f"{name} must be True or False, not {value!r}", field=name, value=value)


VILLAGES_PER_TOWN_MOST = 199
"""Villages are numbered 201-399 and communities 001-199 within a town (3 digits,
below the statistics-only 400-599): at most 199 of either under one town."""
POINTS_PER_STATION_MOST = 100.0
"""A mean far beyond any county's (about 0.5), and short of a network that never ends."""


def _table_divisions(table: DivisionTable, counties: Counties) -> list[Division]:
    if counties is None or isinstance(counties, int):
        county_codes = sorted(d.code for d in table.values() if d.level is DivisionLevel.COUNTY)
        if counties is not None:
            county_codes = county_codes[:counties]
        selected = table.select(county_codes)
    else:
        codes = _codes(counties)
        selected = table.select(codes)
        reach = {
            d.code[:n]
            for d in selected.values()
            if d.level is DivisionLevel.COUNTY
            for n in (2, 4, 6)
        }
        for code in codes:
            if code.short[:6] not in reach:
                raise UnknownIdError(
                    "division",
                    code.short,
                    f"counties: the {table.edition} table holds no county at or under "
                    f"{code.short!r}",
                )
    return sorted(selected.values(), key=attrgetter("code"))


def synthetic_records(
    *,
    seed: int = 0,
    counties: Counties = 1,
    table: DivisionTable | None = None,
    villages_per_town: tuple[int, int] = (8, 16),
    points_per_station: float = 0.5,
    community_share: float = 0.2,
    responsibility: bool = False,
    towns: Callable[[Division], bool] | None = None,
) -> NetworkRecords:
    """Generate the records of a synthetic network (see :func:`synthetic_network`).

    ``towns`` decides which township-level divisions get an Institute (and
    villages); by default every one but the statistics-only codes (400-599).
    :func:`wenming.testing.generate` passes the name-and-code decision of
    :func:`wenming.datasets.national.counts_as_town`.
    """
    _check_count(counties)
    villages_per_town = check_range(
        "villages_per_town", villages_per_town, most=VILLAGES_PER_TOWN_MOST
    )
    points_per_station = check_rate(
        "points_per_station", points_per_station, most=POINTS_PER_STATION_MOST
    )
    community_share = check_share("community_share", community_share)
    responsibility = check_flag("responsibility", responsibility)
    rng = random.Random(seed)
    if table is None:
        if counties is None or isinstance(counties, int):
            divisions = _synthetic_divisions(rng, 1 if counties is None else counties)
        else:
            divisions = _synthetic_divisions_at(rng, _codes(counties))
    else:
        divisions = _table_divisions(table, counties)
    sites: list[Site] = []
    villages: list[Division] = []
    centre_of: dict[str, Centre] = {}

    def established(parent: Site) -> dt.date | None:
        # Children open after their parents, so generated networks carry no warnings.
        if rng.random() < 0.1:
            return None
        return (parent.established or _START) + dt.timedelta(days=rng.randint(0, 700))

    def haves() -> frozenset[Have] | None:
        if rng.random() < 0.3:
            return None
        return frozenset([h for h in _HAVES if rng.random() < 0.85])

    for d in divisions:
        code = d.code
        if d.level is DivisionLevel.COUNTY:
            centre = Centre(
                id=SiteId(f"C{code.short}"),
                name=f"{d.name}新时代文明实践中心",
                division=code,
                established=_START + dt.timedelta(days=rng.randint(0, 400)),
                head=PostId(f"secretary-{code.short}") if responsibility else None,
                six_haves=haves(),
            )
            centre_of[code.county] = centre
            sites.append(centre)
        elif d.level is DivisionLevel.TOWN:
            if towns is None:
                if code.township_type is TownshipType.STATISTICAL:
                    continue
            elif not towns(d):
                continue
            parent = centre_of.get(code.county) or centre_of.get(code[:4] + "00")
            if parent is None:
                continue
            institute = Institute(
                id=SiteId(f"I{code.short}"),
                name=f"{d.name}新时代文明实践所",
                division=code,
                parent=parent.id,
                established=established(parent),
                head=PostId(f"secretary-{code.short}") if responsibility else None,
                six_haves=haves(),
            )
            sites.append(institute)
            communities = 0
            plain = 0
            town = code.short  # the village codes, ids and names below are plain strings
            for _ in range(rng.randint(*villages_per_town)):
                if rng.random() < community_share:
                    communities += 1
                    number = communities
                    vname, urban = f"{d.name}合成{communities}社区", UrbanRuralClass.TOWN_CENTRE
                else:
                    plain += 1
                    number = 200 + plain
                    vname, urban = f"{d.name}合成{plain}村", UrbanRuralClass.VILLAGE
                vcode = f"{town}{number:03d}"
                village = Division(
                    code=vcode,
                    name=vname,
                    urban_rural=urban,
                    population=rng.randint(300, 5000),
                )
                villages.append(village)
                station = Station(
                    id=SiteId(f"S{vcode}"),
                    name=f"{vname}新时代文明实践站",
                    division=village.code,
                    parent=institute.id,
                    established=established(institute),
                    head=PostId(f"secretary-{vcode}") if responsibility else None,
                    six_haves=haves(),
                )
                sites.append(station)
                points = int(points_per_station) + (
                    rng.random() < points_per_station - int(points_per_station)
                )
                for p in range(points):
                    host = rng.choice(_HOSTS)
                    sites.append(
                        Point(
                            id=SiteId(f"P{vcode}-{p + 1}"),
                            name=f"{vname}实践点{p + 1}",
                            division=village.code,
                            parent=station.id,
                            host=host,
                            established=established(station),
                        )
                    )
    extra: dict[str, Any] = _responsibility(rng, sites) if responsibility else {}
    return NetworkRecords(
        name=f"synthetic network (seed {seed})",
        description=(
            "Generated by wenming.testing.factories: village, site and place names are "
            "synthetic"
            + (
                ""
                if table is None
                else f"; divisions to township level from the {table.edition} tables"
            )
            + "."
        ),
        divisions=(*divisions, *villages),
        sites=tuple(sites),
        **extra,
    )


def _responsibility(rng: random.Random, sites: list[Site]) -> dict[str, list[Any]]:
    """Posts, synthetic holders, areas and links for generated sites (every rule holds).

    Every Centre, Institute and Station is headed by the party secretary of its
    division; each county has a propaganda head, one propaganda leader per three
    towns (包镇), one county leader per area of up to four towns (联片); each town
    one leader per three Stations (包村). Every post has one synthetic holder
    since the site's ``established`` date (or 2018-07-01).
    """
    posts: list[Post] = []
    people: list[Person] = []
    tenures: list[Tenure] = []
    areas: list[Area] = []
    links: list[Link] = []
    start = _START

    def post(post_id: str, name: str, kind: str, division: DivisionCode) -> str:
        posts.append(Post(id=post_id, name=name, kind=kind, division=division))
        n = len(people)
        people.append(Person(id=f"person-{n}", name=f"合成{n}", synthetic=True))
        tenures.append(Tenure(id=f"tenure-{n}", post=post_id, person=f"person-{n}", start=start))
        return post_id

    towns_of: dict[SiteId | None, list[Site]] = {}
    stations_of: dict[SiteId | None, list[Site]] = {}
    for site in sites:
        if site.kind is SiteKind.CENTRE:
            post(f"secretary-{site.division.short}", "县委书记", "county_secretary", site.division)
        elif site.kind is SiteKind.INSTITUTE:
            post(f"secretary-{site.division.short}", "镇党委书记", "town_secretary", site.division)
            towns_of.setdefault(site.parent, []).append(site)
        elif site.kind is SiteKind.STATION:
            post(
                f"secretary-{site.division.short}",
                "村党组织书记",
                "village_secretary",
                site.division,
            )
            stations_of.setdefault(site.parent, []).append(site)
    for site in sites:
        if site.kind is not SiteKind.CENTRE:
            continue
        county = site.division
        c = county.short
        post(f"propaganda-head-{c}", "宣传部部长", "propaganda_head", county)
        towns = towns_of.get(site.id, [])
        for a in range(0, len(towns), 4):
            group = towns[a : a + 4]
            area_id = f"area-{c}-{a // 4 + 1}"
            areas.append(
                Area(id=area_id, name=f"合成片区{a // 4 + 1}", towns={t.division for t in group})
            )
            leader = post(f"county-leader-{c}-{a // 4 + 1}", "县级领导", "county_leader", county)
            links.append(Link(id=f"link-{area_id}", post=leader, kind="area", area=area_id))
        for t in range(0, len(towns), 3):
            leader = post(
                f"propaganda-{c}-{t // 3 + 1}", "宣传部领导", "propaganda_leader", county
            )
            for town in towns[t : t + 3]:
                links.append(
                    Link(
                        id=f"link-town-{town.division.short}",
                        post=leader,
                        kind="town",
                        town=town.division,
                    )
                )
        for town in towns:
            stations = stations_of.get(town.id, [])
            d = town.division.short
            for v in range(0, len(stations), 3):
                leader = post(
                    f"town-leader-{d}-{v // 3 + 1}", "镇领导", "town_leader", town.division
                )
                for station in stations[v : v + 3]:
                    links.append(
                        Link(
                            id=f"link-village-{station.division.short}",
                            post=leader,
                            kind="village",
                            site=station.id,
                        )
                    )
    del rng
    return {"posts": posts, "people": people, "tenures": tenures, "areas": areas, "links": links}


def synthetic_network(
    *,
    seed: int = 0,
    counties: Counties = 1,
    table: DivisionTable | None = None,
    villages_per_town: tuple[int, int] = (8, 16),
    points_per_station: float = 0.5,
    community_share: float = 0.2,
    responsibility: bool = False,
) -> Network:
    """Generate a valid synthetic network.

    Parameters
    ----------
    seed : int
        The same seed gives the same network.
    counties : int, str, iterable of str, or None
        How many counties (the first ones by code when ``table`` is given), or
        which ones: division codes of any accepted length, as strings or
        :class:`~wenming.DivisionCode` objects. With a ``table``, a province
        (``"61"``) or prefecture (``"6109"``) code takes all of its counties, and a
        town or village code its whole county; without one, the codes must be
        counties (or below), which get made-up names and towns. ``None`` takes every
        county of ``table`` (one made-up county without a table).
    table : DivisionTable, optional
        Real divisions from province to township; made-up codes (province 99)
        and names when omitted.
    villages_per_town : (int, int)
        Inclusive range of villages/communities generated under each town.
    points_per_station : float
        Mean number of practice Points under each Station.
    community_share : float
        Share of villages that are urban communities.
    responsibility : bool
        Also generate posts (every Centre, Institute and Station headed by the
        party secretary of its division), synthetic holders with tenures, areas
        and supervision links (联片, 包镇, 包村) that meet every rule.

    Returns
    -------
    Network
        One Centre per county, one Institute per town (statistics-only units
        excepted), one Station per village, and Points.

    Raises
    ------
    DivisionCodeError
        If a code in ``counties`` is malformed.
    UnknownIdError
        If ``table`` holds no county at or under a code in ``counties``.
    InvariantError
        If, without a ``table``, ``counties`` names a province or prefecture.

    Examples
    --------
    >>> net = synthetic_network(counties=["610924", DivisionCode.parse("610925")])
    >>> [d.name for d in net.iter_divisions("county")]
    ['合成县1', '合成县2']
    >>> synthetic_network(counties=["6109"])
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: counties: '6109' is a prefecture; without table= ...
    """
    with paused_gc():
        records = synthetic_records(
            seed=seed,
            counties=counties,
            table=table,
            villages_per_town=villages_per_town,
            points_per_station=points_per_station,
            community_share=community_share,
            responsibility=responsibility,
        )
    return Network.from_records(records)
