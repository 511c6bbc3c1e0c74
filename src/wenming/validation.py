"""Cross-record validation: every problem in a network or document, at once.

:func:`validate` runs a registry of small rules, each a function from a
:class:`ValidationContext` to :class:`~wenming.errors.Issue` records, and returns
all the issues. It accepts a :class:`~wenming.Network` (always buildable, so the
rules find semantic problems such as two Stations claiming one village) or a
:class:`~wenming.NetworkRecords` (what a file holds, which may also have
duplicate ids, unknown parents and cycles). Issue paths point into the document:
``$.sites[17].parent``.

Register more rules with :func:`register_rule`; later parts of wenming (people,
teams, activities) add theirs the same way.

Examples
--------
>>> from wenming import NetworkRecords, Centre, Division, Station, validate
>>> records = NetworkRecords(
...     divisions=[Division(code="610924", name="紫阳县")],
...     sites=[
...         Centre(id="zy", name="中心", division="610924"),
...         Station(id="s1", name="站", division="610924", parent="nowhere"),
...     ],
... )
>>> for issue in validate(records):
...     print(issue.path, issue.code)
$.sites[1].division division-level
$.sites[1].parent unknown-parent
>>> print(validate(records)[1])
$.sites[1].parent: unknown site 'nowhere'
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from typing import TypeAlias

import attrs

from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import Issue, Severity, raise_for_issues
from wenming.ids import SiteId
from wenming.network import Network, NetworkRecords
from wenming.sites import (
    ALLOWED_PARENTS,
    SITE_DIVISION_LEVELS,
    Site,
    SiteKind,
    division_level_problem,
    parent_kind_problem,
    placement_problem,
)

__all__ = [
    "RULES",
    "Rule",
    "ValidationContext",
    "check",
    "register_rule",
    "validate",
]


class ValidationContext:
    """What a rule sees: the records in document order and lenient look-ups.

    Look-ups keep the first record for an id, so rules work on documents with
    duplicate ids; ``path()`` builds the JSON path of a record's field.
    """

    def __init__(self, records: NetworkRecords) -> None:
        self.records = records

    @cached_property
    def site_index(self) -> Mapping[SiteId, int]:
        """Site id → position of its first occurrence in ``records.sites``."""
        index: dict[SiteId, int] = {}
        for i, site in enumerate(self.records.sites):
            index.setdefault(site.id, i)
        return index

    @cached_property
    def division_index(self) -> Mapping[DivisionCode, int]:
        """Division code → position of its first occurrence in ``records.divisions``."""
        index: dict[DivisionCode, int] = {}
        for i, division in enumerate(self.records.divisions):
            index.setdefault(division.code, i)
        return index

    def site(self, site_id: str) -> Site | None:
        """The first site with this id, or ``None``."""
        i = self.site_index.get(SiteId(site_id))
        return None if i is None else self.records.sites[i]

    def division_level(self, code: DivisionCode) -> DivisionLevel:
        """The level of a division: its record's, or the level its code implies."""
        i = self.division_index.get(code)
        if i is None:
            return code.level
        return self.records.divisions[i].level

    @staticmethod
    def path(section: str, index: int, field: str | None = None) -> str:
        """Return the JSON path ``$.section[index].field``."""
        return f"$.{section}[{index}]" + (f".{field}" if field else "")


Rule: TypeAlias = Callable[[ValidationContext], Iterable[Issue]]
"""A validation rule: it looks at the context and yields issues."""

RULES: dict[str, Rule] = {}
"""The registry: rule name → rule. :func:`validate` runs them in this order."""


