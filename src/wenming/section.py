"""Sections: how a family of records declares itself to the network.

A :class:`Section` is declared once, in the module that owns its records
(:data:`wenming.divisions.DIVISIONS`, :data:`wenming.sites.SITES`, …). It says
the family's name in files, its record types, its key, its canonical order, the
references it makes to other sections (:class:`Ref`), the indexes it keeps
(:class:`Index`), its add-time checks and its validation rules. The section list
(:data:`wenming.sections.SECTIONS`) names them all; :class:`~wenming.Network`,
:class:`~wenming.NetworkRecords`, validation and the file format loop over it and
name no family themselves.

This module is part of the model: it knows attrs and the standard library only.

Examples
--------
>>> from wenming.sections import SECTIONS
>>> from wenming.section import section_named
>>> [s.name for s in SECTIONS][:4]
['divisions', 'post_kinds', 'posts', 'sites']
>>> [(r.field, r.target) for r in section_named("sites").refs]
[('division', 'divisions'), ('parent', 'sites'), ('head', 'posts')]
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar

import attrs

from wenming.errors import Issue, Severity, quote

if TYPE_CHECKING:
    from wenming.network import NetworkRecords

__all__ = [
    "Index",
    "OnRemove",
    "Ref",
    "Rule",
    "Section",
    "ValidationContext",
]

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


class OnRemove(enum.StrEnum):
    """What ``Network.remove(..., cascade=True)`` does to a record referring to a removed one."""

    CASCADE = "cascade"
    """Remove the referring record too (a site under a removed site)."""
    DETACH = "detach"
    """Drop the reference from the referring record (a venue's list of sites)."""
    RESTRICT = "restrict"
    """Refuse the removal even with ``cascade=True`` (an activity's participants:
    history that must not vanish with a volunteer)."""


@attrs.frozen(kw_only=True)
class Ref:
    """A reference from a field of a section's records to the keys of a section.

    Parameters
    ----------
    field : str
        The attribute holding the key (or keys, when ``many``); ``None`` values
        mean "no reference".
    target : str
        The name of the section referred to.
    many : bool
        The field holds a collection of keys.
    code : str
        The validation issue code for a key the target does not hold.
    on_remove : OnRemove
        What a cascading removal of the target does to the referring record.
    index : str, optional
        The name of an :class:`Index` of the referring section keyed by this
        field: removal finds referrers through it instead of a scan.
    item : str, optional
        The field holds nested records (an activity's participants) and the key
        is this attribute of each. Such a reference is checked when records are
        added and followed on removal; unknown keys in documents are reported by
        the section's own rule, which can name the nested path.
    """

    field: str
    target: str
    many: bool = False
    code: str = "unknown-reference"
    on_remove: OnRemove = OnRemove.CASCADE
    index: str | None = None
    item: str | None = None

    def keys(self, record: Any) -> tuple[Any, ...]:
        """The keys a record refers to through this field."""
        value = getattr(record, self.field, None)
        if value is None:
            return ()
        if self.item is not None:
            item = self.item
            return tuple(sorted({k for x in value if (k := getattr(x, item)) is not None}))
        if self.many:
            return tuple(sorted(value))
        return (value,)


@attrs.frozen(kw_only=True)
class Index:
    """A secondary index a section keeps: key value → record keys, in insertion order.

    Parameters
    ----------
    name : str
        The index's name (``"children"``).
    key : callable
        Record → the value it is filed under (``None``: not filed), or, when
        ``many``, the iterable of values.
    many : bool
        ``key`` returns several values.
    """

    name: str
    key: Callable[[Any], Any]
    many: bool = False


class ValidationContext:
    """What a validation rule sees: the records in document order, lenient look-ups.

    Look-ups keep the first record for a key, so rules work on documents with
    duplicate ids; :meth:`path` builds the JSON path of a record's field, in the
    document's own numbering even when records with shape errors were left out.

    Parameters
    ----------
    records : NetworkRecords
        What to check.
    positions : mapping, optional
        Section name → the document index of each record (when some records of
        the document could not be read and are missing from ``records``).
    """

    def __init__(
        self,
        records: NetworkRecords,
        positions: Mapping[str, Sequence[int]] | None = None,
    ) -> None:
        self.records = records
        self._positions = dict(positions or {})
        self._indexes: dict[str, dict[Any, int]] = {}
        self._by_key: dict[str, dict[Any, Any]] = {}

    def index(self, section: str) -> Mapping[Any, int]:
        """Key → position of its first record in the section (built once)."""
        index = self._indexes.get(section)
        if index is None:
            key = section_named(section).key
            index = {}
            for i, record in enumerate(self.records.of(section)):
                index.setdefault(key(record), i)
            self._indexes[section] = index
        return index

    def get(self, section: str, key: Any) -> Any:
        """The first record of ``section`` with this key, or ``None``."""
        return self.by_key(section).get(key)

    def by_key(self, section: str) -> Mapping[Any, Any]:
        """Key → the first record of ``section`` with it (built once; rules hoist ``.get``)."""
        table = self._by_key.get(section)
        if table is None:
            records = self.records.of(section)
            table = {}
            for key, i in self.index(section).items():
                table[key] = records[i]
            self._by_key[section] = table
        return table

    @cached_property
    def site_index(self) -> Mapping[Any, int]:
        """Site id → position of its first occurrence in ``records.sites``."""
        return self.index("sites")

    @cached_property
    def division_index(self) -> Mapping[Any, int]:
        """Division code → position of its first occurrence in ``records.divisions``."""
        return self.index("divisions")

    def site(self, site_id: str) -> Any:
        """The first site with this id, or ``None``."""
        return self.get("sites", site_id)

    def division_level(self, code: Any) -> Any:
        """The level of a division: its record's, or the level its code implies."""
        division = self.get("divisions", code)
        return code.level if division is None else division.level

    def path(self, section: str, index: int, field: str | None = None) -> str:
        """Return the JSON path ``$.section[index].field`` in document numbering."""
        positions = self._positions.get(section)
        at = index if positions is None else positions[index]
        return f"$.{section}[{at}]" + (f".{field}" if field else "")


Rule: TypeAlias = Callable[[ValidationContext], Iterable[Issue]]
"""A validation rule: it looks at the context and yields issues."""

CheckFn: TypeAlias = Callable[
    [Mapping[str, Mapping[Any, Any]], Sequence[Any], Mapping[Any, Any]], None
]
"""An add-time check: (tables by section name, new records, new records by key) → raise or pass."""


@attrs.frozen(kw_only=True)
class Section(Generic[K, R]):
    """A family of records, declared once (see the module docs).

    Parameters
    ----------
    name : str
        The key in files and the section's name everywhere (``"sites"``).
    noun : str
        One record, in messages (``"site"``).
    types : tuple of type
        The record classes. Several classes form a union tagged by their
        ``kind`` class variable.
    key : callable
        Record → its key (unique in the section).
    key_field : str
        The attribute holding the key (for paths in messages).
    parse_key : callable
        Turns what a user passes (``"610924"``) into a key; raises on a malformed one.
    order : callable
        Record → sort key of the canonical order (files are written in it).
    refs : tuple of Ref
        References to other sections (or this one).
    indexes : tuple of Index
        Secondary indexes a network keeps, built on first use.
    check : callable, optional
        A fused add-time check of new records (replacing the generic reference
        check); raises a :class:`~wenming.errors.WenmingError`.
    rules : tuple of (str, Rule)
        Validation rules, registered under their names.
    exists_on : callable, optional
        (record, date) → whether the record itself exists on that date (its own
        ``established``/``closed``); the records it refers to with
        ``on_remove=CASCADE`` must exist too.
    show_key : callable
        Key → how messages show it.
    defaults : mapping
        For a vocabulary (post kinds, team levels …): the shipped records, by
        key. They count as known to every reference without being in the
        network; a network adds to them, or overrides one, by holding a record
        with the same key. :meth:`wenming.Network.vocabulary` merges the two.
    repr_empty : bool
        A network's repr counts the section even when it is empty (the core
        sections do; the sections a network may well not use, such as posts,
        show only when they hold something).
    """

    name: str
    noun: str
    types: tuple[type[R], ...]
    key: Callable[[R], K]
    key_field: str
    parse_key: Callable[[Any], K]
    order: Callable[[R], Any]
    refs: tuple[Ref, ...] = ()
    indexes: tuple[Index, ...] = ()
    check: CheckFn | None = None
    rules: tuple[tuple[str, Rule], ...] = ()
    exists_on: Callable[[R, dt.date], bool] | None = None
    show_key: Callable[[K], str] = attrs.field(default=quote)
    defaults: Mapping[Any, R] = attrs.field(factory=dict, eq=False)
    repr_empty: bool = True

    @cached_property
    def type_set(self) -> frozenset[type[Any]]:
        """The record classes, as a set (the exact-type test of the add path)."""
        return frozenset(self.types)

    @cached_property
    def by_tag(self) -> Mapping[str, type[R]]:
        """Tag value → class, for a union section (empty for a single class)."""
        if len(self.types) == 1:
            return {}
        return {cls.kind.value: cls for cls in self.types}  # type: ignore[attr-defined]

    def describe(self, record: R) -> str:
        """``"Station 'zy-101-01'"``: a record in messages."""
        kind = getattr(type(record), "kind", None)
        noun = kind.label if isinstance(kind, enum.Enum) and hasattr(kind, "label") else self.noun
        return f"{noun} {self.show_key(self.key(record))}"


def section_named(name: str) -> Section[Any, Any]:
    """Return the declared section called ``name``.

    Raises
    ------
    KeyError
        With the declared names, if there is none.
    """
    from wenming.sections import SECTIONS_BY_NAME

    try:
        return SECTIONS_BY_NAME[name]
    except KeyError:
        names = ", ".join(SECTIONS_BY_NAME)
        raise KeyError(f"no section named {name!r}; the sections are: {names}") from None


_PATH = re.compile(r"^\$\.(\w+)\[(\d+)\]")


def document_position(issue: Issue, rank: Mapping[str, int]) -> tuple[int, int]:
    """(section rank, record index) of an issue's path, for sorting by document order."""
    match = _PATH.match(issue.path or "")
    if match is None:
        return (-1, -1)
    return (rank.get(match.group(1), len(rank)), int(match.group(2)))


def iter_refs(section: Section[Any, Any], record: Any) -> Iterator[tuple[Ref, Any]]:
    """Yield (reference, key) for every key a record refers to."""
    for ref in section.refs:
        for key in ref.keys(record):
            yield ref, key


def error(code: str, message: str, subject: str, path: str) -> Issue:
    """An :class:`~wenming.errors.Issue` of severity error (a shorthand for rules)."""
    return Issue(code=code, severity=Severity.ERROR, message=message, subject=subject, path=path)
