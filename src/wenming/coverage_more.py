"""Coverage, extended: per-county and per-town tables, coverage over time, link and team coverage.

:func:`wenming.coverage.coverage` answers "how much of the network is covered";
this module breaks it down and follows it through time, on the same rules
(the same scope, the same ``as_of`` semantics, the same towns and villages to
cover: :func:`wenming.coverage.counted_divisions`, statistics-only units left
out by default):

- :func:`coverage_by` — one row per county (or per town): its towns with an
  Institute and its villages with a Station, in one pass over the divisions;
- :func:`coverage_series` — coverage on each of many dates, from each site's
  lifetime computed once (not one full count per date);
- :func:`site_coverage` — the share of sites of a kind that have something (a
  supervision link, a team): the pattern :func:`link_coverage` uses and that
  the team families plug into (:data:`SITE_COVERAGE`).

Examples
--------
>>> from wenming.datasets import ziyang
>>> table = coverage_by(ziyang(), by="county")
>>> [(r.code, r.towns_covered, r.towns_total) for r in table]
[('610924', 17, 17)]
>>> coverage_series(ziyang(), ["2010-01-01", "2023-08-01"]).towns_ratio
(1.0, 1.0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import attrs

from wenming._fields import DateLike, as_date
from wenming.coverage import counted_divisions
from wenming.divisions import Division, DivisionCode, DivisionLevel
from wenming.errors import InvariantError, UnknownIdError, quote
from wenming.links import Link
from wenming.network import Network
from wenming.people import LinkKind
from wenming.sites import Site, SiteKind

__all__ = [
    "SITE_COVERAGE",
    "CoverageRow",
    "CoverageSeries",
    "CoverageTable",
    "SiteCoverage",
    "coverage_by",
    "coverage_series",
    "link_coverage",
    "register_site_coverage",
    "site_coverage",
]

_GROUP_LEVEL = {"county": DivisionLevel.COUNTY, "town": DivisionLevel.TOWN}
_DIGITS = {DivisionLevel.COUNTY: 6, DivisionLevel.TOWN: 9}
_KIND_OF_LEVEL = {
    DivisionLevel.COUNTY: SiteKind.CENTRE,
    DivisionLevel.TOWN: SiteKind.INSTITUTE,
    DivisionLevel.VILLAGE: SiteKind.STATION,
}


def _ratio(covered: int, total: int) -> float | None:
    return None if total == 0 else covered / total


def _show(ratio: float | None) -> str:
    return "     —" if ratio is None else f"{ratio:6.1%}"


@attrs.frozen(kw_only=True)
class CoverageRow:
    """Coverage inside one county or town.

    Attributes
    ----------
    code, name : str
        The county's or town's code (short form) and name (``""`` when the
        network does not hold the division itself).
    level : str
        ``"county"`` or ``"town"``.
    towns_total, towns_covered : int
        Towns in it, and those with an Institute (a town row: itself).
    villages_total, villages_covered : int
        Villages and communities in it, and those with a Station.
    """

    code: str
    name: str
    level: str
    towns_total: int
    towns_covered: int
    villages_total: int
    villages_covered: int

    @property
    def towns_ratio(self) -> float | None:
        """Covered towns / towns (``None`` without towns)."""
        return _ratio(self.towns_covered, self.towns_total)

    @property
    def villages_ratio(self) -> float | None:
        """Covered villages / villages (``None`` without villages)."""
        return _ratio(self.villages_covered, self.villages_total)

    def to_dict(self) -> dict[str, Any]:
        """Return plain data (a DataFrame row)."""
        return {
            **attrs.asdict(self),
            "towns_ratio": self.towns_ratio,
            "villages_ratio": self.villages_ratio,
        }


@attrs.frozen(kw_only=True)
class CoverageTable:
    """Coverage per county or per town; iterate for the rows, ``str()`` for a table."""

    by: str
    as_of: dt.date | None
    within: str | None
    rows: tuple[CoverageRow, ...]

    def __iter__(self) -> Iterator[CoverageRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per row (``pandas.DataFrame(table.to_records())``)."""
        return [r.to_dict() for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """Return plain data."""
        return {
            "by": self.by,
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "within": self.within,
            "rows": self.to_records(),
        }

    def __str__(self) -> str:
        lines = [f"{self.by:<12} {'name':<10} {'towns':>9}  ratio {'villages':>11}  ratio"]
        for r in self.rows:
            lines.append(
                f"{r.code:<12} {r.name[:10]:<10} {r.towns_covered:>4}/{r.towns_total:<4} "
                f"{_show(r.towns_ratio)} {r.villages_covered:>5}/{r.villages_total:<5} "
                f"{_show(r.villages_ratio)}"
            )
        return "\n".join(lines)


def _scope(network: Network, within: str | None) -> tuple[DivisionCode | None, Iterable[Division]]:
    scope = None if within is None else DivisionCode.parse(within)
    if scope is not None and scope not in network.divisions:
        raise UnknownIdError(
            "division",
            scope.short,
            f"coverage within {scope.short}: the network holds no such division",
        )
    divisions = network.divisions.values() if scope is None else network.divisions_within(scope)
    return scope, divisions


def coverage_by(
    network: Network,
    by: str = "county",
    *,
    as_of: DateLike = None,
    within: str | None = None,
    include_statistical: bool = False,
) -> CoverageTable:
    """Break coverage down per county or per town, in one pass over the divisions.

    Parameters
    ----------
    network : Network
        The network.
    by : {"county", "town"}
        One row per county (its towns and villages) or per town (itself and
        its villages).
    as_of, within, include_statistical
        As for :func:`wenming.coverage`.

    Returns
    -------
    CoverageTable
        Rows in code order: every county (town) in scope, and any that the
        network does not hold but whose towns (villages) it does.

    Raises
    ------
    InvariantError
        ``by`` is neither ``"county"`` nor ``"town"``; a bad date or code.
    UnknownIdError
        ``within`` names a division the network does not hold.

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> print(coverage_by(ziyang(), "town", within="610924101"))
    town         name           towns  ratio    villages  ratio
    610924101    蒿坪镇           1/1    100.0%    16/16    100.0%
    """
    group_level = _GROUP_LEVEL.get(by)
    if group_level is None:
        raise InvariantError(
            f"coverage by {quote(by)}: expected 'county' or 'town'", field="by", value=by
        )
    day = as_date(as_of)
    scope, divisions = _scope(network, within)
    digits = _DIGITS[group_level]
    on_division = network._division_index()
    sites = network._sites
    alive = network._alive_on(day)
    dated = day is not None
    # group code → [towns total, covered, villages total, covered]
    tally: dict[str, list[int]] = {}
    names: dict[str, str] = {}
    counted = counted_divisions(network, include_statistical=include_statistical)
    town, village = DivisionLevel.TOWN, DivisionLevel.VILLAGE
    institute, station = SiteKind.INSTITUTE, SiteKind.STATION
    for division in divisions:
        level = division.level
        if not counted(division):
            if level is group_level:  # a placeholder: no town, but its villages have a row
                names[division.code.short] = division.name
            continue
        code = division.code
        if level is group_level:
            short = code.short
            names[short] = division.name
            tally.setdefault(short, [0, 0, 0, 0])
        if level is town:
            at, kind = 0, institute
        elif level is village:
            at, kind = 2, station
        else:
            continue
        group = code[:digits]  # a plain str (towns and villages are below any group)
        counts = tally.get(group)
        if counts is None:
            counts = tally[group] = [0, 0, 0, 0]
        counts[at] += 1
        ids = on_division.get(code)
        if ids:
            for i in ids:
                site = sites[i]
                if site.kind is kind and (not dated or alive(site)):
                    counts[at + 1] += 1
                    break
    rows = tuple(
        CoverageRow(
            code=group,
            name=names.get(group, ""),
            level=by,
            towns_total=c[0],
            towns_covered=c[1],
            villages_total=c[2],
            villages_covered=c[3],
        )
        for group, c in sorted(tally.items())
    )
    return CoverageTable(
        by=by, as_of=day, within=None if scope is None else scope.short, rows=rows
    )


# ---------------------------------------------------------------------------- over time


@attrs.frozen(kw_only=True)
class CoverageSeries:
    """Coverage on each of several dates (for a plot over time).

    Attributes
    ----------
    dates : tuple of date
        The dates, as given (sorted, duplicates dropped).
    counties_covered, towns_covered, villages_covered : tuple of int
        Covered divisions of each level on each date.
    counties_total, towns_total, villages_total : int
        Divisions of each level in scope (the divisions do not change with the date).
    """

    dates: tuple[dt.date, ...]
    within: str | None
    counties_total: int
    towns_total: int
    villages_total: int
    counties_covered: tuple[int, ...]
    towns_covered: tuple[int, ...]
    villages_covered: tuple[int, ...]

    @property
    def towns_ratio(self) -> tuple[float | None, ...]:
        """Town coverage on each date."""
        return tuple(_ratio(c, self.towns_total) for c in self.towns_covered)

    @property
    def villages_ratio(self) -> tuple[float | None, ...]:
        """Village coverage on each date."""
        return tuple(_ratio(c, self.villages_total) for c in self.villages_covered)

    @property
    def counties_ratio(self) -> tuple[float | None, ...]:
        """County coverage (a Centre) on each date."""
        return tuple(_ratio(c, self.counties_total) for c in self.counties_covered)

    def to_records(self) -> list[dict[str, Any]]:
        """One plain dict per date."""
        return [
            {
                "date": d.isoformat(),
                "counties_covered": self.counties_covered[i],
                "towns_covered": self.towns_covered[i],
                "villages_covered": self.villages_covered[i],
                "counties_ratio": self.counties_ratio[i],
                "towns_ratio": self.towns_ratio[i],
                "villages_ratio": self.villages_ratio[i],
            }
            for i, d in enumerate(self.dates)
        ]

    def __str__(self) -> str:
        lines = [f"{'date':<10} {'towns':>7} {'villages':>9}"]
        for i, d in enumerate(self.dates):
            lines.append(
                f"{d.isoformat():<10} {_show(self.towns_ratio[i]):>7} "
                f"{_show(self.villages_ratio[i]):>9}"
            )
        return "\n".join(lines)


_Span = tuple[dt.date | None, dt.date | None]  # first day, first day gone (None: open)


def _lifetimes(network: Network) -> Callable[[Site], _Span]:
    """Site → the days it exists: its own dates narrowed by every site above it."""
    sites = network.sites
    memo: dict[str, _Span] = {}

    def span(site: Site) -> _Span:
        known = memo.get(site.id)
        if known is not None:
            return known
        start, end = site.established, site.closed
        if site.parent is not None:
            p_start, p_end = span(sites[site.parent])
            if p_start is not None and (start is None or p_start > start):
                start = p_start
            if p_end is not None and (end is None or p_end < end):
                end = p_end
        memo[site.id] = (start, end)
        return start, end

    return span


def coverage_series(
    network: Network,
    dates: Iterable[DateLike],
    *,
    within: str | None = None,
    include_statistical: bool = False,
) -> CoverageSeries:
    """Coverage on each date: what :func:`wenming.coverage` gives for each, in one pass.

    Each site's lifetime (its dates narrowed by the sites above it) is worked
    out once; then each division is tested on every date.

    Parameters
    ----------
    dates : iterable of date, ISO string or datetime
        The dates (sorted; duplicates dropped).
    within, include_statistical
        As for :func:`wenming.coverage`.

    Raises
    ------
    InvariantError
        A date that is not a date, or no dates.
    UnknownIdError
        ``within`` names a division the network does not hold.
    """
    if isinstance(dates, str | dt.date) or not isinstance(dates, Iterable):
        raise InvariantError(
            f"dates must be a list of dates, not {type(dates).__name__}",
            field="dates",
            value=dates,
        )
    days = sorted({d for d in (as_date(x, "date") for x in dates) if d is not None})
    if not days:
        raise InvariantError("coverage_series needs at least one date", field="dates", value=())
    scope, divisions = _scope(network, within)
    on_division = network._division_index()
    sites = network.sites
    span = _lifetimes(network)
    totals = dict.fromkeys(_KIND_OF_LEVEL, 0)
    hits = {level: [0] * len(days) for level in _KIND_OF_LEVEL}
    counted = counted_divisions(network, include_statistical=include_statistical)
    for division in divisions:
        level = division.level
        kind = _KIND_OF_LEVEL.get(level)
        if kind is None or not counted(division):
            continue
        code = division.code
        totals[level] += 1
        spans = [span(sites[i]) for i in on_division.get(code, ()) if sites[i].kind is kind]
        if not spans:
            continue
        row = hits[level]
        for n, day in enumerate(days):
            for start, end in spans:
                if (start is None or start <= day) and (end is None or day < end):
                    row[n] += 1
                    break
    return CoverageSeries(
        dates=tuple(days),
        within=None if scope is None else scope.short,
        counties_total=totals[DivisionLevel.COUNTY],
        towns_total=totals[DivisionLevel.TOWN],
        villages_total=totals[DivisionLevel.VILLAGE],
        counties_covered=tuple(hits[DivisionLevel.COUNTY]),
        towns_covered=tuple(hits[DivisionLevel.TOWN]),
        villages_covered=tuple(hits[DivisionLevel.VILLAGE]),
    )


# ---------------------------------------------------------------------------- sites that have X


@attrs.frozen(kw_only=True)
class SiteCoverage:
    """The share of sites of a kind that have something (a link, a team).

    Attributes
    ----------
    what : str
        What is counted (``"包镇 link"``).
    kind : SiteKind
        The sites counted.
    total, covered : int
        Sites of that kind existing on the date, and those that have it.
    uncovered : tuple of str
        The ids of those that do not, sorted.
    """

    what: str
    kind: SiteKind
    total: int
    covered: int
    uncovered: tuple[str, ...]

    @property
    def ratio(self) -> float | None:
        """``covered / total``, or ``None`` without sites."""
        return _ratio(self.covered, self.total)

    def to_dict(self) -> dict[str, Any]:
        """Return plain data."""
        return {
            "what": self.what,
            "kind": self.kind.value,
            "total": self.total,
            "covered": self.covered,
            "ratio": self.ratio,
            "uncovered": list(self.uncovered),
        }


def site_coverage(
    network: Network,
    kind: SiteKind | str,
    has: Callable[[Site], bool],
    *,
    what: str,
    as_of: DateLike = None,
    within: str | None = None,
) -> SiteCoverage:
    """Count the sites of a kind (existing on ``as_of``) for which ``has(site)`` holds.

    The pattern of every "sites with …" indicator: the links below, and the
    teams (towns with a brigade, stations with a squad) once that family
    registers its own in :data:`SITE_COVERAGE`.

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> c = site_coverage(ziyang(), "institute", lambda s: s.head is not None, what="a head")
    >>> (c.covered, c.total)
    (17, 17)
    """
    wanted = SiteKind(kind)
    day = as_date(as_of)
    scope = None if within is None else DivisionCode.parse(within)
    if scope is not None and scope not in network.divisions:
        raise UnknownIdError("division", scope.short, f"no division {scope.short} in the network")
    total = 0
    missing: list[str] = []
    for site in network.iter_sites(wanted, as_of=day):
        if scope is not None and not scope.contains(site.division):
            continue
        total += 1
        if not has(site):
            missing.append(site.id)
    return SiteCoverage(
        what=what,
        kind=wanted,
        total=total,
        covered=total - len(missing),
        uncovered=tuple(sorted(missing)),
    )


def link_coverage(
    network: Network, *, as_of: DateLike = None, within: str | None = None
) -> tuple[SiteCoverage, SiteCoverage]:
    """Towns (Institutes) with a 包镇 link and Stations with a 包村 link, on a date.

    A 挂点 link to the Institute or Station counts instead, as in validation.
    Links and their posts must exist on ``as_of`` (all of them without one).

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> towns, stations = link_coverage(ziyang(), as_of="2023-08-01")
    >>> towns.covered, towns.total, stations.total
    (17, 17, 207)
    """
    day = as_date(as_of)
    towns: set[DivisionCode] = set()
    linked: set[str] = set()
    posts: Mapping[Any, Any] = network.table("posts")
    links: Mapping[Any, Link] = network.table("links")
    for link in links.values():
        if day is not None and not (link.exists_on(day) and posts[link.post].exists_on(day)):
            continue
        if link.kind is LinkKind.TOWN and link.town is not None:
            towns.add(link.town)
        elif link.site is not None and link.kind in (LinkKind.VILLAGE, LinkKind.ATTACHED):
            linked.add(link.site)
    return (
        site_coverage(
            network,
            SiteKind.INSTITUTE,
            lambda s: s.division in towns or s.id in linked,
            what="包镇 link",
            as_of=day,
            within=within,
        ),
        site_coverage(
            network,
            SiteKind.STATION,
            lambda s: s.id in linked,
            what="包村 link",
            as_of=day,
            within=within,
        ),
    )


SITE_COVERAGE: dict[str, Callable[..., tuple[SiteCoverage, ...]]] = {"links": link_coverage}
"""Name → a "sites with …" indicator ``(network, *, as_of, within) -> tuple of SiteCoverage``.

A family adds its own (``"teams"``: towns with a brigade, stations with a
squad) with :func:`register_site_coverage`.
"""


def register_site_coverage(name: str, indicator: Callable[..., tuple[SiteCoverage, ...]]) -> None:
    """Register a "sites with …" indicator under a name (see :data:`SITE_COVERAGE`)."""
    SITE_COVERAGE[name] = indicator