def register_rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under ``name`` (a decorator); a name can be registered once.

    Examples
    --------
    >>> @register_rule("doc-example-no-description")
    ... def _no_description(ctx):
    ...     if not ctx.records.description:
    ...         yield Issue(code="no-description", severity="info",
    ...                     message="the network has no description", path="$.description")
    >>> [i.code for i in validate(NetworkRecords()) if i.code == "no-description"]
    ['no-description']
    >>> del RULES["doc-example-no-description"]
    """

    def decorate(rule: Rule) -> Rule:
        if name in RULES:
            raise ValueError(f"a validation rule named {name!r} is already registered")
        RULES[name] = rule
        return rule

    return decorate


def _error(code: str, message: str, subject: str, path: str) -> Issue:
    return Issue(code=code, severity=Severity.ERROR, message=message, subject=subject, path=path)


@register_rule("duplicate-id")
def _duplicate_ids(ctx: ValidationContext) -> Iterator[Issue]:
    for section, key in (("divisions", "code"), ("sites", "id"), ("venues", "id")):
        first: dict[str, int] = {}
        for i, record in enumerate(getattr(ctx.records, section)):
            value = getattr(record, key)
            if value in first:
                shown = value.short if isinstance(value, DivisionCode) else value
                yield _error(
                    "duplicate-id",
                    f"duplicate {section[:-1]} {key} '{shown}' (first at "
                    f"{ctx.path(section, first[value])})",
                    str(value),
                    ctx.path(section, i, key),
                )
            else:
                first[value] = i


@register_rule("unknown-division")
def _unknown_divisions(ctx: ValidationContext) -> Iterator[Issue]:
    known = ctx.division_index
    for i, site in enumerate(ctx.records.sites):
        if site.division not in known:
            yield _error(
                "unknown-division",
                f"unknown division {site.division.short} (not in $.divisions)",
                site.id,
                ctx.path("sites", i, "division"),
            )


@register_rule("division-level")
def _division_levels(ctx: ValidationContext) -> Iterator[Issue]:
    for i, site in enumerate(ctx.records.sites):
        level = ctx.division_level(site.division)
        if level not in SITE_DIVISION_LEVELS[site.kind]:
            yield _error(
                "division-level",
                division_level_problem(site, level) or "",
                site.id,
                ctx.path("sites", i, "division"),
            )


@register_rule("parent")
def _parents(ctx: ValidationContext) -> Iterator[Issue]:
    for i, site in enumerate(ctx.records.sites):
        if site.parent is None:
            continue
        path = ctx.path("sites", i, "parent")
        parent = ctx.site(site.parent)
        if parent is None:
            yield _error("unknown-parent", f"unknown site '{site.parent}'", site.id, path)
            continue
        if parent.kind not in ALLOWED_PARENTS[site.kind]:
            yield _error("parent-kind", parent_kind_problem(site, parent) or "", site.id, path)
        elif (problem := placement_problem(site, parent)) is not None:
            yield _error("outside-parent", problem, site.id, ctx.path("sites", i, "division"))


@register_rule("cycle")
def _cycles(ctx: ValidationContext) -> Iterator[Issue]:
    done: set[SiteId] = set()
    for site in ctx.records.sites:
        chain: list[SiteId] = []
        on_chain: set[SiteId] = set()
        current: Site | None = site
        while current is not None and current.id not in done:
            if current.id in on_chain:
                loop = [*chain[chain.index(current.id) :], current.id]
                shown = " → ".join(f"'{s}'" for s in loop)
                yield _error(
                    "cycle",
                    f"sites form a cycle: {shown}",
                    current.id,
                    ctx.path("sites", ctx.site_index[current.id], "parent"),
                )
                break
            chain.append(current.id)
            on_chain.add(current.id)
            current = None if current.parent is None else ctx.site(current.parent)
        done.update(chain)


@register_rule("duplicate-claim")
def _duplicate_claims(ctx: ValidationContext) -> Iterator[Issue]:
    claimed: dict[tuple[SiteKind, DivisionCode], tuple[int, Site]] = {}
    words = {
        SiteKind.CENTRE: "county",
        SiteKind.INSTITUTE: "town",
        SiteKind.STATION: "village",
    }
    for i, site in enumerate(ctx.records.sites):
        if site.kind not in words:
            continue
        key = (site.kind, site.division)
        if key in claimed:
            j, other = claimed[key]
            if other.id == site.id:
                continue
            yield _error(
                "duplicate-claim",
                f"{site.kind.label}s '{other.id}' ({ctx.path('sites', j)}) and '{site.id}' "
                f"both claim {words[site.kind]} {site.division.short}",
                site.id,
                ctx.path("sites", i, "division"),
            )
        else:
            claimed[key] = (i, site)


@register_rule("unknown-venue-site")
def _venue_sites(ctx: ValidationContext) -> Iterator[Issue]:
    for i, venue in enumerate(ctx.records.venues):
        for site_id in sorted(venue.sites):
            if site_id not in ctx.site_index:
                yield _error(
                    "unknown-venue-site",
                    f"venue '{venue.id}' names unknown site '{site_id}'",
                    venue.id,
                    ctx.path("venues", i, "sites"),
                )


@register_rule("established-before-parent")
def _established_order(ctx: ValidationContext) -> Iterator[Issue]:
    for i, site in enumerate(ctx.records.sites):
        if site.parent is None or site.established is None:
            continue
        parent = ctx.site(site.parent)
        if parent is None or parent.established is None:
            continue
        if site.established < parent.established:
            yield Issue(
                code="established-before-parent",
                severity=Severity.WARNING,
                message=(
                    f"{site.kind.label} '{site.id}' was established {site.established}, "
                    f"before its parent '{parent.id}' ({parent.established})"
                ),
                subject=site.id,
                path=ctx.path("sites", i, "established"),
            )


def _as_of(records: NetworkRecords, day: dt.date) -> NetworkRecords:
    """Keep the sites that exist on ``day``: their own date and every ancestor's."""
    by_id: dict[SiteId, Site] = {}
    for site in records.sites:
        by_id.setdefault(site.id, site)
    memo: dict[SiteId, bool] = {}

    def alive(site: Site, depth: int = 0) -> bool:
        if not site.exists_on(day):
            return False
        parent = None if site.parent is None else by_id.get(site.parent)
        if parent is None or depth > 8:  # the hierarchy is 4 deep; longer chains are cycles
            return True
        if parent.id not in memo:
            memo[parent.id] = alive(parent, depth + 1)
        return memo[parent.id]

    kept = tuple(s for s in records.sites if alive(s))
    gone = {s.id for s in records.sites} - {s.id for s in kept}
    venues = tuple(attrs.evolve(v, sites=v.sites - gone) for v in records.venues)
    return attrs.evolve(records, sites=kept, venues=venues)


