"""Frozen result tables for notebooks: ``str()`` to read, ``to_dict()`` rows for pandas.

The activity and service-request queries return a :class:`Table`: a title, the
column names and the rows as tuples of Python values (dates stay dates).
``str(table)`` aligns the columns; ``table.to_dict()`` is the list of rows as
plain JSON-ready dicts, so ``pandas.DataFrame(table.to_dict())`` is one call.

Examples
--------
>>> t = Table(title="activities per town", columns=("town", "activities"),
...           rows=[("蒿坪镇", 12), ("城关镇", 3)])
>>> print(t)
activities per town
town    activities
蒿坪镇          12
城关镇           3
>>> t.to_dict()
[{'town': '蒿坪镇', 'activities': 12}, {'town': '城关镇', 'activities': 3}]
>>> t.column("activities")
(12, 3)
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

import attrs

from wenming.errors import InvariantError, quote

__all__ = ["Table"]


def _columns(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


def _rows(value: Iterable[Iterable[Any]]) -> tuple[tuple[Any, ...], ...]:
    return tuple(tuple(row) for row in value)


def _plain(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, frozenset | set):
        return sorted(_plain(v) for v in value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, frozenset | set | tuple | list):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return " ".join(map(str, items)) or "—"
    return str(value)


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@attrs.frozen(kw_only=True)
class Table:
    """A query's result: named columns and rows of values.

    Parameters
    ----------
    title : str
        What the table shows (its first line when printed).
    columns : tuple of str
        The column names (keys of :meth:`to_dict` rows).
    rows : tuple of tuple
        The rows, each as long as ``columns``.
    """

    title: str
    columns: tuple[str, ...] = attrs.field(converter=_columns)
    rows: tuple[tuple[Any, ...], ...] = attrs.field(converter=_rows)

    def __attrs_post_init__(self) -> None:
        width = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != width:
                raise InvariantError(
                    f"row {i} has {len(row)} values for {width} columns: {quote(row)}",
                    field="rows",
                )

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        return iter(self.rows)

    def column(self, name: str) -> tuple[Any, ...]:
        """The values of one column, in row order.

        Raises
        ------
        KeyError
            No such column; the message lists them.
        """
        try:
            i = self.columns.index(name)
        except ValueError:
            raise KeyError(
                f"no column {name!r}; the columns are: {', '.join(self.columns)}"
            ) from None
        return tuple(row[i] for row in self.rows)

    def to_dict(self) -> list[dict[str, Any]]:
        """The rows as plain dicts (ISO dates, sorted lists): ``pandas.DataFrame(...)`` ready."""
        columns = self.columns
        return [{c: _plain(v) for c, v in zip(columns, row, strict=True)} for row in self.rows]

    def __str__(self) -> str:
        cells = [list(self.columns)] + [[_shown(v) for v in row] for row in self.rows]
        widths = [max(_width(r[i]) for r in cells) for i in range(len(self.columns))]
        numeric = [
            bool(self.rows)
            and all(
                (isinstance(row[i], int | float) and not isinstance(row[i], bool))
                or row[i] is None
                for row in self.rows
            )
            for i in range(len(self.columns))
        ]
        lines = [self.title]
        for r, row in enumerate(cells):
            parts = []
            for i, cell in enumerate(row):
                pad = " " * (widths[i] - _width(cell))
                parts.append(pad + cell if numeric[i] and r else cell + pad)
            lines.append("  ".join(parts).rstrip())
        return "\n".join(lines)
