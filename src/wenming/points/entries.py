"""Ledger entries: immutable, one class per kind, each with its own sign rule.

Every entry carries an idempotency ``key`` (its id in the ledger), the
``account`` it changes, the signed ``points`` it adds to the balance, the time
``at`` (with a time zone) and the ``operator`` who posted it.

=========  ======================================  ===============
kind       what it records                         points
=========  ======================================  ===============
Earn       a rule earned, or a service record      positive
Deduct     a rule broken                           negative
Redeem     goods taken from the points store       negative
Adjust     a correction, with a reason             either, not 0
Expire     earned points past their expiry         negative
Reverse    cancels one earlier entry               minus its points
=========  ======================================  ===============

Examples
--------
>>> import datetime as dt
>>> CST = dt.timezone(dt.timedelta(hours=8))
>>> e = Earn(
...     key="2024-03/hh-1/filial", account="hh-1", points=5, rule="filial-care",
...     at=dt.datetime(2024, 3, 1, 9, 0, tzinfo=CST), operator="clerk-li",
... )
>>> entry_from_dict(entry_to_dict(e)) == e
True
>>> Deduct(key="k", account="a", points=5, rule="littering", at=e.at, operator="x")
Traceback (most recent call last):
...
wenming.errors.InvariantError: a deduct entry takes points away: points must be negative, not 5
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from json.encoder import encode_basestring as _encode_str
from typing import Any, ClassVar, TypeAlias

import attrs

from wenming._fields import check_identifier, optional_text, shared_identifier, text
from wenming.errors import FormatError, InvariantError
from wenming.ids import AccountId, EntryId
from wenming.points._checks import aware, date_only, identifier, optional_identifier, whole

__all__ = [
    "ENTRY_CLASSES",
    "Adjust",
    "Deduct",
    "Earn",
    "Entry",
    "Expire",
    "Redeem",
    "Reverse",
    "canonical_bytes",
    "entry_from_dict",
    "entry_to_dict",
]


# Converters take plain ``str`` (so callers need no ``EntryId(...)``) and give typed ids.
def _key(value: str) -> EntryId:
    return EntryId(check_identifier("key", value))


def _account(value: str) -> AccountId:
    return AccountId(shared_identifier("account", value))


def _reverses(value: str) -> EntryId:
    return EntryId(check_identifier("reverses", value))


POINTS_LIMIT = 10**12
"""The most points a new earn, deduct, redeem or adjust entry may move either way:
far beyond any card, and far inside what a SQLite integer holds (2**63 - 1). The
ledger checks it when an entry is posted (an entry already in a file is read
whatever its size); expiries and reversals are bounded by the points they undo."""

BALANCE_LIMIT = 2**62
"""The largest balance, either side of zero, a posting may take an account to."""


def _points(value: object) -> int:
    return whole("points", value, nonzero=True)


def _quantity(value: object) -> int:
    return whole("quantity", value, low=1)


def _optional_minutes(value: object) -> int | None:
    return None if value is None else whole("minutes", value, low=1)


@attrs.frozen(kw_only=True)
class _Entry:
    kind: ClassVar[str] = ""
    sign: ClassVar[int] = 0  # +1 positive only, -1 negative only, 0 either

    key: EntryId = attrs.field(converter=_key)
    account: AccountId = attrs.field(converter=_account)
    points: int = attrs.field(converter=_points)
    at: dt.datetime = attrs.field(validator=aware)
    operator: str = attrs.field(validator=identifier)

    def __attrs_post_init__(self) -> None:
        if self.sign > 0 and self.points < 0:
            raise InvariantError(
                f"a {self.kind} entry adds points: points must be positive, not {self.points}",
                field="points",
                value=self.points,
            )
        if self.sign < 0 and self.points > 0:
            raise InvariantError(
                f"a {self.kind} entry takes points away: points must be negative, "
                f"not {self.points}",
                field="points",
                value=self.points,
            )


@attrs.frozen(kw_only=True)
class Earn(_Entry):
    """Points earned under a rule, or for a service record (exactly one of the two).

    Parameters
    ----------
    rule : str or None
        The rule earned; ``points`` must be the rule's points × ``quantity``.
    quantity : int
        How many times the rule was earned (1 by default).
    service_record : str or None
        The id of the statutory service record the points come from.
    minutes : int or None
        The service minutes of that record; ``points`` must be the scheme's
        conversion of them.
    """

    kind: ClassVar[str] = "earn"
    sign: ClassVar[int] = 1

    rule: str | None = attrs.field(default=None, validator=optional_identifier)
    quantity: int = attrs.field(default=1, converter=_quantity)
    service_record: str | None = attrs.field(default=None, validator=optional_identifier)
    minutes: int | None = attrs.field(default=None, converter=_optional_minutes)

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if (self.rule is None) == (self.service_record is None):
            raise InvariantError(
                "an earn entry names a rule or a service record (exactly one of them)",
                field="rule",
                value=self.rule,
            )
        if (self.service_record is None) != (self.minutes is None):
            raise InvariantError(
                "minutes are given with a service record, and only with one",
                field="minutes",
                value=self.minutes,
            )
        if self.service_record is not None and self.quantity != 1:
            raise InvariantError(
                "quantity applies to rules, not to service records",
                field="quantity",
                value=self.quantity,
            )


@attrs.frozen(kw_only=True)
class Deduct(_Entry):
    """Points lost under a rule; ``points`` is the rule's (negative) points × ``quantity``."""

    kind: ClassVar[str] = "deduct"
    sign: ClassVar[int] = -1

    rule: str = attrs.field(validator=identifier)
    quantity: int = attrs.field(default=1, converter=_quantity)


