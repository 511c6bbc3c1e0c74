"""The :class:`Network`: one container for a county's, a province's or the nation's records.

A network holds divisions, practice sites and shared venues, and keeps the indexes
that answer "what is under this site", "what sits on this village" quickly. It is
always consistent: adding a record that refers to something unknown, or that
breaks the site hierarchy, raises and leaves the network unchanged.

:class:`NetworkRecords` is the same content as plain tuples, in document order:
what a file holds, what :func:`wenming.validate` can check even when it could not
be built into a network (duplicate ids, cycles, unknown parents).

Examples
--------
>>> from wenming import Centre, Division, Institute, Network
>>> net = Network(name="demo")
>>> net.add_all([
...     Division(code="610924", name="紫阳县"),
...     Division(code="610924101", name="蒿坪镇"),
...     Centre(id="zy", name="紫阳县新时代文明实践中心", division="610924"),
...     Institute(id="zy-101", name="蒿坪镇新时代文明实践所", division="610924101", parent="zy"),
... ])
>>> [s.id for s in net.children("zy")]
['zy-101']
>>> net.parent("zy-101").name
'紫阳县新时代文明实践中心'
>>> net.add_site(Institute(id="x", name="所", division="610924101", parent="nowhere"))
Traceback (most recent call last):
...
wenming.errors.UnknownIdError: Institute 'x': unknown parent site 'nowhere'
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import repeat
from operator import attrgetter
from types import MappingProxyType
from typing import TypeAlias, TypeVar

import attrs

from wenming._fields import text
from wenming._gc import paused_gc
from wenming.divisions import Division, DivisionCode, DivisionLevel
from wenming.errors import DuplicateIdError, HierarchyError, InvariantError, UnknownIdError
from wenming.ids import SiteId, VenueId
from wenming.sites import (
    ALLOWED_PARENTS,
    PARENT_PREFIX,
    SITE_CLASSES,
    SITE_DIVISION_LEVELS,
    Site,
    SiteKind,
    Venue,
    division_level_problem,
    parent_kind_problem,
    placement_problem,
)

__all__ = ["Network", "NetworkRecords", "Record"]

Record: TypeAlias = Division | Site | Venue
"""Any record a network holds."""

_KIND_RANK = {kind: rank for rank, kind in enumerate(SiteKind)}
_site_id = attrgetter("id")


def _optional_name(instance: object, attribute: attrs.Attribute[str], value: object) -> None:
    if value != "":
        text(instance, attribute, value)


def _divisions(value: Iterable[Division]) -> tuple[Division, ...]:
    return tuple(value)


def _sites(value: Iterable[Site]) -> tuple[Site, ...]:
    return tuple(value)


def _venues(value: Iterable[Venue]) -> tuple[Venue, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class NetworkRecords:
    """A network's content as plain tuples, in document order.

    This is what a file holds. It may contain what a :class:`Network` refuses
    (duplicate ids, unknown parents, cycles), which is why
    :func:`wenming.validate` accepts it as well as a network.

    Parameters
    ----------
    name, description : str
        What the network is; the description says where the data comes from.
    divisions, sites, venues : tuple
        The records.
    """

    name: str = attrs.field(default="", validator=_optional_name)
    description: str = attrs.field(default="", validator=attrs.validators.instance_of(str))
    divisions: tuple[Division, ...] = attrs.field(default=(), converter=_divisions)
    sites: tuple[Site, ...] = attrs.field(default=(), converter=_sites)
    venues: tuple[Venue, ...] = attrs.field(default=(), converter=_venues)


class Network:
    """A consistent set of divisions, practice sites and venues, with indexes.

    Parameters
    ----------
    name : str, optional
        A name for the network (``"紫阳县"``).
    description : str, optional
        Where the data comes from and what is synthetic in it.

    Notes
    -----
    The id index is built eagerly; the children, division and venue indexes are
    built in one pass the first time a query needs them and are kept up to date
    from then on. ``len(network)`` is the number of sites.
    """

    __slots__ = (
        "_by_division",
        "_children",
        "_divisions",
        "_sites",
        "_venues",
        "_venues_of",
        "description",
        "name",
    )

    def __init__(self, *, name: str = "", description: str = "") -> None:
        self.name = name
        self.description = description
        self._divisions: dict[DivisionCode, Division] = {}
        self._sites: dict[SiteId, Site] = {}
        self._venues: dict[VenueId, Venue] = {}
        self._children: dict[SiteId, list[SiteId]] | None = None
        self._by_division: dict[DivisionCode, list[SiteId]] | None = None
        self._venues_of: dict[SiteId, list[VenueId]] | None = None

    # ------------------------------------------------------------------ building

    @classmethod
    def from_records(cls, records: NetworkRecords | Iterable[Record]) -> Network:
        """Build a network from records in any order.

        Parameters
        ----------
        records : NetworkRecords or iterable of records
            Divisions, sites and venues; parents need not come before children.

        Raises
        ------
        DuplicateIdError, UnknownIdError, HierarchyError
            At the first record that does not fit; use :func:`wenming.validate`
            on a :class:`NetworkRecords` to see every problem at once.
        """
        with paused_gc():
            if isinstance(records, NetworkRecords):
                net = cls(name=records.name, description=records.description)
                net.add_divisions(records.divisions)
                net.add_sites(records.sites)
                net.add_venues(records.venues)
            else:
                net = cls()
                net.add_all(records)
        return net

    def records(self) -> NetworkRecords:
        """Return the content as :class:`NetworkRecords` in canonical order.

        Divisions are sorted by code, sites by level then id, venues by id: equal
        networks give equal records (and byte-identical files).
        """
        return NetworkRecords(
            name=self.name,
            description=self.description,
            divisions=tuple(sorted(self._divisions.values(), key=attrgetter("code"))),
            sites=tuple(sorted(self._sites.values(), key=_canonical_site_key)),
            venues=tuple(sorted(self._venues.values(), key=_site_id)),
        )

    def add(self, record: Record) -> None:
        """Add one division, site or venue (see the ``add_*`` methods)."""
        if isinstance(record, Division):
            self.add_division(record)
        elif isinstance(record, Venue):
            self.add_venue(record)
        elif isinstance(record, tuple(SITE_CLASSES.values())):
            self.add_site(record)
        else:
            raise InvariantError(
                f"a network holds divisions, sites and venues, not {type(record).__name__}",
                value=record,
            )

    def add_all(self, records: Iterable[Record]) -> None:
        """Add records of any kinds in any order; nothing is added if one is refused."""
        divisions: list[Division] = []
        sites: list[Site] = []
        venues: list[Venue] = []
        site_types = tuple(SITE_CLASSES.values())
        for record in records:
            if isinstance(record, Division):
                divisions.append(record)
            elif isinstance(record, Venue):
                venues.append(record)
            elif isinstance(record, site_types):
                sites.append(record)
            else:
                raise InvariantError(
                    f"a network holds divisions, sites and venues, not {type(record).__name__}",
                    value=record,
                )
        done: list[str] = []
        try:
            self.add_divisions(divisions)
            done.append("divisions")
            self.add_sites(sites)
            done.append("sites")
            self.add_venues(venues)
        except BaseException:
            # Each add_* is all-or-nothing; undo the steps that succeeded, in place,
            # so that views handed out before stay true.
            if "sites" in done:
                for site in sites:
                    self._sites.pop(site.id, None)
            if "divisions" in done:
                for d in divisions:
                    self._divisions.pop(d.code, None)
            self._drop_indexes()
            raise

    def add_division(self, division: Division) -> None:
        """Add a division.

        Raises
        ------
        DuplicateIdError
            If the network already holds a division with that code.
        """
        self.add_divisions((division,))

    def add_divisions(self, divisions: Iterable[Division]) -> None:
        """Add divisions; nothing is added if one of them is refused."""
        new = list(divisions)
        for d in new:
            if not isinstance(d, Division):
                raise InvariantError(f"not a Division: {d!r}", value=d)
        by_code = dict(zip(map(attrgetter("code"), new), new, strict=True))
        if len(by_code) != len(new) or not by_code.keys().isdisjoint(self._divisions):
            seen: set[DivisionCode] = set(self._divisions)
            for d in new:
                if d.code in seen:
                    raise DuplicateIdError("division", d.code)
                seen.add(d.code)
        self._divisions.update(by_code)

    def add_site(self, site: Site) -> None:
        """Add a site whose parent (if any) is already in the network.

        Raises
        ------
        DuplicateIdError
            If another site has the same id.
        UnknownIdError
            If its division or parent is not in the network.
        HierarchyError
            If its kind may not sit on its division's level, may not hang off its
            parent's kind, or its division lies outside its parent's.
        """
        self.add_sites((site,))

    def add_sites(self, sites: Iterable[Site]) -> None:
        """Add sites in any order (parents may come after children).

        Every site is checked as :meth:`add_site` does; nothing is added if one
        is refused.
        """
        new = list(sites)
        site_types = tuple(SITE_CLASSES.values())
        if not all(map(isinstance, new, repeat(site_types))):
            bad = next(s for s in new if not isinstance(s, site_types))
            raise InvariantError(f"not a site: {bad!r}", value=bad)
        by_id: dict[SiteId, Site] = dict(zip(map(_site_id, new), new, strict=True))
        if len(by_id) != len(new) or not by_id.keys().isdisjoint(self._sites):
            seen: set[SiteId] = set(self._sites)
            for s in new:
                if s.id in seen:
                    raise DuplicateIdError("site", s.id)
                seen.add(s.id)
        self._check_sites(new, by_id)
        self._sites.update(by_id)
        if self._children is not None:
            _group_into(self._children, new, _parent_of)
        if self._by_division is not None:
            _group_into(self._by_division, new, _division_of)

    def _check_sites(self, new: list[Site], by_id: Mapping[SiteId, Site]) -> None:
        # One fused pass: the hot path of loading a national file. The messages
        # come from the rule functions in wenming.sites, as validation's do.
        divisions = self._divisions
        existing = self._sites
        levels = SITE_DIVISION_LEVELS
        allowed = ALLOWED_PARENTS
        prefix = PARENT_PREFIX
        for site in new:
            kind = site.kind
            code = site.division
            division = divisions.get(code)
            if division is None:
                raise UnknownIdError(
                    "division",
                    code,
                    f"{kind.label} '{site.id}': unknown division {code.short}"
                    " (add the Division first)",
                )
            level = division.level
            if level not in levels[kind]:
                raise HierarchyError(
                    division_level_problem(site, level) or "", site=site.id, rule="division-level"
                )
            parent_id = site.parent
            if parent_id is None:
                continue
            parent = by_id.get(parent_id) or existing.get(parent_id)
            if parent is None:
                raise UnknownIdError(
                    "site",
                    parent_id,
                    f"{kind.label} '{site.id}': unknown parent site '{parent_id}'",
                )
            if parent.kind not in allowed[kind]:
                raise HierarchyError(
                    parent_kind_problem(site, parent) or "", site=site.id, rule="parent-kind"
                )
            n = prefix[parent.kind]
            if code[:n] != parent.division[:n]:
                raise HierarchyError(
                    placement_problem(site, parent) or "", site=site.id, rule="outside-parent"
                )

    def add_venue(self, venue: Venue) -> None:
        """Add a venue; every site it names must already be in the network.

        Raises
        ------
        DuplicateIdError
            If another venue has the same id.
        UnknownIdError
            If it names a site the network does not hold.
        """
        self.add_venues((venue,))

    def add_venues(self, venues: Iterable[Venue]) -> None:
        """Add venues; nothing is added if one of them is refused."""
        new = list(venues)
        seen: set[VenueId] = set(self._venues)
        for v in new:
            if not isinstance(v, Venue):
                raise InvariantError(f"not a Venue: {v!r}", value=v)
            if v.id in seen:
                raise DuplicateIdError("venue", v.id)
            seen.add(v.id)
            for s in sorted(v.sites):
                if s not in self._sites:
                    raise UnknownIdError("site", s, f"venue '{v.id}': unknown site '{s}'")
        for v in new:
            self._venues[v.id] = v
            if self._venues_of is not None:
                for s in v.sites:
                    self._venues_of.setdefault(s, []).append(v.id)

    # ------------------------------------------------------------------ indexes

    def _drop_indexes(self) -> None:
        self._children = None
        self._by_division = None
        self._venues_of = None

    def _children_index(self) -> dict[SiteId, list[SiteId]]:
        if self._children is None:
            with paused_gc():
                self._children = _group_into({}, self._sites.values(), _parent_of)
        return self._children

    def _division_index(self) -> dict[DivisionCode, list[SiteId]]:
        if self._by_division is None:
            with paused_gc():
                self._by_division = _group_into({}, self._sites.values(), _division_of)
        return self._by_division

    def build_indexes(self) -> None:
        """Build every lazy index now (queries otherwise build them on first use)."""
        self._children_index()
        self._division_index()
        self._venue_index()

    def _venue_index(self) -> dict[SiteId, list[VenueId]]:
        if self._venues_of is None:
            index: dict[SiteId, list[VenueId]] = {}
            for v in self._venues.values():
                for s in v.sites:
                    index.setdefault(s, []).append(v.id)
            self._venues_of = index
        return self._venues_of

    # ------------------------------------------------------------------ look-ups

    @property
    def divisions(self) -> Mapping[DivisionCode, Division]:
        """Read-only mapping of code → :class:`~wenming.Division`."""
        return MappingProxyType(self._divisions)

    @property
    def sites(self) -> Mapping[SiteId, Site]:
        """Read-only mapping of id → site."""
        return MappingProxyType(self._sites)

    @property
    def venues(self) -> Mapping[VenueId, Venue]:
        """Read-only mapping of id → :class:`~wenming.Venue`."""
        return MappingProxyType(self._venues)

    def site(self, site_id: str) -> Site:
        """Return the site with this id.

        Raises
        ------
        UnknownIdError
            If there is none (it is also a ``LookupError``).
        """
        try:
            return self._sites[SiteId(site_id)]
        except KeyError:
            raise UnknownIdError("site", site_id) from None

    def division(self, code: str) -> Division:
        """Return the division with this code (any accepted length).

        Raises
        ------
        UnknownIdError
            If the network holds no such division.
        """
        try:
            return self._divisions[DivisionCode.parse(code)]
        except KeyError:
            raise UnknownIdError("division", DivisionCode.parse(code).short) from None

    def venue(self, venue_id: str) -> Venue:
        """Return the venue with this id, or raise :class:`~wenming.errors.UnknownIdError`."""
        try:
            return self._venues[VenueId(venue_id)]
        except KeyError:
            raise UnknownIdError("venue", venue_id) from None

    def iter_sites(
        self, kind: SiteKind | str | None = None, *, as_of: dt.date | None = None
    ) -> Iterator[Site]:
        """Iterate over sites, optionally of one kind and existing on ``as_of``.

        See :meth:`exists` for what "existing on a date" means.

        Yields
        ------
        Site
            In insertion order.

        Examples
        --------
        >>> from wenming.datasets import ziyang
        >>> sum(1 for _ in ziyang().iter_sites("institute"))
        17
        """
        wanted = None if kind is None else SiteKind(kind)
        alive = self._alive_on(as_of)
        for site in self._sites.values():
            if (wanted is None or site.kind is wanted) and alive(site):
                yield site

    def iter_divisions(self, level: DivisionLevel | str | None = None) -> Iterator[Division]:
        """Iterate over divisions, optionally of one level (``"town"``).

        Yields
        ------
        Division
            In insertion order.
        """
        wanted = (
            None
            if level is None
            else level
            if isinstance(level, DivisionLevel)
            else DivisionLevel.from_label(level)
        )
        for division in self._divisions.values():
            if wanted is None or division.level is wanted:
                yield division

    def parent(self, site_id: str) -> Site | None:
        """Return the parent of a site, or ``None`` for a Centre."""
        parent = self.site(site_id).parent
        return None if parent is None else self._sites[parent]

    def exists(self, site_id: str, as_of: dt.date | None) -> bool:
        """True if a site exists on ``as_of``: it and every site above it were established.

        A site without an ``established`` date counts as always there, unless a
        site above it was not there yet. ``as_of=None`` ignores dates.

        Examples
        --------
        >>> import datetime as dt
        >>> from wenming import Centre, Division, Institute, Network
        >>> net = Network()
        >>> net.add_all([
        ...     Division(code="610924", name="紫阳县"),
        ...     Division(code="610924101", name="蒿坪镇"),
        ...     Centre(id="c", name="中心", division="610924", established=dt.date(2019, 1, 1)),
        ...     Institute(id="i", name="所", division="610924101", parent="c"),
        ... ])
        >>> net.exists("i", dt.date(2018, 6, 1)), net.exists("i", dt.date(2020, 6, 1))
        (False, True)
        """
        return self._alive_on(as_of)(self.site(site_id))

    def _alive_on(self, as_of: dt.date | None) -> Callable[[Site], bool]:
        if as_of is None:
            return _always
        sites = self._sites
        memo: dict[SiteId, bool] = {}

        def alive(site: Site) -> bool:
            if not site.exists_on(as_of):
                return False
            parent = site.parent
            if parent is None:
                return True
            known = memo.get(parent)
            if known is None:
                known = memo[parent] = alive(sites[parent])
            return known

        return alive

    def children(self, site_id: str, *, as_of: dt.date | None = None) -> tuple[Site, ...]:
        """Return the sites directly under a site (those existing on ``as_of``, if given).

        A site that does not exist on ``as_of`` has no children on that date.
        """
        site = self.site(site_id)
        alive = self._alive_on(as_of)
        if not alive(site):
            return ()
        sites = self._sites
        return tuple(
            sites[c]
            for c in self._children_index().get(SiteId(site_id), ())
            if sites[c].exists_on(as_of)
        )

    def ancestors(self, site_id: str) -> tuple[Site, ...]:
        """Return the sites above a site, nearest first, up to its Centre."""
        out: list[Site] = []
        parent = self.site(site_id).parent
        while parent is not None:
            site = self._sites[parent]
            out.append(site)
            parent = site.parent
        return tuple(out)

    def descendants(self, site_id: str, *, as_of: dt.date | None = None) -> Iterator[Site]:
        """Iterate over every site below a site, depth first.

        A site that does not exist on ``as_of`` is skipped with everything under it
        (see :meth:`exists`).

        Yields
        ------
        Site
            Parents before their children.
        """
        if not self.exists(site_id, as_of):
            return
        children = self._children_index()
        sites = self._sites
        stack = list(reversed(children.get(SiteId(site_id), ())))
        while stack:
            site = sites[stack.pop()]
            if not site.exists_on(as_of):
                continue
            yield site
            stack.extend(reversed(children.get(site.id, ())))

    def sites_on(self, code: str, *, as_of: dt.date | None = None) -> tuple[Site, ...]:
        """Return the sites that sit on exactly this division."""
        ids = self._division_index().get(DivisionCode.parse(code), ())
        alive = self._alive_on(as_of)
        return tuple(s for s in map(self._sites.__getitem__, ids) if alive(s))

    def venues_of(self, site_id: str) -> tuple[Venue, ...]:
        """Return the venues a site uses, sorted by id."""
        self.site(site_id)
        ids = self._venue_index().get(SiteId(site_id), ())
        return tuple(self._venues[v] for v in sorted(ids))

    def counts(self, *, as_of: dt.date | None = None) -> dict[SiteKind, int]:
        """Return the number of sites of each kind (every kind present, in level order).

        Examples
        --------
        >>> from wenming.datasets import ziyang
        >>> {k.value: n for k, n in ziyang().counts().items()}
        {'centre': 1, 'institute': 17, 'station': 0, 'point': 0}
        """
        alive = self._alive_on(as_of)
        tally = Counter(s.kind for s in self._sites.values() if alive(s))
        return {kind: tally.get(kind, 0) for kind in SiteKind}

    # ------------------------------------------------------------------ dunder

    def __len__(self) -> int:
        return len(self._sites)

    def __contains__(self, site_id: object) -> bool:
        return site_id in self._sites

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return (
            self.name == other.name
            and self.description == other.description
            and self._divisions == other._divisions
            and self._sites == other._sites
            and self._venues == other._venues
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {k.value}" for k, n in self.counts().items())
        name = f" {self.name!r}" if self.name else ""
        return (
            f"<Network{name}: {len(self._divisions)} divisions, {counts}, "
            f"{len(self._venues)} venues>"
        )


_parent_of = attrgetter("parent")
_division_of = attrgetter("division")
K = TypeVar("K")


def _group_into(
    index: dict[K, list[SiteId]], sites: Iterable[Site], key: Callable[[Site], K | None]
) -> dict[K, list[SiteId]]:
    """Append each site's id to ``index[key(site)]`` (skipping ``None`` keys); one pass."""
    had_none = None in index
    add = index.setdefault
    for site in sites:
        add(key(site), []).append(site.id)  # type: ignore[arg-type]
    if not had_none:
        index.pop(None, None)  # type: ignore[arg-type]
    return index


def _always(site: Site) -> bool:
    return True


def _canonical_site_key(site: Site) -> tuple[int, str]:
    return (_KIND_RANK[site.kind], site.id)
