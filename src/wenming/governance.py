"""Governance: standing mechanisms (制度), funding (资金保障) and the town scorecard (督查考核).

======================  ======================================================
record                  what it is
======================  ======================================================
:class:`MechanismKind`  a kind of mechanism: the national four are shipped
                        (:data:`DEFAULT_MECHANISM_KINDS`: joint meetings 联席会议,
                        volunteer recruitment 志愿者招募, incentives and
                        commendation 志愿者激励嘉许, volunteer training
                        志愿者培训); a county adds its own in the
                        ``mechanism_kinds`` section.
:class:`Mechanism`      a mechanism a county declares, with the date adopted.
:class:`FundingLine`    a budget line: source, year, amount in **integer fen**,
                        purposes.
:class:`Allocation`     the part of a funding line that goes to one site.
======================  ======================================================

Queries: :func:`mechanisms_of` and :func:`missing_mechanisms` (which of the
national four a county lacks on a date), :func:`funding_totals` (by year, source,
purpose or town) and :func:`scorecard` (one row per town, weighted indicators).

Money is never a float: amounts are ``int`` fen (1 yuan = 100 fen); :func:`fen`
turns a yuan amount written as text or a ``Decimal`` into fen exactly.

Examples
--------
>>> from wenming.datasets import ziyang
>>> net = ziyang()
>>> [m.kind for m in mechanisms_of(net, "610924", as_of="2023-08-01")]
['joint_meetings', 'volunteer_incentives', 'volunteer_recruitment', 'volunteer_training']
>>> missing_mechanisms(net, "610924", as_of="2023-08-01")
()
>>> print(funding_totals(net, by="source"))
funding by source  amount (yuan)  lines
province            1,000,000.00      1
county              2,000,000.00      2
total               3,000,000.00      3
>>> fen("1000000")
100000000
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from operator import attrgetter
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import attrs

from wenming import _converters as conv
from wenming._fields import (
    DateLike,
    as_date,
    check_identifier,
    optional_text,
    text,
    to_enum,
    to_frozenset,
)
from wenming._plain import to_plain
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import InvariantError, Issue, Severity, UnknownIdError, quote
from wenming.ids import (
    AllocationId,
    FundingId,
    LinkId,
    MechanismId,
    MechanismKindId,
    PostId,
    SiteId,
    TenureId,
)
from wenming.section import Index, Ref, Section, ValidationContext, error
from wenming.sites import Site, SiteKind

if TYPE_CHECKING:
    from wenming.links import Link
    from wenming.network import Network
    from wenming.people import Post, Tenure

__all__ = [
    "ALLOCATIONS",
    "DEFAULT_MECHANISM_KINDS",
    "DEFAULT_WEIGHTS",
    "FUNDING",
    "INDICATORS",
    "MECHANISMS",
    "MECHANISM_KINDS",
    "Allocation",
    "FundingLine",
    "FundingPurpose",
    "FundingRow",
    "FundingSource",
    "FundingTotals",
    "Indicator",
    "Measure",
    "Mechanism",
    "MechanismKind",
    "Scorecard",
    "ScorecardWeights",
    "TownScore",
    "fen",
    "funding_totals",
    "mechanism_kinds",
    "mechanisms_of",
    "missing_mechanisms",
    "scorecard",
    "yuan_text",
]


# ---------------------------------------------------------------------------- vocabularies


class FundingSource(enum.StrEnum):
    """Where a funding line's money comes from; the value is used in files."""

    CENTRAL = "central"
    """中央: central government."""
    PROVINCE = "province"
    """省级: the province (a provincial special fund 省级专项资金)."""
    PREFECTURE = "prefecture"
    """市级: the prefecture-level city."""
    COUNTY = "county"
    """县级: the county budget."""
    TOWN = "town"
    """乡镇: the town."""
    SOCIAL = "social"
    """社会资金: donations, enterprises, foundations."""
    OTHER = "other"

    @property
    def zh(self) -> str:
        """The Chinese name (``"县级"``)."""
        return _SOURCE_ZH[self]


_SOURCE_ZH = {
    FundingSource.CENTRAL: "中央",
    FundingSource.PROVINCE: "省级",
    FundingSource.PREFECTURE: "市级",
    FundingSource.COUNTY: "县级",
    FundingSource.TOWN: "乡镇",
    FundingSource.SOCIAL: "社会资金",
    FundingSource.OTHER: "其他",
}


class FundingPurpose(enum.StrEnum):
    """What a funding line pays for; the value is used in files."""

    ACTIVITIES = "activities"
    """活动开展: running activities."""
    PROJECTS = "projects"
    """项目培育: project cultivation."""
    BRANDS = "brands"
    """品牌打造: brand building."""
    TRAINING = "training"
    """培训: training."""
    VENUES = "venues"
    """阵地建设: venues."""
    PLATFORM = "platform"
    """平台建设: the practice platform."""
    AWARDS = "awards"
    """以奖代补: awards and subsidies to Institutes and Stations."""

    @property
    def zh(self) -> str:
        """The Chinese name (``"以奖代补"``)."""
        return _PURPOSE_ZH[self]


_PURPOSE_ZH = {
    FundingPurpose.ACTIVITIES: "活动开展",
    FundingPurpose.PROJECTS: "项目培育",
    FundingPurpose.BRANDS: "品牌打造",
    FundingPurpose.TRAINING: "培训",
    FundingPurpose.VENUES: "阵地建设",
    FundingPurpose.PLATFORM: "平台建设",
    FundingPurpose.AWARDS: "以奖代补",
}


# ---------------------------------------------------------------------------- converters


def _kind_key(value: str) -> MechanismKindId:
    return MechanismKindId(check_identifier("id", value))


def _mechanism_key(value: str) -> MechanismId:
    return MechanismId(check_identifier("id", value))


def _mechanism_kind_ref(value: str) -> MechanismKindId:
    return MechanismKindId(check_identifier("kind", value))