@attrs.frozen(kw_only=True)
class Redeem(_Entry):
    """Goods taken from the points store: ``points`` is minus the price × ``quantity``."""

    kind: ClassVar[str] = "redeem"
    sign: ClassVar[int] = -1

    item: str = attrs.field(validator=identifier)
    quantity: int = attrs.field(default=1, converter=_quantity)


@attrs.frozen(kw_only=True)
class Adjust(_Entry):
    """A correction by an operator, with the reason written down."""

    kind: ClassVar[str] = "adjust"

    reason: str = attrs.field(validator=text)


@attrs.frozen(kw_only=True)
class Expire(_Entry):
    """Earned points past their expiry, posted by the scheme's expiry policy.

    Parameters
    ----------
    until : datetime.date
        Every earned lot that expires on or before this day and is still unspent
        expires; ``points`` is minus their sum.
    """

    kind: ClassVar[str] = "expire"
    sign: ClassVar[int] = -1

    until: dt.date = attrs.field(validator=date_only)


@attrs.frozen(kw_only=True)
class Reverse(_Entry):
    """Cancels one earlier entry of the same account: ``points`` is minus its points.

    An entry is reversed at most once, and a reversal is never reversed (post the
    entry again under a new key instead).
    """

    kind: ClassVar[str] = "reverse"

    reverses: EntryId = attrs.field(converter=_reverses)
    reason: str | None = attrs.field(default=None, validator=optional_text)


Entry: TypeAlias = Earn | Deduct | Redeem | Adjust | Expire | Reverse
"""Any ledger entry."""

ENTRY_CLASSES: Mapping[str, type[Entry]] = {
    cls.kind: cls for cls in (Earn, Deduct, Redeem, Adjust, Expire, Reverse)
}
"""Entry classes by their ``kind`` tag."""

_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {
    cls: tuple(f.name for f in attrs.fields(cls)) for cls in ENTRY_CLASSES.values()
}


