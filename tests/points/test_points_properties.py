"""Property tests: any sequence of public calls keeps the ledger's promises.

A stateful machine drives one in-memory ledger and one SQLite ledger with the
same calls and checks after every step that they agree, that every balance is
the sum of its entries, that no redemption ever left an account below what it
could spend and that stock never goes below zero. A separate property checks
first-in first-out expiry against a small reference model.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from wenming.errors import WenmingError
from wenming.points import (
    Adjust,
    Deduct,
    Earn,
    Entry,
    Expire,
    ExpiryPolicy,
    IdempotencyConflictError,
    Item,
    Ledger,
    PointsScheme,
    Redeem,
    Reverse,
    Rule,
)

UTC = dt.UTC
START = dt.datetime(2023, 1, 1, 8, 0, tzinfo=UTC)
ACCOUNTS = ["a", "b", "c"]
ITEMS = {"soap": 3, "oil": 20}
SCHEME = PointsScheme(
    name="property",
    owner="610924",
    rules=(
        Rule(code="good", label="good", points=4, cap=24, per="month"),
        Rule(code="great", label="great", points=15),
        Rule(code="bad", label="bad", points=-6),
    ),
    opening=10,
    threshold=10,
    floor=5,
    expiry=ExpiryPolicy.after_months(6),
)


def outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", call()
    except WenmingError as exc:
        return type(exc).__name__, str(exc)


class TwoStores(RuleBasedStateMachine):
    """The same calls on a memory ledger and a SQLite ledger."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="wenming-points-"))
        self.ledgers = [
            Ledger.in_memory(SCHEME),
            Ledger.create(self.folder / "p.ledger", SCHEME, synchronous="off"),
        ]
        self.now = START
        self.keys: list[str] = []
        self.stocked: dict[str, int] = dict.fromkeys(ITEMS, 0)
        self.counter = 0

    def teardown(self) -> None:
        for ledger in self.ledgers:
            ledger.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def both(self, call: Callable[[Ledger], Any]) -> tuple[str, Any]:
        results = [outcome(lambda lg=lg: call(lg)) for lg in self.ledgers]  # type: ignore[misc]
        assert results[0] == results[1], results
        if results[0][0] == "ok" and isinstance(results[0][1], tuple):
            self.keys.extend(e.key for e in results[0][1] if hasattr(e, "key"))
        elif results[0][0] == "ok" and hasattr(results[0][1], "key"):
            self.keys.append(results[0][1].key)
        return results[0]

    def key(self) -> str:
        self.counter += 1
        return f"k{self.counter}"

    @initialize()
    def open_accounts(self) -> None:
        self.both(lambda lg: lg.open_accounts(ACCOUNTS, at=self.now, operator="o"))

    @rule(days=st.integers(0, 60))
    def time_passes(self, days: int) -> None:
        self.now += dt.timedelta(days=days)

    @rule(code=st.sampled_from(sorted(ITEMS)), quantity=st.integers(0, 3))
    def restock(self, code: str, quantity: int) -> None:
        item = Item(code=code, name=code, price=ITEMS[code])
        status, _ = self.both(lambda lg: lg.add_stock(item, quantity))
        assert status == "ok"
        self.stocked[code] += quantity

    @rule(
        account=st.sampled_from(ACCOUNTS),
        code=st.sampled_from(["good", "great"]),
        quantity=st.integers(1, 3),
    )
    def earn(self, account: str, code: str, quantity: int) -> None:
        key = self.key()
        self.both(
            lambda lg: lg.earn(
                account, code, quantity=quantity, key=key, at=self.now, operator="o"
            )
        )

    @rule(account=st.sampled_from(ACCOUNTS), quantity=st.integers(1, 2))
    def deduct(self, account: str, quantity: int) -> None:
        key = self.key()
        self.both(
            lambda lg: lg.deduct(
                account, "bad", quantity=quantity, key=key, at=self.now, operator="o"
            )
        )

    @rule(account=st.sampled_from([*ACCOUNTS, "ghost"]), points=st.integers(-30, 30))
    def adjust(self, account: str, points: int) -> None:
        key = self.key()
        self.both(lambda lg: lg.adjust(account, points, "r", key=key, at=self.now, operator="o"))

    @rule(
        account=st.sampled_from(ACCOUNTS),
        code=st.sampled_from([*sorted(ITEMS), "tea"]),
        quantity=st.integers(1, 3),
    )
    def redeem(self, account: str, code: str, quantity: int) -> None:
        key = self.key()
        self.both(
            lambda lg: lg.redeem(
                account, code, quantity=quantity, key=key, at=self.now, operator="o"
            )
        )

    @precondition(lambda self: bool(self.keys))
    @rule(data=st.data())
    def reverse(self, data: st.DataObject) -> None:
        target = data.draw(st.sampled_from(self.keys))
        key = self.key()
        self.both(lambda lg: lg.reverse(target, key=key, at=self.now, operator="o"))

    @precondition(lambda self: bool(self.keys))
    @rule(data=st.data(), change=st.booleans())
    def replay(self, data: st.DataObject, change: bool) -> None:
        target = data.draw(st.sampled_from(self.keys))
        entry = next(e for e in self.ledgers[0].entries() if e.key == target)
        if change:
            entry = _changed(entry)
        status, result = self.both(lambda lg: lg.append(entry))
        if not change:
            assert status == "ok"
            assert result == entry
        else:
            assert status == "IdempotencyConflictError"

    @rule(
        parts=st.lists(
            st.tuples(
                st.sampled_from(["earn", "redeem", "adjust"]),
                st.sampled_from(ACCOUNTS),
                st.integers(1, 3),
            ),
            min_size=1,
            max_size=6,
        )
    )
    def batch(self, parts: list[tuple[str, str, int]]) -> None:
        entries: list[Entry] = []
        for kind, account, n in parts:
            key = self.key()
            common: dict[str, Any] = {
                "key": key,
                "account": account,
                "at": self.now,
                "operator": "o",
            }
            if kind == "earn":
                entries.append(Earn(points=15 * n, rule="great", quantity=n, **common))
            elif kind == "redeem":
                entries.append(Redeem(points=-3 * n, item="soap", quantity=n, **common))
            else:
                entries.append(Adjust(points=-5 * n, reason="r", **common))
        before = self.ledgers[0].entries()
        status, _ = self.both(lambda lg: lg.append_all(entries))
        if status != "ok":
            assert self.ledgers[0].entries() == before

    @rule(days_back=st.integers(0, 30))
    def expire(self, days_back: int) -> None:
        on = (self.now - dt.timedelta(days=days_back)).date()
        self.both(lambda lg: lg.expire(on, at=self.now, operator="o"))

    @invariant()
    def stores_agree_and_balances_add_up(self) -> None:
        memory, disk = self.ledgers
        assert memory.entries() == disk.entries()
        assert memory.balances() == disk.balances()
        assert memory.items() == disk.items()
        for account in ACCOUNTS:
            history = memory.history(account)
            assert memory.balance(account) == sum(e.points for e in history)
            assert memory.spendable(account, on=self.now.date()) >= 0
            running = 0
            for entry in history:
                running += entry.points
                if type(entry) is Redeem:
                    assert running >= SCHEME.threshold

    @invariant()
    def stock_is_never_negative(self) -> None:
        redeemed = dict.fromkeys(ITEMS, 0)
        # reversing a redemption returns the points, not the goods
        for e in self.ledgers[0].entries():
            if type(e) is Redeem:
                redeemed[e.item] += e.quantity
        for line in self.ledgers[0].items():
            assert line.stock >= 0
            assert line.stock == self.stocked[line.item.code] - redeemed[line.item.code]

    @invariant()
    def verify_is_clean(self) -> None:
        for ledger in self.ledgers:
            assert ledger.verify() == ()