def _funding_key(value: str) -> FundingId:
    return FundingId(check_identifier("id", value))


def _funding_ref(value: str) -> FundingId:
    return FundingId(check_identifier("funding", value))


def _allocation_key(value: str) -> AllocationId:
    return AllocationId(check_identifier("id", value))


def _site_ref(value: str) -> SiteId:
    return SiteId(check_identifier("site", value))


def _division_field(value: str) -> DivisionCode:
    return conv.to_required_division(value, "division")


def _adopted(value: object) -> dt.date:
    return conv.to_required_date(value, "adopted")


def _repealed(value: object) -> dt.date | None:
    return conv.to_date(value, "repealed")


def _amount(value: object) -> int:
    return _whole_fen("amount", value)


def _whole_fen(name: str, value: object) -> int:
    """An amount of money in fen: a whole, non-negative number, never a float."""
    if isinstance(value, float):
        raise InvariantError(
            f"{name} must be a whole number of fen (an int), not the float {quote(value)}: "
            "money is never a float (write 12.34 yuan as 1234 fen, or use wenming.governance.fen)",
            field=name,
            value=value,
        )
    if isinstance(value, Decimal):
        if not value.is_finite() or value != value.to_integral_value():
            raise InvariantError(
                f"{name} {quote(value)} is not a whole number of fen", field=name, value=value
            )
        value = int(value)
    if type(value) is not int:
        raise InvariantError(
            f"{name} must be a whole number of fen (an int), not {type(value).__name__}",
            field=name,
            value=value,
        )
    if value < 0:
        raise InvariantError(
            f"{name} {value} is negative; an amount of money is 0 or more fen",
            field=name,
            value=value,
        )
    return value


def _year(value: object) -> int:
    if type(value) is not int:
        raise InvariantError(
            f"year must be a whole number (2023), not {type(value).__name__}",
            field="year",
            value=value,
        )
    if not 1949 <= value <= 2100:
        raise InvariantError(f"year {value} is outside 1949–2100", field="year", value=value)
    return value


def _source(value: object) -> FundingSource:
    return to_enum(FundingSource, "source", value)


def _purpose(value: object) -> FundingPurpose:
    return to_enum(FundingPurpose, "purposes", value)


def _purposes(value: object) -> frozenset[FundingPurpose]:
    return to_frozenset(_purpose, "purposes", value)


def _optional_purpose(value: object) -> FundingPurpose | None:
    return None if value is None else to_enum(FundingPurpose, "purpose", value)


def fen(yuan: int | str | Decimal) -> int:
    """Return an amount in yuan as whole fen, exactly (a float is refused).

    Examples
    --------
    >>> fen(1_000_000), fen("12.34"), fen(Decimal("0.5"))
    (100000000, 1234, 50)
    >>> fen("0.001")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: amount '0.001' yuan is not a whole number of fen
    """
    if isinstance(yuan, float | bool) or not isinstance(yuan, int | str | Decimal):
        raise InvariantError(
            f"a yuan amount must be an int, a Decimal or text, not {type(yuan).__name__}",
            field="amount",
            value=yuan,
        )
    try:
        number = Decimal(yuan.strip().replace(",", "")) if isinstance(yuan, str) else Decimal(yuan)
    except InvalidOperation:
        raise InvariantError(
            f"amount {quote(yuan)} is not a number of yuan", field="amount", value=yuan
        ) from None
    cents = number * 100
    if not cents.is_finite() or cents != cents.to_integral_value():
        raise InvariantError(
            f"amount {quote(str(yuan))} yuan is not a whole number of fen",
            field="amount",
            value=yuan,
        )
    return _whole_fen("amount", int(cents))


def yuan_text(amount: int) -> str:
    """Fen as yuan with thousands separators (``"1,000,000.00"``): a presentation."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{whole:,}.{cents:02d}"


# ---------------------------------------------------------------------------- records


@attrs.frozen(kw_only=True)
class MechanismKind:
    """A kind of standing mechanism (制度): a word of the mechanism vocabulary, which is data.

    Parameters
    ----------
    id : MechanismKindId
        The kind's id, used by :attr:`Mechanism.kind` (``"joint_meetings"``).
    name : str
        Its Chinese name (``"联席会议制度"``).
    label : str, optional
        Its English name.
    national : bool
        One of the mechanisms every county is expected to declare: ``validate``
        and :func:`missing_mechanisms` report a county without it.

    Examples
    --------
    >>> MechanismKind(id="points_card", name="积分管理制度", label="points card").national
    False
    """

    id: MechanismKindId = attrs.field(converter=_kind_key)
    name: str = attrs.field(validator=text)
    label: str | None = attrs.field(default=None, validator=optional_text)
    national: bool = attrs.field(default=False, validator=conv.flag)

    def to_dict(self) -> dict[str, Any]:
        """Return the kind as the file format writes it."""
        return to_plain(self)


DEFAULT_MECHANISM_KINDS: Mapping[str, MechanismKind] = {
    k.id: k
    for k in (
        MechanismKind(
            id="joint_meetings", name="联席会议制度", label="joint meetings", national=True
        ),
        MechanismKind(
            id="volunteer_recruitment",
            name="志愿者招募制度",
            label="volunteer recruitment",
            national=True,
        ),
        MechanismKind(
            id="volunteer_incentives",
            name="志愿者激励嘉许制度",
            label="volunteer incentives and commendation",
            national=True,
        ),
        MechanismKind(
            id="volunteer_training",
            name="志愿者培训制度",
            label="volunteer training",
            national=True,
        ),
    )
}
"""The shipped mechanism vocabulary, always known: the national four (``national=True``).

