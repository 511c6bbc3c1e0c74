"""An in-memory ledger store: for tests, notebooks and what-if runs.

Writes are serial (a lock) and atomic (a failed write is undone before the lock
is released). Nothing survives the process; there is no hash chain, since no one
can edit the entries behind the ledger's back. Balances are kept as entries
arrive; each account's history is indexed when first asked for (one pass over
the entries appended since the last time), so appending pays for the key index
and the balance only. A batch of plain entries (new
keys; earns and deducts under uncapped rules, adjustments) is appended in one
checked pass, :meth:`MemoryStore.append_plain`; the ledger checks any other
batch in full.

Examples
--------
>>> from wenming.points import Ledger, conduct_card
>>> ledger = Ledger(MemoryStore(conduct_card()))
>>> ledger.scheme.opening
100
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeVar

from wenming.points.accounts import Account, Household
from wenming.points.entries import (
    BALANCE_LIMIT,
    POINTS_LIMIT,
    Adjust,
    Deduct,
    Earn,
    Entry,
    Reverse,
)
from wenming.points.schemes import PointsScheme
from wenming.points.shop import Item, StockLine
from wenming.points.store import GENESIS, KeyClash, LedgerTransaction, LedgerView, Posted

__all__ = ["MemoryStore"]

T = TypeVar("T")


class MemoryStore:
    """A ledger store held in memory.

    Parameters
    ----------
    scheme : PointsScheme
        The scheme the ledger keeps.
    """

    def __init__(self, scheme: PointsScheme) -> None:
        self._scheme = scheme
        self._accounts: dict[str, Account] = {}
        self._entries: list[Entry] = []
        self._by_key: dict[str, Entry] = {}
        self._by_account: dict[str, list[Entry]] = {}
        self._indexed = 0  # self._entries[:_indexed] are in self._by_account
        self._balances: dict[str, int] = {}
        self._reversed: set[str] = set()
        self._stock: dict[str, StockLine] = {}
        self._households: dict[str, Household] = {}
        self._lock = threading.RLock()

    def read(self, work: Callable[[LedgerView], T]) -> T:
        """Run ``work`` over the store while no write runs."""
        with self._lock:
            return work(_Txn(self))

    def write(self, work: Callable[[LedgerTransaction], T]) -> T:
        """Run ``work`` atomically: if it raises, every change it made is undone."""
        with self._lock:
            txn = _Txn(self)
            try:
                return work(txn)
            except BaseException:
                txn.undo()
                raise

    def close(self) -> None:
        """Nothing to release."""

    def append_plain(
        self,
        entries: Sequence[Entry],
        earn: Mapping[str | None, int],
        deduct: Mapping[str | None, int],
    ) -> bool:
        """Append a batch of plain entries in one pass, or write nothing and return ``False``.

        The :class:`~wenming.points.Ledger`'s fast path for the common batch: every
        entry an :class:`Earn` under a rule in ``earn``, a :class:`Deduct` under a
        rule in ``deduct`` (rule code to its points; the ledger passes its uncapped
        rules of the right sign) with ``points`` the rule's points × ``quantity``,
        or an :class:`Adjust`; each with a new key, on an existing account. Those
        entries need no other check. At the first entry that is anything else, the
        entries appended so far are taken back and ``False`` is returned: the
        ledger then checks the batch in full.
        """
        with self._lock:
            by_key, balances, log = self._by_key, self._balances, self._entries
            start = len(log)
            earn_points, deduct_points = earn.get, deduct.get
            most, lowest, highest = POINTS_LIMIT, -BALANCE_LIMIT, BALANCE_LIMIT
            balance_of, log_append = balances.get, log.append
            writing: Entry | None = None  # an entry being written, until it is in the log
            try:
                for entry in entries:
                    if type(entry) is Earn:
                        # a missing rule (or a service record) gives 0; no entry has 0 points
                        if entry.points != earn_points(entry.rule, 0) * entry.quantity:
                            break
                    elif type(entry) is Deduct:
                        if entry.points != deduct_points(entry.rule, 0) * entry.quantity:
                            break
                    elif type(entry) is not Adjust:
                        break
                    key, account = entry.key, entry.account
                    balance = balance_of(account)
                    if balance is None or key in by_key:
                        break
                    points = entry.points
                    after = balance + points
                    if not (-most <= points <= most and lowest <= after <= highest):
                        break  # the full check decides
                    writing = entry
                    by_key[key] = entry
                    balances[account] = after
                    log_append(entry)
                    writing = None
                else:
                    return True
            except BaseException:
                # interrupted (KeyboardInterrupt, MemoryError): take back a half-written entry
                if writing is not None and not (len(log) > start and log[-1] is writing):
                    assert balance is not None
                    if by_key.get(writing.key) is writing:
                        del by_key[writing.key]
                    balances[writing.account] = balance
                self._take_back(start)
                raise
            self._take_back(start)
            return False

    def _take_back(self, start: int, balances: Mapping[str, int] | None = None) -> None:
        """Undo appends from log position ``start`` on (``append_plain``'s or a transaction's).

        Keys and any history already indexed are taken back with the entries.
        Balances are set back to ``balances`` (a transaction's snapshot: right
        whatever point an interruption stopped it at) or, without one, restored
        by subtracting the entries' points (``append_plain`` updates a balance
        before it logs the entry).
        """
        log, by_key = self._entries, self._by_key
        by_account, indexed = self._by_account, self._indexed
        for at in range(len(log) - 1, start - 1, -1):
            entry = log[at]
            by_key.pop(entry.key, None)
            if balances is None:
                self._balances[entry.account] -= entry.points
            if at < indexed:
                by_account[entry.account].pop()
        del log[start:]
        self._indexed = min(indexed, start)
        if balances is not None:
            self._balances.update(balances)

    def _history(self, account: str) -> list[Entry]:
        """The account's entries in order; indexes what was appended since the last call."""
        log, by_account = self._entries, self._by_account
        if self._indexed < len(log):
            try:
                for entry in log[self._indexed :]:
                    by_account[entry.account].append(entry)
                self._indexed = len(log)
            except BaseException:
                # interrupted (KeyboardInterrupt, MemoryError): how far it got is not
                # known, so forget the index; the next read builds it from the start
                for entries in by_account.values():
                    entries.clear()
                self._indexed = 0
                raise
        return by_account.get(account, [])


