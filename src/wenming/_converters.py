"""Converter and validator factories for record fields (private).

``ident("team", TeamId)``, ``date("end")``, ``division("site")``, ``flag`` …: the
record modules (volunteers, teams, service records, awards, insurance) take plain
``str`` and ISO date strings and get typed ids and dates; every failure is an
:class:`~wenming.errors.InvariantError` naming the field. The plain validators
these build on are in :mod:`wenming._fields` (which cannot know division codes).
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


def ident(name: str, kind: Callable[[str], T]) -> Callable[[str], T]:
    """A converter: a non-empty id string, typed as ``kind``."""

    def convert(value: str) -> T:
        return kind(check_identifier(name, value))

    convert.__name__ = f"_{name}_id"
    return convert


def optional_ident(name: str, kind: Callable[[str], T]) -> Callable[[str | None], T | None]:
    """A converter: ``None`` or an id string, typed as ``kind``."""

    def convert(value: str | None) -> T | None:
        return None if value is None else kind(check_identifier(name, value))

    return convert


def date(name: str) -> Callable[[object], dt.date | None]:
    """A converter: ``None``, a date or an ISO string → an optional date."""

    def convert(value: object) -> dt.date | None:
        if value is None or type(value) is dt.date:
            return value
        if isinstance(value, str):
            return as_date(value, name)
        raise InvariantError(
            f"{name} must be a date, not {type(value).__name__}", field=name, value=value
        )

    return convert


def required_date(name: str) -> Callable[[object], dt.date]:
    """A converter: a date or an ISO string (required)."""
    optional = date(name)

    def convert(value: object) -> dt.date:
        day = optional(value)
        if day is None:
            raise InvariantError(f"{name} is required", field=name)
        return day

    return convert


def division(name: str) -> Callable[[str | None], DivisionCode | None]:
    """A converter: ``None`` or a division code string."""

    def convert(value: str | None) -> DivisionCode | None:
        if value is None:
            return None
        try:
            return DivisionCode.parse(value)
        except InvariantError as exc:
            exc.field = name
            raise

    return convert


def texts(name: str) -> Callable[[object], frozenset[str]]:
    """A converter: an iterable of non-blank strings → a frozenset."""

    def item(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InvariantError(f"{name} holds only non-blank text", field=name)
        return value

    def convert(value: object) -> frozenset[str]:
        return to_frozenset(item, name, value)

    return convert


def flag(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A validator: exactly ``True`` or ``False``."""
    if type(value) is not bool:
        raise InvariantError(
            f"{attribute.name} must be true or false, not {type(value).__name__}",
            field=attribute.name,
            value=value,
        )


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