A network's ``mechanism_kinds`` section adds a county's own kinds, or replaces
one of these by holding a kind with the same id.
"""


@attrs.frozen(kw_only=True)
class Mechanism:
    """A standing mechanism (制度) a county declares.

    Parameters
    ----------
    id : MechanismId
        Unique among mechanisms.
    kind : MechanismKindId
        A kind of :data:`DEFAULT_MECHANISM_KINDS` or of the network's ``mechanism_kinds``.
    division : DivisionCode
        The county that declares it.
    adopted : datetime.date
        The day it was adopted (a date or an ISO string); it is in force from then.
    repealed : datetime.date, optional
        The first day it is no longer in force.
    name : str, optional
        The document's title.
    document : str, optional
        Its document number (文号).
    note : str, optional
        Free text.

    Examples
    --------
    >>> m = Mechanism(id="m1", kind="joint_meetings", division="610924", adopted="2019-05-01")
    >>> m.in_force(dt.date(2019, 4, 30)), m.in_force(dt.date(2019, 5, 1))
    (False, True)
    """

    id: MechanismId = attrs.field(converter=_mechanism_key)
    kind: MechanismKindId = attrs.field(converter=_mechanism_kind_ref)
    division: DivisionCode = attrs.field(converter=_division_field)
    adopted: dt.date = attrs.field(converter=_adopted)
    repealed: dt.date | None = attrs.field(
        default=None, converter=_repealed, validator=conv.after("adopted")
    )
    name: str | None = attrs.field(default=None, validator=optional_text)
    document: str | None = attrs.field(default=None, validator=optional_text)
    note: str | None = attrs.field(default=None, validator=optional_text)

    def in_force(self, day: dt.date) -> bool:
        """True if the mechanism is in force on ``day``."""
        return self.adopted <= day and (self.repealed is None or day < self.repealed)

    def to_dict(self) -> dict[str, Any]:
        """Return the mechanism as the file format writes it."""
        return to_plain(self)


@attrs.frozen(kw_only=True)
class FundingLine:
    """A budget line (资金保障): a source, a year, an amount in fen and its purposes.

    Parameters
    ----------
    id : FundingId
        Unique among funding lines.
    name : str
        What the line is (``"县级新时代文明实践专项经费"``).
    division : DivisionCode
        The division whose practice work it funds (the county).
    source : FundingSource
        Where the money comes from (``"county"``, ``"province"`` …).
    year : int
        The budget year.
    amount : int
        The amount in **fen**, a whole number of 0 or more; a float, a negative
        or a fractional amount is refused (:func:`fen` converts yuan exactly).
    purposes : frozenset of FundingPurpose
        What it pays for; empty when not stated.
    note : str, optional
        Free text.

    Examples
    --------
    >>> line = FundingLine(id="f", name="县级经费", division="610924", source="county",
    ...                    year=2023, amount=fen(1_000_000), purposes={"activities"})
    >>> line.amount, line.yuan
    (100000000, '1,000,000.00')
    >>> FundingLine(id="f", name="县级经费", division="610924", source="county",
    ...             year=2023, amount=-1)
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: amount -1 is negative; an amount of money is 0 or more fen
    """

    id: FundingId = attrs.field(converter=_funding_key)
    name: str = attrs.field(validator=text)
    division: DivisionCode = attrs.field(converter=_division_field)
    source: FundingSource = attrs.field(converter=_source)
    year: int = attrs.field(converter=_year)
    amount: int = attrs.field(converter=_amount)
    purposes: frozenset[FundingPurpose] = attrs.field(factory=frozenset, converter=_purposes)
    note: str | None = attrs.field(default=None, validator=optional_text)

    @property
    def yuan(self) -> str:
        """The amount in yuan, as text (``"1,000,000.00"``)."""
        return yuan_text(self.amount)

    def to_dict(self) -> dict[str, Any]:
        """Return the line as the file format writes it."""
        return to_plain(self)


@attrs.frozen(kw_only=True)
class Allocation:
    """The part of a funding line that goes to one site (an award to a Station …).

    Allocations are records of their own, not a field of the line: they are
    decided over the year, after the line is budgeted; a site's removal takes
    its allocations with it (``cascade=True``) or is refused naming them; and
    ``validate`` reports a line whose allocations exceed it, with the path of
    the allocation that tips it over.

    Parameters
    ----------
    id : AllocationId
        Unique among allocations.
    funding : FundingId
        The funding line it is part of.
    site : SiteId
        The site that receives it.
    amount : int
        In fen (as :attr:`FundingLine.amount`).
    purpose : FundingPurpose, optional
        One of the line's purposes.
    note : str, optional
        Free text.
    """

    id: AllocationId = attrs.field(converter=_allocation_key)
    funding: FundingId = attrs.field(converter=_funding_ref)
    site: SiteId = attrs.field(converter=_site_ref)
    amount: int = attrs.field(converter=_amount)
    purpose: FundingPurpose | None = attrs.field(default=None, converter=_optional_purpose)
    note: str | None = attrs.field(default=None, validator=optional_text)

    def to_dict(self) -> dict[str, Any]:
        """Return the allocation as the file format writes it."""
        return to_plain(self)


# ---------------------------------------------------------------------------- mechanisms


def mechanism_kinds(network: Network) -> Mapping[str, MechanismKind]:
    """Every mechanism kind a network knows: the defaults, with its own added or overriding."""
    return network.vocabulary("mechanism_kinds")


def _county(network: Network, county: str) -> DivisionCode:
    code = DivisionCode.parse(county)
    if code not in network.divisions:
        raise UnknownIdError(
            "division", code.short, f"county {code.short}: the network holds no such division"
        )
    return code


def mechanisms_of(network: Network, county: str, as_of: DateLike = None) -> tuple[Mechanism, ...]:
    """Return the mechanisms a county has in force on a date (today by default), by kind.

    Raises
    ------
    UnknownIdError
        The network holds no such division.
    """
    day = as_date(as_of) or dt.date.today()
    code = _county(network, county)
    table: Mapping[MechanismId, Mechanism] = network.table("mechanisms")
    keys = network._index("mechanisms", "by_division").get(code, ())
    found = (table[k] for k in keys)
    return tuple(sorted((m for m in found if m.in_force(day)), key=attrgetter("kind", "id")))


def missing_mechanisms(
    network: Network, county: str, as_of: DateLike = None
) -> tuple[MechanismKind, ...]:
    """Return the national mechanism kinds a county has not in force on a date, by id.

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> [k.name for k in missing_mechanisms(ziyang(), "610924", as_of="2018-01-01")]
    ['联席会议制度', '志愿者激励嘉许制度', '志愿者招募制度', '志愿者培训制度']
    """
    have = {m.kind for m in mechanisms_of(network, county, as_of)}
    kinds = mechanism_kinds(network)
    return tuple(kinds[k] for k in sorted(kinds) if kinds[k].national and k not in have)


# ---------------------------------------------------------------------------- funding totals

FundingKey: TypeAlias = Literal["year", "source", "purpose", "town"]
_BY = ("year", "source", "purpose", "town")


@attrs.frozen(kw_only=True)
class FundingRow:
    """One row of :class:`FundingTotals`: a year, source, purpose or town and its total."""

    key: str
    name: str | None
    amount: int
    count: int

    def to_dict(self, by: str = "key") -> dict[str, Any]:
        """The row as plain data (its key named ``by``); ``amount`` in fen, ``yuan`` as text."""
        out: dict[str, Any] = {by: self.key}
        if self.name is not None:
            out["name"] = self.name
        out.update(amount=self.amount, yuan=yuan_text(self.amount), count=self.count)
        return out


@attrs.frozen(kw_only=True)
class FundingTotals:
    """Funding totalled by year, source, purpose or town; ``str()`` is a table.

    Attributes
    ----------
    by : str
        ``"year"``, ``"source"``, ``"purpose"`` or ``"town"``.
    year : int or None
        The year the lines were limited to, if any.
    rows : tuple of FundingRow
        In key order; ``count`` is the number of lines (allocations, by town).
    total : int
        The total in fen. By purpose, a line with several purposes counts under
        each but once in the total; by town, the total is what was allocated to
        sites in towns, and :attr:`unallocated` the rest of the lines.
    unallocated : int
        By town: the lines' amounts not allocated to a site in a town.
    """

    by: str
    year: int | None
    rows: tuple[FundingRow, ...]
    total: int
    count: int
    unallocated: int = 0

    def __iter__(self) -> Iterator[FundingRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def to_dict(self) -> dict[str, Any]:
        """Plain data; ``pandas.DataFrame(d["rows"])`` gives the table."""
        out: dict[str, Any] = {
            "by": self.by,
            "year": self.year,
            "rows": [r.to_dict(self.by) for r in self.rows],
            "total": self.total,
            "total_yuan": yuan_text(self.total),
            "count": self.count,
        }
        if self.by == "town":
            out["unallocated"] = self.unallocated
        return out

    def __str__(self) -> str:
        noun = "allocations" if self.by == "town" else "lines"
        title = f"funding by {self.by}" + ("" if self.year is None else f" ({self.year})")
        rows: list[tuple[str, ...]] = [(title, "amount (yuan)", noun)]
        for r in self.rows:
            label = r.key if r.name is None else f"{r.key} {r.name}"
            rows.append((label, yuan_text(r.amount), str(r.count)))
        if self.by == "town":
            rows.append(("not allocated to a town", yuan_text(self.unallocated), ""))
        rows.append(("total", yuan_text(self.total), str(self.count)))
        return _table(rows, right=(1, 2))


def _town_of(site: Site) -> DivisionCode | None:
    """The town a site belongs to (``None`` for a county-level site)."""
    code = site.division
    if code[6:9] == "000":
        return None
    return code if code[9:] == "000" else DivisionCode(code[:9] + "000")


def funding_totals(
    network: Network, by: FundingKey = "year", *, year: int | None = None
) -> FundingTotals:
    """Total the funding lines by year, source, purpose or town.

    Parameters
    ----------
    by : {"year", "source", "purpose", "town"}
        What to total by. By town, the allocations to the sites of each town
        (an Institute, its Stations and Points) are totalled.
    year : int, optional
        Only lines of this budget year.

    Returns
    -------
    FundingTotals
        Frozen; amounts in fen; ``str()`` shows yuan.

    Raises
    ------
    InvariantError
        ``by`` is not one of the four.

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> [(r.key, r.amount) for r in funding_totals(ziyang(), "year")]
    [('2022', 100000000), ('2023', 200000000)]
    """
    if by not in _BY:
        raise InvariantError(
            f"by {quote(by)} is not one of: {', '.join(_BY)}", field="by", value=by
        )
    lines: Mapping[FundingId, FundingLine] = network.table("funding")
    chosen = [f for f in lines.values() if year is None or f.year == year]
    amounts: dict[str, int] = {}
    counts: dict[str, int] = {}
    names: dict[str, str] = {}

    def add(key: str, amount: int) -> None:
        amounts[key] = amounts.get(key, 0) + amount
        counts[key] = counts.get(key, 0) + 1

    total = sum(f.amount for f in chosen)
    unallocated = 0
    count = len(chosen)
    if by == "town":
        ids = {f.id for f in chosen}
        sites: Mapping[SiteId, Site] = network.table("sites")
        divisions = network.divisions
        allocations: Mapping[AllocationId, Allocation] = network.table("allocations")
        allocated = 0
        count = 0
        for a in allocations.values():
            if a.funding not in ids:
                continue
            town = _town_of(sites[a.site])
            if town is None:
                continue
            add(town.short, a.amount)
            allocated += a.amount
            count += 1
            if town.short not in names and town in divisions:
                names[town.short] = divisions[town].name
        unallocated = total - allocated
        total = allocated
    else:
        for f in chosen:
            if by == "year":
                add(str(f.year), f.amount)
            elif by == "source":
                add(f.source.value, f.amount)
            else:
                purposes: list[FundingPurpose | None] = [*sorted(f.purposes)] or [None]
                for p in purposes:
                    key = "unstated" if p is None else p.value
                    add(key, f.amount)
                    names.setdefault(key, "未注明" if p is None else p.zh)
    rows = tuple(
        FundingRow(key=k, name=names.get(k), amount=amounts[k], count=counts[k])
        for k in sorted(amounts, key=_row_order(by))
    )
    return FundingTotals(
        by=by, year=year, rows=rows, total=total, count=count, unallocated=unallocated
    )


def _row_order(by: str) -> Callable[[str], Any]:
    if by == "source":
        rank = {s.value: i for i, s in enumerate(FundingSource)}
        return lambda k: rank.get(k, len(rank))
    if by == "purpose":
        rank = {p.value: i for i, p in enumerate(FundingPurpose)}
        return lambda k: rank.get(k, len(rank))
    return lambda k: k


# ---------------------------------------------------------------------------- scorecard


@attrs.frozen(kw_only=True)
class Measure:
    """What an indicator measured for one town: ``numerator`` over ``denominator``.

    ``value`` is ``numerator * per / denominator`` (``None`` when the
    denominator is 0: nothing to measure); ``score`` is ``value / target``,
    capped at 1.
    """

    numerator: int
    denominator: int
    per: int = 1
    target: float = 1.0

    @property
    def value(self) -> float | None:
        """The indicator's value, or ``None`` when there is nothing to measure."""
        if self.denominator == 0:
            return None
        return self.numerator * self.per / self.denominator

    @property
    def score(self) -> float | None:
        """``value / target`` capped at 1 (``None`` when there is nothing to measure)."""
        value = self.value
        return None if value is None else min(1.0, value / self.target)


