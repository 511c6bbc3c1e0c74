"""The figures Ziyang County reported (2023-08), beside the ones counted from a network.

:data:`REPORTED` is domain §6 as data: one :class:`Figure` per reported number.
:func:`figures` counts each of them from a network's own records (never from a
stored total) and returns a :class:`FiguresReport`, one row per figure, that
prints as a table. ``wenming summary`` without a file prints it for the
embedded :func:`~wenming.datasets.ziyang` network.

Examples
--------
>>> from wenming.datasets import ziyang
>>> report = figures(ziyang())
>>> report.ok
True
>>> row = report.row("volunteers")
>>> row.reported, row.counted
(12603, 12603)
>>> print(report)  # doctest: +ELLIPSIS
figure                               reported    counted
county Centre                               1          1  ok
...
activities organised                   3,900+      4,001  ok
...
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from wenming._fields import text
from wenming.errors import UnknownIdError
from wenming.sites import SiteKind

if TYPE_CHECKING:
    from wenming.network import Network

__all__ = [
    "COUNTERS",
    "REPORTED",
    "Figure",
    "FigureRow",
    "FiguresReport",
    "Match",
    "figures",
]


class Match(enum.StrEnum):
    """How a counted figure is held against the reported one."""

    EXACT = "exact"
    """Equal."""
    AT_LEAST = "at_least"
    """At least the reported figure (the report says "3,900+")."""


@attrs.frozen(kw_only=True)
class Figure:
    """One reported figure.

    Parameters
    ----------
    key : str
        Its name in :data:`COUNTERS` (``"volunteers"``).
    label : str
        What it is, in English.
    zh : str
        What it is, in the report's words.
    reported : int
        The number reported.
    match : Match
        Exact, or at least (``"3,900+"``).
    unit : str
        ``""``, ``"m²"`` or ``"yuan"``.
    """

    key: str = attrs.field(validator=text)
    label: str = attrs.field(validator=text)
    zh: str = attrs.field(validator=text)
    reported: int
    match: Match = Match.EXACT
    unit: str = ""

    def shown(self) -> str:
        """The reported figure as the report writes it (``"3,900+"``)."""
        plus = "+" if self.match is Match.AT_LEAST else ""
        return f"{self.reported:,}{plus}"

    def holds(self, counted: int | None) -> bool:
        """True if ``counted`` agrees with the reported figure."""
        if counted is None:
            return False
        if self.match is Match.AT_LEAST:
            return counted >= self.reported
        return counted == self.reported


REPORTED: tuple[Figure, ...] = (
    Figure(key="centre", label="county Centre", zh="县新时代文明实践中心", reported=1),
    Figure(
        key="centre_floor_area",
        label="Centre floor area",
        zh="中心面积(县融媒体中心内)",
        reported=240,
        unit="m²",
    ),
    Figure(key="institutes", label="town Institutes", zh="镇新时代文明实践所", reported=17),
    Figure(key="towns_covered", label="towns with an Institute", zh="所全覆盖", reported=17),
    Figure(key="stations", label="village/community Stations", zh="村(社区)实践站", reported=207),
    Figure(
        key="villages_covered",
        label="villages with a Station",
        zh="站全覆盖",
        reported=207,
    ),
    Figure(key="points", label="practice Points", zh="新时代文明实践点", reported=139),
    Figure(key="teams", label="volunteer teams", zh="志愿服务队伍", reported=1136),
    Figure(key="volunteers", label="registered volunteers", zh="注册志愿者", reported=12603),
    Figure(key="corps", label="corps (1)", zh="志愿服务总队", reported=1),
    Figure(
        key="standing_brigades", label="standing brigades (8)", zh="常备志愿服务大队", reported=8
    ),
    Figure(
        key="sector_brigades",
        label="sector brigades (N)",
        zh="行业系统志愿服务大队",
        reported=32,
    ),
    Figure(key="town_brigades", label="town brigades", zh="镇志愿服务大队", reported=17),
    Figure(key="village_squads", label="village squads", zh="村志愿服务分队", reported=102),
    Figure(
        key="activities",
        label="activities organised",
        zh="开展活动",
        reported=3900,
        match=Match.AT_LEAST,
    ),
    Figure(key="brand_projects", label="brand projects", zh="品牌项目", reported=20),
    Figure(key="experiences", label="typical experiences", zh="典型经验", reported=5),
    Figure(
        key="county_budget",
        label="county budget a year",
        zh="县级财政每年列支",
        reported=1_000_000,
        unit="yuan",
    ),
    Figure(
        key="province_fund_2022",
        label="provincial special fund 2022",
        zh="2022年省级专项资金",
        reported=1_000_000,
        unit="yuan",
    ),
    Figure(
        key="county_awards",
        label="county awards/subsidies",
        zh="县级以奖代补所站",
        reported=1_000_000,
        unit="yuan",
    ),
)
"""Ziyang County's reported figures (domain §6), in the report's order."""


# ---------------------------------------------------------------------------- counters


def _sites(kind: SiteKind) -> Callable[[Network], int]:
    def count(network: Network) -> int:
        return network.counts()[kind]

    return count


def _centre_floor_area(network: Network) -> int:
    area = 0.0
    for centre in network.iter_sites(SiteKind.CENTRE):
        area += sum(v.floor_area or 0.0 for v in network.venues_of(centre.id))
    return round(area)


def _covered(level: str) -> Callable[[Network], int]:
    def count(network: Network) -> int:
        from wenming.coverage import coverage

        cov = coverage(network)
        return (cov.towns if level == "town" else cov.villages).covered

    return count


def _table(name: str) -> Callable[[Network], int]:
    def count(network: Network) -> int:
        return len(network.table(name))

    return count


def _teams(level: str, kind: str | None) -> Callable[[Network], int]:
    def count(network: Network) -> int:
        teams: Mapping[str, Any] = network.table("teams")
        return sum(
            1
            for t in teams.values()
            if t.level == level and (kind is None or t.kind.value == kind)
        )

    return count


def _funding(source: str, *, year: int | None = None, awards: bool) -> Callable[[Network], int]:
    def count(network: Network) -> int:
        lines: Mapping[str, Any] = network.table("funding")
        fen: int = sum(
            f.amount
            for f in lines.values()
            if f.source.value == source
            and (year is None or f.year == year)
            and (("awards" in {p.value for p in f.purposes}) is awards)
        )
        return fen // 100

    return count


def _county_budget(network: Network) -> int:
    """The county's yearly line: the latest year's county lines other than awards."""
    lines: Mapping[str, Any] = network.table("funding")
    years = [f.year for f in lines.values() if f.source.value == "county"]
    if not years:
        return 0
    return _funding("county", year=max(years), awards=False)(network)


COUNTERS: Mapping[str, Callable[[Network], int]] = {
    "centre": _sites(SiteKind.CENTRE),
    "centre_floor_area": _centre_floor_area,
    "institutes": _sites(SiteKind.INSTITUTE),
    "towns_covered": _covered("town"),
    "stations": _sites(SiteKind.STATION),
    "villages_covered": _covered("village"),
    "points": _sites(SiteKind.POINT),
    "teams": _table("teams"),
    "volunteers": _table("volunteers"),
    "corps": _teams("corps", None),
    "standing_brigades": _teams("brigade", "standing"),
    "sector_brigades": _teams("brigade", "sector"),
    "town_brigades": _teams("brigade", "town"),
    "village_squads": _teams("squad", "village"),
    "activities": _table("activities"),
    "brand_projects": _table("brand_projects"),
    "experiences": _table("experiences"),
    "county_budget": _county_budget,
    "province_fund_2022": _funding("province", year=2022, awards=False),
    "county_awards": _funding("county", awards=True),
}
"""Figure key → the function counting it from a network's records."""


