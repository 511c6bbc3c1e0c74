"""The in-memory store against SQLite and against its own invariants, step by step.

:class:`~wenming.points.MemoryStore` takes shortcuts SQLite does not: it proves a
key new without a look-up when it lies in a gap (two keys with no key of the ledger
between them), indexes keys and account histories lazily, keeps a bound ``_peak``
on balances so a batch can skip the balance checks, and undoes a failed write by
hand. A stateful machine drives an in-memory ledger and a SQLite ledger with the
same calls (keys rising, random and repeated; batches mixing old entries in; raw
transactions that fail half-way) and checks after every step that

* both ledgers hold the same entries and balances and refuse the same calls with
  the same error class;
* the memory store's internals agree with its log: no key twice; every entry of
  ``_entries[:_keyed]`` in ``_by_key`` and nothing else there; no key strictly
  inside the gap (``_low``, ``_high``); balances the sums of the entries;
  ``_peak`` at least every balance either side of zero; ``_by_account`` the log's
  first ``_indexed`` entries, account by account.

Faults are injected into the memory store (its log or an account's history list
refuses an append, the key index or the history index is interrupted): the
interrupted write must leave the store exactly as it was. A second run scales the
balance and points limits down so the near-the-limit paths (``_peak`` and the full
balance check) run as well.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

import wenming.points.ledger as ledger_module
import wenming.points.memory as memory_module
from wenming.points import (
    Account,
    Adjust,
    Deduct,
    Earn,
    Entry,
    ExpiryPolicy,
    Item,
    Ledger,
    LedgerFileError,
    MemoryStore,
    Reverse,
    StockLine,
    conduct_card,
)
from wenming.points.store import KeyClash, LedgerTransaction

SCHEME = attrs.evolve(conduct_card(), expiry=ExpiryPolicy.after_months(1), threshold=0)
AT = dt.datetime(2024, 1, 15, tzinfo=dt.UTC)
ACCOUNTS = ["x", "y", "z", "w", "q"]  # "q" is never opened
OPENABLE = ACCOUNTS[:4]
SETTINGS = settings(
    max_examples=130,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Short keys collide often and straddle the gap; the named ones are the keys the
# ledger itself makes (opening, expiry) and the extremes of the order.
KEYS = st.one_of(
    st.text(alphabet="abcn:", min_size=1, max_size=3),
    st.sampled_from(
        [
            "open:x",
            "open:y",
            "open:z",
            "open:q",
            "o",
            "open",
            "open:",
            "open:xx",
            "p",
            "expire:x:2024-03-01",
            "expire:y:2024-03-01",
            "~",
            "0",
        ]
    ),
)
DAYS = st.integers(0, 90).map(lambda days: AT + dt.timedelta(days=days))
EARN_RULES = {"volunteering": 3, "reformed-customs": 10}  # uncapped: the fast path
DEDUCT_RULES = {"littering": -5, "lavish-banquet": -20}


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    """An earn, deduct or adjustment, mostly valid; some capped, some refused."""
    kind = draw(st.sampled_from(["earn", "earn-capped", "earn-wrong", "deduct", "adjust"]))
    key, account, at = draw(KEYS), draw(st.sampled_from(ACCOUNTS)), draw(DAYS)
    quantity = draw(st.integers(1, 3))
    if kind in ("earn", "earn-capped"):
        # an uncapped rule (the fast path) or filial-care, 5 points, capped a month
        code = draw(st.sampled_from(sorted(EARN_RULES))) if kind == "earn" else "filial-care"
        per = EARN_RULES.get(code, 5)
        return Earn(
            key=key,
            account=account,
            points=per * quantity,
            rule=code,
            quantity=quantity,
            at=at,
            operator="op",
        )
    if kind == "earn-wrong":  # the rule's points are 3: refused
        return Earn(key=key, account=account, points=4, rule="volunteering", at=at, operator="op")
    if kind == "deduct":
        code = draw(st.sampled_from(sorted(DEDUCT_RULES)))
        points = DEDUCT_RULES[code] * quantity
        return Deduct(
            key=key,
            account=account,
            points=points,
            rule=code,
            quantity=quantity,
            at=at,
            operator="op",
        )
    points = draw(st.integers(-50, 50).filter(bool))
    return Adjust(key=key, account=account, points=points, reason="r", at=at, operator="op")


BATCHES = st.lists(entries(), min_size=1, max_size=6)

Outcome = tuple[str, object]


def outcome(call: Callable[[], object]) -> Outcome:
    """What a call returned, or the class of what it raised (not an interruption)."""
    try:
        return "ok", call()
    except MemoryError:  # injected: the caller decides
        raise
    except Exception as exc:
        return "err", type(exc).__name__


class Boom(Exception):
    """A transaction's work failing after it appended."""


