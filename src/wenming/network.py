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
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import repeat
from types import MappingProxyType
from typing import Any, TypeAlias, TypeVar, overload

import attrs

from wenming._fields import DateLike, as_date, text, to_enum
from wenming._gc import paused_gc
from wenming.divisions import Division, DivisionCode, DivisionLevel
from wenming.errors import DuplicateIdError, InUseError, InvariantError, UnknownIdError, quote
from wenming.ids import SiteId, VenueId
from wenming.section import OnRemove, Ref, Section
from wenming.sections import SECTION_OF_TYPE, SECTIONS, SECTIONS_BY_NAME
from wenming.sites import SITES, Site, SiteKind, Venue

__all__ = ["Network", "NetworkRecords", "Record"]

Record: TypeAlias = Any
"""Any record a network holds: a division, a site, a venue … (see ``wenming.sections``)."""

K = TypeVar("K")
R = TypeVar("R")


def _section(which: str | Section[Any, Any]) -> Section[Any, Any]:
    if isinstance(which, Section):
        return which
    try:
        return SECTIONS_BY_NAME[which]
    except (KeyError, TypeError):
        names = ", ".join(SECTIONS_BY_NAME)
        raise InvariantError(
            f"unknown section {quote(which)}; expected one of: {names}",
            field="section",
            value=which,
        ) from None


def _section_of(record: object) -> Section[Any, Any]:
    section = SECTION_OF_TYPE.get(type(record))
    if section is None:
        kinds = ", ".join(s.name for s in SECTIONS)
        raise InvariantError(f"a network holds {kinds}, not {type(record).__name__}", value=record)
    return section


class NetworkRecords:
    """A network's content as plain tuples per section, in document order.

    This is what a file holds. It may contain what a :class:`Network` refuses
    (duplicate ids, unknown parents, cycles), which is why
    :func:`wenming.validate` accepts it as well as a network.

    Parameters
    ----------
    name, description : str
        What the network is; the description says where the data comes from.
    division_edition : str, optional
        The edition of division codes the records were made against (``"NBS-2023"``).
    **sections : iterable
        One keyword per section (``divisions=``, ``sites=``, ``venues=`` …; see
        :data:`wenming.sections.SECTIONS`); a section left out is empty.

    Examples
    --------
    >>> from wenming import Division
    >>> records = NetworkRecords(name="x", divisions=[Division(code="610924", name="紫阳县")])
    >>> len(records.divisions), records.sites
    (1, ())
    >>> records.of("divisions")[0].name
    '紫阳县'
    """

    __slots__ = ("_sections", "description", "division_edition", "name")

    name: str
    description: str
    division_edition: str | None
    _sections: dict[str, tuple[Any, ...]]

    def __init__(
        self,
        *,
        name: str = "",
        description: str = "",
        division_edition: str | None = None,
        **sections: Iterable[Any],
    ) -> None:
        if name != "":
            text(self, _NAME_FIELD, name)
        if not isinstance(description, str):
            raise InvariantError(
                f"description must be a string, not {type(description).__name__}",
                field="description",
            )
        if division_edition is not None:
            text(self, _EDITION_FIELD, division_edition)
        unknown = sorted(set(sections) - SECTIONS_BY_NAME.keys())
        if unknown:
            names = ", ".join(SECTIONS_BY_NAME)
            raise InvariantError(
                f"unknown section {quote(unknown[0])}; expected one of: {names}",
                field=unknown[0],
            )
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "description", description)
        object.__setattr__(self, "division_edition", division_edition)
        object.__setattr__(
            self,
            "_sections",
            {s.name: tuple(sections.get(s.name, ())) for s in SECTIONS},
        )

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"NetworkRecords is immutable; use .replace({name}=...)")

    def __getattr__(self, name: str) -> tuple[Any, ...]:
        # Sections read as attributes: ``records.sites``.
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._sections[name]
        except KeyError:
            raise AttributeError(f"NetworkRecords has no attribute or section {name!r}") from None

    @overload
    def of(self, section: str) -> tuple[Any, ...]: ...
    @overload
    def of(self, section: Section[Any, R]) -> tuple[R, ...]: ...

    def of(self, section: str | Section[Any, R]) -> tuple[Any, ...]:
        """The records of one section (by name or :class:`~wenming.section.Section`)."""
        return self._sections[_section(section).name]

    @property
    def sections(self) -> Mapping[str, tuple[Any, ...]]:
        """Section name → its records, in section-list order."""
        return MappingProxyType(self._sections)

    def replace(self, **changes: Any) -> NetworkRecords:
        """Return a copy with some header fields or sections replaced.

        Examples
        --------
        >>> NetworkRecords(name="a").replace(name="b").name
        'b'
        """
        kwargs: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "division_edition": self.division_edition,
            **self._sections,
        }
        kwargs.update(changes)
        return NetworkRecords(**kwargs)

    def __iter__(self) -> Iterator[Any]:
        """Every record, section by section, in document order."""
        for records in self._sections.values():
            yield from records

    def __len__(self) -> int:
        return sum(map(len, self._sections.values()))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NetworkRecords):
            return NotImplemented
        return (
            self.name == other.name
            and self.description == other.description
            and self.division_edition == other.division_edition
            and self._sections == other._sections
        )

    def __hash__(self) -> int:
        return hash((self.name, self.description, self.division_edition, *self._sections.values()))

    def __repr__(self) -> str:
        parts = [f"name={self.name!r}"]
        if self.description:
            parts.append(f"description={quote(self.description)}")
        if self.division_edition:
            parts.append(f"division_edition={self.division_edition!r}")
        parts += [f"{k}=<{len(v)}>" for k, v in self._sections.items()]
        return f"NetworkRecords({', '.join(parts)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _records_from_state,
            (self.name, self.description, self.division_edition, self._sections),
        )


