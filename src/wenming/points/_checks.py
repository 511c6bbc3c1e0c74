"""Small validators shared by the points model (private).

Every one raises :class:`~wenming.errors.InvariantError` naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from wenming._fields import check_identifier
from wenming.errors import InvariantError


def whole(name: str, value: object, *, low: int | None = None, nonzero: bool = False) -> int:
    """Return ``value`` if it is a whole number (an ``int``, never a bool or float)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvariantError(
            f"{name} must be a whole number, not {type(value).__name__}", field=name, value=value
        )
    if low is not None and value < low:
        raise InvariantError(
            f"{name} must be at least {low}, not {value}", field=name, value=value
        )
    if nonzero and value == 0:
        raise InvariantError(f"{name} must not be zero", field=name, value=value)
    return value


def identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: an id (non-empty string, no surrounding spaces)."""
    check_identifier(attribute.name, value)


def optional_identifier(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: ``None`` or an id."""
    if value is not None:
        check_identifier(attribute.name, value)


def aware(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: a ``datetime`` with a time zone (``+08:00`` for Beijing time)."""
    if not isinstance(value, dt.datetime):
        raise InvariantError(
            f"{attribute.name} must be a datetime, not {type(value).__name__}",
            field=attribute.name,
            value=value,
        )
    if value.utcoffset() is None:
        raise InvariantError(
            f"{attribute.name} {value.isoformat()} has no time zone; "
            "give one, e.g. 2024-03-01T09:00+08:00",
            field=attribute.name,
            value=value,
        )


def date_only(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: a calendar date (a ``datetime`` is refused)."""
    if type(value) is not dt.date:
        raise InvariantError(
            f"{attribute.name} must be a date, not {type(value).__name__}",
            field=attribute.name,
            value=value,
        )


def optional_date_only(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Attrs validator: ``None`` or a calendar date."""
    if value is not None:
        date_only(instance, attribute, value)