def _changed(entry: Entry) -> Entry:
    import attrs

    return attrs.evolve(entry, operator=entry.operator + "-x")


TwoStores.TestCase.settings = settings(
    max_examples=50,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestTwoStores = TwoStores.TestCase


# ------------------------------------------------------------- expiry is FIFO

Step = tuple[int, str, int]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 90), st.sampled_from(["earn", "spend", "expire"]), st.integers(1, 5)
        ),
        max_size=30,
    )
)
def test_expiry_consumes_and_expires_first_in_first_out(steps: list[Step]) -> None:
    scheme = PointsScheme(
        name="fifo",
        owner="610924",
        rules=(Rule(code="r", label="r", points=1),),
        expiry=ExpiryPolicy.after_months(3),
    )
    ledger = Ledger.in_memory(scheme)
    ledger.open_account("a", at=START, operator="o")
    lots: list[list[Any]] = []  # reference: [remaining, expires_on], oldest first
    now = START
    for i, (days, kind, n) in enumerate(steps):
        now += dt.timedelta(days=days)
        if kind == "earn":
            ledger.earn("a", "r", quantity=n, key=f"e{i}", at=now, operator="o")
            lots.append([n, scheme.expiry.expires_on(now.date())])
        elif kind == "spend":
            ledger.adjust("a", -n, "spend", key=f"s{i}", at=now, operator="o")
            need = n
            for lot in lots:
                take = min(need, lot[0])
                lot[0] -= take
                need -= take
            assert need == 0 or sum(lot[0] for lot in lots) == 0
            if need:  # spending more than the lots hold is debt, repaid by later earnings
                lots.append([-need, None])
        else:
            due = sum(r for r, exp in lots if exp is not None and exp <= now.date() and r > 0)
            posted = ledger.expire(now.date(), at=now, operator="o")
            assert sum(-e.points for e in posted) == due
            for lot in lots:
                if lot[1] is not None and lot[1] <= now.date() and lot[0] > 0:
                    lot[0] = 0
        lots = _repay(lots)
        assert ledger.balance("a") == sum(r for r, _ in lots)


