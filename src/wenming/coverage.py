"""Coverage (全覆盖): which counties, towns and villages have their practice site.

Full coverage means every town has an Institute and every village or community
has a Station; it is the headline indicator of site building. :func:`coverage`
answers it for a whole network, or within one division, on any date, in one pass
over the sites and one over the divisions.

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
from typing import Any

import attrs

from wenming._fields import DateLike, as_date
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import UnknownIdError
from wenming.network import Network
from wenming.sites import SiteKind

__all__ = ["Coverage", "LevelCoverage", "coverage"]

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


def _in_scope(code: DivisionCode, include_statistical: bool) -> bool:
    if include_statistical:
        return True
    return not code.is_statistical


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
        digits 400–599), which have no civil-affairs code. Off by default.

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
    totals = dict.fromkeys(_LEVEL_KIND, 0)
    hits = dict.fromkeys(_LEVEL_KIND, 0)
    missing: dict[DivisionLevel, list[DivisionCode]] = {level: [] for level in _LEVEL_KIND}
    for division in divisions:
        level = division.level
        kind = _LEVEL_KIND.get(level)
        if kind is None:
            continue
        code = division.code
        if not include_statistical and not _in_scope(code, False):
            continue
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
