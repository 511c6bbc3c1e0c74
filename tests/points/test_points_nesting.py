"""Ledger calls from inside ``ledger.store.write(...)``/``read(...)``: one unit, on both stores.

A function given to ``store.write`` may call the ledger's own methods; each of
them writes through the store again. Those inner writes join the outer one, so
the outer write is still all or nothing — an earlier memory store kept the inner
writes when the outer one failed, and the SQLite store called its file damaged.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest

from wenming.errors import InvariantError
from wenming.points import (
    InsufficientPointsError,
    Item,
    Ledger,
    LedgerTransaction,
    PointsScheme,
    conduct_card,
)
from wenming.points.store import WRITE_IN_READ

MakeLedger = Callable[[PointsScheme], Ledger]  # the make_ledger fixture (conftest.py)
CST = dt.timezone(dt.timedelta(hours=8))
OP = "clerk-li"


def at(day: int) -> dt.datetime:
    return dt.datetime(2024, 3, day, 9, 0, tzinfo=CST)


def opened(make_ledger: MakeLedger) -> Ledger:
    ledger = make_ledger(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    return ledger


def state(ledger: Ledger) -> tuple[Any, ...]:
    return (
        ledger.head(),
        ledger.balances(),
        ledger.entries(),
        ledger.accounts(),
        ledger.items(),
        ledger.households(),
    )


class Boom(Exception):
    pass


def test_a_failed_outer_write_takes_back_every_inner_call(make_ledger: MakeLedger) -> None:
    ledger = opened(make_ledger)
    before = state(ledger)

    def work(tx: LedgerTransaction) -> None:
        ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)  # the fast path
        ledger.append_all([])
        ledger.open_account("hh-3", at=at(5), operator=OP)
        ledger.add_stock(Item(code="soap", name="洗衣皂", price=4), 3)
        ledger.redeem("hh-1", "soap", key="r1", at=at(6), operator=OP)
        ledger.reverse("e1", key="x1", at=at(7), operator=OP, reason="wrong")
        assert ledger.balance("hh-3") == 100  # the inner writes are seen inside
        raise Boom

    with pytest.raises(Boom):
        ledger.store.write(work)
    assert state(ledger) == before
    assert ledger.verify() == ()
    # and the same calls go through afterwards, as if never tried
    ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)
    assert ledger.balance("hh-1") == 105


def test_inner_calls_commit_with_the_outer_write(make_ledger: MakeLedger) -> None:
    ledger = opened(make_ledger)

    def work(tx: LedgerTransaction) -> int:
        ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)
        ledger.deduct("hh-2", "lavish-banquet", key="d1", at=at(5), operator=OP)
        return ledger.balance("hh-1")

    assert ledger.store.write(work) == 105
    assert ledger.balances() == {"hh-1": 105, "hh-2": 80}
    assert [e.key for e in ledger.entries()][-2:] == ["e1", "d1"]
    assert ledger.verify() == ()


def test_a_refused_inner_call_takes_back_only_itself(make_ledger: MakeLedger) -> None:
    ledger = opened(make_ledger)
    ledger.add_stock(Item(code="tv", name="电视", price=500), 1)

    def work(tx: LedgerTransaction) -> str:
        ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)
        try:  # a batch that fails on its second entry: none of it stays
            ledger.store.write(
                lambda _: (
                    ledger.earn("hh-2", "filial-care", key="e2", at=at(5), operator=OP),
                    ledger.redeem("hh-2", "tv", key="r2", at=at(5), operator=OP),
                )
            )
        except InsufficientPointsError as exc:
            return type(exc).__name__
        raise AssertionError("the overdraft was not refused")

    assert ledger.store.write(work) == "InsufficientPointsError"
    assert ledger.balances() == {"hh-1": 105, "hh-2": 100}
    assert "e2" not in {e.key for e in ledger.entries()}
    assert [line.stock for line in ledger.items()] == [1]
    assert ledger.verify() == ()


def test_a_write_inside_a_read_is_refused_by_name(make_ledger: MakeLedger) -> None:
    ledger = opened(make_ledger)
    before = state(ledger)

    def work(view: Any) -> None:
        ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)

    with pytest.raises(InvariantError) as caught:
        ledger.store.read(work)
    assert str(caught.value) == WRITE_IN_READ
    assert state(ledger) == before
    # reads inside a read are fine
    assert ledger.store.read(lambda v: ledger.balance("hh-1") + len(ledger.entries())) == 102
    # and the store is usable afterwards
    ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)
    assert ledger.balance("hh-1") == 105


def test_an_interrupted_outer_write_takes_back_the_inner_ones(make_ledger: MakeLedger) -> None:
    ledger = opened(make_ledger)
    before = state(ledger)

    def work(tx: LedgerTransaction) -> None:
        ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ledger.store.write(work)
    assert state(ledger) == before


def test_another_thread_waits_for_the_outer_write(make_ledger: MakeLedger) -> None:
    """Joining is per thread: a second thread's write is not folded into this one."""
    ledger = opened(make_ledger)
    started = threading.Event()
    results: list[object] = []

    def other() -> None:
        started.set()
        try:
            ledger.earn("hh-2", "filial-care", key="t2", at=at(5), operator=OP)
            results.append(ledger.balance("hh-2"))
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            results.append(exc)

    thread = threading.Thread(target=other)

    def work(tx: LedgerTransaction) -> None:
        ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)
        thread.start()
        started.wait(5)
        raise Boom

    with pytest.raises(Boom):
        ledger.store.write(work)
    thread.join(10)
    assert results == [105]
    assert ledger.balances() == {"hh-1": 100, "hh-2": 105}
    assert ledger.verify() == ()
