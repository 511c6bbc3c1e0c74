"""Ledger calls from inside ``ledger.store.write(...)``/``read(...)``: one unit, on both stores.

A function given to ``store.write`` may call the ledger's own methods; each of
them writes through the store again. Those inner writes join the outer one, so
the outer write is still all or nothing — an earlier memory store kept the inner
writes when the outer one failed, and the SQLite store called its file damaged.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wenming.errors import FileAccessError, InvariantError
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


# ---------------------------------------------------------------- faults (review findings)


def sqlite_ledger(tmp_path: Path) -> Ledger:
    ledger = Ledger.create(tmp_path / "x.ledger", conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    return ledger


def test_a_write_sqlite_rolled_back_stays_rolled_back(tmp_path: Path) -> None:
    """A full disk inside an inner call makes SQLite roll back the whole write.

    If the outer function swallows the error and goes on, nothing more may be
    written: before, the next call's SAVEPOINT started a transaction of its own
    and committed it, so half of the unit stayed on disk.
    """
    ledger = sqlite_ledger(tmp_path)
    before = state(ledger)
    conn: sqlite3.Connection = ledger.store._conn  # type: ignore[attr-defined]
    seen: list[str] = []

    def work(tx: LedgerTransaction) -> None:
        ledger.adjust("hh-2", 1, key="first", at=at(5), operator=OP, reason="r")
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count={pages}")  # the disk is full
        try:
            for n in range(5):
                ledger.adjust("hh-1", 1, key=f"big{n}", at=at(5), operator=OP, reason="x" * 9000)
        except FileAccessError as exc:
            seen.append(str(exc))
        conn.execute("PRAGMA max_page_count=1073741823")
        ledger.adjust("hh-2", 1, key="second", at=at(5), operator=OP, reason="r")

    with pytest.raises(FileAccessError, match="rolled the write back") as caught:
        ledger.store.write(work)
    assert "disk is full" in seen[0], seen
    assert str(tmp_path / "x.ledger") in str(caught.value)
    assert state(ledger) == before
    ledger.close()
    with Ledger.open(tmp_path / "x.ledger") as reopened:
        assert state(reopened) == before
        assert reopened.verify() == ()


def test_errors_inside_a_unit_are_those_outside_it(tmp_path: Path) -> None:
    ledger = sqlite_ledger(tmp_path)
    odd = "hh-\udcff"  # what a non-UTF-8 byte in a command-line argument becomes
    with pytest.raises(InvariantError, match="lone surrogate") as plain:
        ledger.balance(odd)
    with pytest.raises(InvariantError) as nested:
        ledger.store.write(lambda tx: ledger.balance(odd))
    assert str(nested.value) == str(plain.value)
    with pytest.raises(InvariantError) as in_read:
        ledger.store.read(lambda v: ledger.history(odd))
    assert str(in_read.value) == str(plain.value)
    # the caller's own encoding error is the caller's, unchanged
    with pytest.raises(UnicodeEncodeError, match="ascii"):
        ledger.store.write(lambda tx: "résumé".encode("ascii"))
    assert ledger.verify() == ()


class _Interrupting:
    """A connection that raises KeyboardInterrupt right after one statement has run."""

    def __init__(self, conn: sqlite3.Connection, after: str) -> None:
        self._conn, self._after, self.fired = conn, after, False

    def execute(self, sql: str, *args: Any) -> Any:
        result = self._conn.execute(sql, *args)
        if sql == self._after and not self.fired:
            self.fired = True
            raise KeyboardInterrupt
        return result

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def test_an_interruption_just_after_begin_leaves_the_file_unlocked(tmp_path: Path) -> None:
    # A Ctrl-C pending while BEGIN IMMEDIATE waited fires as it returns: the
    # transaction was open outside the try that rolls back, so the file stayed
    # locked and every later call called it damaged.
    ledger = sqlite_ledger(tmp_path)
    store: Any = ledger.store
    real = store._conn
    store._conn = _Interrupting(real, "BEGIN IMMEDIATE")
    try:
        with pytest.raises(KeyboardInterrupt):
            ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)
        assert store._conn.fired
    finally:
        store._conn = real
    assert not real.in_transaction
    ledger.earn("hh-1", "filial-care", key="e1", at=at(5), operator=OP)
    with Ledger.open(tmp_path / "x.ledger") as other:  # another writer is not locked out
        other.earn("hh-2", "filial-care", key="e2", at=at(5), operator=OP)
        assert other.balances() == {"hh-1": 105, "hh-2": 105}


def test_an_undo_interrupted_half_way_finishes_when_run_again() -> None:
    # Undo steps leave the list only once run, and running one twice is harmless:
    # an inner write's undo stopped by a signal is finished by the outer write's.
    from wenming.points import Household, memory
    from wenming.points.memory import MemoryStore

    store = MemoryStore(conduct_card())
    txn: Any = memory._Txn(store)
    txn.set_stock(Item(code="soap", name="皂", price=4), 3)
    txn.put_household(Household(id="hh-9"))
    steps = list(txn._undo)
    fired: list[bool] = []

    def interrupted_once() -> None:
        if not fired:
            fired.append(True)
            raise KeyboardInterrupt

    txn._undo.insert(1, interrupted_once)  # between the two real steps
    with pytest.raises(KeyboardInterrupt):
        txn.undo()
    assert txn._undo == [*steps[:1], interrupted_once]  # the household's step has run
    steps[1]()  # ... and running it again is harmless
    txn.undo()
    assert txn._undo == []
    assert store._stock == {}
    assert store._households == {}