@attrs.frozen(kw_only=True)
class _TownFacts:
    """What the shipped indicators read about one town on the date (private)."""

    villages: int
    stations: int
    covered_villages: int
    linked_stations: int
    headed_sites: int
    held_heads: int
    six_haves: int


@attrs.frozen(kw_only=True)
class Indicator:
    """An indicator of the town scorecard: a name, its words, how to measure it.

    Parameters
    ----------
    name : str
        The column name (``"station_coverage"``), and its key in the weights.
    label, zh : str
        Its English and Chinese names.
    measure : callable
        ``(facts) -> (numerator, denominator)``, where ``facts`` holds the
        counts of one town.
    per : int
        Multiplier of the value (1,000 for "volunteers per 1,000 residents").
    target : float
        The value that earns the full score (1.0 for a coverage ratio).
    """

    name: str
    label: str
    zh: str
    measure: Callable[[Any], tuple[int, int]]
    per: int = 1
    target: float = 1.0


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        name="station_coverage",
        label="villages with a Station",
        zh="站点覆盖率",
        measure=lambda f: (f.covered_villages, f.villages),
    ),
    Indicator(
        name="link_coverage",
        label="Stations with a 包村 link",
        zh="包村覆盖率",
        measure=lambda f: (f.linked_stations, f.stations),
    ),
    Indicator(
        name="heads_in_post",
        label="sites whose head is in post",
        zh="一把手在岗率",
        measure=lambda f: (f.held_heads, f.headed_sites),
    ),
    Indicator(
        name="six_haves",
        label="sites meeting the six haves",
        zh="六有达标率",
        measure=lambda f: (f.six_haves, f.headed_sites),
    ),
)
"""The scorecard's indicators, in column order.

Later indicators (activities per Station, volunteers per 1,000 residents,
service hours) join this tuple with a ``measure`` reading their own counts and
a ``target``; a weight of 0 shows an indicator without scoring it.
"""