class FailingLog(list[Entry]):
    """A log that raises ``MemoryError`` at its ``countdown``-th append or extend.

    An extend that fails puts ``part`` of its entries in first, as a list that
    runs out of memory half-way through growing might.
    """

    def __init__(self, log: Iterable[Entry], countdown: int, part: int) -> None:
        super().__init__(log)
        self.countdown = countdown
        self.part = part

    def _fails(self) -> bool:
        self.countdown -= 1
        return self.countdown == 0

    def append(self, entry: Entry, /) -> None:
        if self._fails():
            raise MemoryError
        super().append(entry)

    def extend(self, more: Iterable[Entry], /) -> None:
        batch = list(more)
        if self._fails():
            super().extend(batch[: self.part])
            raise MemoryError
        super().extend(batch)


Snapshot = tuple[list[Entry], dict[str, int], dict[str, Account], dict[str, StockLine], set[str]]


def snapshot(store: MemoryStore) -> Snapshot:
    """The store's contents (not its indexes, which may lag and catch up)."""
    return (
        list(store._entries),
        dict(store._balances),
        dict(store._accounts),
        dict(store._stock),
        set(store._reversed),
    )


def check_memory(store: MemoryStore) -> None:
    """Assert the memory store's invariants."""
    log = store._entries
    keys = [entry.key for entry in log]
    assert len(keys) == len(set(keys)), "a key twice in the log"
    assert store._keyed <= len(log), "_keyed past the log"
    assert store._indexed <= len(log), "_indexed past the log"
    for entry in log[: store._keyed]:
        assert store._by_key.get(entry.key) is entry, f"{entry.key!r} not in the key index"
    in_log = {id(entry) for entry in log}
    for key, entry in store._by_key.items():
        assert entry.key == key, f"{key!r} indexes an entry of key {entry.key!r}"
        assert id(entry) in in_log, f"the key index holds {key!r}, not in the log"
    low, high = store._low, store._high
    inside = [key for key in keys if low < key and (high is None or key < high)]
    assert not inside, f"keys {inside} inside the gap ({low!r}, {high!r})"
    sums = dict.fromkeys(store._accounts, 0)
    for entry in log:
        sums[entry.account] += entry.points
    assert store._balances == sums, "balances are not the sums of the entries"
    largest = max(map(abs, store._balances.values()), default=0)
    assert store._peak >= largest, f"_peak {store._peak} below a balance of {largest}"
    assert store._by_account.keys() == store._accounts.keys(), "history of a non-account"
    indexed = log[: store._indexed]
    for account, history in store._by_account.items():
        expected = [entry for entry in indexed if entry.account == account]
        assert list(map(id, history)) == list(map(id, expected)), f"history of {account!r}"
    assert store._reversed == {entry.reverses for entry in log if isinstance(entry, Reverse)}


def refused_on_clash(ledger: Ledger, work: Callable[[LedgerTransaction], int]) -> object:
    """Run a raw write (no ledger checks); a clash with an entry is ``"refused"``.

    A repeated reversal clashes on its key and on what it reverses: the memory
    store checks the key (``KeyClash``), SQLite may hit the unique index on
    ``reverses`` first and report the file inconsistent. The ledger never
    appends such an entry, so the two count alike here.
    """
    try:
        return ledger.store.write(work)
    except (KeyClash, LedgerFileError):
        return "refused"


