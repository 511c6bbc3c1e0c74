"""The Ziyang reference points ledgers: a household conduct card and volunteer points.

Points are not a section of the network: they live in ledgers, one per scheme
(domain §5). The reference data therefore comes as two ledgers built from the
Ziyang network's own records by :func:`wenming.testing.ledgers.generate_ledger`
with fixed seeds:

:func:`ziyang_volunteer_points`
    The shipped volunteer scheme (:func:`~wenming.points.volunteer_hours`: 10
    points an hour, at most 2 hours counted per activity) over the county: one
    account per volunteer with a service record, every one of the 13,171
    service records earning its points, the yearly commendation of the top 1%
    of volunteers by service minutes, redemptions at the county's points store,
    a few adjustments (late entries of offline service, duplicates taken back)
    and a few reversals.
:func:`ziyang_conduct_card`
    The shipped household conduct card (:func:`~wenming.points.conduct_card`:
    households open at 100 points, only points above 100 can be spent, benefits
    are suspended below 70) kept by the village of 蒿坪合成1村 (610924101201, a
    Station of 蒿坪镇) for 80 households over 2022–2023: their members are the
    village's 65 resident volunteers and synthetic persons, a member's service
    record earns the household the ``volunteering`` rule, the other rules are
    earned and deducted month by month, and households redeem at the village
    points store. A few households end below the floor.

**What is synthetic.** The service records, the volunteers and their villages
come from the Ziyang network, which is itself synthetic below the county and its
towns (see :mod:`wenming.datasets`). Everything else is synthetic too: the
households and their ids (``hh-610924101201-001``), the members who are not
volunteers (``p-610924101201-001-2``), membership changes, the conduct entries,
store visits, adjustments, reversals, operators (``clerk-…``, ``shop-…``,
``sync-…``) and the store's goods and stock. The card's scheme is the shipped
card moved to the village (its ``owner`` and ``name``; the name carries 合成
like every synthetic name of the dataset); its rules are unchanged.

Why two functions returning :class:`~wenming.points.Ledger` and not one object
holding both: a ledger is the unit users already know (balances, history,
``below_floor()``, ``totals_by_rule()``, ``verify()``, the ``wenming ledger``
command on a file), each ledger keeps one scheme, and most callers want one of
the two; each function builds only its own (about a quarter and half a second
once the network is loaded).

Every call builds fresh ledgers (post to them freely); the entries are the same
every call. Pass ``path=`` to build the ledger in a new SQLite file instead of
in memory.
"""

from __future__ import annotations

import os
from functools import cache
from typing import Any

import attrs

from wenming.network import Network
from wenming.points import Ledger, PointsScheme, conduct_card, volunteer_hours
from wenming.testing.ledgers import generate_ledger

__all__ = [
    "ZIYANG_CARD_STATION",
    "ZIYANG_CARD_VILLAGE",
    "ziyang_conduct_card",
    "ziyang_volunteer_points",
]

ZIYANG_CARD_VILLAGE = "610924101201"
"""The village keeping the reference conduct card: 蒿坪合成1村 of 蒿坪镇 (synthetic name)."""

ZIYANG_CARD_STATION = "station-610924101201"
"""The Station of :data:`ZIYANG_CARD_VILLAGE`."""

_HOUSEHOLDS = 80
_CARD_SEED = 610924101
_VOLUNTEER_SEED = 610924
_PERIOD = ("2022-01-01", "2023-12-31")


def _network() -> Network:
    from wenming.datasets import ziyang

    return ziyang()


@cache
def _card_scheme() -> PointsScheme:
    """The shipped conduct card, kept by 蒿坪合成1村 (its rules unchanged)."""
    return attrs.evolve(
        conduct_card(),
        owner=ZIYANG_CARD_VILLAGE,
        name="蒿坪合成1村文明积分卡 (household conduct card)",
    )


def _build(path: str | os.PathLike[str] | None, scheme: PointsScheme, **options: Any) -> Ledger:
    if path is None:
        return generate_ledger(
            _network(), scheme=scheme, ledger=Ledger.in_memory(scheme), **options
        )
    # Reference data, rebuilt at will: the file appears at ``path`` whole, or not
    # at all if the build fails or is killed half-way.
    return Ledger.create(
        path,
        scheme,
        fill=lambda ledger: generate_ledger(_network(), scheme=scheme, ledger=ledger, **options),
    )


def ziyang_conduct_card(*, path: str | os.PathLike[str] | None = None) -> Ledger:
    """Return the reference household conduct card of 蒿坪合成1村, Ziyang (synthetic).

    80 households of the village (their ids, and every member who is not one of
    the village's volunteers, are synthetic) under the shipped conduct card over
    2022–2023: conduct earned and deducted under the card's rules (monthly caps
    respected), the ``volunteering`` rule earned for each service record of a
    member, redemptions at the village points store, a few adjustments and
    reversals, and a few households below the sanction floor.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Build the ledger in a new SQLite file there (see
        :meth:`~wenming.points.Ledger.create`); in memory by default.

    Returns
    -------
    Ledger
        A new ledger every call, with the same entries every call.

    Examples
    --------
    >>> card = ziyang_conduct_card()
    >>> (card.scheme.opening, card.scheme.threshold, card.scheme.floor), card.verify()
    ((100, 100, 70), ())
    >>> len(card.accounts()), len(card.households())
    (80, 80)
    >>> for report in card.below_floor():
    ...     print(report)  # doctest: +ELLIPSIS
    account 'hh-610924101201-...' has ... points, ... below the floor of 70: benefits are ...
    ...
    >>> card.totals_by_rule()["volunteering"] > 0
    True
    >>> card.scheme.owner.short, card.scheme.rules == conduct_card().rules
    ('610924101201', True)
    """
    return _build(
        path,
        _card_scheme(),
        seed=_CARD_SEED,
        start=_PERIOD[0],
        end=_PERIOD[1],
        stations=[ZIYANG_CARD_STATION],
        households_per_station=(_HOUSEHOLDS, _HOUSEHOLDS),
    )


def ziyang_volunteer_points(*, path: str | os.PathLike[str] | None = None) -> Ledger:
    """Return the reference volunteer points ledger of Ziyang County.

    Under the shipped volunteer scheme (10 points an hour, at most 2 hours
    counted per activity), over 2022–2023: one account per volunteer with a
    service record, each record of the network earning its points (key
    ``service:<record id>``), the top 1% of volunteers by each year's service
    minutes commended on 20 December, and a synthetic sprinkling of
    redemptions at the points store, adjustments and reversals.

    Parameters
    ----------
    path : str or os.PathLike, optional
        Build the ledger in a new SQLite file there (see
        :meth:`~wenming.points.Ledger.create`); in memory by default.

    Returns
    -------
    Ledger
        A new ledger every call, with the same entries every call.

    Examples
    --------
    >>> points = ziyang_volunteer_points()
    >>> len(points.accounts()), points.verify()
    (6428, ())
    >>> service = [e for e in points.entries() if e.kind == "earn" and e.service_record]
    >>> len(service)
    13171
    >>> points.history("ZY006485")[0].key
    'service:rec-000001'
    """
    return _build(path, volunteer_hours(), seed=_VOLUNTEER_SEED, start=_PERIOD[0], end=_PERIOD[1])