def _weights(value: object) -> tuple[tuple[str, float], ...]:
    if isinstance(value, ScorecardWeights):
        return value.weights
    if not isinstance(value, Mapping | Iterable) or isinstance(value, str | bytes):
        raise InvariantError(
            f"weights must be a mapping of indicator name to weight, not {type(value).__name__}",
            field="weights",
            value=value,
        )
    pairs = value.items() if isinstance(value, Mapping) else value
    out: dict[str, float] = {}
    for pair in pairs:
        name, weight = pair
        check_identifier("weights", name)
        if isinstance(weight, bool) or not isinstance(weight, int | float | Decimal):
            raise InvariantError(
                f"the weight of {quote(name)} must be a number, not {type(weight).__name__}",
                field="weights",
                value=weight,
            )
        number = float(weight)
        if not number >= 0 or number == float("inf"):
            raise InvariantError(
                f"the weight of {quote(name)} must be 0 or more, not {weight}",
                field="weights",
                value=weight,
            )
        out[name] = number
    if not any(out.values()):
        raise InvariantError("weights: at least one weight must be above 0", field="weights")
    return tuple(sorted(out.items()))


@attrs.frozen(kw_only=True)
class ScorecardWeights:
    """The weight of each indicator in a town's score: data, with a default.

    Weights are relative (points in the annual target assessment, shares …);
    an indicator without a weight, or with 0, is shown but not scored.

    Parameters
    ----------
    weights : mapping of str to number
        Indicator name → weight (0 or more; at least one above 0).

    Examples
    --------
    >>> w = ScorecardWeights(weights={"station_coverage": 2, "heads_in_post": 1})
    >>> w.of("station_coverage"), w.of("six_haves")
    (2.0, 0.0)
    >>> ScorecardWeights(weights={"station_coverage": -1})
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: the weight of 'station_coverage' must be 0 or more, not -1
    """

    weights: tuple[tuple[str, float], ...] = attrs.field(converter=_weights)

    def of(self, name: str) -> float:
        """The weight of an indicator (0 when it has none)."""
        return dict(self.weights).get(name, 0.0)

    def to_dict(self) -> dict[str, float]:
        """Indicator name → weight."""
        return dict(self.weights)


