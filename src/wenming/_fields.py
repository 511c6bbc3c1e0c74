"""Shared attrs validators and converters for the model's records (private).

Every one of them raises :class:`~wenming.errors.InvariantError` naming the field,
so a bad value never surfaces as a bare ``TypeError``/``ValueError``.
"""

from __future__ import annotations

import datetime as dt
import enum
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol, TypeAlias, TypeVar

import attrs

from wenming.errors import InvariantError, quote

E = TypeVar("E", bound=enum.Enum)
T = TypeVar("T")


def _type_error(name: str, expected: str, value: object) -> InvariantError:
    return InvariantError(
        f"{name} must be {expected}, not {type(value).__name__}", field=name, value=value
    )


def _encodable(name: str, value: str) -> None:
    if value.isascii():  # no lone surrogate, and no bytes object made to find out
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InvariantError(
            f"{name} contains a lone surrogate and cannot be written as UTF-8", field=name
        ) from None


def check_identifier(name: str, value: object) -> str:
    """Return ``value`` if it is an id: a non-empty string without surrounding spaces."""
    if not isinstance(value, str):
        raise _type_error(name, "a string", value)
    _encodable(name, value)
    if not value or value != value.strip():
        raise InvariantError(
            f"{name} {quote(value)} must be non-empty, without surrounding spaces",
            field=name,
            value=value,
        )
    return value


def shared_identifier(name: str, value: object) -> str:
    """Return ``value`` as :func:`check_identifier` does, as the one shared copy of its text.

    For ids that many records repeat (the account of every ledger entry): equal ids
    then share one string object, which saves memory and makes every dictionary
    look-up by them an identity hit.

    >>> a = shared_identifier("account", "".join(["hh", "-1"]))
    >>> a is shared_identifier("account", "hh-" + "1")
    True
    """
    checked = check_identifier(name, value)
    return sys.intern(checked if type(checked) is str else str.__str__(checked))


def text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate a required piece of text: a string that is not blank."""
    if not isinstance(value, str):
        raise _type_error(attribute.name, "a string", value)
    if not value.strip():
        raise InvariantError(f"{attribute.name} must not be blank", field=attribute.name)
    _encodable(attribute.name, value)


def optional_text(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate optional text: ``None`` or a string that is not blank."""
    if value is not None:
        text(instance, attribute, value)


def optional_date(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Validate an optional calendar date (a ``datetime`` is refused: dates only)."""
    if value is not None and type(value) is not dt.date:
        raise _type_error(attribute.name, "a date", value)


def to_enum(cls: type[E], name: str, value: object) -> E:
    """Return ``value`` as a member of ``cls``, or say which values are allowed."""
    if isinstance(value, cls):
        return value
    member = cls._value2member_map_.get(value) if isinstance(value, str) else None
    if member is not None:
        return member  # type: ignore[return-value]
    try:
        return cls(value)
    except ValueError:
        allowed = ", ".join(str(m.value) for m in cls)
        raise InvariantError(
            f"{name} {quote(value)} is not one of: {allowed}", field=name, value=value
        ) from None


def to_frozenset(item: Callable[[Any], T], name: str, value: object) -> frozenset[T]:
    """Return any iterable but a string or a mapping as a frozenset of ``item(x)``."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _type_error(name, "a list or set", value)
    return frozenset(map(item, value))


def to_real(name: str, value: object, *, low: float, high: float, low_open: bool = False) -> float:
    """Return ``value`` as a ``float``, refusing non-numbers and values out of range."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(name, "a number", value)
    try:
        number = float(value) + 0.0  # + 0.0 turns -0.0 into 0.0: equal values, equal bytes
    except OverflowError:
        raise InvariantError(f"{name} is too large", field=name) from None
    below = number <= low if low_open else number < low
    if not math.isfinite(number) or below or number > high:
        opening = "(" if low_open else "["
        raise InvariantError(
            f"{name} {value} is outside {opening}{_plain(low)}, {_plain(high)}]",
            field=name,
            value=value,
        )
    return number


def _plain(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


class SupportsDate(Protocol):
    """Anything with a ``.date()`` method (a ``datetime``, a pandas ``Timestamp``)."""

    def date(self) -> dt.date: ...


DateLike: TypeAlias = "dt.date | str | SupportsDate | None"
"""What ``as_of=`` accepts: a date, an ISO date string, anything with ``.date()``, or None."""


def as_date(value: object, name: str = "as_of") -> dt.date | None:
    """Return ``value`` as a :class:`datetime.date` (or ``None``), or raise a clear error.

    Accepts a date, an ISO string (``"2023-08-01"``), a ``datetime`` or anything
    with a ``.date()`` method (a pandas ``Timestamp``).

    Examples
    --------
    >>> as_date("2023-08-01"), as_date(dt.datetime(2023, 8, 1, 9, 30))
    (datetime.date(2023, 8, 1), datetime.date(2023, 8, 1))
    >>> as_date("August")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: as_of 'August' is not a date; expected YYYY-MM-DD
    """
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            try:
                return dt.datetime.fromisoformat(value.strip()).date()
            except ValueError:
                raise InvariantError(
                    f"{name} {quote(value)} is not a date; expected YYYY-MM-DD",
                    field=name,
                    value=value,
                ) from None
    to_date = getattr(value, "date", None)
    if callable(to_date) and not isinstance(value, type):
        try:
            day = to_date()
        except Exception:  # e.g. pandas NaT
            day = None
        if type(day) is dt.date:
            return day
    if isinstance(value, dt.date):  # a date subclass
        try:
            return dt.date(value.year, value.month, value.day)
        except (TypeError, ValueError):  # pandas NaT is a datetime without a date
            pass
    raise InvariantError(
        f"{name} must be a date, an ISO date string or a datetime, not {type(value).__name__}",
        field=name,
        value=value,
    )
