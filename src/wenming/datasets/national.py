"""The national division tables, read from a folder you give, and what counts as a town.

wenming does not ship the official tables (see the datasets page): a user points
:func:`national_table` at their own copy of the 2023 province-to-township CSV
tables, or sets the ``WENMING_DIVISIONS`` environment variable.

:func:`township_role` decides what a township-level row is from its name and its
code together (the digit rule alone misreads three groups of rows of the 2023
table), and :func:`counts_as_town` says whether coverage should expect an
Institute on it. Those two and :func:`national_table` live with the divisions
(:mod:`wenming.divisions`) and are re-exported here. :func:`check_membership` is
the opt-in rule that reports county and township codes the table does not know,
with the nearest real codes.

Examples
--------
>>> from wenming import Division
>>> counts_as_town(Division(code="610924101", name="蒿坪镇"))
True
>>> counts_as_town(Division(code="230803198", name="向阳区直辖村级区划"))  # a placeholder
False
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import TYPE_CHECKING

from wenming.divisions import (
    DIVISIONS_ENV,
    Division,
    DivisionCode,
    DivisionLevel,
    DivisionTable,
    TownshipRole,
    counts_as_town,
    national_table,
    township_role,
)
from wenming.errors import Issue, Severity

if TYPE_CHECKING:
    from wenming.network import Network, NetworkRecords

__all__ = [
    "DIVISIONS_ENV",
    "TownshipRole",
    "check_membership",
    "counts_as_town",
    "national_table",
    "nearest_codes",
    "township_role",
]


def nearest_codes(code: str, known: Iterable[DivisionCode], *, n: int = 3) -> tuple[str, ...]:
    """The ``n`` known codes of the same level nearest ``code`` (by value, then prefix).

    Examples
    --------
    >>> from wenming import DivisionCode
    >>> known = [DivisionCode.parse(c) for c in ["610924101", "610924102", "610924117"]]
    >>> nearest_codes("610924107", known, n=2)
    ('610924102', '610924101')
    """
    wanted = DivisionCode.parse(code)
    width = len(wanted.short)
    same = sorted(k.short for k in known if len(k.short) == width)
    if not same:
        return ()
    value = int(wanted.short)

    def distance(c: str) -> tuple[int, int, str]:
        pairs = enumerate(zip(c, wanted.short, strict=True))
        shared = next((k for k, (a, b) in pairs if a != b), len(c))
        return (-shared, abs(int(c) - value), c)

    i = bisect.bisect_left(same, wanted.short)
    window = same[max(0, i - 3 * n) : i + 3 * n]
    return tuple(sorted(window, key=distance)[:n])


def check_membership(network: Network | NetworkRecords, table: DivisionTable) -> tuple[Issue, ...]:
    """The opt-in membership rule: county and township codes ``table`` does not know.

    Each is a warning ``division-not-in-table`` naming up to three real codes
    nearest it. Village codes are structure-checked only (no public table
    holds them all), and provinces and prefectures are left to the structure
    rules. ``validate()`` does not run this rule; call it when you hold a table.

    Examples
    --------
    >>> from wenming import Network
    >>> table = DivisionTable.of("t", [Division(code="610924", name="紫阳县"),
    ...                               Division(code="610924101", name="蒿坪镇")])
    >>> net = Network()
    >>> net.add_all([Division(code="610924", name="紫阳县"),
    ...              Division(code="610924107", name="合成镇")])
    >>> [(i.code, i.subject) for i in check_membership(net, table)]
    [('division-not-in-table', '610924107')]
    >>> print(check_membership(net, table)[0].message)  # doctest: +NORMALIZE_WHITESPACE
    town 610924107 (合成镇) is not in the t division table; the nearest real codes:
    610924101
    """
    from wenming.network import Network

    records = network.records() if isinstance(network, Network) else network
    divisions: tuple[Division, ...] = records.of("divisions")
    by_level: dict[DivisionLevel, list[DivisionCode]] = {}
    for code, division in table.items():
        by_level.setdefault(division.level, []).append(code)
    issues: list[Issue] = []
    for i, d in enumerate(divisions):
        if d.level not in (DivisionLevel.COUNTY, DivisionLevel.TOWN) or d.code in table:
            continue
        near = nearest_codes(d.code.short, by_level.get(d.level, ()))
        hint = f"; the nearest real codes: {', '.join(near)}" if near else ""
        issues.append(
            Issue(
                code="division-not-in-table",
                severity=Severity.WARNING,
                message=(
                    f"{d.level.label} {d.code.short} ({d.name}) is not in the "
                    f"{table.edition} division table{hint}"
                ),
                subject=d.code.short,
                path=f"$.divisions[{i}].code",
            )
        )
    return tuple(issues)