DEFAULT_WEIGHTS = ScorecardWeights(
    weights={"station_coverage": 30, "link_coverage": 20, "heads_in_post": 20, "six_haves": 30}
)
"""The shipped weights (out of 100): coverage and the six haves 30 each, links and heads 20."""


@attrs.frozen(kw_only=True)
class TownScore:
    """One row of the scorecard: a town, its counts, its indicators and its score.

    Attributes
    ----------
    town : DivisionCode
        The town.
    name : str
        Its name.
    institute : SiteId or None
        Its Institute on the date, if it has one.
    villages, stations : int
        Its villages, and its Stations on the date.
    measures : tuple of (str, Measure)
        Each indicator's measure, in column order.
    score : float or None
        The weighted mean of the indicators' scores, 0–100, over the indicators
        with a weight and something to measure (``None`` if there are none).
    """

    town: DivisionCode
    name: str
    institute: SiteId | None
    villages: int
    stations: int
    measures: tuple[tuple[str, Measure], ...]
    score: float | None

    def value(self, indicator: str) -> float | None:
        """The value of one indicator (``None``: nothing to measure).

        Raises
        ------
        KeyError
            No such indicator.
        """
        return dict(self.measures)[indicator].value

    def to_dict(self) -> dict[str, Any]:
        """A flat row for ``pandas.DataFrame``: counts, each indicator's value, the score."""
        out: dict[str, Any] = {
            "town": self.town.short,
            "name": self.name,
            "institute": self.institute,
            "villages": self.villages,
            "stations": self.stations,
        }
        for name, measure in self.measures:
            out[name] = measure.value
        out["score"] = self.score
        return out


@attrs.frozen(kw_only=True)
class Scorecard:
    """The town scorecard (督查考核) on a date; ``str()`` is a table, ``to_dict()`` plain data.

    Iterating yields the :class:`TownScore` rows, by town code.
    """

    as_of: dt.date
    within: DivisionCode | None
    weights: ScorecardWeights
    indicators: tuple[Indicator, ...]
    rows: tuple[TownScore, ...]

    def __iter__(self) -> Iterator[TownScore]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def row(self, town: str) -> TownScore:
        """The row of one town.

        Raises
        ------
        UnknownIdError
            No such town in the scorecard.
        """
        code = DivisionCode.parse(town)
        for r in self.rows:
            if r.town == code:
                return r
        raise UnknownIdError("town", code.short, f"town {code.short} is not in the scorecard")

    def to_dict(self) -> dict[str, Any]:
        """Plain data; ``pandas.DataFrame(d["rows"])`` is the table."""
        return {
            "as_of": self.as_of.isoformat(),
            "within": None if self.within is None else self.within.short,
            "weights": self.weights.to_dict(),
            "indicators": [
                {"name": i.name, "label": i.label, "zh": i.zh, "weight": self.weights.of(i.name)}
                for i in self.indicators
            ],
            "rows": [r.to_dict() for r in self.rows],
        }

    def __str__(self) -> str:
        head = ("town", "name", "villages", "stations")
        names = tuple(i.name for i in self.indicators)
        rows: list[tuple[str, ...]] = [(*head, *names, "score")]
        for r in self.rows:
            cells = [r.town.short, r.name, str(r.villages), str(r.stations)]
            for _, m in r.measures:
                cells.append("—" if m.value is None else _shown(m))
            cells.append("—" if r.score is None else f"{r.score:.1f}")
            rows.append(tuple(cells))
        weights = ", ".join(f"{i.name} {self.weights.of(i.name):g}" for i in self.indicators)
        title = f"town scorecard as of {self.as_of.isoformat()} (weights: {weights})"
        return title + "\n" + _table(rows, right=tuple(range(2, len(rows[0]))))


def _shown(m: Measure) -> str:
    value = m.value
    assert value is not None
    if m.per == 1 and m.target == 1.0:
        return f"{value:.0%}"
    return f"{value:.1f}"


