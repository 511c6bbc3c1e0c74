"""Converters and validators for record fields (private).

``to_date(value, "end")``, ``to_division(value, "site")``,
``to_optional_ident(value, "team", TeamId)``, ``flag``, ``after("start")`` …:
the record modules (people, links, governance, volunteers, teams, service
records, awards, insurance) take plain ``str`` and ISO date strings and get
typed ids and dates; every failure is an :class:`~wenming.errors.InvariantError`
naming the field. The plain validators these build on are in
:mod:`wenming._fields` (which cannot know division codes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import attrs

from wenming._fields import as_date, check_identifier, to_frozenset
from wenming.divisions import DivisionCode
from wenming.errors import InvariantError

T = TypeVar("T")


# Direct converters: a record module's named converter (a function, as the attrs
# mypy plugin wants) calls one of these with its field's name; no closure is made
# per record.


def to_optional_ident(value: str | None, name: str, kind: Callable[[str], T]) -> T | None:
    """``None`` or an id string, typed as ``kind``."""
    return None if value is None else kind(check_identifier(name, value))


def to_date(value: object, name: str) -> dt.date | None:
    """``None``, a date or an ISO string → an optional date."""
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, str):
        return as_date(value, name)
    raise InvariantError(
        f"{name} must be a date, not {type(value).__name__}", field=name, value=value
    )


def to_required_date(value: object, name: str) -> dt.date:
    """A date or an ISO string (required)."""
    day = to_date(value, name)
    if day is None:
        raise InvariantError(f"{name} is required", field=name)
    return day


def to_required_division(value: str, name: str) -> DivisionCode:
    """A division code string (required)."""
    try:
        return DivisionCode(value)
    except InvariantError as exc:
        exc.field = name
        raise


def to_division(value: str | None, name: str) -> DivisionCode | None:
    """``None`` or a division code string."""
    return None if value is None else to_required_division(value, name)


def to_texts(value: object, name: str) -> frozenset[str]:
    """An iterable of non-blank strings → a frozenset."""

    def item(text: object) -> str:
        if not isinstance(text, str) or not text.strip():
            raise InvariantError(f"{name} holds only non-blank text", field=name)
        return text

    return to_frozenset(item, name, value)


# A factory, where a callable is wanted (an item converter).


def required_division(name: str) -> Callable[[str], DivisionCode]:
    """A converter: a division code string (required)."""
    return lambda value: to_required_division(value, name)


def flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A validator: exactly ``True`` or ``False``."""
    if type(value) is not bool:
        raise InvariantError(
            f"{attribute.name} must be true or false, not {type(value).__name__}",
            field=attribute.name,
            value=value,
        )


def after(start_field: str) -> Callable[[Any, attrs.Attribute[Any], object], None]:
    """A validator: this date, when set, comes after the date in ``start_field``."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        start = getattr(instance, start_field)
        if value is not None and start is not None and value <= start:
            raise InvariantError(
                f"{attribute.name} {value} must come after {start_field} {start}",
                field=attribute.name,
                value=value,
            )

    return check


def not_before(start_field: str) -> Callable[[Any, attrs.Attribute[Any], object], None]:
    """A validator: this date, when set, is on or after the date in ``start_field``."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
        start = getattr(instance, start_field)
        if value is not None and start is not None and value < start:
            raise InvariantError(
                f"{attribute.name} {value} comes before {start_field} {start}",
                field=attribute.name,
                value=value,
            )

    return check


def age_on(birth: dt.date, day: dt.date) -> int:
    """Whole years from ``birth`` to ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))