class _Txn:
    """A view of a :class:`MemoryStore` that writes in place and can undo its writes."""

    def __init__(self, store: MemoryStore) -> None:
        self.s = store
        self._undo: list[Callable[[], None]] = []

    def undo(self) -> None:
        for action in reversed(self._undo):
            action()
        self._undo.clear()

    # ------------------------------------------------------------------ reads

    def scheme(self) -> PointsScheme:
        return self.s._scheme

    def accounts(self, ids: Iterable[str]) -> dict[str, Account]:
        known = self.s._accounts
        return {i: known[i] for i in ids if i in known}

    def all_accounts(self) -> list[Account]:
        return list(self.s._accounts.values())

    def balances(self, ids: Iterable[str]) -> dict[str, int]:
        known = self.s._balances
        return {i: known[i] for i in ids if i in known}

    def all_balances(self) -> dict[str, int]:
        return dict(self.s._balances)

    def entries_by_key(self, keys: Iterable[str]) -> dict[str, Entry]:
        known = self.s._by_key
        return {k: known[k] for k in keys if k in known}

    def reversed_keys(self, keys: Iterable[str]) -> set[str]:
        return self.s._reversed.intersection(keys)

    def account_entries(self, account: str) -> list[Entry]:
        return list(self.s._history(account))

    def postings(self) -> Iterator[Posted]:
        for seq, entry in enumerate(self.s._entries, 1):
            yield Posted(seq=seq, entry=entry)

    def head(self) -> tuple[int, str]:
        return len(self.s._entries), GENESIS

    def items(self, codes: Iterable[str]) -> dict[str, StockLine]:
        known = self.s._stock
        return {c: known[c] for c in codes if c in known}

    def all_items(self) -> list[StockLine]:
        return [self.s._stock[c] for c in sorted(self.s._stock)]

    def households(self) -> list[Household]:
        return [self.s._households[h] for h in sorted(self.s._households)]

    def store_problems(self) -> list[str]:
        return []

    # ----------------------------------------------------------------- writes

    def add_account(self, account: Account) -> None:
        s = self.s
        key = account.id

        def undo() -> None:  # registered first: right wherever an interruption stops us
            s._accounts.pop(key, None)
            s._balances.pop(key, None)
            s._by_account.pop(key, None)

        self._undo.append(undo)
        s._accounts[key] = account
        s._balances[key] = 0
        s._by_account[key] = []

    def append(self, entries: Sequence[Entry]) -> None:
        s = self.s
        by_key, balances = s._by_key, s._balances
        for entry in entries:
            if entry.key in by_key:
                raise KeyClash(entry.key)
        start = len(s._entries)
        rev: list[str] = []
        before: dict[str, int] = {e.account: balances[e.account] for e in entries}

        def undo() -> None:
            s._take_back(start, before)
            s._reversed.difference_update(rev)

        self._undo.append(undo)
        s._entries.extend(entries)
        for entry in entries:
            by_key[entry.key] = entry
            balances[entry.account] += entry.points
            if type(entry) is Reverse:
                rev.append(entry.reverses)
                s._reversed.add(entry.reverses)

    def set_stock(self, item: Item, stock: int) -> None:
        s = self.s
        old = s._stock.get(item.code)
        s._stock[item.code] = StockLine(item=item, stock=stock)

        def undo() -> None:
            if old is None:
                del s._stock[item.code]
            else:
                s._stock[item.code] = old

        self._undo.append(undo)

    def put_household(self, household: Household) -> None:
        s = self.s
        old = s._households.get(household.id)
        s._households[household.id] = household

        def undo() -> None:
            if old is None:
                del s._households[household.id]
            else:
                s._households[household.id] = old

        self._undo.append(undo)