def scorecard(
    network: Network,
    as_of: DateLike = None,
    weights: ScorecardWeights | Mapping[str, float] | None = None,
    *,
    within: str | None = None,
    indicators: Sequence[Indicator] | None = None,
) -> Scorecard:
    """One row per town: Station coverage, 包村 links, heads in post, six haves, a score.

    For each town (statistics-only units left out) on the date:

    - ``station_coverage``: its villages with a Station;
    - ``link_coverage``: its Stations with a 包村 (or 挂点) link from a post
      that exists on the date;
    - ``heads_in_post``: its Institute and Stations whose head post has a
      holder on the date;
    - ``six_haves``: its Institute and Stations that meet all six haves
      (a site never assessed counts as not meeting them).

    The score is the weighted mean of the indicators' scores (0–100) over the
    indicators with a weight and something to measure: a town without villages
    is not marked down for Station coverage.

    Parameters
    ----------
    network : Network
        Divisions, sites, posts, tenures and links.
    as_of : date, ISO string or datetime, optional
        The day; today by default.
    weights : ScorecardWeights or mapping, optional
        Indicator name → weight; :data:`DEFAULT_WEIGHTS` by default.
    within : str, optional
        Only the towns inside this division (a county, a prefecture …).
    indicators : sequence of Indicator, optional
        The columns; :data:`INDICATORS` by default.

    Returns
    -------
    Scorecard
        Frozen; rows by town code.

    Raises
    ------
    InvariantError
        Weights naming an indicator the scorecard does not have, or a bad date.
    UnknownIdError
        ``within`` names a division the network does not hold.

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> card = scorecard(ziyang(), as_of="2023-08-01")
    >>> len(card), card.rows[0].name, card.rows[0].value("heads_in_post")
    (17, '城关镇', 1.0)
    """
    day = as_date(as_of) or dt.date.today()
    chosen = tuple(INDICATORS if indicators is None else indicators)
    weighting = (
        DEFAULT_WEIGHTS
        if weights is None
        else weights
        if isinstance(weights, ScorecardWeights)
        else ScorecardWeights(weights=weights)
    )
    known = {i.name for i in chosen}
    unknown = sorted(name for name, _ in weighting.weights if name not in known)
    if unknown:
        raise InvariantError(
            f"weights name {', '.join(quote(u) for u in unknown)}, which the scorecard does "
            f"not have; its indicators are: {', '.join(i.name for i in chosen)}",
            field="weights",
            value=unknown,
        )
    scope = None if within is None else DivisionCode.parse(within)
    if scope is not None and scope not in network.divisions:
        raise UnknownIdError(
            "division",
            scope.short,
            f"scorecard within {scope.short}: the network holds no such division",
        )
    divisions = network.divisions.values() if scope is None else network.divisions_within(scope)
    towns: dict[DivisionCode, str] = {}
    villages: dict[str, int] = {}
    village_codes: set[DivisionCode] = set()
    # the towns and villages coverage counts (imported here: wenming.coverage needs
    # the network, which needs this module's sections)
    from wenming.coverage import counted_divisions

    counted = counted_divisions(network)
    for d in divisions:
        if not counted(d):
            continue
        if d.level is DivisionLevel.TOWN:
            towns[d.code] = d.name
        elif d.level is DivisionLevel.VILLAGE:
            key = d.code[:9]
            villages[key] = villages.get(key, 0) + 1
            village_codes.add(d.code)
    facts = _facts(network, day, towns, village_codes)
    weight = weighting.of
    rows = []
    for town in sorted(towns):
        key = town[:9]
        f = facts.get(key) or _Counts()
        town_facts = _TownFacts(
            villages=villages.get(key, 0),
            stations=f.stations,
            covered_villages=len(f.covered),
            linked_stations=f.linked,
            headed_sites=f.headed,
            held_heads=f.held,
            six_haves=f.six,
        )
        measures = []
        total = weighted = 0.0
        for ind in chosen:
            num, den = ind.measure(town_facts)
            m = Measure(numerator=num, denominator=den, per=ind.per, target=ind.target)
            measures.append((ind.name, m))
            w = weight(ind.name)
            score = m.score
            if w > 0 and score is not None:
                total += w
                weighted += w * score
        rows.append(
            TownScore(
                town=town,
                name=towns[town],
                institute=f.institute,
                villages=town_facts.villages,
                stations=f.stations,
                measures=tuple(measures),
                score=None if total == 0 else round(100 * weighted / total, 6),
            )
        )
    return Scorecard(
        as_of=day, within=scope, weights=weighting, indicators=chosen, rows=tuple(rows)
    )


class _Counts:
    __slots__ = ("covered", "headed", "held", "institute", "linked", "six", "stations")

    def __init__(self) -> None:
        self.institute: SiteId | None = None
        self.stations = 0
        self.covered: set[DivisionCode] = set()
        self.linked = 0
        self.headed = 0
        self.held = 0
        self.six = 0


_ALL_HAVES = 6


def _facts(
    network: Network,
    day: dt.date,
    towns: Mapping[DivisionCode, str],
    village_codes: set[DivisionCode],
) -> dict[str, _Counts]:
    """One pass over the sites (and the tenures and links) for every town's counts."""
    posts: Mapping[PostId, Post] = network.table("posts")
    tenures: Mapping[TenureId, Tenure] = network.table("tenures")
    links: Mapping[LinkId, Link] = network.table("links")
    sites: Mapping[SiteId, Site] = network.table("sites")
    held: set[PostId] = set()
    for t in tenures.values():
        if t.covers(day):
            post = posts.get(t.post)
            if post is not None and post.exists_on(day):
                held.add(t.post)
    linked: set[SiteId] = set()
    for link in links.values():
        if link.site is not None and link.kind.value in ("village", "attached"):
            post = posts.get(link.post)
            if link.exists_on(day) and post is not None and post.exists_on(day):
                linked.add(link.site)
    alive = network._alive_on(day)
    out: dict[str, _Counts] = {}
    institute, station = SiteKind.INSTITUTE, SiteKind.STATION
    town_keys = {code[:9] for code in towns}
    for site in sites.values():
        kind = site.kind
        if kind is not institute and kind is not station:
            continue
        key = site.division[:9]
        if key not in town_keys or not alive(site):
            continue
        counts = out.get(key)
        if counts is None:
            counts = out[key] = _Counts()
        if kind is institute:
            if counts.institute is None:
                counts.institute = site.id
        else:
            counts.stations += 1
            if site.division in village_codes:
                counts.covered.add(site.division)
            if site.id in linked:
                counts.linked += 1
        counts.headed += 1
        if site.head is not None and site.head in held:
            counts.held += 1
        haves = site.six_haves
        if haves is not None and len(haves) == _ALL_HAVES:
            counts.six += 1
    return out


# ---------------------------------------------------------------------------- tables


def _width(value: str) -> int:
    return sum(2 if ch >= "\u1100" and ch not in "—…" else 1 for ch in value)


def _table(rows: Sequence[tuple[str, ...]], right: tuple[int, ...] = ()) -> str:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = []
        for i, (c, w) in enumerate(zip(row, widths, strict=True)):
            pad = " " * (w - _width(c))
            cells.append(pad + c if i in right else c + pad)
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------- validation


def _rule_mechanism_division(ctx: ValidationContext) -> Iterator[Issue]:
    for i, m in enumerate(ctx.records.of("mechanisms")):
        level = ctx.division_level(m.division)
        if level is not DivisionLevel.COUNTY:
            yield error(
                "mechanism-division",
                f"mechanism {quote(m.id)} is declared by {m.division.short}, a {level.label}; "
                "a county declares its mechanisms",
                m.id,
                ctx.path("mechanisms", i, "division"),
            )