# ---------------------------------------------------------------------------- report


@attrs.frozen(kw_only=True)
class FigureRow:
    """One figure: reported and counted."""

    figure: Figure
    counted: int | None

    @property
    def reported(self) -> int:
        """The reported number."""
        return self.figure.reported

    @property
    def ok(self) -> bool:
        """The counted figure agrees with the report."""
        return self.figure.holds(self.counted)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for ``--json`` and notebooks."""
        return {
            "key": self.figure.key,
            "label": self.figure.label,
            "zh": self.figure.zh,
            "unit": self.figure.unit,
            "match": self.figure.match.value,
            "reported": self.figure.reported,
            "counted": self.counted,
            "ok": self.ok,
        }


@attrs.frozen(kw_only=True)
class FiguresReport:
    """Reported figures beside the ones counted from a network, row by row."""

    rows: tuple[FigureRow, ...]

    @property
    def ok(self) -> bool:
        """Every counted figure agrees with the report."""
        return all(r.ok for r in self.rows)

    def row(self, key: str) -> FigureRow:
        """The row of figure ``key``.

        Raises
        ------
        UnknownIdError
            If no row has that key.
        """
        for r in self.rows:
            if r.figure.key == key:
                return r
        raise UnknownIdError("figure", key, f"no figure {key!r} in this report")

    def to_dict(self) -> dict[str, Any]:
        """Plain data: ``{"ok": ..., "rows": [...]}``."""
        return {"ok": self.ok, "rows": [r.to_dict() for r in self.rows]}

    def lines(self) -> list[str]:
        """The table, one line per figure (what ``__str__`` joins)."""
        out = [f"{'figure':<36} {'reported':>10} {'counted':>10}"]
        for r in self.rows:
            unit = f" ({r.figure.unit})" if r.figure.unit else ""
            counted = "-" if r.counted is None else f"{r.counted:,}"
            mark = "ok" if r.ok else "DIFFERS"
            label = f"{r.figure.label}{unit}"
            out.append(f"{label:<36} {r.figure.shown():>10} {counted:>10}  {mark}")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())


def figures(network: Network, reported: Iterable[Figure] = REPORTED) -> FiguresReport:
    """Count each reported figure from ``network``'s own records.

    Parameters
    ----------
    network : Network
        Any network; the Ziyang reference network reproduces every figure.
    reported : iterable of Figure
        The figures to count (default :data:`REPORTED`); a figure whose key has
        no counter in :data:`COUNTERS` is counted as ``None`` (and not ok).

    Returns
    -------
    FiguresReport
        One row per figure, in order.
    """
    rows = []
    for figure in reported:
        counter = COUNTERS.get(figure.key)
        rows.append(
            FigureRow(figure=figure, counted=None if counter is None else counter(network))
        )
    return FiguresReport(rows=tuple(rows))