def validate(
    target: Network | NetworkRecords,
    *,
    rules: Iterable[str] | None = None,
    as_of: dt.date | None = None,
) -> tuple[Issue, ...]:
    """Run the validation rules and return every issue found.

    Parameters
    ----------
    target : Network or NetworkRecords
        A network, or a document's records (which may hold what a network refuses).
    rules : iterable of str, optional
        Names from :data:`RULES` to run; all of them by default.
    as_of : datetime.date, optional
        Check only the sites that exist on this date.

    Returns
    -------
    tuple of Issue
        Errors first, then warnings, then information; in document order within each.

    Raises
    ------
    KeyError
        If ``rules`` names a rule that is not registered.

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> validate(ziyang())
    ()
    """
    records = target.records() if isinstance(target, Network) else target
    if as_of is not None:
        records = _as_of(records, as_of)
    ctx = ValidationContext(records)
    names = list(RULES) if rules is None else list(rules)
    issues: list[Issue] = []
    for name in names:
        issues.extend(RULES[name](ctx))
    order = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
    return tuple(sorted(issues, key=lambda issue: order[issue.severity]))


def check(target: Network | NetworkRecords, *, source: str | None = None) -> None:
    """Validate and raise if any issue is an error (``validate`` + ``raise_for_issues``).

    Raises
    ------
    NetworkInvalidError
        An :class:`ExceptionGroup` with one :class:`~wenming.errors.IssueError` per error.
    """
    raise_for_issues(validate(target), source=source)
