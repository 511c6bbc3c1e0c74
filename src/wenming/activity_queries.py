"""Notebook queries over activities: counts, inactive stations, category coverage, hours.

Every query takes the network first, never changes it, and returns a frozen
:class:`~wenming.tables.Table` — ``print()`` it, or ``pandas.DataFrame(t.to_dict())``.

==============================  ==============================================
query                           answers
==============================  ==============================================
:func:`activity_counts`         activities per site, town, category and/or
                                month, in one pass (a period optional)
:func:`inactive_stations`       Stations with no activity in the last N days
                                as of a date, with their last activity
:func:`category_coverage`       which of the taxonomy's content categories
                                (the 18 of 六传六讲六帮 by default) each town
                                delivered in a period
:func:`participation`           participants and service hours per activity
==============================  ==============================================

Periods are half-open, as elsewhere in wenming: ``start`` is the first day
counted and ``end`` the first day *not* counted.

Examples
--------
>>> from wenming import Centre, Division, Institute, Network, Station
>>> from wenming.activities import Activity
>>> net = Network()
>>> net.add_all([
...     Division(code="610924", name="紫阳县"),
...     Division(code="610924101", name="蒿坪镇"),
...     Division(code="610924101001", name="双星社区"),
...     Centre(id="zy", name="中心", division="610924"),
...     Institute(id="i101", name="蒿坪镇实践所", division="610924101", parent="zy"),
...     Station(id="s1", name="双星社区实践站", division="610924101001", parent="i101"),
...     Activity(id="a1", title="义诊", start="2023-07-05", site="s1",
...              categories=["health", "elderly_frail"]),
...     Activity(id="a2", title="宣讲", start="2023-08-01T09:30", site="s1",
...              categories=["theory"]),
... ])
>>> print(activity_counts(net, by=("town", "month")))
activities per town, month
town       town_name  month    activities
610924101  蒿坪镇     2023-07           1
610924101  蒿坪镇     2023-08           1
>>> inactive_stations(net, days=30, as_of="2023-09-15").column("station")
('s1',)
>>> category_coverage(net).column("covered")
(3,)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from wenming._fields import DateLike, as_date
from wenming.activities import Activity, site_towns
from wenming.divisions import DivisionLevel
from wenming.errors import InvariantError, UnknownIdError, quote
from wenming.network import Network
from wenming.tables import Table
from wenming.taxonomy import FACETS, taxonomy_of

__all__ = [
    "DIMENSIONS",
    "activity_counts",
    "category_coverage",
    "inactive_stations",
    "participation",
]

DIMENSIONS = ("site", "town", "category", "month")
"""What :func:`activity_counts` can count by."""


def _period(start: DateLike, end: DateLike) -> tuple[dt.date | None, dt.date | None]:
    first, stop = as_date(start, "start"), as_date(end, "end")
    if first is not None and stop is not None and stop < first:
        raise InvariantError(
            f"end {stop} comes before start {first}", field="end", value=stop.isoformat()
        )
    return first, stop


def _in_period(
    activities: Iterable[Activity], first: dt.date | None, stop: dt.date | None
) -> Iterable[Activity]:
    if first is None and stop is None:
        return activities
    return (
        a
        for a in activities
        if (first is None or a.day >= first) and (stop is None or a.day < stop)
    )


def _month(key: tuple[int, int]) -> str:
    return f"{key[0]:04d}-{key[1]:02d}"


def _sort_key(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple([(v is None, "" if v is None else v) for v in row])


def activity_counts(
    network: Network,
    by: Sequence[str] | str = ("town", "month"),
    *,
    start: DateLike = None,
    end: DateLike = None,
) -> Table:
    """Count activities by site, town, category and/or month, in one pass.

    Parameters
    ----------
    network : Network
        Its ``activities``.
    by : str or sequence of str
        Any of :data:`DIMENSIONS`, in the order of the columns. An activity
        of several categories counts once under each; one without any, under
        category ``None``; a county-level site's activities under town ``None``.
    start, end : date, optional
        Only activities starting on ``start`` or later and before ``end``.

    Returns
    -------
    Table
        One row per combination that occurs: the key columns (with
        ``town_name`` after ``town``), then ``activities``; sorted by key.

    Raises
    ------
    InvariantError
        An unknown dimension, a repeated one, or ``end`` before ``start``.
    """
    dims = (by,) if isinstance(by, str) else tuple(by)
    for d in dims:
        if d not in DIMENSIONS:
            raise InvariantError(
                f"cannot count activities by {quote(d)}; by one of: {', '.join(DIMENSIONS)}",
                field="by",
                value=d,
            )
    if len(set(dims)) != len(dims) or not dims:
        raise InvariantError(f"by {quote(dims)}: name each dimension once", field="by")
    first, stop = _period(start, end)
    table: Mapping[str, Activity] = network.table("activities")
    activities = _in_period(table.values(), first, stop)
    towns = site_towns(network) if "town" in dims else {}
    counts: dict[tuple[Any, ...], int] = {}
    keyed: dict[tuple[Any, ...], int]
    get = counts.get
    if dims == ("town", "month"):  # the common case, as tight as a dict loop
        for a in activities:
            s = a.start
            key3: tuple[Any, ...] = (towns[a.site], s.year, s.month)
            counts[key3] = get(key3, 0) + 1
        keyed = {(t, (y, m)): n for (t, y, m), n in counts.items()}
    else:
        keyed = {}
        for a in activities:
            base: list[Any] = []
            for d in dims:
                if d == "site":
                    base.append(a.site)
                elif d == "town":
                    base.append(towns[a.site])
                elif d == "month":
                    s = a.start
                    base.append((s.year, s.month))
                else:
                    base.append(None)
            if "category" in dims:
                i = dims.index("category")
                codes: list[str | None] = [*sorted(a.categories)] or [None]
                for code in codes:
                    base[i] = code
                    k = tuple(base)
                    keyed[k] = keyed.get(k, 0) + 1
            else:
                k = tuple(base)
                keyed[k] = keyed.get(k, 0) + 1
    divisions: Mapping[Any, Any] = network.table("divisions") if "town" in dims else {}
    shown: dict[Any, tuple[Any, Any]] = {None: (None, None)}  # town → (short code, name)
    months: dict[Any, str] = {}
    rows = []
    for key, n in keyed.items():
        row: list[Any] = []
        for d, v in zip(dims, key, strict=True):
            if d == "town":
                pair = shown.get(v)
                if pair is None:
                    pair = shown[v] = (v.short, getattr(divisions.get(v), "name", None))
                row += pair
            elif d == "month":
                month = months.get(v)
                if month is None:
                    month = months[v] = _month(v)
                row.append(month)
            else:
                row.append(v)
        row.append(n)
        rows.append(tuple(row))
    rows.sort(key=_sort_key)
    columns: list[str] = []
    for d in dims:
        columns += ["town", "town_name"] if d == "town" else [d]
    return Table(
        title=f"activities per {', '.join(dims)}",
        columns=(*columns, "activities"),
        rows=rows,
    )


def _stations_and_points(network: Network) -> tuple[list[Any], dict[str, str]]:
    """The Stations, and site id → the Station its activities count for."""
    sites: Mapping[str, Any] = network.table("sites")
    stations = [s for s in sites.values() if s.kind.value == "station"]
    counts_for = {s.id: s.id for s in stations}
    for site in sites.values():
        if site.kind.value == "point" and site.parent is not None:
            parent = sites.get(site.parent)
            if parent is not None and parent.kind.value == "station":
                counts_for[site.id] = parent.id
    return stations, counts_for


def inactive_stations(network: Network, days: int, as_of: DateLike = None) -> Table:
    """The Stations with no activity in the ``days`` days up to ``as_of`` (included).

    An activity counts for a Station when the Station or a Point directly under
    it hosted it and it ran on at least one day of the window
    (``as_of - days + 1`` to ``as_of``). Only Stations that exist on ``as_of``
    are listed.

    Parameters
    ----------
    network : Network
        Its sites and activities.
    days : int
        The window's length, at least 1.
    as_of : date, optional
        Its last day; today by default.

    Returns
    -------
    Table
        ``station``, ``name``, ``town``, ``last_activity`` (the last day on or
        before ``as_of`` one of its activities ran, or ``None``) and
        ``days_since``; by town and station.
    """
    if type(days) is not int or days < 1:
        raise InvariantError(
            f"days must be a whole number of at least 1, not {quote(days)}",
            field="days",
            value=days,
        )
    day = as_date(as_of) or dt.date.today()
    window_start = day - dt.timedelta(days=days - 1)
    stations, counts_for = _stations_and_points(network)
    last: dict[str, dt.date] = {}
    table: Mapping[str, Activity] = network.table("activities")
    for a in table.values():
        station = counts_for.get(a.site)
        if station is None:
            continue
        first_day = a.day
        if first_day > day:
            continue
        ran_until = min(a.last_day, day)
        if ran_until > last.get(station, dt.date.min):
            last[station] = ran_until
    towns = site_towns(network)
    rows = []
    for s in stations:
        if not s.exists_on(day):
            continue
        seen = last.get(s.id)
        if seen is not None and seen >= window_start:
            continue
        town = towns.get(s.id)
        rows.append(
            (
                s.id,
                s.name,
                None if town is None else town.short,
                seen,
                None if seen is None else (day - seen).days,
            )
        )
    rows.sort(key=lambda r: (r[2] is None, r[2] or "", r[0]))
    return Table(
        title=f"stations with no activity in the {days} days to {day.isoformat()}",
        columns=("station", "name", "town", "last_activity", "days_since"),
        rows=rows,
    )


def category_coverage(
    network: Network,
    *,
    start: DateLike = None,
    end: DateLike = None,
    root: str | None = None,
) -> Table:
    """Which content categories each town delivered in a period.

    Parameters
    ----------
    network : Network
        Its divisions, sites, activities and taxonomy.
    start, end : date, optional
        Only activities starting on ``start`` or later and before ``end``.
    root : str, optional
        The part of the taxonomy to cover: its leaves are the categories
        counted. The content root (the 18 of 六传六讲六帮) by default.

    Returns
    -------
    Table
        Per town (every town-level division of the network, and every town an
        activity was held in): ``covered`` and ``total`` counts, the
        ``categories`` delivered and the ``missing`` ones, in taxonomy order.
    """
    taxonomy = taxonomy_of(network)
    root = FACETS["categories"] if root is None else root
    leaves = [c.code for c in taxonomy.leaves(root)]
    wanted = set(leaves)
    first, stop = _period(start, end)
    towns = site_towns(network)
    divisions: Mapping[Any, Any] = network.table("divisions")
    delivered: dict[Any, set[str]] = {
        code: set() for code, d in divisions.items() if d.level is DivisionLevel.TOWN
    }
    table: Mapping[str, Activity] = network.table("activities")
    for a in _in_period(table.values(), first, stop):
        town = towns.get(a.site)
        if town is None:
            continue
        got = delivered.setdefault(town, set())
        got.update(c for c in a.categories if c in wanted)
    rows = []
    for town in sorted(delivered):
        got = delivered[town]
        rows.append(
            (
                town.short,
                getattr(divisions.get(town), "name", None),
                len(got),
                len(leaves),
                tuple(c for c in leaves if c in got),
                tuple(c for c in leaves if c not in got),
            )
        )
    return Table(
        title=f"category coverage per town ({taxonomy.title}, under {root})",
        columns=("town", "town_name", "covered", "total", "categories", "missing"),
        rows=rows,
    )


def _current_minutes(network: Network) -> Mapping[str, int]:
    """Service record id → the minutes of its latest version (corrections applied)."""
    from wenming.service import current

    records: Mapping[str, Any] = network.table("service_records")
    out: dict[str, int] = {}
    for rid in records:
        try:
            out[rid] = current(network, rid).minutes
        except UnknownIdError:  # pragma: no cover - the table holds it
            continue
    return out


def participation(network: Network) -> Table:
    """Participants and service hours per activity, by day and id.

    Hours are the minutes of each participant's service record (its latest
    correction), summed; ``recorded`` counts the participants with a record.
    """
    table: Mapping[str, Activity] = network.table("activities")
    minutes = (
        _current_minutes(network)
        if any(p.record is not None for a in table.values() for p in a.participants)
        else {}
    )
    rows = []
    for a in sorted(table.values(), key=lambda a: (a.day, a.id)):
        total = 0
        recorded = 0
        for p in a.participants:
            if p.record is not None and p.record in minutes:
                recorded += 1
                total += minutes[p.record]
        rows.append(
            (
                a.id,
                a.title,
                a.day,
                a.site,
                len(a.participants),
                recorded,
                total,
                round(total / 60, 2),
            )
        )
    return Table(
        title="participants and hours per activity",
        columns=(
            "activity",
            "title",
            "day",
            "site",
            "participants",
            "recorded",
            "minutes",
            "hours",
        ),
        rows=rows,
    )
