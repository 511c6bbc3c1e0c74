"""Records as flat, JSON- and XML-ready attribute dicts (private; model layer).

Graph nodes, DataFrame rows and exports need a record's fields as *scalars*
(``str``, ``int``, ``float``, ``bool``): GraphML and GEXF hold nothing else.
:func:`flat_attributes` turns any attrs record into such a dict, with one plan
per class compiled once:

- ``None`` values are left out (GraphML cannot write them);
- dates are ISO strings, enums their value (an ``IntEnum`` with a ``label`` its
  label), division codes their short form, ``str`` subclasses plain ``str``;
- sets become a sorted, comma-separated string; nested records are flattened
  as ``field_sub`` (``location_lon``);
- **sensitive fields never appear**: those marked with
  ``attrs.field(metadata={SENSITIVE: True})`` (ID numbers, phones) and free-text
  fields named in :data:`PRIVATE_FIELDS` (a ``note`` may hold a phone number).

Examples
--------
>>> from wenming import Division
>>> from wenming.people import Person
>>> flat_attributes(Division(code="610924101", name="蒿坪镇", population=3),
...                 exclude=("explicit_level",))
{'code': '610924101', 'name': '蒿坪镇', 'population': 3, 'level': 'town'}
>>> flat_attributes(Person(id="p1", name="王五", note="电话 138…"))
{'id': 'p1', 'name': '王五', 'synthetic': False}
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from typing import Any

import attrs

from wenming._plain import SENSITIVE
from wenming.divisions import DivisionCode

__all__ = ["PRIVATE_FIELDS", "flat_attributes", "is_private", "scalar"]

PRIVATE_FIELDS = frozenset(
    {
        "note",
        "notes",
        "id_number",
        "id_card",
        "phone",
        "mobile",
        "email",
        "address",
        "birth_date",
        "birthday",
        "guardian",
        "guardian_phone",
    }
)
"""Field names never exported, whatever their metadata says (free text, contact data)."""

Scalar = str | int | float | bool


def is_private(field: attrs.Attribute[Any]) -> bool:
    """True for a field that must never leave the library in a view or export."""
    return bool(field.metadata.get(SENSITIVE)) or field.name in PRIVATE_FIELDS


def scalar(value: Any) -> Scalar | None:
    """The flat, JSON-safe form of one value (``None`` for ``None``).

    Examples
    --------
    >>> scalar(frozenset({"b", "a"})), scalar(dt.date(2023, 8, 1))
    ('a,b', '2023-08-01')
    """
    if value is None:
        return None
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool:
        return value  # type: ignore[no-any-return]
    if isinstance(value, DivisionCode):
        return value.short
    if isinstance(value, enum.Enum):
        if isinstance(value, int) and hasattr(value, "label"):
            return str(value.label)
        inner = value.value
        return inner if isinstance(inner, str | int | float | bool) else str(inner)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, frozenset | set | tuple | list):
        return ",".join(sorted(str(scalar(v)) for v in value))
    return str(value)


_Plan = tuple[tuple[str, bool], ...]  # (field name, is a nested attrs record)
_PLANS: dict[tuple[type[Any], frozenset[str]], _Plan] = {}


def _plan(cls: type[Any], exclude: frozenset[str]) -> _Plan:
    key = (cls, exclude)
    plan = _PLANS.get(key)
    if plan is None:
        plan = tuple(
            (f.name, isinstance(f.type, type) and attrs.has(f.type))
            for f in attrs.fields(cls)
            if not is_private(f) and f.name not in exclude
        )
        _PLANS[key] = plan
    return plan


def flat_attributes(record: Any, *, exclude: Iterable[str] = ()) -> dict[str, Scalar]:
    """Return a record's fields as a flat dict of scalars, sensitive fields left out.

    Parameters
    ----------
    record : attrs instance
        Any wenming record.
    exclude : iterable of str
        Field names to leave out as well.
    """
    out: dict[str, Scalar] = {}
    for name, nested in _plan(type(record), frozenset(exclude)):
        value = getattr(record, name)
        if value is None:
            continue
        if nested or attrs.has(type(value)):
            for sub, inner in flat_attributes(value).items():
                out[f"{name}_{sub}"] = inner
            continue
        flat = scalar(value)
        if flat is not None:
            out[name] = flat
    return out


def plan_fields(cls: type[Any], exclude: Iterable[str] = ()) -> tuple[str, ...]:
    """The names of the fields :func:`flat_attributes` reads for a class."""
    return tuple(name for name, _ in _plan(cls, frozenset(exclude)))


Converter = Callable[[Any], Scalar | None]