def _records_from_state(
    name: str, description: str, edition: str | None, sections: dict[str, tuple[Any, ...]]
) -> NetworkRecords:
    return NetworkRecords(name=name, description=description, division_edition=edition, **sections)


@attrs.frozen
class _Field:
    # The shape attrs validators expect of ``attribute``: a ``.name``.
    name: str


_NAME_FIELD: Any = _Field("name")
_EDITION_FIELD: Any = _Field("division_edition")


class Network:
    """A consistent set of records — divisions, practice sites, venues, … — with indexes.

    Parameters
    ----------
    name : str, optional
        A name for the network (``"紫阳县"``).
    description : str, optional
        Where the data comes from and what is synthetic in it.
    division_edition : str, optional
        The edition of division codes the network was made against (``"NBS-2023"``).

    Notes
    -----
    Every family of records is a section (:data:`wenming.sections.SECTIONS`):
    ``network.table("sites")`` is a read-only mapping of a section's records by
    key, ``network.get("sites", key)`` one record. The key index is built
    eagerly; the secondary indexes (children, records on a division, venues of a
    site, …) are built in one pass the first time a query needs them and kept up
    to date from then on.

    Iterating over a network yields every record, section by section;
    ``len(network)`` is the number of records. Every change (``add*``,
    :meth:`replace`, :meth:`remove`) is checked and all-or-nothing.
    """

    __slots__ = (
        "_divisions",
        "_indexes",
        "_sites",
        "_sorted",
        "_tables",
        "_venues",
        "description",
        "division_edition",
        "name",
    )

    def __init__(
        self, *, name: str = "", description: str = "", division_edition: str | None = None
    ) -> None:
        self.name = name
        self.description = description
        self.division_edition = division_edition
        self._tables: dict[str, dict[Any, Any]] = {s.name: {} for s in SECTIONS}
        # section name → index name → built index (absent until first use)
        self._indexes: dict[str, dict[str, dict[Any, list[Any]]]] = {s.name: {} for s in SECTIONS}
        # section name → its keys in sorted order (built on first use, dropped on change)
        self._sorted: dict[str, list[Any]] = {}
        self._divisions: dict[DivisionCode, Division] = self._tables["divisions"]
        self._sites: dict[SiteId, Site] = self._tables["sites"]
        self._venues: dict[VenueId, Venue] = self._tables["venues"]

    # ------------------------------------------------------------------ building

    @classmethod
    def from_records(cls, records: NetworkRecords | Iterable[Record]) -> Network:
        """Build a network from records in any order.

        Parameters
        ----------
        records : NetworkRecords or iterable of records
            Records of any section; parents need not come before children.

        Raises
        ------
        DuplicateIdError, UnknownIdError, HierarchyError
            At the first record that does not fit; use :func:`wenming.validate`
            on a :class:`NetworkRecords` to see every problem at once.
        """
        with paused_gc():
            if isinstance(records, NetworkRecords):
                net = cls(
                    name=records.name,
                    description=records.description,
                    division_edition=records.division_edition,
                )
                net._add_groups({s: list(records.of(s)) for s in SECTIONS})
            else:
                net = cls()
                net.add_all(records)
        return net

    def records(self) -> NetworkRecords:
        """Return the content as :class:`NetworkRecords` in canonical order.

        Each section has its own order (divisions by code, sites by level then
        id, venues by id, …): equal networks give equal records (and
        byte-identical files).
        """
        return NetworkRecords(
            name=self.name,
            description=self.description,
            division_edition=self.division_edition,
            **{s.name: sorted(self._tables[s.name].values(), key=s.order) for s in SECTIONS},
        )

    def add(self, record: Record) -> None:
        """Add one record of any section (see :meth:`add_all`)."""
        self._add_groups({_section_of(record): [record]})

    def add_all(self, records: Iterable[Record]) -> None:
        """Add records of any sections in any order; nothing is added if one is refused.

        Raises
        ------
        InvariantError
            A record of a type no section holds.
        DuplicateIdError, UnknownIdError, HierarchyError
            A record that does not fit (its section's add-time checks).
        """
        groups: dict[Section[Any, Any], list[Any]] = {}
        for record in records:
            groups.setdefault(_section_of(record), []).append(record)
        self._add_groups(groups)

    def _add_groups(self, groups: Mapping[Section[Any, Any], list[Any]]) -> None:
        done: list[tuple[Section[Any, Any], list[Any]]] = []
        try:
            for section in SECTIONS:
                new = groups.get(section)
                if new:
                    self._add_section(section, new)
                    done.append((section, new))
        except BaseException:
            # Each section's add is all-or-nothing; undo the ones that succeeded,
            # in place, so that views handed out before stay true.
            for section, new in reversed(done):
                table = self._tables[section.name]
                key = section.key
                self._index_remove(section, new)
                for record in new:
                    table.pop(key(record), None)
            raise

    def add_division(self, division: Division) -> None:
        """Add a division.

        Raises
        ------
        DuplicateIdError
            If the network already holds a division with that code.
        """
        self._add_section(_section("divisions"), [division])

    def add_divisions(self, divisions: Iterable[Division]) -> None:
        """Add divisions; nothing is added if one of them is refused."""
        self._add_section(_section("divisions"), list(divisions))

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
        self._add_section(SITES, [site])

    def add_sites(self, sites: Iterable[Site]) -> None:
        """Add sites in any order (parents may come after children).

        Every site is checked as :meth:`add_site` does; nothing is added if one
        is refused.
        """
        self._add_section(SITES, list(sites))

    def add_venue(self, venue: Venue) -> None:
        """Add a venue; every site it names must already be in the network.

        Raises
        ------
        DuplicateIdError
            If another venue has the same id.
        UnknownIdError
            If it names a site the network does not hold.
        """
        self._add_section(_section("venues"), [venue])

    def add_venues(self, venues: Iterable[Venue]) -> None:
        """Add venues; nothing is added if one of them is refused."""
        self._add_section(_section("venues"), list(venues))

    def _add_section(self, section: Section[Any, Any], new: list[Any]) -> None:
        types = section.types
        exact = section.type_set
        if not all(map(exact.__contains__, map(type, new))) and not all(
            map(isinstance, new, repeat(types))
        ):
            bad = next(r for r in new if not isinstance(r, types))
            raise InvariantError(f"not a {section.noun}: {quote(bad)}", value=type(bad).__name__)
        table = self._tables[section.name]
        key = section.key
        if not table:
            # A fresh section (loading): the table itself is the index the check
            # sees, built once; undone if anything is refused.
            table.update(zip(map(key, new), new, strict=True))
            try:
                if len(table) != len(new):
                    self._raise_duplicate(section, new, {})
                self._check(section, new, table)
            except BaseException:
                table.clear()
                raise
            self._index_add(section, new)
            return
        by_key = dict(zip(map(key, new), new, strict=True))
        if len(by_key) != len(new) or not by_key.keys().isdisjoint(table):
            self._raise_duplicate(section, new, table)
        self._check(section, new, by_key)
        table.update(by_key)
        self._index_add(section, new)

    @staticmethod
    def _raise_duplicate(
        section: Section[Any, Any], new: list[Any], table: Mapping[Any, Any]
    ) -> None:
        seen = set(table)
        key = section.key
        for record in new:
            k = key(record)
            if k in seen:
                raise DuplicateIdError(section.noun, str(k))
            seen.add(k)

    def _check(
        self, section: Section[Any, Any], new: list[Any], by_key: Mapping[Any, Any]
    ) -> None:
        if section.check is not None:
            section.check(self._tables, new, by_key)
            return
        tables = self._tables
        for ref in section.refs:
            target = _section(ref.target)
            table = tables[ref.target]
            same = ref.target == section.name
            for record in new:
                for k in ref.keys(record):
                    if k in table or (same and k in by_key) or k in target.defaults:
                        continue
                    raise UnknownIdError(
                        target.noun,
                        str(k),
                        f"{section.describe(record)}: unknown {target.noun} {target.show_key(k)}",
                    )

    # ------------------------------------------------------------------ editing

    def replace(self, record: Record) -> Record:
        """Replace the record with the same key by ``record``; return the old one.

        The new record goes through the same checks as :meth:`add`, and so do
        the records that refer to it (the sites under a site whose division
        moves): nothing changes if one is refused.

        Raises
        ------
        UnknownIdError
            The network holds no record with that key (use :meth:`add`).
        InvariantError
            The record is of another kind than the one it replaces (a Station by
            a Point): remove the old one and add the new one.
        DuplicateIdError, UnknownIdError, HierarchyError
            The new record, or one referring to it, does not fit.

        Examples
        --------
        >>> import attrs
        >>> from wenming.datasets import ziyang
        >>> net = ziyang()
        >>> old = net.replace(attrs.evolve(net.site("institute-610924101"), name="蒿坪镇实践所"))
        >>> old.name, net.site("institute-610924101").name
        ('蒿坪镇新时代文明实践所', '蒿坪镇实践所')
        """
        section = _section_of(record)
        table = self._tables[section.name]
        key = section.key(record)
        old = table.get(key)
        if old is None:
            raise UnknownIdError(
                section.noun,
                str(key),
                f"cannot replace {section.noun} {section.show_key(key)}: the network has none "
                "(use add)",
            )
        if type(old) is not type(record):
            raise InvariantError(
                f"cannot replace {section.describe(old)} by a {type(record).__name__}: a record "
                "keeps its kind (remove it, then add the new one)",
                value=type(record).__name__,
            )
        if old == record:
            return old
        # Find the referrers first: a lazy index they build must see the old
        # record, which _index_swap then replaces (built after, it held the new
        # one twice; and after a refusal, the refused one).
        referrers = list(self._referrers(section, key))
        table[key] = record
        try:
            self._check(section, [record], {key: record})
            for ref_section, _ref, keys in referrers:
                rtable = self._tables[ref_section.name]
                referring = [rtable[k] for k in keys]
                self._check(ref_section, referring, {})
        except BaseException:
            table[key] = old
            raise
        self._index_swap(section, old, record)
        return old

    def remove(
        self,
        target: Record | str,
        *,
        section: str | None = None,
        cascade: bool = False,
    ) -> tuple[Record, ...]:
        """Remove a record (given itself or its key); return what was removed.

        Parameters
        ----------
        target : record or str
            The record, or its key (a site id, a division code …).
        section : str, optional
            The section the key belongs to, when the key alone is ambiguous (a
            site and a venue may share an id).
        cascade : bool
            Also remove what hangs off the record (the sites under a site, the
            sites on a division) and drop it from the records that merely list it
            (a venue's sites). Without it, a record others refer to is refused.

        Returns
        -------
        tuple
            The removed records, the one asked for first.

        Raises
        ------
        UnknownIdError
            No such record.
        InUseError
            Other records refer to it and ``cascade`` is off; the message names them.

        Examples
        --------
        >>> from wenming.datasets import ziyang
        >>> net = ziyang()
        >>> net.remove("centre-610924")  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        wenming.errors.InUseError: cannot remove Centre 'centre-610924': 290 records refer ...
        >>> len(net.remove("point-610924100003-1", cascade=True))
        1
        """
        sec, key = self._locate(target, section)
        tables = self._tables
        removing: dict[str, dict[Any, Any]] = {s.name: {} for s in SECTIONS}
        detached: dict[tuple[str, Any], Any] = {}
        queue: list[tuple[Section[Any, Any], Any]] = [(sec, key)]
        restricted: list[tuple[Section[Any, Any], Ref, Any, Section[Any, Any], Any]] = []
        first = True
        while queue:
            s, k = queue.pop()
            if k in removing[s.name]:
                continue
            removing[s.name][k] = tables[s.name][k]
            referrers = list(self._referrers(s, k))
            if first and referrers and not cascade:
                raise self._in_use(s, k, referrers)
            first = False
            for ref_section, ref, keys in referrers:
                for rk in keys:
                    if rk in removing[ref_section.name]:
                        continue
                    if ref.on_remove is OnRemove.CASCADE:
                        queue.append((ref_section, rk))
                    elif ref.on_remove is OnRemove.RESTRICT:
                        restricted.append((ref_section, ref, rk, s, k))
                    else:
                        slot = (ref_section.name, rk)
                        current = detached.get(slot, tables[ref_section.name][rk])
                        detached[slot] = _detach(current, ref, k)
        blocking = [r for r in restricted if r[2] not in removing[r[0].name]]
        if blocking:
            ref_section, ref, rk, s, k = blocking[0]
            shown = ", ".join(
                f"{rs.describe(tables[rs.name][rkey])} ({rref.field})"
                for rs, rref, rkey, _s, _k in blocking[:5]
            )
            more = f" and {len(blocking) - 5} more" if len(blocking) > 5 else ""
            raise InUseError(
                f"cannot remove {s.describe(tables[s.name][k])}: {shown}{more} keep it as a "
                "record of what happened; even cascade=True does not remove that history",
                kind=s.noun,
                id=str(k),
                referrers=tuple((rs.name, str(rkey)) for rs, _r, rkey, _s, _k in blocking),
            )
        for (name, rk), record in detached.items():
            if rk in removing[name]:
                continue
            s = SECTIONS_BY_NAME[name]
            old = tables[name][rk]
            tables[name][rk] = record
            self._index_swap(s, old, record)
        out: list[Any] = []
        for s in SECTIONS:
            gone = removing[s.name]
            if not gone:
                continue
            records = list(gone.values())
            self._index_remove(s, records)
            for k in gone:
                del tables[s.name][k]
            out.extend(records)
        main = removing[sec.name][key]
        out.remove(main)
        return (main, *out)

    def _locate(self, target: Record | str, section: str | None) -> tuple[Section[Any, Any], Any]:
        if not isinstance(target, str):
            sec = _section_of(target)
            key = sec.key(target)
            if self._tables[sec.name].get(key) != target:
                raise UnknownIdError(
                    sec.noun,
                    str(key),
                    f"{sec.describe(target)} is not in the network (or differs from the one "
                    "that is)",
                )
            return sec, key
        candidates = [_section(section)] if section is not None else list(SECTIONS)
        found: list[tuple[Section[Any, Any], Any]] = []
        for sec in candidates:
            try:
                key = sec.parse_key(target)
            except Exception:  # a key of another shape: not in this section
                if section is not None:
                    raise
                continue
            if key in self._tables[sec.name]:
                found.append((sec, key))
        if not found:
            where = f"section {section!r}" if section else "the network"
            raise UnknownIdError("record", target, f"no record {quote(target)} in {where}")
        if len(found) > 1:
            names = ", ".join(s.name for s, _ in found)
            raise InvariantError(
                f"{quote(target)} is a key in several sections ({names}); pass section=",
                field="section",
                value=target,
            )
        return found[0]

    def _referrers(
        self, section: Section[Any, Any], key: Any
    ) -> Iterator[tuple[Section[Any, Any], Ref, list[Any]]]:
        """Yield (section, reference, keys of the records referring to ``key``)."""
        for other in SECTIONS:
            for ref in other.refs:
                if ref.target != section.name:
                    continue
                if ref.index is not None:
                    keys = list(self._index(other.name, ref.index).get(key, ()))
                else:
                    keys = [
                        other.key(r)
                        for r in self._tables[other.name].values()
                        if key in ref.keys(r)
                    ]
                if other is section:
                    keys = [k for k in keys if k != key]
                if keys:
                    yield other, ref, keys

    def _in_use(
        self,
        section: Section[Any, Any],
        key: Any,
        referrers: list[tuple[Section[Any, Any], Ref, list[Any]]],
    ) -> InUseError:
        shown: list[str] = []
        total = 0
        for ref_section, ref, keys in referrers:
            total += len(keys)
            for k in keys[: max(0, 5 - len(shown))]:
                record = self._tables[ref_section.name][k]
                shown.append(f"{ref_section.describe(record)} ({ref.field})")
        more = f" and {total - len(shown)} more" if total > len(shown) else ""
        record = self._tables[section.name][key]
        noun = "record refers" if total == 1 else "records refer"
        return InUseError(
            f"cannot remove {section.describe(record)}: {total} {noun} to it: "
            f"{', '.join(shown)}{more}; pass cascade=True to remove what hangs off it",
            kind=section.noun,
            id=str(key),
            referrers=tuple(
                (ref_section.name, str(k)) for ref_section, _ref, keys in referrers for k in keys
            ),
        )

    # ------------------------------------------------------------------ indexes

    def _index(self, section: str, name: str) -> dict[Any, list[Any]]:
        built = self._indexes[section].get(name)
        if built is None:
            sec = SECTIONS_BY_NAME[section]
            spec = next(ix for ix in sec.indexes if ix.name == name)
            with paused_gc():
                built = _build_index(self._tables[section].values(), spec.key, sec.key, spec.many)
            self._indexes[section][name] = built
        return built

    def _index_add(self, section: Section[Any, Any], records: list[Any]) -> None:
        self._sorted.pop(section.name, None)
        built = self._indexes[section.name]
        if not built:
            return
        for spec in section.indexes:
            index = built.get(spec.name)
            if index is not None:
                _fill_index(index, records, spec.key, section.key, spec.many)

    def _index_remove(self, section: Section[Any, Any], records: list[Any]) -> None:
        self._sorted.pop(section.name, None)
        built = self._indexes[section.name]
        if not built:
            return
        for spec in section.indexes:
            index = built.get(spec.name)
            if index is None:
                continue
            for record in records:
                values = spec.key(record)
                for value in values if spec.many else (values,):
                    if value is None:
                        continue
                    keys = index.get(value)
                    if keys is not None:
                        keys.remove(section.key(record))
                        if not keys:
                            del index[value]

    def _index_swap(self, section: Section[Any, Any], old: Any, new: Any) -> None:
        built = self._indexes[section.name]
        for spec in section.indexes:
            if spec.name in built and spec.key(old) != spec.key(new):
                index = built[spec.name]
                self._indexes[section.name] = {spec.name: index}
                self._index_remove(section, [old])
                self._index_add(section, [new])
                self._indexes[section.name] = built

    def _drop_indexes(self) -> None:
        for built in self._indexes.values():
            built.clear()

    def build_indexes(self) -> None:
        """Build every lazy index now (queries otherwise build them on first use)."""
        for section in SECTIONS:
            for spec in section.indexes:
                self._index(section.name, spec.name)

    def _children_index(self) -> dict[SiteId, list[SiteId]]:
        return self._index("sites", "children")

    def _division_index(self) -> dict[DivisionCode, list[SiteId]]:
        return self._index("sites", "by_division")

    def _venue_index(self) -> dict[SiteId, list[VenueId]]:
        return self._index("venues", "venues_of")

    # ------------------------------------------------------------------ sections

    def table(self, section: str | Section[K, R]) -> Mapping[K, R]:
        """Read-only mapping of key → record for one section (``"sites"``, ``"posts"`` …).

        Examples
        --------
        >>> from wenming.datasets import ziyang
        >>> len(ziyang().table("divisions"))
        227
        """
        return MappingProxyType(self._tables[_section(section).name])

    def get(self, section: str | Section[K, R], key: Any) -> R:
        """Return one record of a section by key (parsed as the section parses keys).

        Raises
        ------
        UnknownIdError
            If the section has no such record.
        """
        sec = _section(section)
        try:
            parsed = sec.parse_key(key)
            return self._tables[sec.name][parsed]  # type: ignore[no-any-return]
        except (KeyError, InvariantError):
            raise UnknownIdError(sec.noun, str(key)) from None

    def divisions_within(self, code: str) -> list[Division]:
        """The divisions inside a division, itself included, in code order.

        Answered from a sorted index of codes (built on first use), so the cost
        is proportional to what lies inside, not to the whole network.

        Examples
        --------
        >>> from wenming.datasets import ziyang
        >>> [d.name for d in ziyang().divisions_within("610924101")][:3]
        ['蒿坪镇', '双星社区', '蒿坪合成2社区']
        """
        prefix = DivisionCode.parse(code).short
        codes = self._sorted_keys("divisions")
        start = bisect_left(codes, prefix)
        end = bisect_left(codes, prefix + ":")  # ":" sorts right after "9"
        divisions = self._divisions
        return [divisions[c] for c in codes[start:end]]

    def _sorted_keys(self, section: str) -> list[Any]:
        keys = self._sorted.get(section)
        if keys is None:
            keys = self._sorted[section] = sorted(self._tables[section])
        return keys

    def vocabulary(self, section: str | Section[K, R]) -> Mapping[K, R]:
        """A vocabulary section's shipped records with the network's own added or overriding.

        Examples
        --------
        >>> from wenming import Network
        >>> sorted(Network().vocabulary("team_levels"))
        ['brigade', 'corps', 'squad']
        """
        sec = _section(section)
        own = self._tables[sec.name]
        if not own:
            return sec.defaults
        return MappingProxyType({**sec.defaults, **own})

    def iter_records(self) -> Iterator[Record]:
        """Every record, section by section, in insertion order."""
        for table in self._tables.values():
            yield from table.values()

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
        self, kind: SiteKind | str | None = None, *, as_of: DateLike = None
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
        wanted = None if kind is None else to_enum(SiteKind, "kind", kind)
        alive = self._alive_on(as_date(as_of))
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

    def exists(self, site_id: str, as_of: DateLike = None) -> bool:
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
        return self._alive_on(as_date(as_of))(self.site(site_id))

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

    def children(self, site_id: str, *, as_of: DateLike = None) -> tuple[Site, ...]:
        """Return the sites directly under a site (those existing on ``as_of``, if given).

        A site that does not exist on ``as_of`` has no children on that date.
        """
        site = self.site(site_id)
        as_of = as_date(as_of)
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

    def descendants(self, site_id: str, *, as_of: DateLike = None) -> Iterator[Site]:
        """Iterate over every site below a site, depth first.

        A site that does not exist on ``as_of`` is skipped with everything under it
        (see :meth:`exists`).

        Yields
        ------
        Site
            Parents before their children.
        """
        as_of = as_date(as_of)
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

    def sites_on(self, code: str, *, as_of: DateLike = None) -> tuple[Site, ...]:
        """Return the sites that sit on exactly this division."""
        ids = self._division_index().get(DivisionCode.parse(code), ())
        alive = self._alive_on(as_date(as_of))
        return tuple(s for s in map(self._sites.__getitem__, ids) if alive(s))

    def venues_of(self, site_id: str) -> tuple[Venue, ...]:
        """Return the venues a site uses, sorted by id."""
        self.site(site_id)
        ids = self._venue_index().get(SiteId(site_id), ())
        return tuple(self._venues[v] for v in sorted(ids))

    def counts(self, *, as_of: DateLike = None) -> dict[SiteKind, int]:
        """Return the number of sites of each kind (every kind present, in level order).

        Examples
        --------
        >>> from wenming.datasets import ziyang
        >>> {k.value: n for k, n in ziyang().counts().items()}
        {'centre': 1, 'institute': 17, 'station': 207, 'point': 139}
        """
        alive = self._alive_on(as_date(as_of))
        tally = Counter(s.kind for s in self._sites.values() if alive(s))
        return {kind: tally.get(kind, 0) for kind in SiteKind}

    # ------------------------------------------------------------------ dunder

    def __iter__(self) -> Iterator[Record]:
        return self.iter_records()

    def __len__(self) -> int:
        return sum(map(len, self._tables.values()))

    def __contains__(self, item: object) -> bool:
        """True for a record the network holds, or (for convenience) a site id."""
        if isinstance(item, str):
            return item in self._sites
        section = SECTION_OF_TYPE.get(type(item))
        if section is None:
            return False
        return self._tables[section.name].get(section.key(item)) == item

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Network):
            return NotImplemented
        return (
            self.name == other.name
            and self.description == other.description
            and self.division_edition == other.division_edition
            and self._tables == other._tables
        )

    __hash__ = None  # type: ignore[assignment]

    def __copy__(self) -> Network:
        new = Network(
            name=self.name, description=self.description, division_edition=self.division_edition
        )
        for name, table in self._tables.items():
            new._tables[name].update(table)
        return new

    def __repr__(self) -> str:
        parts = []
        for section in SECTIONS:
            table = self._tables[section.name]
            if not table and not section.repr_empty:
                continue
            if len(section.types) > 1:
                tally = Counter(type(r) for r in table.values())
                parts += [f"{tally.get(cls, 0)} {cls.kind.value}" for cls in section.types]
            else:
                parts.append(f"{len(table)} {section.name}")
        name = f" {self.name!r}" if self.name else ""
        return f"<Network{name}: {', '.join(parts)}>"


def _build_index(
    records: Iterable[Any],
    value_of: Callable[[Any], Any],
    key_of: Callable[[Any], Any],
    many: bool,
) -> dict[Any, list[Any]]:
    return _fill_index({}, records, value_of, key_of, many)


def _fill_index(
    index: dict[Any, list[Any]],
    records: Iterable[Any],
    value_of: Callable[[Any], Any],
    key_of: Callable[[Any], Any],
    many: bool,
) -> dict[Any, list[Any]]:
    """File each record's key under its value(s), skipping ``None``; one pass."""
    add = index.setdefault
    if many:
        for record in records:
            k = key_of(record)
            for value in value_of(record):
                add(value, []).append(k)
        return index
    had_none = None in index
    for record in records:
        add(value_of(record), []).append(key_of(record))
    if not had_none:
        index.pop(None, None)
    return index


def _detach(record: Any, ref: Ref, key: Any) -> Any:
    """Return ``record`` without its reference to ``key`` (an evolved copy)."""
    value = getattr(record, ref.field)
    new = value - {key} if ref.many else None
    return attrs.evolve(record, **{ref.field: new})


def _always(site: Site) -> bool:
    return True