def _repay(lots: list[list[Any]]) -> list[list[Any]]:
    """Let debt (negative lots) eat the positive lots that came after it, FIFO."""
    out: list[list[Any]] = []
    debt = 0
    for remaining, expires in lots:
        if remaining < 0:
            debt += -remaining
            continue
        paid = min(debt, remaining)
        debt -= paid
        if remaining - paid:
            out.append([remaining - paid, expires])
    if debt:
        out.append([-debt, None])
    return out


# ------------------------------------------------- canonical content is plain JSON

_ids = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=12).filter(
    lambda s: s == s.strip()
)


@given(
    key=_ids,
    account=_ids,
    reason=_ids,
    points=st.integers(-(10**12), 10**12).filter(bool),
    offset=st.integers(-12 * 60, 14 * 60),
    micro=st.integers(0, 999_999),
)
def test_canonical_bytes_are_sorted_compact_json(
    key: str, account: str, reason: str, points: int, offset: int, micro: int
) -> None:
    import json

    from wenming.points.entries import canonical_bytes, entry_to_dict

    tz = dt.timezone(dt.timedelta(minutes=offset))
    at = dt.datetime(2024, 2, 29, 23, 59, 59, micro, tzinfo=tz)
    common: dict[str, Any] = {"key": key, "account": account, "at": at, "operator": reason}
    size = abs(points)
    for entry in (
        Adjust(points=points, reason=reason, **common),
        Reverse(points=points, reverses=reason, **common),
        Reverse(points=points, reverses=reason, reason=reason, **common),
        Earn(points=size, rule=reason, quantity=micro + 1, **common),
        Earn(points=size, service_record=reason, minutes=micro + 1, **common),
        Deduct(points=-size, rule=reason, **common),
        Redeem(points=-size, item=reason, quantity=2, **common),
        Expire(points=-size, until=at.date(), **common),
    ):
        expected = json.dumps(
            entry_to_dict(entry), sort_keys=True, separators=(",", ":"), ensure_ascii=False
        ).encode("utf-8")
        assert canonical_bytes(entry) == expected


# Keys from a few families, in any order, with repeats (same content) and clashes
# (a key reused for other content): the memory store's gap and lazy key index must
# take exactly the new keys, as a plain dict of keys would.
_batch_steps = st.lists(
    st.lists(
        st.tuples(
            st.sampled_from(["a", "open:", "m", "z", "2024-"]),
            st.integers(0, 40),
            st.integers(1, 2),  # points: 1 is the key's content; 2 clashes unless new
        ),
        min_size=1,
        max_size=8,
    ),
    max_size=25,
)


@settings(max_examples=200, deadline=None)
@given(_batch_steps, st.booleans())
def test_memory_store_takes_each_key_once(batches: list[list[Any]], opening: bool) -> None:
    scheme = PointsScheme(name="keys", owner="610924", opening=5 if opening else 0)
    ledger = Ledger.in_memory(scheme)
    ledger.open_accounts(["x"], at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC), operator="o")
    model: dict[str, Entry] = {e.key: e for e in ledger.entries()}
    for batch in batches:
        entries = [
            Adjust(
                key=f"{family}{number:03d}",
                account="x",
                points=points,
                reason="r",
                at=dt.datetime(2024, 1, 2, tzinfo=dt.UTC),
                operator="o",
            )
            for family, number, points in batch
        ]
        expected: dict[str, Entry] = {}
        clash = False
        for entry in entries:
            old = model.get(entry.key) or expected.get(entry.key)
            if old is None:
                expected[entry.key] = entry
            elif old != entry:
                clash = True
        if clash:
            with pytest.raises(IdempotencyConflictError):
                ledger.append_all(entries)
        else:
            result = ledger.append_all(entries)
            assert result == tuple(model.get(e.key) or expected[e.key] for e in entries)
            model.update(expected)
        assert [e.key for e in ledger.entries()] == list(model)
        assert ledger.balance("x") == sum(e.points for e in model.values())
