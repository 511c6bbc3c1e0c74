"""Records to and from plain JSON-ready data, without cattrs (private).

One plan per record class, compiled once from its attrs fields:

- keys are the fields' aliases (``Division.explicit_level`` is ``level`` in files);
- a class with a ``kind`` class variable holding an enum member writes it first,
  as the tag of a union (``{"kind": "station", ...}``);
- fields equal to their default are left out; ``init=False`` fields are derived
  and never written;
- dates are ISO strings, sets sorted lists, enums their value (an ``IntEnum`` its
  lower-case name), nested records plain dicts, ``str`` subclasses plain ``str``;
- fields marked sensitive (``attrs.field(metadata={SENSITIVE: True})``: ID numbers,
  phones) are left out unless the caller asks for them with ``sensitive=True``.

:func:`to_plain` is what ``record.to_dict()`` and the file format both use, so the
two can never disagree. :func:`from_plain` is the loader's fast path: it only
turns ISO strings into dates and plain dicts into nested records; every other
check is the records' own converters and validators.
"""

from __future__ import annotations

import datetime as dt
import enum
import typing
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["SENSITIVE", "from_plain", "plan_of", "to_plain"]

SENSITIVE = "wenming.sensitive"
"""The attrs metadata key marking a field as sensitive personal data.

A field with ``metadata={SENSITIVE: True}`` (give it ``repr=False`` too) is left
out of :func:`to_plain`, ``to_dict()`` and default file dumps; only an explicit
``sensitive=True`` writes it.
"""

_Writer = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


def _write_value(value: Any) -> Any:
    """The plain form of any field value (the slow, general path)."""
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, enum.IntEnum):
        return value.name.lower()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set):
        return sorted(_write_value(v) for v in value)
    if isinstance(value, tuple | list):
        return [_write_value(v) for v in value]
    if attrs.has(type(value)):
        return to_plain(value)
    return value


@attrs.frozen
class _Plan:
    tag: tuple[str, Any] | None
    # (attribute name, key in files, default or NOTHING, writer)
    fields: tuple[tuple[str, str, Any, _Writer], ...]
    keys: frozenset[str]
    dates: tuple[tuple[str, bool], ...]  # (key, optional)
    nested: tuple[tuple[str, type[Any]], ...]  # (key, attrs class)
    types: tuple[Any, ...] = ()  # each field's resolved type, ``None`` removed
    sensitive: frozenset[str] = frozenset()  # keys of the fields marked SENSITIVE
    public: tuple[tuple[str, str, Any, _Writer], ...] = ()  # ``fields`` without them


_PLANS: dict[type[Any], _Plan] = {}


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    args = typing.get_args(tp)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0], True
    return tp, False


def plan_of(cls: type[Any]) -> _Plan:
    """Return the compiled plan of an attrs record class."""
    plan = _PLANS.get(cls)
    if plan is not None:
        return plan
    attrs.resolve_types(cls)
    kind = cls.__dict__.get("kind", None)
    for base in cls.__mro__:
        if "kind" in base.__dict__:
            kind = base.__dict__["kind"]
            break
    field_names = {a.name for a in attrs.fields(cls)}
    tag = (
        ("kind", kind.value) if isinstance(kind, enum.Enum) and "kind" not in field_names else None
    )
    fields: list[tuple[str, str, Any, _Writer]] = []
    types: list[Any] = []
    dates: list[tuple[str, bool]] = []
    nested: list[tuple[str, type[Any]]] = []
    for a in attrs.fields(cls):
        if not a.init:
            continue
        key = a.alias or a.name
        default = a.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            default = default.factory()
        inner, _optional = _unwrap_optional(a.type)
        writer: _Writer = _write_value
        if inner is str:
            writer = _identity
        elif inner is dt.date:
            writer = _write_date
            dates.append((key, _optional))
        elif isinstance(inner, type) and attrs.has(inner):
            writer = _write_record
            nested.append((key, inner))
        fields.append((a.name, key, default, writer))
        types.append(inner)
    sensitive = frozenset(
        a.alias or a.name for a in attrs.fields(cls) if a.init and a.metadata.get(SENSITIVE)
    )
    plan = _Plan(
        tag=tag,
        fields=tuple(fields),
        sensitive=sensitive,
        public=tuple(f for f in fields if f[1] not in sensitive),
        keys=frozenset(k for _, k, _, _ in fields) | ({tag[0]} if tag else set()),
        dates=tuple(dates),
        nested=tuple(nested),
        types=tuple(types),
    )
    _PLANS[cls] = plan
    return plan


def _write_date(value: Any) -> Any:
    return None if value is None else value.isoformat()


def _write_record(value: Any) -> Any:
    return None if value is None else to_plain(value)


def to_plain(record: Any, *, sensitive: bool = False) -> dict[str, Any]:
    """Return a record as the plain dict the file format holds.

    Fields marked :data:`SENSITIVE` are left out unless ``sensitive`` is true.

    Examples
    --------
    >>> from wenming import Division
    >>> to_plain(Division(code="441900", name="东莞市", level="county"))
    {'code': '441900000000', 'name': '东莞市', 'level': 'county'}
    """
    plan = _PLANS.get(type(record)) or plan_of(type(record))
    out: dict[str, Any] = {plan.tag[0]: plan.tag[1]} if plan.tag else {}
    for name, key, default, writer in plan.fields if sensitive else plan.public:
        value = getattr(record, name)
        if value is default or value == default:
            continue
        out[key] = writer(value)
    return out


class PlainShapeError(Exception):
    """Raised by :func:`from_plain` for a value of the wrong JSON shape (private)."""


def _read_date(value: Any) -> dt.date:
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise PlainShapeError(f"not a date: {value!r}")


def from_plain(cls: type[Any], value: Any) -> Any:
    """Build a record of ``cls`` from its plain dict (the fast path; see module docs).

    Raises
    ------
    PlainShapeError
        Unknown keys, a value of the wrong JSON type or a malformed date: the
        caller re-runs the detailed converter to name the problem and its path.
    InvariantError
        A value the record's own rules refuse.
    """
    if type(value) is not dict:
        raise PlainShapeError("not an object")
    plan = _PLANS.get(cls) or plan_of(cls)
    if not value.keys() <= plan.keys:
        raise PlainShapeError("unknown keys")
    kwargs = dict(value)
    if plan.tag is not None:
        del kwargs[plan.tag[0]]
    for key, _optional in plan.dates:
        raw = kwargs.get(key)
        if raw is not None:
            kwargs[key] = _read_date(raw)
    for key, nested_cls in plan.nested:
        raw = kwargs.get(key)
        if raw is not None:
            kwargs[key] = from_plain(nested_cls, raw)
    return cls(**kwargs)
