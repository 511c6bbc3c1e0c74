"""Reach, "the last kilometre" (最后一公里): how far villages are from a practice site.

Sites carry no coordinates of their own; a site is placed at the seat of its
division (:attr:`Division.location <wenming.Division.location>`). For every
village with a location, :func:`reach` finds the nearest site by great-circle
distance, then reports the share of villages — and, where populations are
known, of residents — within a distance, and the villages farthest from any
site.

The nearest-site search sorts the sites by latitude once and, for each
village, walks outwards from its latitude until the latitude difference alone
(a lower bound of the great-circle distance) exceeds the best distance found:
near-linear for a province, never all pairs.

Examples
--------
>>> great_circle_km(108.53, 32.52, 108.53, 32.52)
0.0
>>> round(great_circle_km(116.40, 39.90, 121.47, 31.23))  # Beijing – Shanghai
1067
>>> great_circle_km(200, 0, 0, 0)
Traceback (most recent call last):
...
wenming.errors.InvariantError: longitude 200 is outside [-180, 180]
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable
from typing import Any

import attrs

from wenming._fields import DateLike, as_date, to_enum, to_real
from wenming.divisions import Division, DivisionCode, DivisionLevel
from wenming.errors import InvariantError, UnknownIdError
from wenming.network import Network
from wenming.sites import SiteKind

__all__ = ["EARTH_RADIUS_KM", "Reach", "VillageReach", "great_circle_km", "reach"]

EARTH_RADIUS_KM = 6371.0088
"""The mean Earth radius (IUGG), in kilometres."""

_KM_PER_RADIAN = EARTH_RADIUS_KM


def _lon(value: object) -> float:
    return to_real("longitude", value, low=-180, high=180)


def _lat(value: object) -> float:
    return to_real("latitude", value, low=-90, high=90)


def _haversine(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in km between points given in radians."""
    s = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * _KM_PER_RADIAN * math.asin(min(1.0, math.sqrt(s)))


