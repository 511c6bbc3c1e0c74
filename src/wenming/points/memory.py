"""An in-memory ledger store: for tests, notebooks and what-if runs.

Writes are serial (a lock) and atomic (a failed write is undone before the lock
is released). Nothing survives the process; there is no hash chain, since no one
can edit the entries behind the ledger's back. Balances are kept as entries
arrive; the key index and each account's history are built when first needed
(one pass over the entries appended since the last time), so appending pays for
the balance only. The store keeps a gap, two keys with no key of the ledger
between them: a key in the gap above the last one (time-ordered keys, the usual
kind) is new without a look-up, and moves the gap's low end up to it. Any other
key brings the key index up to date and is looked up; when enough entries have
been appended since the last time, the gap is then moved to start at it (a scan
of the index, paid for by those entries). A batch of plain entries (new keys; earns
and deducts under uncapped rules, adjustments) is appended in one checked pass,
:meth:`MemoryStore.append_plain`; the ledger checks any other batch in full.

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
from itertools import islice
from operator import attrgetter, lt
from typing import TypeVar

from wenming.errors import InvariantError
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
from wenming.points.store import (
    GENESIS,
    WRITE_IN_READ,
    KeyClash,
    LedgerTransaction,
    LedgerView,
    Posted,
)

__all__ = ["MemoryStore"]

T = TypeVar("T")

_KEY = attrgetter("key")


def _inside(key: str, low: str, high: str | None) -> bool:
    """Whether ``key`` lies in the gap (``low``, ``high``); ``high`` ``None`` is no bound."""
    return low < key and (high is None or key < high)


def _in_gap(keys: Sequence[str], low: str, high: str | None) -> bool:
    """Whether ``keys`` rise strictly inside the gap (``low``, ``high``): then none is in use."""
    return (
        bool(keys)
        and _inside(keys[0], low, high)
        and _inside(keys[-1], low, high)
        and all(map(lt, keys, islice(keys, 1, None)))
    )


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
        self._keyed = 0  # self._entries[:_keyed] are in self._by_key
        # no key of the ledger lies strictly between _low and _high ("" is below every key)
        self._low: str = ""
        self._high: str | None = None  # no bound
        self._unscanned = 0  # entries appended since the gap was last moved by a scan
        self._by_account: dict[str, list[Entry]] = {}
        self._indexed = 0  # self._entries[:_indexed] are in self._by_account
        self._balances: dict[str, int] = {}
        self._peak = 0  # at least the largest balance either side of zero
        self._reversed: set[str] = set()
        self._stock: dict[str, StockLine] = {}
        self._households: dict[str, Household] = {}
        self._lock = threading.RLock()
        # The read or write this thread is inside (held with the lock): a read or
        # write called from inside one joins it rather than starting its own.
        self._mode: str | None = None
        self._txn: _Txn | None = None

    def read(self, work: Callable[[LedgerView], T]) -> T:
        """Run ``work`` over the store while no write runs.

        Inside a write it sees what the write has changed so far.
        """
        with self._lock:
            outer = self._mode
            try:
                if outer is None:
                    self._mode = "read"
                return work(_Txn(self))
            finally:
                self._mode = outer

    def write(self, work: Callable[[LedgerTransaction], T]) -> T:
        """Run ``work`` atomically: if it raises, every change it made is undone.

        A write called from inside another (a ledger call in a function given to
        ``write``) joins it: if it raises, its own changes are undone; if the outer
        write raises later, the inner one's changes are undone with it.

        Raises
        ------
        InvariantError
            Called from inside a :meth:`read`.
        """
        with self._lock:
            outer_mode, outer = self._mode, self._txn
            if outer_mode == "read":
                raise InvariantError(WRITE_IN_READ)
            txn = _Txn(self)
            try:
                if outer is not None:
                    # registered before any change: an outer undo reaches this
                    # write's changes wherever an interruption stops it
                    outer._undo.append(txn.undo)
                self._mode, self._txn = "write", txn
                return work(txn)
            except BaseException:
                txn.undo()
                raise
            finally:
                self._mode, self._txn = outer_mode, outer

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
            if self._mode is not None:  # inside a read or write: the batch joins it
                return False
            balances, log = self._balances, self._entries
            start, gap = len(log), self._gap()
            low, high = gap[0], gap[1]
            missed = False  # a key outside the gap was new
            # Each entry moves at most POINTS_LIMIT, so no balance can leave the
            # limits while the largest one stays that far inside them (the usual
            # case, by a wide margin): then the loop need not check balances.
            reach = len(entries) * POINTS_LIMIT
            if self._peak + reach > BALANCE_LIMIT:
                self._peak = max(map(abs, balances.values()), default=0)  # exactly
            check_balances = self._peak + reach > BALANCE_LIMIT
            least, most = -POINTS_LIMIT, POINTS_LIMIT
            # rules within the limit only: then an entry of one of them is, unless
            # its quantity is more than 1
            earn = {code: points for code, points in earn.items() if 0 < points <= most}
            deduct = {code: points for code, points in deduct.items() if least <= points < 0}
            lowest, highest = -BALANCE_LIMIT, BALANCE_LIMIT
            earn_class, deduct_class, adjust_class = Earn, Deduct, Adjust
            key_index = self._key_index
            batch = entries if type(entries) is list else list(entries)
            done = 0  # batch[:done] have their balances applied
            flushed = 0  # batch[:flushed] are in the log (the rest goes in at the end)
            try:
                for entry in batch:
                    kind = type(entry)
                    # A KeyError (an unknown rule or account, a service record's
                    # rule None) ends the pass like a break, before anything of the
                    # entry is written. An earn's points are positive and a deduct's
                    # negative by their classes: one bound each to check.
                    if kind is earn_class:
                        points = entry.points
                        rule, quantity = entry.rule, entry.quantity  # type: ignore[union-attr]
                        if quantity == 1:
                            if points != earn[rule]:
                                break
                        elif points != earn[rule] * quantity or points > most:
                            break
                    elif kind is deduct_class:
                        points = entry.points
                        rule, quantity = entry.rule, entry.quantity  # type: ignore[union-attr]
                        if quantity == 1:
                            if points != deduct[rule]:
                                break
                        elif points != deduct[rule] * quantity or points < least:
                            break
                    elif kind is adjust_class:
                        points = entry.points
                        if not least <= points <= most:
                            break
                    else:
                        break
                    key = entry.key
                    account = entry.account
                    after = balances[account] + points
                    if check_balances and not lowest <= after <= highest:
                        break  # the full check decides
                    if low < key and (high is None or key < high):
                        low = key  # no key between the last one and high: new
                        # One statement: CPython delivers a signal at a call or a
                        # backward jump, a tracer at a line, never between its stores.
                        balances[account], done = after, done + 1
                        continue
                    # Outside the gap: the batch so far goes into the log, where the
                    # key index (brought up to date) sees it, and so does this entry.
                    if flushed < done:
                        log.extend(batch[flushed:done])
                        flushed = done
                    index = key_index()
                    if key in index:
                        break
                    balances[account], done = after, done + 1
                    log.append(entry)
                    flushed = done
                    index[key] = entry
                    self._keyed = len(log)
                    missed = True
                else:
                    log.extend(batch[flushed:] if flushed else batch)
                    self._low = low
                    if not check_balances:
                        self._peak += reach
                    else:  # exactly, for the accounts the batch changed
                        self._peak = max(self._peak, *(abs(balances[e.account]) for e in batch), 0)
                    self._appended(len(log) - start, log[-1].key if missed else None)
                    return True
            except BaseException as exc:
                if type(exc) is not KeyError:
                    # interrupted (KeyboardInterrupt, MemoryError)
                    self._take_back_plain(batch, start, done, gap)
                    raise
            self._take_back_plain(batch, start, done, gap)
            return False

    def _take_back_plain(
        self, batch: Sequence[Entry], start: int, done: int, gap: tuple[str, str | None, int]
    ) -> None:
        """Undo :meth:`append_plain`: ``batch[:done]`` had their balances applied.

        Those of them in the log (as many as the log grew by: it may hold one more
        than the loop counted as flushed, if an interruption came just after an
        append) are taken back with :meth:`_take_back`; the others had only their
        balances changed.
        """
        balances = self._balances
        for entry in batch[len(self._entries) - start : done]:
            balances[entry.account] -= entry.points
        self._take_back(start, gap)

    def _key_index(self) -> dict[str, Entry]:
        """The key of every entry to the entry; indexes what was appended since the last call."""
        log, keyed = self._entries, self._keyed
        if keyed < len(log):
            fresh = log[keyed:]
            # one C call: an interruption stops it before or after, never half-way
            # through an entry; a MemoryError leaves a part done, which the next
            # call redoes (the same keys, the same entries)
            self._by_key.update(zip(map(_KEY, fresh), fresh, strict=True))
            self._keyed = len(log)
        return self._by_key

    def _gap(self) -> tuple[str, str | None, int]:
        """The gap and the count since its last scan, to be set back by :meth:`_take_back`."""
        return self._low, self._high, self._unscanned

    def _appended(self, count: int, missed: str | None) -> None:
        """Count appended entries; after a key outside the gap, move the gap if it pays.

        ``missed`` is the last key appended when some key of the write was outside
        the gap. The scan that finds the next key above it costs a pass over the
        index; it runs once as many entries as a quarter of the index have been
        appended since the last one, so it costs a few steps an entry at most.
        """
        self._unscanned += count
        if missed is None or self._unscanned * 4 < len(self._entries):
            return
        index = self._key_index()
        self._high = min(filter(missed.__lt__, index), default=None)
        self._low = missed
        self._unscanned = 0

    def _take_back(
        self,
        start: int,
        gap: tuple[str, str | None, int],
        balances: Mapping[str, int] | None = None,
    ) -> None:
        """Undo appends from log position ``start`` on (``append_plain``'s or a transaction's).

        Keys and any history already indexed are taken back with the entries, and
        the gap is set back to ``gap`` (:meth:`_gap`). Balances are set back to
        ``balances`` (a transaction's snapshot: right whatever point an
        interruption stopped it at) or, without one, restored by subtracting the
        entries' points (``append_plain`` updates a balance before it logs the
        entry).
        """
        log, by_key = self._entries, self._by_key
        by_account, indexed = self._by_account, self._indexed
        for at in range(len(log) - 1, start - 1, -1):
            entry = log[at]
            if by_key.get(entry.key) is entry:
                del by_key[entry.key]
            if balances is None:
                self._balances[entry.account] -= entry.points
            if at < indexed:
                by_account[entry.account].pop()
        del log[start:]
        self._indexed = min(indexed, start)
        self._keyed = min(self._keyed, start)
        self._low, self._high, self._unscanned = gap
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
        """Undo the writes, last first; each step leaves the list only once it has run.

        Steps are idempotent, so an undo interrupted half-way (a signal) and run
        again (by an outer write's undo) finishes the job rather than failing.
        """
        steps = self._undo
        while steps:
            steps[-1]()
            steps.pop()

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
        known = self.s._key_index()
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
        balances, gap = s._balances, s._gap()
        low, high = gap[0], gap[1]
        keys = [entry.key for entry in entries]
        missed: str | None = None
        if keys and not _in_gap(keys, low, high):
            index = s._key_index()
            seen: set[str] = set()
            for key in keys:
                if key in index or key in seen:
                    raise KeyClash(key)
                seen.add(key)
            missed = keys[-1]
        start = len(s._entries)
        rev: list[str] = []
        before: dict[str, int] = {e.account: balances[e.account] for e in entries}

        def undo() -> None:
            s._take_back(start, gap, before)
            s._reversed.difference_update(rev)

        self._undo.append(undo)
        s._entries.extend(entries)
        inside = [key for key in keys if _inside(key, low, high)]
        if inside:
            s._low = max(inside)  # no key of the ledger lies between it and high
        for entry in entries:
            balances[entry.account] += entry.points
            if type(entry) is Reverse:
                rev.append(entry.reverses)
                s._reversed.add(entry.reverses)
        if before:
            s._peak = max(s._peak, *(abs(balances[account]) for account in before))
        s._appended(len(entries), missed)

    def set_stock(self, item: Item, stock: int) -> None:
        s = self.s
        old = s._stock.get(item.code)

        def undo() -> None:  # registered first, and idempotent
            if old is None:
                s._stock.pop(item.code, None)
            else:
                s._stock[item.code] = old

        self._undo.append(undo)
        s._stock[item.code] = StockLine(item=item, stock=stock)

    def put_household(self, household: Household) -> None:
        s = self.s
        old = s._households.get(household.id)

        def undo() -> None:  # registered first, and idempotent
            if old is None:
                s._households.pop(household.id, None)
            else:
                s._households[household.id] = old

        self._undo.append(undo)
        s._households[household.id] = household