class MemoryAgainstSqlite(RuleBasedStateMachine):
    """The same calls on an in-memory ledger and a SQLite ledger."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory(dir=folder)
        self.mem = Ledger.in_memory(SCHEME)
        self.sql = Ledger.create(Path(self.folder.name) / "l.ledger", SCHEME, synchronous="normal")
        store = self.mem.store
        assert isinstance(store, MemoryStore)
        self.store = store
        self.tick = 0  # the last time-ordered key made

    def teardown(self) -> None:
        self.sql.close()
        self.folder.cleanup()

    def both(self, call: Callable[[Ledger], object]) -> None:
        in_memory, in_sqlite = outcome(lambda: call(self.mem)), outcome(lambda: call(self.sql))
        assert in_memory == in_sqlite

    @rule(ids=st.lists(st.sampled_from(OPENABLE), min_size=1, max_size=3))
    def open_accounts(self, ids: list[str]) -> None:
        self.both(lambda ledger: ledger.open_accounts(ids, at=AT, operator="op"))

    @rule(batch=BATCHES)
    def append_all(self, batch: list[Entry]) -> None:
        self.both(lambda ledger: ledger.append_all(batch))

    @rule(entry=entries())
    def append(self, entry: Entry) -> None:
        self.both(lambda ledger: ledger.append(entry))

    @rule(batch=BATCHES, data=st.data())
    def append_with_repeats(self, batch: list[Entry], data: st.DataObject) -> None:
        old = list(self.mem.entries())
        if old:
            repeats = data.draw(st.lists(st.sampled_from(old), max_size=3))
            batch = data.draw(st.permutations(batch + repeats))
        self.both(lambda ledger: ledger.append_all(batch))

    @rule(count=st.integers(1, 8), step=st.integers(1, 3), data=st.data())
    def append_rising(self, count: int, step: int, data: st.DataObject) -> None:
        """Time-ordered keys (the usual kind), now and then another key among them."""
        batch = []
        for _ in range(count):
            entry = data.draw(entries())
            if data.draw(st.integers(0, 4)):
                self.tick += step
                entry = attrs.evolve(entry, key=f"m{self.tick:04}")
            batch.append(entry)
        self.both(lambda ledger: ledger.append_all(batch))

    @rule(key=KEYS, account=st.sampled_from(ACCOUNTS), points=st.integers(-30, 30).filter(bool))
    def adjust(self, key: str, account: str, points: int) -> None:
        self.both(
            lambda ledger: ledger.adjust(account, points, "r", key=key, at=AT, operator="op")
        )

    @rule(reversed_key=KEYS, key=KEYS, data=st.data())
    def reverse(self, reversed_key: str, key: str, data: st.DataObject) -> None:
        old = [entry.key for entry in self.mem.entries()]
        if data.draw(st.booleans(), label="reverse an entry of the ledger") and old:
            reversed_key = data.draw(st.sampled_from(old))
        self.both(lambda ledger: ledger.reverse(reversed_key, key=key, at=AT, operator="op"))

    @rule(key=KEYS, account=st.sampled_from(ACCOUNTS), quantity=st.integers(1, 2))
    def redeem(self, key: str, account: str, quantity: int) -> None:
        soap = Item(code="soap", name="soap", price=7)
        self.both(lambda ledger: ledger.add_stock(soap, 1))
        self.both(
            lambda ledger: ledger.redeem(
                account, "soap", key=key, at=AT, operator="op", quantity=quantity
            )
        )

    @rule(days=st.integers(0, 120))
    def expire(self, days: int) -> None:
        on = (AT + dt.timedelta(days=days)).date()
        self.both(lambda ledger: ledger.expire(on, at=AT, operator="op"))

    @rule(
        batches=st.lists(st.lists(entries(), min_size=1, max_size=4), min_size=1, max_size=3),
        fail=st.booleans(),
        reads=st.booleans(),
    )
    def raw_write(self, batches: list[list[Entry]], fail: bool, reads: bool) -> None:
        """Several appends in one transaction (reads between them), then maybe a failure."""
        opened = set(self.mem.balances())
        parts = [[e for e in batch if e.account in opened] for batch in batches]
        parts = [part for part in parts if part]

        def work(tx: LedgerTransaction) -> int:
            for part in parts:
                if reads:
                    for entry in part:
                        tx.account_entries(entry.account)
                        tx.entries_by_key([entry.key])
                tx.append(part)
            if fail:
                raise Boom
            return len(parts)

        self.both(lambda ledger: refused_on_clash(ledger, work))

    @rule(
        op=st.sampled_from(["append_all", "write", "open", "reverse", "read"]),
        where=st.sampled_from(
            ["log", "history-list", "key-index-before", "key-index-after", "history"]
        ),
        countdown=st.integers(1, 5),
        part=st.integers(0, 3),
        batch=BATCHES,
        second=st.lists(entries(), min_size=1, max_size=4),
        data=st.data(),
    )
    def interrupted(
        self,
        op: str,
        where: str,
        countdown: int,
        part: int,
        batch: list[Entry],
        second: list[Entry],
        data: st.DataObject,
    ) -> None:
        """A call on the memory ledger with a fault injected: all of it or none of it.

        If the fault fires, the memory store must be as it was (and the SQLite
        ledger is not called); if it does not, both ledgers must agree.
        """
        store = self.store
        ids = data.draw(st.lists(st.sampled_from(OPENABLE), min_size=1, max_size=3))
        old = list(self.mem.entries())
        if data.draw(st.booleans(), label="repeat an entry") and old:
            batch = data.draw(st.permutations([*batch, data.draw(st.sampled_from(old))]))

        def call(ledger: Ledger) -> object:
            if op == "append_all":
                return ledger.append_all(batch)
            if op == "open":
                return ledger.open_accounts(ids, at=AT, operator="op")
            if op == "read":  # an interrupted read must leave the store as it was too
                return ledger.history(ids[0])
            if op == "reverse":
                target = old[0].key if old else batch[0].key
                return ledger.reverse(target, key=second[0].key, at=AT, operator="op")
            opened = set(ledger.balances())

            def work(tx: LedgerTransaction) -> int:
                tx.append([entry for entry in batch if entry.account in opened])
                for account in sorted(opened):  # indexes histories part-way through
                    tx.account_entries(account)
                tx.append([entry for entry in second if entry.account in opened])
                return 1

            return refused_on_clash(ledger, work)

        before = snapshot(store)
        calls = itertools.count(1)
        key_index, history = store._key_index, store._history

        def failing_key_index() -> dict[str, Entry]:
            at_fault = next(calls) == countdown
            if at_fault and where == "key-index-before":
                raise KeyboardInterrupt
            index = key_index()
            if at_fault:
                raise KeyboardInterrupt
            return index

        def failing_history(account: str) -> list[Entry]:
            if next(calls) == countdown:
                raise KeyboardInterrupt
            return history(account)

        patched = vars(store)
        if where == "log":
            store._entries = FailingLog(store._entries, countdown, part)
        elif where == "history-list":  # fails part-way through indexing a history
            store._by_account = {
                account: FailingLog(entries, countdown, part)
                for account, entries in store._by_account.items()
            }
        elif where == "history":
            patched["_history"] = failing_history
        else:
            patched["_key_index"] = failing_key_index
        result: Outcome | None = None
        try:
            result = outcome(lambda: call(self.mem))
        except (KeyboardInterrupt, MemoryError):
            pass
        finally:
            store._entries = list(store._entries)
            store._by_account = {a: list(entries) for a, entries in store._by_account.items()}
            patched.pop("_history", None)
            patched.pop("_key_index", None)
        check_memory(store)
        if result is None:
            assert snapshot(store) == before, "an interrupted write left changes"
        else:
            assert result == outcome(lambda: call(self.sql))

    @rule(account=st.sampled_from(ACCOUNTS))
    def read_history(self, account: str) -> None:
        """Read a history (brings the memory store's history index up to date)."""
        self.both(lambda ledger: ledger.history(account))

    @invariant()
    def agree(self) -> None:
        """Both ledgers agree; the memory store's lazy indexes are left as they are."""
        check_memory(self.store)
        log = self.mem.entries()
        assert log == self.sql.entries()
        balances = self.mem.balances()
        assert balances == self.sql.balances()
        for account in ACCOUNTS:
            assert outcome(partial(self.mem.balance, account)) == outcome(
                partial(self.sql.balance, account)
            )
            if account in balances:  # SQLite's history against the memory log
                expected = tuple(entry for entry in log if entry.account == account)
                assert self.sql.history(account) == expected


class NearTheLimits(MemoryAgainstSqlite):
    """The same, with limits scaled down so that batches reach them."""

    @rule(account=st.sampled_from(OPENABLE), count=st.integers(1, 9), points=st.integers(1, 100))
    def append_bulk(self, account: str, count: int, points: int) -> None:
        self.tick += 1
        batch = [
            Adjust(
                key=f"u{self.tick:04}{i}",
                account=account,
                points=points,
                reason="r",
                at=AT,
                operator="op",
            )
            for i in range(count)
        ]
        self.both(lambda ledger: ledger.append_all(batch))


NESTED_OPS = st.lists(
    st.tuples(
        st.sampled_from(["append_all", "adjust", "reverse", "open", "stock", "redeem", "inner"]),
        BATCHES,
        KEYS,
        st.sampled_from(ACCOUNTS),
        st.booleans(),  # the outer function swallows this call's refusal
        st.booleans(),  # an inner unit fails after its batch
    ),
    min_size=1,
    max_size=5,
)


class NestedCalls(MemoryAgainstSqlite):
    """Ledger calls made inside ``store.write(...)``, joining it (from helper-20's review).

    Inner calls fail or are refused, the outer function swallows some of those and
    goes on, and the whole unit fails or not: both stores end alike, and the memory
    store's internal invariants hold after every call inside the unit too.
    """

    @rule(ops=NESTED_OPS, fail=st.booleans())
    def nested(self, ops: list[tuple[str, list[Entry], str, str, bool, bool]], fail: bool) -> None:
        def call(ledger: Ledger) -> object:
            def step(op: str, batch: list[Entry], key: str, account: str, fails: bool) -> object:
                if op == "append_all":
                    return ledger.append_all(batch)
                if op == "adjust":
                    return ledger.adjust(account, 7, key=key, at=AT, operator="op", reason="r")
                if op == "reverse":
                    keys = [e.key for e in ledger.entries()]
                    target = keys[-1] if keys else key
                    return ledger.reverse(target, key=key, at=AT, operator="op", reason="r")
                if op == "open":
                    return ledger.open_account(account, at=AT, operator="op")
                if op == "stock":
                    return ledger.add_stock(Item(code="soap", name="soap", price=7), 1)
                if op == "redeem":
                    return ledger.redeem(account, "soap", key=key, at=AT, operator="op")

                def inner(tx: LedgerTransaction) -> object:
                    result = ledger.append_all(batch)
                    if fails:
                        raise Boom
                    return result

                return ledger.store.write(inner)

            def work(tx: LedgerTransaction) -> list[Outcome]:
                trace: list[Outcome] = []
                for op, batch, key, account, swallow, inner_fails in ops:
                    try:
                        trace.append(("ok", step(op, batch, key, account, inner_fails)))
                    except Exception as exc:
                        if not swallow:
                            raise
                        trace.append(("err", type(exc).__name__))
                    if ledger is self.mem:
                        check_memory(self.store)
                if fail:
                    raise Boom
                return trace

            return ledger.store.write(work)

        self.both(call)


def run_machine(factory: Callable[[], RuleBasedStateMachine]) -> None:
    """Run a state machine as a test.

    The runner takes any factory; older Hypothesis releases leave it unannotated
    and newer ones annotate it for a class, hence the ``Any`` and both ignores.
    """
    runner: Any = factory
    run_state_machine_as_test(runner, settings=SETTINGS)  # type: ignore[no-untyped-call, unused-ignore]


def test_memory_store_agrees_with_sqlite(tmp_path: Path) -> None:
    run_machine(lambda: MemoryAgainstSqlite(tmp_path))


def test_memory_store_agrees_with_sqlite_near_the_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for module in (memory_module, ledger_module):
        monkeypatch.setattr(module, "BALANCE_LIMIT", 600)
        monkeypatch.setattr(module, "POINTS_LIMIT", 100)
    run_machine(lambda: NearTheLimits(tmp_path))


def test_nested_calls_agree_and_keep_the_invariants(tmp_path: Path) -> None:
    run_machine(lambda: NestedCalls(tmp_path))