def great_circle_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle (haversine) distance in kilometres between two WGS-84 points.

    Raises
    ------
    InvariantError
        A longitude outside [-180, 180] or a latitude outside [-90, 90] (the
        message names it).
    """
    a, b = math.radians(_lon(lon1)), math.radians(_lat(lat1))
    c, d = math.radians(_lon(lon2)), math.radians(_lat(lat2))
    return _haversine(a, b, c, d)


def _distance_limit(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvariantError(
            f"distance_km must be a number of kilometres, not {value!r}",
            field="distance_km",
            value=value,
        )
    if not math.isfinite(value) or value < 0:
        raise InvariantError(
            f"distance_km must be a finite number >= 0, not {value!r}",
            field="distance_km",
            value=value,
        )
    return float(value)


@attrs.frozen(kw_only=True)
class VillageReach:
    """One village and its nearest site.

    Attributes
    ----------
    code, name : str
        The village.
    population : int or None
        Its residents, if known.
    site : str or None
        The nearest site's id (``None`` when no site has a location).
    distance_km : float or None
        The great-circle distance to it.
    """

    code: str
    name: str
    population: int | None
    site: str | None
    distance_km: float | None

    def to_dict(self) -> dict[str, Any]:
        """Return plain data."""
        return attrs.asdict(self)


@attrs.frozen(kw_only=True)
class Reach:
    """Reach of the sites: per village the nearest one, and the share within a distance.

    Attributes
    ----------
    distance_km : float
        The distance asked about.
    kinds : tuple of SiteKind
        The kinds of site counted.
    villages : tuple of VillageReach
        Every village with a location, in code order.
    unlocated : int
        Villages in scope without a location (left out).
    """

    distance_km: float
    kinds: tuple[SiteKind, ...]
    villages: tuple[VillageReach, ...]
    unlocated: int

    @property
    def within(self) -> tuple[VillageReach, ...]:
        """The villages with a site within the distance."""
        limit = self.distance_km
        return tuple(
            v for v in self.villages if v.distance_km is not None and v.distance_km <= limit
        )

    @property
    def share(self) -> float | None:
        """Villages within the distance / villages with a location (``None`` without any)."""
        return None if not self.villages else len(self.within) / len(self.villages)

    @property
    def population_share(self) -> float | None:
        """Residents of villages within the distance / residents (villages with a population)."""
        known = [v for v in self.villages if v.population is not None]
        total = sum(v.population or 0 for v in known)
        if total == 0:
            return None
        limit = self.distance_km
        near = sum(
            v.population or 0
            for v in known
            if v.distance_km is not None and v.distance_km <= limit
        )
        return near / total

    def farthest(self, n: int = 10) -> tuple[VillageReach, ...]:
        """The ``n`` villages farthest from any site (those with no site at all first)."""
        ranked = sorted(
            self.villages,
            key=lambda v: (v.distance_km is not None, -(v.distance_km or 0.0), v.code),
        )
        return tuple(ranked[:n])

    def to_dict(self) -> dict[str, Any]:
        """Return plain data."""
        return {
            "distance_km": self.distance_km,
            "kinds": [k.value for k in self.kinds],
            "share": self.share,
            "population_share": self.population_share,
            "unlocated": self.unlocated,
            "villages": [v.to_dict() for v in self.villages],
        }

    def __str__(self) -> str:
        share = "—" if self.share is None else f"{self.share:.1%}"
        pop = "—" if self.population_share is None else f"{self.population_share:.1%}"
        kinds = "/".join(k.label for k in self.kinds)
        return (
            f"{len(self.within)} of {len(self.villages)} located villages ({share}; "
            f"residents {pop}) are within {self.distance_km:g} km of a {kinds}"
            + (f"; {self.unlocated} villages have no location" if self.unlocated else "")
        )


class _Nearest:
    """Nearest point by great-circle distance, pruned by latitude bands."""

    def __init__(self, points: Iterable[tuple[float, float, str]]) -> None:
        rows = sorted((math.radians(lat), math.radians(lon), ref) for lon, lat, ref in points)
        self.lats = [r[0] for r in rows]
        self.rows = rows

    def query(self, lon: float, lat: float) -> tuple[str | None, float | None]:
        rows, lats = self.rows, self.lats
        if not rows:
            return None, None
        x, y = math.radians(lon), math.radians(lat)
        best_d = math.inf
        best: str | None = None
        hi = bisect_left(lats, y)
        lo = hi - 1
        n = len(rows)
        while lo >= 0 or hi < n:
            # Take the side whose next latitude is closer; stop when both are too far.
            gap_lo = y - lats[lo] if lo >= 0 else math.inf
            gap_hi = lats[hi] - y if hi < n else math.inf
            if gap_lo <= gap_hi:
                if gap_lo * _KM_PER_RADIAN > best_d:
                    break
                phi, lam, ref = rows[lo]
                lo -= 1
            else:
                if gap_hi * _KM_PER_RADIAN > best_d:
                    break
                phi, lam, ref = rows[hi]
                hi += 1
            d = _haversine(x, y, lam, phi)
            if d < best_d or (d == best_d and best is not None and ref < best):
                best_d, best = d, ref
        return best, best_d


def reach(
    network: Network,
    distance_km: float = 1.0,
    *,
    kinds: Iterable[SiteKind | str] = (SiteKind.STATION, SiteKind.POINT),
    as_of: DateLike = None,
    within: str | None = None,
) -> Reach:
    """For each located village, the nearest site; the share within ``distance_km``.

    Parameters
    ----------
    network : Network
        Divisions with ``location`` (and ``population``) and sites.
    distance_km : float
        The distance (km, >= 0); 1 km by default ("the last kilometre").
    kinds : iterable of SiteKind or str
        The kinds of site that count (Stations and Points by default).
    as_of : date, ISO string or datetime, optional
        Only sites existing on that day.
    within : str, optional
        Only villages inside this division (sites anywhere count: the nearest
        site may be across a border).

    Raises
    ------
    InvariantError
        A negative or non-finite distance, an unknown kind, a bad date.
    UnknownIdError
        ``within`` names a division the network does not hold.

    Examples
    --------
    >>> from wenming import Division, Network, Station, Institute, Centre, Coordinates
    >>> net = Network()
    >>> net.add_all([
    ...     Division(code="610924", name="县"), Division(code="610924101", name="镇"),
    ...     Division(code="610924101201", name="甲村", population=800,
    ...              location=Coordinates(lon=108.50, lat=32.50)),
    ...     Division(code="610924101202", name="乙村", population=200,
    ...              location=Coordinates(lon=108.60, lat=32.50)),
    ...     Centre(id="c", name="中心", division="610924"),
    ...     Institute(id="i", name="所", division="610924101", parent="c"),
    ...     Station(id="s", name="站", division="610924101201", parent="i"),
    ... ])
    >>> r = reach(net, 5)
    >>> r.share, r.population_share, r.farthest(1)[0].name
    (0.5, 0.8, '乙村')
    >>> reach(net, -1)
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: distance_km must be a finite number >= 0, not -1
    """
    limit = _distance_limit(distance_km)
    wanted = tuple(
        sorted({to_enum(SiteKind, "kinds", k) for k in kinds}, key=list(SiteKind).index)
    )
    if not wanted:
        raise InvariantError("reach needs at least one kind of site", field="kinds", value=())
    day = as_date(as_of)
    divisions: Any = network.divisions
    points = []
    for site in network.iter_sites(as_of=day):
        if site.kind not in wanted:
            continue
        division: Division | None = divisions.get(site.division)
        if division is not None and division.location is not None:
            points.append((division.location.lon, division.location.lat, str(site.id)))
    nearest = _Nearest(points)
    if within is None:
        scope: Iterable[Division] = divisions.values()
    else:
        code = DivisionCode.parse(within)
        if code not in divisions:
            raise UnknownIdError(
                "division", code.short, f"reach within {code.short}: no such division"
            )
        scope = network.divisions_within(code)
    rows: list[VillageReach] = []
    unlocated = 0
    for division in sorted(scope, key=lambda d: d.code):
        if division.level is not DivisionLevel.VILLAGE:
            continue
        where = division.location
        if where is None:
            unlocated += 1
            continue
        site_id, dist = nearest.query(where.lon, where.lat)
        rows.append(
            VillageReach(
                code=division.code.short,
                name=division.name,
                population=division.population,
                site=site_id,
                distance_km=dist,
            )
        )
    return Reach(distance_km=limit, kinds=wanted, villages=tuple(rows), unlocated=unlocated)
