"""The store protocol the :class:`~wenming.points.Ledger` runs over.

A store keeps accounts, entries (in posting order), maintained balances, the
points store's stock and households. The ledger does every check; a store only
has to make :meth:`LedgerStore.write` atomic and serial (all of a write or none
of it, one write at a time) and :meth:`LedgerStore.read` consistent.

Two stores ship: :class:`~wenming.points.memory.MemoryStore` and
:class:`~wenming.points.store_sqlite.SqliteStore`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

import attrs

from wenming.points.accounts import Account, Household
from wenming.points.entries import Entry, canonical_bytes
from wenming.points.schemes import PointsScheme
from wenming.points.shop import Item, StockLine

__all__ = [
    "GENESIS",
    "WRITE_IN_READ",
    "KeyClash",
    "LedgerStore",
    "LedgerTransaction",
    "LedgerView",
    "Posted",
    "chain_hash",
    "hash_content",
]

T = TypeVar("T")

GENESIS = "0" * 64
"""The "previous hash" of the first entry of a hash chain."""

WRITE_IN_READ = (
    "a ledger write cannot run inside store.read(): pass the whole unit of work to store.write()"
)
"""What a store says of a write called from inside a read (both stores refuse it)."""


def chain_hash(prev_hash: str, seq: int, entry: Entry) -> str:
    """The hash of entry number ``seq``: SHA-256 over the previous hash, ``seq`` and the content.

    Examples
    --------
    >>> import datetime as dt
    >>> from wenming.points.entries import Adjust
    >>> at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    >>> e = Adjust(key="k", account="a", points=1, at=at, operator="o", reason="r")
    >>> len(chain_hash(GENESIS, 1, e))
    64
    """
    return hash_content(prev_hash, seq, canonical_bytes(entry))


def hash_content(prev_hash: str, seq: int, content: bytes) -> str:
    """SHA-256 (hex) over ``prev_hash``, ``seq`` and an entry's canonical content."""
    return hashlib.sha256(b"%s\n%d\n%s" % (prev_hash.encode("ascii"), seq, content)).hexdigest()


class KeyClash(Exception):
    """Raised by :meth:`LedgerTransaction.append` when a key is already in the store.

    The store is left as it was before the call. The ledger catches it and checks the
    batch again with every key looked up; it never reaches a caller.
    """


@attrs.frozen(kw_only=True)
class Posted:
    """An entry as a store holds it: its place in the ledger and its chain hashes.

    Parameters
    ----------
    seq : int
        Its position in the ledger, from 1.
    entry : Entry
        The entry.
    prev_hash, hash : str
        The chain: ``hash`` covers ``seq``, the entry's canonical content and
        ``prev_hash``. Empty for a store without a chain (in memory).
    problems : tuple of str
        What the store noticed reading the row (stored columns that disagree
        with the entry's content); :meth:`~wenming.points.Ledger.verify` reports them.
    """

    seq: int
    entry: Entry
    prev_hash: str = ""
    hash: str = ""
    problems: tuple[str, ...] = ()


class LedgerView(Protocol):
    """What the ledger reads, inside :meth:`LedgerStore.read` or a write."""

    def scheme(self) -> PointsScheme:
        """The scheme the ledger keeps."""
        ...

    def accounts(self, ids: Iterable[str]) -> dict[str, Account]:
        """The accounts among ``ids`` that exist."""
        ...

    def all_accounts(self) -> list[Account]:
        """Every account, in the order they were opened."""
        ...

    def balances(self, ids: Iterable[str]) -> dict[str, int]:
        """The maintained balances of the accounts among ``ids`` that exist."""
        ...

    def all_balances(self) -> dict[str, int]:
        """Every maintained balance."""
        ...

    def entries_by_key(self, keys: Iterable[str]) -> dict[str, Entry]:
        """The entries among ``keys`` that exist."""
        ...

    def reversed_keys(self, keys: Iterable[str]) -> set[str]:
        """The keys among ``keys`` whose entries have been reversed."""
        ...

    def account_entries(self, account: str) -> list[Entry]:
        """An account's entries in posting order."""
        ...

    def postings(self) -> Iterator[Posted]:
        """Every entry in posting order, with its chain hashes."""
        ...

    def head(self) -> tuple[int, str]:
        """The number of entries and the last entry's hash, as the store recorded them."""
        ...

    def items(self, codes: Iterable[str]) -> dict[str, StockLine]:
        """The points-store items among ``codes`` that exist."""
        ...

    def all_items(self) -> list[StockLine]:
        """Every item, by code."""
        ...

    def households(self) -> list[Household]:
        """Every household, by id."""
        ...

    def store_problems(self) -> list[str]:
        """Damage the store itself can see (unreadable rows, a failed integrity check)."""
        ...


class LedgerTransaction(LedgerView, Protocol):
    """A view that can also write; the writes land all together or not at all."""

    def add_account(self, account: Account) -> None:
        """Add a new account."""
        ...

    def append(self, entries: Sequence[Entry]) -> None:
        """Append checked entries and update their accounts' balances.

        Raises
        ------
        KeyClash
            If an entry's key is already in the store; nothing is appended.
        """
        ...

    def set_stock(self, item: Item, stock: int) -> None:
        """Put an item on the shelf (or change it) with ``stock`` in stock."""
        ...

    def put_household(self, household: Household) -> None:
        """Add or replace a household."""
        ...


class LedgerStore(Protocol):
    """Where a ledger lives."""

    def read(self, work: Callable[[LedgerView], T]) -> T:
        """Run ``work`` over a consistent view and return its result.

        Called from inside a read or write of the same thread, it joins it (and
        sees what that write has changed so far).
        """
        ...

    def write(self, work: Callable[[LedgerTransaction], T]) -> T:
        """Run ``work`` in one atomic, serial transaction; if it raises, nothing is written.

        Called from inside another write of the same thread, it joins it: if it
        raises, only its own changes are undone; if the outer write then raises,
        all are. Called from inside a read, it raises
        :class:`~wenming.errors.InvariantError` (:data:`WRITE_IN_READ`).
        """
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


def chunks(values: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    """Yield ``values`` in slices of at most ``size``."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