def _rule_missing_mechanisms(ctx: ValidationContext) -> Iterator[Issue]:
    """Counties without one of the national four (in a network that records mechanisms)."""
    mechanisms = ctx.records.of("mechanisms")
    if not mechanisms:
        return
    national = {k: v for k, v in DEFAULT_MECHANISM_KINDS.items() if v.national}
    for kind in ctx.records.of("mechanism_kinds"):
        if kind.national:
            national[kind.id] = kind
        else:
            national.pop(kind.id, None)
    have: dict[DivisionCode, set[str]] = {}
    for m in mechanisms:
        if m.repealed is None:
            have.setdefault(m.division, set()).add(m.kind)
    counties: dict[DivisionCode, tuple[str, str]] = {}  # code → (subject, path)
    for i, site in enumerate(ctx.records.of("sites")):
        if site.kind is SiteKind.CENTRE:
            counties.setdefault(site.division, (site.id, ctx.path("sites", i, "division")))
    for i, m in enumerate(mechanisms):
        if ctx.division_level(m.division) is DivisionLevel.COUNTY:
            counties.setdefault(m.division, (m.id, ctx.path("mechanisms", i, "division")))
    for code, (_subject, path) in counties.items():
        missing = sorted(k for k in national if k not in have.get(code, ()))
        if not missing:
            continue
        names = ", ".join(f"{national[k].name} ({k})" for k in missing)
        yield Issue(
            code="missing-mechanisms",
            severity=Severity.WARNING,
            message=f"county {code.short} has no mechanism in force for: {names}",
            subject=code.short,
            path=path,
        )


def _rule_allocations(ctx: ValidationContext) -> Iterator[Issue]:
    lines = ctx.by_key("funding")
    spent: dict[str, int] = {}
    for i, a in enumerate(ctx.records.of("allocations")):
        line = lines.get(a.funding)
        if line is None:
            continue  # the generic unknown-reference rule reports it
        if a.purpose is not None and line.purposes and a.purpose not in line.purposes:
            yield error(
                "allocation-purpose",
                f"allocation {quote(a.id)} is for {a.purpose.value}, which funding line "
                f"{quote(line.id)} does not pay for (its purposes: "
                f"{', '.join(sorted(line.purposes))})",
                a.id,
                ctx.path("allocations", i, "purpose"),
            )
        before = spent.get(line.id, 0)
        spent[line.id] = before + a.amount
        if before <= line.amount < before + a.amount:
            yield error(
                "over-allocated",
                f"the allocations of funding line {quote(line.id)} come to "
                f"{yuan_text(before + a.amount)} yuan with {quote(a.id)}, more than the "
                f"line's {line.yuan} yuan",
                a.id,
                ctx.path("allocations", i, "amount"),
            )
        site = ctx.site(a.site)
        if site is not None and not site.division.startswith(line.division.short):
            yield Issue(
                code="allocation-outside",
                severity=Severity.WARNING,
                message=(
                    f"allocation {quote(a.id)} goes to {site.kind.label} {quote(site.id)} "
                    f"({site.division.short}), outside funding line {quote(line.id)}'s "
                    f"division {line.division.short}"
                ),
                subject=a.id,
                path=ctx.path("allocations", i, "site"),
            )


# ---------------------------------------------------------------------------- sections


def _parse(kind: Any) -> Any:
    return lambda value: kind(check_identifier("id", value))


MECHANISM_KINDS: Section[MechanismKindId, MechanismKind] = Section(
    name="mechanism_kinds",
    noun="mechanism kind",
    types=(MechanismKind,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(MechanismKindId),
    order=attrgetter("id"),
    defaults=DEFAULT_MECHANISM_KINDS,
    repr_empty=False,
)
"""The ``mechanism_kinds`` section: a network's own mechanism kinds (beside the national four)."""

MECHANISMS: Section[MechanismId, Mechanism] = Section(
    name="mechanisms",
    noun="mechanism",
    types=(Mechanism,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(MechanismId),
    order=attrgetter("division", "kind", "id"),
    refs=(
        Ref(
            field="division",
            target="divisions",
            code="unknown-mechanism-division",
            index="by_division",
        ),
        Ref(
            field="kind",
            target="mechanism_kinds",
            code="unknown-mechanism-kind",
            index="by_kind",
        ),
    ),
    indexes=(
        Index(name="by_division", key=attrgetter("division")),
        Index(name="by_kind", key=attrgetter("kind")),
    ),
    rules=(
        ("mechanism-division", _rule_mechanism_division),
        ("missing-mechanisms", _rule_missing_mechanisms),
    ),
    repr_empty=False,
)
"""The ``mechanisms`` section: the standing mechanisms (制度) counties declare."""

FUNDING: Section[FundingId, FundingLine] = Section(
    name="funding",
    noun="funding line",
    types=(FundingLine,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(FundingId),
    order=attrgetter("division", "year", "id"),
    refs=(
        Ref(
            field="division",
            target="divisions",
            code="unknown-funding-division",
            index="by_division",
        ),
    ),
    indexes=(Index(name="by_division", key=attrgetter("division")),),
    repr_empty=False,
)
"""The ``funding`` section: budget lines (资金保障), amounts in fen."""

ALLOCATIONS: Section[AllocationId, Allocation] = Section(
    name="allocations",
    noun="allocation",
    types=(Allocation,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(AllocationId),
    order=attrgetter("funding", "id"),
    refs=(
        Ref(field="funding", target="funding", code="unknown-funding", index="by_funding"),
        Ref(field="site", target="sites", code="unknown-allocation-site", index="by_site"),
    ),
    indexes=(
        Index(name="by_funding", key=attrgetter("funding")),
        Index(name="by_site", key=attrgetter("site")),
    ),
    rules=(("allocations", _rule_allocations),),
    repr_empty=False,
)
"""The ``allocations`` section: the parts of funding lines that go to sites."""