def entry_to_dict(entry: Entry) -> dict[str, Any]:
    """Return an entry as plain JSON-ready data, with its ``kind`` tag.

    Fields left at ``None`` are omitted, so the data (and the hash chain over it)
    stays the same if a later version adds an optional field.
    """
    data: dict[str, Any] = {"kind": entry.kind}
    for name in _FIELD_NAMES[type(entry)]:
        value = getattr(entry, name)
        if value is None:
            continue
        if isinstance(value, dt.date):
            value = value.isoformat()
        data[name] = value
    return data


def entry_from_dict(data: Mapping[str, Any]) -> Entry:
    """Build an entry from :func:`entry_to_dict` data.

    Raises
    ------
    FormatError
        If the kind is unknown or a field is missing or invalid.
    """
    if not isinstance(data, Mapping):
        raise FormatError([f"$: an entry is a JSON object, not {type(data).__name__}"])
    fields = dict(data)
    kind = fields.pop("kind", None)
    cls = ENTRY_CLASSES.get(kind) if isinstance(kind, str) else None
    if cls is None:
        known = ", ".join(ENTRY_CLASSES)
        raise FormatError([f"$.kind: unknown entry kind {kind!r} (expected one of: {known})"])
    try:
        if isinstance(fields.get("at"), str):
            fields["at"] = dt.datetime.fromisoformat(fields["at"])
        if isinstance(fields.get("until"), str):
            fields["until"] = dt.date.fromisoformat(fields["until"])
        return cls(**fields)
    except InvariantError as exc:
        where = f"$.{exc.field}: " if exc.field else ""
        raise FormatError([f"{where}{exc}"]) from None
    except (TypeError, ValueError) as exc:
        raise FormatError([f"not a {kind} entry: {exc}"]) from None


def canonical_bytes(entry: Entry) -> bytes:
    """The entry's canonical content: sorted-key compact JSON in UTF-8 (what is hashed).

    It equals ``json.dumps(entry_to_dict(entry), sort_keys=True, separators=(",", ":"),
    ensure_ascii=False).encode()``, built directly (this is on the append path).

    Examples
    --------
    >>> import datetime as dt
    >>> e = Adjust(key="k", account="a", points=-2, reason="错", operator="o",
    ...            at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    >>> canonical_bytes(e).decode()
    '{"account":"a","at":"2024-01-01T00:00:00+00:00","key":"k","kind":"adjust","operator":"o","points":-2,"reason":"错"}'
    """
    return _CANONICAL[type(entry)](entry)


_INTS = frozenset({"points", "quantity", "minutes"})
_DATES = frozenset({"at", "until"})


def _canonical_function(cls: type[Any]) -> Callable[[Any], bytes]:
    """Generate the canonical-JSON writer of one entry class (straight-line code)."""
    optional = {f.name for f in attrs.fields(cls) if f.default is None}
    lines = ["def canonical(e, enc=enc):", "    out = '{'"]
    names = sorted(("kind", *_FIELD_NAMES[cls]))
    assert names[0] == "account"
    assert "account" not in optional
    for i, name in enumerate(names):
        comma = "," if i else ""
        if name == "kind":
            lines.append(f'    out += \'{comma}"kind":"{cls.kind}"\'')
            continue
        if name in _INTS:
            value = f"str(e.{name})"
        elif name in _DATES:
            value = f"'\"' + e.{name}.isoformat() + '\"'"
        else:
            value = f"enc(e.{name})"
        text = f"out += '{comma}\"{name}\":' + {value}"
        if name in optional:
            lines.append(f"    if e.{name} is not None:\n        {text}")
        else:
            lines.append(f"    {text}")
    lines.append("    return (out + '}').encode('utf-8')")
    namespace: dict[str, Any] = {"enc": _encode_str}
    exec("\n".join(lines), namespace)
    function: Callable[[Any], bytes] = namespace["canonical"]
    return function


_CANONICAL: dict[type[Any], Callable[[Any], bytes]] = {
    cls: _canonical_function(cls) for cls in ENTRY_CLASSES.values()
}
