"""Coverage (全覆盖): which counties, towns and villages have their practice site.

Full coverage means every town has an Institute and every village or community
has a Station; it is the headline indicator of site building. :func:`coverage`
answers it for a whole network, or within one division, on any date, in one pass
over the sites and one over the divisions. What counts as a town (or a village)
to cover is decided from names and codes together: :func:`counted_divisions`.

Examples
--------
>>> from wenming.datasets import ziyang
>>> cov = coverage(ziyang())
>>> cov.towns.covered, cov.towns.total, cov.towns.ratio, cov.towns.full
(17, 17, 1.0, True)
>>> cov.villages.full, cov.full
(True, True)
>>> print(cov)
level     site       covered  total  ratio
county    Centre           1      1  100.0%
town      Institute       17     17  100.0%
village   Station        207    207  100.0%
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from wenming._fields import DateLike, as_date
from wenming.divisions import (
    Division,
    DivisionCode,
    DivisionLevel,
    TownshipRole,
    counts_as_town,
    township_role,
)
from wenming.errors import UnknownIdError
from wenming.network import Network
from wenming.sites import SiteKind

__all__ = ["Coverage", "LevelCoverage", "counted_divisions", "coverage"]

_LEVEL_KIND = {
    DivisionLevel.COUNTY: SiteKind.CENTRE,
    DivisionLevel.TOWN: SiteKind.INSTITUTE,
    DivisionLevel.VILLAGE: SiteKind.STATION,
}


@attrs.frozen(kw_only=True)
class LevelCoverage:
    """Coverage of one division level by the site kind that belongs on it.

    Parameters
    ----------
    level : DivisionLevel
        County, town or village.
    kind : SiteKind
        The site each division of that level should have.
    total : int
        Divisions of that level in scope.
    covered : int
        Those with at least one site of ``kind`` on them.
    uncovered : tuple of DivisionCode
        The divisions without one, sorted by code.
    """

    level: DivisionLevel
    kind: SiteKind
    total: int
    covered: int
    uncovered: tuple[DivisionCode, ...]

    @property
    def ratio(self) -> float | None:
        """``covered / total``, or ``None`` when there is nothing to cover."""
        return None if self.total == 0 else self.covered / self.total

    @property
    def full(self) -> bool:
        """True when every division in scope is covered.

        False when there is nothing in scope: a network without villages says
        nothing about village coverage.
        """
        return self.total > 0 and self.covered == self.total

    def to_dict(self) -> dict[str, Any]:
        """Return plain data (for JSON and DataFrames)."""
        return {
            "level": self.level.label,
            "kind": self.kind.value,
            "total": self.total,
            "covered": self.covered,
            "ratio": self.ratio,
            "uncovered": [code.short for code in self.uncovered],
        }


@attrs.frozen(kw_only=True)
class Coverage:
    """Coverage of counties, towns and villages; ``str()`` is a small table."""

    as_of: dt.date | None
    within: DivisionCode | None
    counties: LevelCoverage
    towns: LevelCoverage
    villages: LevelCoverage

    @property
    def levels(self) -> tuple[LevelCoverage, LevelCoverage, LevelCoverage]:
        """The three levels, county first."""
        return (self.counties, self.towns, self.villages)

    @property
    def full(self) -> bool:
        """True when every town has an Institute and every village a Station.

        Needs towns and villages in the network: the embedded Ziyang network of
        this release has no villages yet, so its coverage is not "full".
        """
        return self.towns.full and self.villages.full

    def to_dict(self) -> dict[str, Any]:
        """Return plain data (for JSON and DataFrames)."""
        return {
            "as_of": None if self.as_of is None else self.as_of.isoformat(),
            "within": None if self.within is None else self.within.short,
            "full": self.full,
            "levels": [lv.to_dict() for lv in self.levels],
        }

    def __str__(self) -> str:
        lines = [f"{'level':<9} {'site':<10} {'covered':>7} {'total':>6}  ratio"]
        for lv in self.levels:
            ratio = "     —" if lv.ratio is None else f"{lv.ratio:6.1%}"
            lines.append(
                f"{lv.level.label:<9} {lv.kind.label:<10} {lv.covered:>7} {lv.total:>6} {ratio}"
            )
        return "\n".join(lines)


def counted_divisions(
    network: Network, *, include_statistical: bool = False
) -> Callable[[Division], bool]:
    """Return the predicate that says which divisions coverage counts.

    Every coverage count (:func:`coverage`, :func:`~wenming.coverage_more.coverage_by`,
    :func:`~wenming.coverage_more.coverage_series`) asks it of each division:

    - a **town** counts when :func:`~wenming.divisions.counts_as_town` says so,
      deciding from the name and the digits together: a ``…直辖村级区划``
      placeholder never counts; a 400-599 row counts when its name says
      ``街道``, ``镇`` or ``乡`` (a civil township whatever its digits); an
      ``…地区`` area office counts as the street its digits make it;
    - a **village** counts unless its own digits are 400-599, or its township
      is statistics-only: coded 400-599 and, when the network holds it, not
      named as a civil street, town or township;
    - a **county** always counts.

    With ``include_statistical`` every division counts but the placeholders.
    The returned test is a closure (it remembers the townships it has looked
    up); build one per count.

    Examples
    --------
    >>> from wenming import Division, Network
    >>> net = Network()
    >>> net.add_all([Division(code="320505", name="虎丘区"),
    ...              Division(code="320505402", name="枫桥街道"),
    ...              Division(code="320505402001", name="枫桥社区"),
    ...              Division(code="320505198", name="虎丘区直辖村级区划")])
    >>> counted = counted_divisions(net)
    >>> [d.name for d in net.divisions.values() if counted(d)]
    ['虎丘区', '枫桥街道', '枫桥社区']
    """
    if include_statistical:
        return _not_placeholder
    divisions = network.divisions
    civil: dict[str, bool] = {}  # township digits prefix → a village under it counts

    def township_counts(prefix: str) -> bool:
        known = civil.get(prefix)
        if known is None:
            township = divisions.get(DivisionCode(prefix + "000"))
            role = None if township is None else township_role(township)
            known = civil[prefix] = role is not None and role is not TownshipRole.STATISTICAL
        return known

    village, town = DivisionLevel.VILLAGE, DivisionLevel.TOWN  # locals: a third faster

    def counted(division: Division) -> bool:
        level = division.level
        if level is village:
            code = division.code
            if "400" <= code[9:] <= "599":
                return False
            return not ("400" <= code[6:9] <= "599") or township_counts(code[:9])
        if level is town:
            return counts_as_town(division)
        return True

    return counted


def _not_placeholder(division: Division) -> bool:
    return division.level is not DivisionLevel.TOWN or (
        township_role(division) is not TownshipRole.PLACEHOLDER
    )


def coverage(
    network: Network,
    *,
    as_of: DateLike = None,
    within: str | None = None,
    include_statistical: bool = False,
) -> Coverage:
    """Count the counties, towns and villages that have their practice site.

    Parameters
    ----------
    network : Network
        The network; its divisions define what should be covered.
    as_of : date, ISO string or datetime, optional
        Count only the sites that exist on this date (established, not yet closed,
        and so is every site above them).
    within : str, optional
        Only divisions inside this division (a province, a prefecture, a county,
        a town), which the network must hold. The cost is proportional to the
        divisions inside it, not to the whole network.
    include_statistical : bool
        Count statistics-only units (development zones: township or village
        digits 400–599 whose names do not say 街道, 镇 or 乡), which have no
        civil-affairs code. Off by default. What counts as a town or village
        to cover is :func:`counted_divisions`: a ``…直辖村级区划`` placeholder
        never counts, a civil street, town or township always does.

    Returns
    -------
    Coverage
        One :class:`LevelCoverage` per level.

    Raises
    ------
    UnknownIdError
        ``within`` names a division the network does not hold.
    InvariantError
        A malformed ``within`` code or ``as_of`` date.

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> coverage(ziyang(), within="610924101").towns.covered
    1
    >>> coverage(ziyang(), within="610925")
    Traceback (most recent call last):
    ...
    wenming.errors.UnknownIdError: coverage within 610925: the network holds no such division
    """
    day = as_date(as_of)
    scope = None if within is None else DivisionCode.parse(within)
    if scope is not None and scope not in network.divisions:
        raise UnknownIdError(
            "division",
            scope.short,
            f"coverage within {scope.short}: the network holds no such division",
        )
    divisions = network.divisions.values() if scope is None else network.divisions_within(scope)
    on_division = network._division_index()
    sites = network.sites
    alive = network._alive_on(day)
    counted = counted_divisions(network, include_statistical=include_statistical)
    totals = dict.fromkeys(_LEVEL_KIND, 0)
    hits = dict.fromkeys(_LEVEL_KIND, 0)
    missing: dict[DivisionLevel, list[DivisionCode]] = {level: [] for level in _LEVEL_KIND}
    for division in divisions:
        level = division.level
        kind = _LEVEL_KIND.get(level)
        if kind is None:
            continue
        if not counted(division):
            continue
        code = division.code
        totals[level] += 1
        ids = on_division.get(code)
        if ids and any((site := sites[i]).kind is kind and alive(site) for i in ids):
            hits[level] += 1
        else:
            missing[level].append(code)
    per_level = {
        level: LevelCoverage(
            level=level,
            kind=kind,
            total=totals[level],
            covered=hits[level],
            uncovered=tuple(sorted(missing[level])),
        )
        for level, kind in _LEVEL_KIND.items()
    }
    return Coverage(
        as_of=day,
        within=scope,
        counties=per_level[DivisionLevel.COUNTY],
        towns=per_level[DivisionLevel.TOWN],
        villages=per_level[DivisionLevel.VILLAGE],
    )
