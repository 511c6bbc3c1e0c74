"""The points ledger: append-only, every balance explainable, every write atomic.

A :class:`Ledger` keeps the accounts of one :class:`~wenming.points.PointsScheme`
over a store (in memory, or a SQLite file). It checks every entry against the
scheme and the accounts before anything is written; a refused entry or batch
writes nothing.

Examples
--------
>>> import datetime as dt
>>> from wenming.points import Item, Ledger, conduct_card
>>> CST = dt.timezone(dt.timedelta(hours=8))
>>> at = dt.datetime(2024, 3, 1, 9, 0, tzinfo=CST)
>>> ledger = Ledger.in_memory(conduct_card())
>>> _ = ledger.open_account("hh-017", at=at, operator="clerk-li")
>>> ledger.balance("hh-017"), ledger.spendable("hh-017", on=at.date())
(100, 0)
>>> _ = ledger.earn("hh-017", "filial-care", quantity=2, key="2024-03/hh-017/fc",
...                 at=at, operator="clerk-li")
>>> _ = ledger.add_stock(Item(code="soap", name="洗衣皂", price=4), 10)
>>> _ = ledger.redeem("hh-017", "soap", key="r-1", at=at, operator="clerk-li")
>>> ledger.balance("hh-017"), ledger.items()[0].stock
(106, 9)
>>> ledger.redeem("hh-017", "soap", quantity=2, key="r-2", at=at, operator="clerk-li")
Traceback (most recent call last):
...
wenming.points.errors.InsufficientPointsError: cannot post 'r-2': account 'hh-017' has 106
points, of which 6 can be spent (only points above 100 can be spent); 8 are needed, 2 short
>>> ledger.verify()
()
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, TypeVar

import attrs

from wenming._fields import to_enum
from wenming.errors import (
    DuplicateIdError,
    InvariantError,
    Issue,
    Severity,
    UnknownIdError,
    WenmingError,
)
from wenming.ids import AccountId, EntryId, PersonId
from wenming.points.accounts import Account, Household
from wenming.points.entries import (
    BALANCE_LIMIT,
    ENTRY_CLASSES,
    POINTS_LIMIT,
    Adjust,
    Deduct,
    Earn,
    Entry,
    Expire,
    Redeem,
    Reverse,
    entry_to_dict,
)
from wenming.points.errors import (
    EntryRejectedError,
    IdempotencyConflictError,
    InsufficientPointsError,
    LedgerFileError,
    OutOfStockError,
    ReversalError,
    RuleCapError,
)
from wenming.points.memory import MemoryStore
from wenming.points.schemes import ExpiryKind, ExpiryPolicy, Period, PointsScheme, Rule
from wenming.points.shop import STOCK_LIMIT, Item, StockLine
from wenming.points.store import (
    GENESIS,
    KeyClash,
    LedgerStore,
    LedgerTransaction,
    LedgerView,
    Posted,
    chain_hash,
)

if TYPE_CHECKING:
    from wenming.points.store_sqlite import Synchronous

__all__ = ["FloorReport", "Ledger", "Lot", "expired_points", "lots", "spendable_points"]

T = TypeVar("T")
_ENTRY_TYPES = tuple(ENTRY_CLASSES.values())


@attrs.frozen(kw_only=True)
class FloorReport:
    """An account below its scheme's sanction floor (benefits suspended).

    Attributes
    ----------
    account : AccountId
        The account.
    balance : int
        Its balance.
    floor : int
        The scheme's floor.
    shortfall : int
        Points it needs to be back at the floor.
    """

    account: AccountId
    balance: int
    floor: int

    @property
    def shortfall(self) -> int:
        """Points needed to be back at the floor."""
        return self.floor - self.balance

    def __str__(self) -> str:
        return (
            f"account '{self.account}' has {self.balance} points, {self.shortfall} below the "
            f"floor of {self.floor}: benefits are suspended until it is back at {self.floor}"
        )


@attrs.define
class Lot:
    """Unspent points of one positive entry, oldest first; only earned lots expire.

    Attributes
    ----------
    key : str
        The entry the points came from.
    remaining : int
        Points of it not yet spent, deducted or expired.
    expires_on : datetime.date or None
        The first day they are no longer valid; ``None`` if they never expire.
    """

    key: str
    remaining: int
    expires_on: dt.date | None


def lots(entries: Iterable[Entry], policy: ExpiryPolicy) -> tuple[list[Lot], int]:
    """Replay an account's entries first-in first-out: its unspent lots and its debt.

    Positive entries add a lot (an :class:`Earn` lot expires under ``policy``);
    negative entries consume the oldest lots first, and what no lot covers is
    debt, which the next positive entries repay before they make a lot. An
    :class:`Expire` entry removes exactly the lots that expired by its ``until``.
    ``sum(remaining) - debt`` is always the balance.

    Examples
    --------
    >>> import datetime as dt
    >>> at = lambda m: dt.datetime(2024, m, 1, tzinfo=dt.UTC)
    >>> es = [Earn(key=f"e{m}", account="a", points=10, rule="r", at=at(m), operator="o")
    ...       for m in (1, 6)]
    >>> es.append(Adjust(key="x", account="a", points=-15, at=at(7), operator="o", reason="r"))
    >>> left, debt = lots(es, ExpiryPolicy.after_months(12))
    >>> [(lot.key, lot.remaining, str(lot.expires_on)) for lot in left], debt
    ([('e6', 5, '2025-06-01')], 0)
    """
    queue: list[Lot] = []
    debt = 0
    no_expiry = policy.kind is ExpiryKind.NONE
    for entry in entries:
        points = entry.points
        if type(entry) is Expire:
            until = entry.until
            queue = [lot for lot in queue if lot.expires_on is None or lot.expires_on > until]
            continue
        if points > 0:
            if debt:
                paid = min(debt, points)
                debt -= paid
                points -= paid
            if points:
                expires = (
                    None
                    if no_expiry or type(entry) is not Earn
                    else policy.expires_on(entry.at.date())
                )
                queue.append(Lot(entry.key, points, expires))
            continue
        need = -points
        while need and queue:
            lot = queue[0]
            take = min(need, lot.remaining)
            lot.remaining -= take
            need -= take
            if not lot.remaining:
                queue.pop(0)
        debt += need
    return queue, debt


def expired_points(queue: Sequence[Lot], day: dt.date) -> int:
    """The points of the lots in ``queue`` (from :func:`lots`) that have expired by ``day``.

    Examples
    --------
    >>> import datetime as dt
    >>> at = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    >>> earned = [Earn(key="e", account="a", points=10, rule="r", at=at, operator="o")]
    >>> queue, _ = lots(earned, ExpiryPolicy.after_months(6))
    >>> expired_points(queue, dt.date(2024, 6, 30)), expired_points(queue, dt.date(2024, 7, 1))
    (0, 10)
    """
    return sum(
        lot.remaining for lot in queue if lot.expires_on is not None and lot.expires_on <= day
    )


def _same(a: Entry, b: Entry) -> bool:
    return type(a) is type(b) and entry_to_dict(a) == entry_to_dict(b)


class _Batch:
    """The checks of one write: the state it reads, and the changes it has made so far."""

    def __init__(
        self,
        ledger: Ledger,
        tx: LedgerTransaction,
        batch: Sequence[Entry],
        *,
        lookup: bool = True,
    ) -> None:
        self.scheme = ledger.scheme
        self.rules = ledger._rules
        self.tx = tx
        self.batch = batch
        # every account has a maintained balance: the balances say which accounts exist
        self.balances = tx.balances({e.account for e in batch})
        # without the look-up, the store refuses a used key (KeyClash) and the batch is
        # checked again with it: repeats are rare, and the look-up is a B-tree probe per key
        self.existing = tx.entries_by_key([e.key for e in batch]) if lookup else {}
        targets = {e.reverses for e in batch if type(e) is Reverse}
        self.targets = tx.entries_by_key(targets) if targets else {}
        self.reversed = tx.reversed_keys(targets) if targets else set()
        codes = {e.item for e in batch if type(e) is Redeem}
        self.stock = tx.items(codes) if codes else {}
        self.history: dict[str, list[Entry]] = {}
        self.new: list[Entry] = []
        self.seen: dict[str, Entry] = {}
        self.stock_changed: set[str] = set()

    def account_history(self, account: str) -> list[Entry]:
        found = self.history.get(account)
        if found is None:
            found = self.tx.account_entries(account)
            found.extend(e for e in self.new if e.account == account)
            self.history[account] = found
        return found

    def run(self) -> tuple[Entry, ...]:
        existing, seen, balances, rules = self.existing, self.seen, self.balances, self.rules
        history = self.history
        new = self.new
        replayed: dict[int, Entry] = {}
        for index, entry in enumerate(self.batch):
            key = entry.key
            if key in existing or key in seen:
                old = existing.get(key) or seen[key]
                if not _same(old, entry):
                    raise IdempotencyConflictError(key=key)
                replayed[index] = old
                continue
            account = entry.account
            balance = balances.get(account)
            if balance is None:
                raise UnknownIdError(
                    "account",
                    account,
                    f"cannot post '{key}': unknown account '{account}'; open it first",
                )
            kind = type(entry)
            if kind is Earn or kind is Deduct:
                # the common case inline: an uncapped rule, the right sign and amount
                rule = rules.get(entry.rule)  # type: ignore[union-attr]
                if (
                    rule is None
                    or rule.cap is not None
                    or (rule.points > 0) is not (kind is Earn)
                    or entry.points != rule.points * entry.quantity  # type: ignore[union-attr]
                ):
                    self.check(entry)
            elif kind is not Adjust:
                self.check(entry)
            points = entry.points
            if (
                not -POINTS_LIMIT <= points <= POINTS_LIMIT
                and kind is not Expire
                and kind is not Reverse
            ):
                raise EntryRejectedError(
                    f"cannot post '{key}': {points:.3g} points; an entry moves at most "
                    f"{POINTS_LIMIT:,}",
                    key=key,
                )
            after = balance + points
            if not -BALANCE_LIMIT <= after <= BALANCE_LIMIT and abs(after) > abs(balance):
                raise EntryRejectedError(
                    f"cannot post '{key}': the balance of '{account}' would leave "
                    f"±{BALANCE_LIMIT:,} points",
                    key=key,
                )
            seen[key] = entry
            new.append(entry)
            balances[account] = after
            if history:
                found = history.get(account)
                if found is not None:
                    found.append(entry)
        if new:
            self.tx.append(new)
        for code in self.stock_changed:
            line = self.stock[code]
            self.tx.set_stock(line.item, line.stock)
        if not replayed:
            return tuple(self.batch)
        return tuple(replayed.get(i, e) for i, e in enumerate(self.batch))

    def check(self, entry: Entry) -> None:
        if isinstance(entry, Earn):
            if entry.rule is not None:
                self.check_rule(entry, entry.rule, entry.quantity, earn=True)
            else:
                self.check_service(entry)
        elif isinstance(entry, Deduct):
            self.check_rule(entry, entry.rule, entry.quantity, earn=False)
        elif isinstance(entry, Redeem):
            self.check_redeem(entry)
        elif isinstance(entry, Reverse):
            self.check_reverse(entry)
        elif isinstance(entry, Expire):
            self.check_expire(entry)

    def rule(self, entry: Entry, code: str) -> Rule:
        try:
            return self.scheme.rule(code)
        except UnknownIdError as exc:
            raise UnknownIdError("rule", code, f"cannot post '{entry.key}': {exc}") from None

    def check_rule(self, entry: Earn | Deduct, code: str, quantity: int, *, earn: bool) -> None:
        rule = self.rule(entry, code)
        if earn and rule.points < 0:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': rule '{code}' deducts points; post it as a deduct",
                key=entry.key,
            )
        if not earn and rule.points > 0:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': rule '{code}' earns points; post it as an earn",
                key=entry.key,
            )
        expected = rule.points * quantity
        if entry.points != expected:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': rule '{code}' gives {rule.points} points "
                f"× {quantity} = {expected}, the entry says {entry.points}",
                key=entry.key,
            )
        if rule.cap is not None:
            self.check_cap(entry, rule, rule.cap)

    def check_cap(self, entry: Earn | Deduct, rule: Rule, cap: int) -> None:
        entries = self.account_history(entry.account)
        period = rule.per.label(entry.at.date())
        cancelled = {e.reverses for e in entries if type(e) is Reverse}
        used = sum(
            abs(e.points)
            for e in entries
            if (type(e) is Earn or type(e) is Deduct)
            and e.rule == rule.code
            and e.key not in cancelled
            and rule.per.label(e.at.date()) == period
        )
        if used + abs(entry.points) > cap:
            raise RuleCapError(
                key=entry.key,
                rule=rule.code,
                cap=cap,
                period=period,
                used=used,
                requested=abs(entry.points),
            )

    def check_service(self, entry: Earn) -> None:
        conversion = self.scheme.conversion
        if conversion is None:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': the scheme does not turn service time into points",
                key=entry.key,
            )
        assert entry.minutes is not None
        expected = conversion.points(entry.minutes)
        if entry.points != expected:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': {entry.minutes} minutes of service give "
                f"{expected} points under the scheme, the entry says {entry.points}",
                key=entry.key,
            )

    def spendable(self, account: str, day: dt.date) -> int:
        return spendable_points(
            self.scheme,
            self.balances[account],
            lambda: self.account_history(account),
            day,
        )

    def check_redeem(self, entry: Redeem) -> None:
        line = self.stock.get(entry.item)
        if line is None:
            raise UnknownIdError(
                "item",
                entry.item,
                f"cannot post '{entry.key}': the points store has no item '{entry.item}'",
            )
        expected = -line.item.price * entry.quantity
        if entry.points != expected:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': '{entry.item}' costs {line.item.price} points "
                f"× {entry.quantity} = {-expected}, the entry says {-entry.points}",
                key=entry.key,
            )
        if line.stock < entry.quantity:
            raise OutOfStockError(
                key=entry.key, item=entry.item, stock=line.stock, requested=entry.quantity
            )
        spendable = self.spendable(entry.account, entry.at.date())
        if -entry.points > spendable:
            raise InsufficientPointsError(
                key=entry.key,
                account=entry.account,
                balance=self.balances[entry.account],
                spendable=spendable,
                needed=-entry.points,
                threshold=self.scheme.threshold,
            )
        self.stock[entry.item] = StockLine(item=line.item, stock=line.stock - entry.quantity)
        self.stock_changed.add(entry.item)

    def check_reverse(self, entry: Reverse) -> None:
        target_key = entry.reverses
        target = self.targets.get(target_key) or self.seen.get(target_key)
        if target is None:
            raise UnknownIdError(
                "entry",
                target_key,
                f"cannot post '{entry.key}': it reverses '{target_key}', "
                "which is not in the ledger",
            )
        if type(target) is Reverse:
            raise ReversalError(
                f"cannot post '{entry.key}': '{target_key}' is itself a reversal and cannot be "
                "reversed; post the original entry again under a new key",
                key=entry.key,
                target=target_key,
                reason="is-reversal",
            )
        if target.account != entry.account:
            raise ReversalError(
                f"cannot post '{entry.key}': '{target_key}' belongs to account "
                f"'{target.account}', not '{entry.account}'",
                key=entry.key,
                target=target_key,
                reason="other-account",
            )
        if target_key in self.reversed:
            raise ReversalError(
                f"cannot post '{entry.key}': '{target_key}' has already been reversed",
                key=entry.key,
                target=target_key,
                reason="already-reversed",
            )
        if entry.points != -target.points:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': reversing '{target_key}' ({target.points} points) "
                f"takes {-target.points}, the entry says {entry.points}",
                key=entry.key,
            )
        self.reversed.add(target_key)

    def check_expire(self, entry: Expire) -> None:
        policy = self.scheme.expiry
        if policy.kind is ExpiryKind.NONE:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': points do not expire under this scheme",
                key=entry.key,
            )
        queue, _ = lots(self.account_history(entry.account), policy)
        due = expired_points(queue, entry.until)
        if -entry.points != due:
            raise EntryRejectedError(
                f"cannot post '{entry.key}': {due} points of account '{entry.account}' expire "
                f"by {entry.until}, the entry says {-entry.points}",
                key=entry.key,
            )


def spendable_points(
    scheme: PointsScheme, balance: int, history: Callable[[], Iterable[Entry]], day: dt.date
) -> int:
    """What an account may spend on ``day``: :meth:`Ledger.spendable`'s rule, for any balance.

    Nothing below the scheme's floor; otherwise the balance less the points that
    have expired by ``day`` and are not posted yet, less the spend threshold.
    ``history()`` gives the account's entries; it is called only when the scheme's
    points expire. For callers that keep their own balances (a generator, a
    what-if run) and must agree with the ledger.

    Examples
    --------
    >>> from wenming.points import conduct_card
    >>> import datetime as dt
    >>> card = conduct_card()  # spend above 100, floor 70, no expiry
    >>> day = dt.date(2024, 3, 1)
    >>> [spendable_points(card, b, list, day) for b in (130, 100, 60)]
    [30, 0, 0]
    """
    if scheme.floor is not None and balance < scheme.floor:
        return 0
    pending = 0
    if scheme.expiry.kind is not ExpiryKind.NONE:
        queue, _ = lots(history(), scheme.expiry)
        pending = expired_points(queue, day)
    return max(0, balance - pending - scheme.threshold)


def _check_entries(batch: Sequence[Entry]) -> None:
    for entry in batch:
        if not isinstance(entry, _ENTRY_TYPES):
            raise InvariantError(
                f"a ledger takes Earn, Deduct, Redeem, Adjust, Expire and Reverse entries, "
                f"not {type(entry).__name__}",
                value=entry,
            )


class Ledger:
    """The points ledger of one scheme, over a store.

    Parameters
    ----------
    store : LedgerStore
        Where the ledger lives: :class:`~wenming.points.memory.MemoryStore` or
        :class:`~wenming.points.store_sqlite.SqliteStore`. Use :meth:`in_memory`,
        :meth:`create` or :meth:`open` for the usual cases.

    Notes
    -----
    Every ``at`` is a ``datetime`` with a time zone, given by the caller: a
    retried post must repeat the same entry to be recognised as a repeat.
    """

    def __init__(self, store: LedgerStore) -> None:
        self._store = store
        self._scheme = store.read(lambda v: v.scheme())
        self._rules: dict[str | None, Rule] = {r.code: r for r in self._scheme.rules}
        # the fast path (in memory): uncapped rules, earning and deducting, by code
        self._plain_earn: dict[str | None, int] = {
            r.code: r.points for r in self._scheme.rules if r.cap is None and r.points > 0
        }
        self._plain_deduct: dict[str | None, int] = {
            r.code: r.points for r in self._scheme.rules if r.cap is None and r.points < 0
        }

    # ------------------------------------------------------------ construction

    @classmethod
    def in_memory(cls, scheme: PointsScheme) -> Ledger:
        """A ledger held in memory (tests, notebooks, what-if runs)."""
        return cls(MemoryStore(scheme))

    @classmethod
    def create(
        cls,
        path: str | os.PathLike[str],
        scheme: PointsScheme,
        *,
        synchronous: Synchronous = "full",
        fill: Callable[[Ledger], object] | None = None,
    ) -> Ledger:
        """Create a new ledger file for ``scheme`` (see :class:`.store_sqlite.SqliteStore`).

        ``fill(ledger)``, when given, posts the first contents before the file
        appears at ``path``: it appears whole, or not at all if ``fill`` fails or
        the process is killed (for a file built from other records, as the
        reference ledgers of :mod:`wenming.datasets` are).
        """
        from wenming.points.store_sqlite import SqliteStore

        def filled(store: SqliteStore) -> object:
            assert fill is not None
            return fill(cls(store))

        return cls(
            SqliteStore.create(
                path, scheme, synchronous=synchronous, fill=None if fill is None else filled
            )
        )

    @classmethod
    def open(cls, path: str | os.PathLike[str], *, synchronous: Synchronous = "full") -> Ledger:
        """Open an existing ledger file (see :class:`~wenming.points.store_sqlite.SqliteStore`)."""
        from wenming.points.store_sqlite import SqliteStore

        return cls(SqliteStore.open(path, synchronous=synchronous))

    @property
    def scheme(self) -> PointsScheme:
        """The scheme this ledger keeps."""
        return self._scheme

    @property
    def store(self) -> LedgerStore:
        """The store underneath."""
        return self._store

    def close(self) -> None:
        """Close the store."""
        self._store.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # ---------------------------------------------------------------- accounts

    def open_account(
        self, account: str, *, at: dt.datetime, operator: str, holder: str | None = None
    ) -> Account:
        """Open an account; the scheme's opening balance is posted as an adjustment.

        Opening an account again with the same holder is a no-op.

        Parameters
        ----------
        account : str
            The new account's id.
        at : datetime.datetime
            When it opens (with a time zone).
        operator : str
            Who opens it.
        holder : str, optional
            The person or household holding it; the account id by default.

        Raises
        ------
        DuplicateIdError
            If the id is taken by an account of another holder.
        """
        return self.open_accounts([account], at=at, operator=operator, holders=[holder])[0]

    def open_accounts(
        self,
        accounts: Iterable[str],
        *,
        at: dt.datetime,
        operator: str,
        holders: Iterable[str | None] | None = None,
    ) -> tuple[Account, ...]:
        """Open several accounts in one atomic write (see :meth:`open_account`)."""
        ids = list(accounts)
        owners = list(holders) if holders is not None else [None] * len(ids)
        if len(owners) != len(ids):
            raise InvariantError("give one holder per account", field="holders")
        holder_type = self._scheme.holder
        new = [
            Account(
                id=AccountId(i),
                holder=PersonId(h or i),
                holder_type=holder_type,
                opened=at.date(),
            )
            for i, h in zip(ids, owners, strict=True)
        ]
        opening = self._scheme.opening

        def work(tx: LedgerTransaction) -> tuple[Account, ...]:
            known = tx.accounts(ids)
            result: list[Account] = []
            batch: list[Entry] = []
            added: set[str] = set()
            for account in new:
                old = known.get(account.id)
                if old is not None or account.id in added:
                    old = old or next(a for a in result if a.id == account.id)
                    if attrs.evolve(old, opened=account.opened) != account:
                        raise DuplicateIdError("account", account.id)
                    result.append(old)
                    continue
                tx.add_account(account)
                added.add(account.id)
                result.append(account)
                if opening:
                    batch.append(
                        Adjust(
                            key=EntryId(f"open:{account.id}"),
                            account=account.id,
                            points=opening,
                            at=at,
                            operator=operator,
                            reason="opening balance",
                        )
                    )
            if batch:
                _Batch(self, tx, batch).run()
            return tuple(result)

        return self._store.write(work)

    def account(self, account: str) -> Account:
        """Return an account.

        Raises
        ------
        UnknownIdError
            If there is no such account.
        """
        found = self._store.read(lambda v: v.accounts([account])).get(account)
        if found is None:
            raise UnknownIdError("account", account)
        return found

    def accounts(self) -> tuple[Account, ...]:
        """Every account, in the order they were opened."""
        return tuple(self._store.read(lambda v: v.all_accounts()))

    def put_household(self, household: Household) -> Household:
        """Record a household and its members (replacing an earlier record of it)."""
        self._store.write(lambda tx: tx.put_household(household))
        return household

    def households(self) -> tuple[Household, ...]:
        """Every household, by id."""
        return tuple(self._store.read(lambda v: v.households()))

    def account_for(self, person: str, on: dt.date) -> AccountId:
        """The account a person's points go to on a day: their household's, else their own.

        Raises
        ------
        UnknownIdError
            If neither the person nor a household they belong to that day has an account.
        """

        def work(v: LedgerView) -> AccountId | None:
            by_holder: dict[str, AccountId] = {a.holder: a.id for a in v.all_accounts()}
            for household in v.households():
                if household.has_member(person, on) and household.id in by_holder:
                    return by_holder[household.id]
            return by_holder.get(person)

        found = self._store.read(work)
        if found is None:
            raise UnknownIdError(
                "account", person, f"no account for '{person}' or a household of theirs on {on}"
            )
        return found

    # ----------------------------------------------------------------- posting

    def append(self, entry: Entry) -> Entry:
        """Post one entry; return it (or, for a repeat of an earlier post, the original).

        Raises
        ------
        UnknownIdError
            For an unknown account, rule, item or reversed entry.
        IdempotencyConflictError
            If the key is already used by a different entry.
        InsufficientPointsError, OutOfStockError, ReversalError, RuleCapError, EntryRejectedError
            If the entry breaks a rule of the scheme or the points store.
        """
        return self.append_all([entry])[0]

    def append_all(self, entries: Iterable[Entry]) -> tuple[Entry, ...]:
        """Post a batch: all of it or, if any entry is refused, none of it.

        Entries are checked in order, each against the balances the earlier ones
        leave. Repeats of entries already in the ledger are skipped and their
        originals returned, so replaying a batch changes nothing.

        Raises
        ------
        WenmingError
            As :meth:`append`, for the first refused entry; nothing is written.
        """
        batch = list(entries)
        if not batch:
            return ()
        store = self._store
        # The common batch (new keys; earns, deducts under uncapped rules, adjustments)
        # needs no check beyond those the memory store makes in one pass; any other
        # entry makes it write nothing, and the batch takes the full check below.
        if type(store) is MemoryStore and store.append_plain(
            batch, self._plain_earn, self._plain_deduct
        ):
            return tuple(batch)
        _check_entries(batch)
        return store.write(lambda tx: self._append(tx, batch))

    def _append(self, tx: LedgerTransaction, batch: Sequence[Entry]) -> tuple[Entry, ...]:
        # First assume every key is new. A key that is not (or a refusal, which may be
        # due to a repeat counted as new) sends the batch through the full check, with
        # every key looked up; nothing of the first try was written.
        try:
            return _Batch(self, tx, batch, lookup=False).run()
        except (KeyClash, WenmingError):
            pass
        return _Batch(self, tx, batch).run()

    def earn(
        self,
        account: str,
        rule: str,
        *,
        key: str,
        at: dt.datetime,
        operator: str,
        quantity: int = 1,
    ) -> Entry:
        """Post points earned under a rule (the rule's points × ``quantity``)."""
        points = self._scheme.rule(rule).points * quantity
        return self.append(
            Earn(
                key=EntryId(key),
                account=AccountId(account),
                points=points,
                rule=rule,
                quantity=quantity,
                at=at,
                operator=operator,
            )
        )

    def earn_service(
        self,
        account: str,
        service_record: str,
        minutes: int,
        *,
        at: dt.datetime,
        operator: str,
        key: str | None = None,
    ) -> Entry:
        """Post the points for a service record under the scheme's conversion.

        The key defaults to ``service:<record id>``, so one record earns once
        however often it is posted.
        """
        conversion = self._scheme.conversion
        if conversion is None:
            raise EntryRejectedError(
                "the scheme does not turn service time into points",
                key=EntryId(key or f"service:{service_record}"),
            )
        return self.append(
            Earn(
                key=EntryId(key or f"service:{service_record}"),
                account=AccountId(account),
                points=conversion.points(minutes),
                service_record=service_record,
                minutes=minutes,
                at=at,
                operator=operator,
            )
        )

    def deduct(
        self,
        account: str,
        rule: str,
        *,
        key: str,
        at: dt.datetime,
        operator: str,
        quantity: int = 1,
    ) -> Entry:
        """Post points lost under a rule (the rule's negative points × ``quantity``)."""
        points = self._scheme.rule(rule).points * quantity
        return self.append(
            Deduct(
                key=EntryId(key),
                account=AccountId(account),
                points=points,
                rule=rule,
                quantity=quantity,
                at=at,
                operator=operator,
            )
        )

    def adjust(
        self, account: str, points: int, reason: str, *, key: str, at: dt.datetime, operator: str
    ) -> Entry:
        """Post a correction with its reason."""
        return self.append(
            Adjust(
                key=EntryId(key),
                account=AccountId(account),
                points=points,
                reason=reason,
                at=at,
                operator=operator,
            )
        )

    def reverse(
        self,
        entry_key: str,
        *,
        key: str,
        at: dt.datetime,
        operator: str,
        reason: str | None = None,
    ) -> Entry:
        """Cancel an earlier entry with a reversal of the opposite points.

        Raises
        ------
        UnknownIdError
            If there is no entry ``entry_key``.
        ReversalError
            If it is a reversal, or already reversed.
        """

        def work(tx: LedgerTransaction) -> tuple[Entry, ...]:
            target = tx.entries_by_key([entry_key]).get(entry_key)
            if target is None:
                raise UnknownIdError(
                    "entry", entry_key, f"cannot post '{key}': no entry '{entry_key}' to reverse"
                )
            entry = Reverse(
                key=EntryId(key),
                account=target.account,
                points=-target.points,
                reverses=EntryId(entry_key),
                reason=reason,
                at=at,
                operator=operator,
            )
            return _Batch(self, tx, [entry]).run()

        return self._store.write(work)[0]

    def redeem(
        self,
        account: str,
        item: str,
        *,
        key: str,
        at: dt.datetime,
        operator: str,
        quantity: int = 1,
    ) -> Entry:
        """Redeem goods: post the redemption and take them off the shelf, in one step.

        Raises
        ------
        UnknownIdError
            If the points store has no such item (or the account is unknown).
        OutOfStockError
            If fewer than ``quantity`` are in stock.
        InsufficientPointsError
            If the account cannot spend the price; the error states the balance and
            the shortfall.
        """

        def work(tx: LedgerTransaction) -> tuple[Entry, ...]:
            line = tx.items([item]).get(item)
            if line is None:
                raise UnknownIdError(
                    "item", item, f"cannot post '{key}': the points store has no item '{item}'"
                )
            entry = Redeem(
                key=EntryId(key),
                account=AccountId(account),
                points=-line.item.price * quantity,
                item=item,
                quantity=quantity,
                at=at,
                operator=operator,
            )
            return _Batch(self, tx, [entry]).run()

        return self._store.write(work)[0]

    def expire(self, on: dt.date, *, at: dt.datetime, operator: str) -> tuple[Entry, ...]:
        """Post the expiry of every earned lot that expires by ``on``, one entry per account.

        Keys are ``expire:<account>:<on>``; running it again for the same day
        posts nothing new.
        """
        if self._scheme.expiry.kind is ExpiryKind.NONE:
            return ()
        policy = self._scheme.expiry

        def work(tx: LedgerTransaction) -> tuple[Entry, ...]:
            batch: list[Entry] = []
            for account in tx.all_accounts():
                queue, _ = lots(tx.account_entries(account.id), policy)
                due = expired_points(queue, on)
                if due:
                    batch.append(
                        Expire(
                            key=EntryId(f"expire:{account.id}:{on.isoformat()}"),
                            account=account.id,
                            points=-due,
                            until=on,
                            at=at,
                            operator=operator,
                        )
                    )
            return _Batch(self, tx, batch).run() if batch else ()

        return self._store.write(work)

    # -------------------------------------------------------------- the store

    def add_stock(self, item: Item, quantity: int) -> StockLine:
        """Put ``quantity`` of an item on the shelf (adding it, or updating its name and price).

        Raises
        ------
        InvariantError
            ``quantity`` is not a whole number from 0, the stock would pass
            10¹² items, or the price is more than 10¹² points (no entry could
            pay it): nothing is written.
        """
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 0 <= quantity <= STOCK_LIMIT
        ):
            raise InvariantError(
                f"quantity must be a whole number from 0 to {STOCK_LIMIT:,}, not {quantity!r}",
                field="quantity",
                value=quantity,
            )
        if item.price > POINTS_LIMIT:
            raise InvariantError(
                f"price of {item.code!r} must be at most {POINTS_LIMIT:,} points, "
                f"not {item.price:,}",
                field="price",
                value=item.price,
            )

        def work(tx: LedgerTransaction) -> StockLine:
            old = tx.items([item.code]).get(item.code)
            stock = quantity + (old.stock if old is not None else 0)
            if stock > STOCK_LIMIT:
                raise InvariantError(
                    f"stock of {item.code!r} would be {stock:,}, more than {STOCK_LIMIT:,}",
                    field="quantity",
                    value=quantity,
                )
            tx.set_stock(item, stock)
            return StockLine(item=item, stock=stock)

        return self._store.write(work)

    def items(self) -> tuple[StockLine, ...]:
        """Every item in the points store with its stock, by code."""
        return tuple(self._store.read(lambda v: v.all_items()))

    # ---------------------------------------------------------------- queries

    def balance(self, account: str, *, as_of: dt.date | dt.datetime | None = None) -> int:
        """An account's balance: now (a maintained figure, no scan), or as of a day or time.

        ``as_of`` a ``datetime`` counts entries at or before it; a ``date`` counts
        entries on or before that day (each in its own time zone).

        Raises
        ------
        UnknownIdError
            If there is no such account.
        """
        if as_of is None:
            found = self._store.read(lambda v: v.balances([account])).get(account)
            if found is None:
                raise UnknownIdError("account", account)
            return found
        return sum(e.points for e in self.history(account, as_of=as_of))

    def spendable(self, account: str, *, on: dt.date | None = None) -> int:
        """Points the account can spend on a day: above the threshold, not expired, never < 0.

        An account below the sanction floor can spend nothing. ``on`` defaults to
        today (it matters only when points expire).
        """
        day = on or dt.date.today()

        def work(v: LedgerView) -> int | None:
            balance = v.balances([account]).get(account)
            if balance is None:
                return None
            return spendable_points(self._scheme, balance, lambda: v.account_entries(account), day)

        found = self._store.read(work)
        if found is None:
            raise UnknownIdError("account", account)
        return found

    def history(
        self, account: str, *, as_of: dt.date | dt.datetime | None = None
    ) -> tuple[Entry, ...]:
        """An account's entries in posting order (only those at or before ``as_of``).

        Raises
        ------
        UnknownIdError
            If there is no such account.
        """

        def work(v: LedgerView) -> list[Entry] | None:
            if not v.accounts([account]):
                return None
            return v.account_entries(account)

        found = self._store.read(work)
        if found is None:
            raise UnknownIdError("account", account)
        if as_of is None:
            return tuple(found)
        if isinstance(as_of, dt.datetime):
            return tuple(e for e in found if e.at <= as_of)
        return tuple(e for e in found if e.at.date() <= as_of)

    def entries(self) -> tuple[Entry, ...]:
        """Every entry in posting order."""
        return tuple(p.entry for p in self.postings())

    def postings(self) -> tuple[Posted, ...]:
        """Every entry with its position and chain hashes."""
        return tuple(self._store.read(lambda v: list(v.postings())))

    def __len__(self) -> int:
        return self._store.read(lambda v: v.head()[0])

    def head(self) -> tuple[int, str]:
        """The number of entries and the hash of the last one (the chain's head).

        Write the head down somewhere else now and then (a monthly printout, a
        message to the town): a later :meth:`verify` proves every entry up to it
        is unchanged, even against someone who rewrites the whole file.
        """
        return self._store.read(lambda v: v.head())

    def balances(self) -> dict[AccountId, int]:
        """Every account's balance (maintained figures)."""
        found: dict[str, int] = self._store.read(lambda v: v.all_balances())
        return {AccountId(k): b for k, b in found.items()}

    def totals_by_rule(
        self,
        account: str | None = None,
        *,
        start: dt.date | None = None,
        end: dt.date | None = None,
    ) -> dict[str, int]:
        """Net points per rule (earned and deducted, less reversals), by rule code.

        Parameters
        ----------
        account : str, optional
            One account; all accounts by default.
        start, end : datetime.date, optional
            Count entries dated from ``start`` up to and including ``end``.
        """
        totals: dict[str, int] = defaultdict(int)
        rule_of: dict[str, str] = {}
        for entry in self._selected(account):
            if isinstance(entry, Earn | Deduct) and entry.rule is not None:
                rule_of[entry.key] = entry.rule
                if _within(entry, start, end):
                    totals[entry.rule] += entry.points
            elif (
                type(entry) is Reverse and entry.reverses in rule_of and _within(entry, start, end)
            ):
                totals[rule_of[entry.reverses]] += entry.points
        return dict(sorted(totals.items()))

    def totals_by_period(
        self,
        period: Period | str = Period.MONTH,
        account: str | None = None,
        *,
        kinds: Iterable[str] | None = None,
    ) -> dict[str, int]:
        """Net points per period (``"2024-03"``, ``"2024-Q1"`` or ``"2024"``), in order.

        Parameters
        ----------
        period : Period
            Month, quarter or year.
        account : str, optional
            One account; all accounts by default.
        kinds : iterable of str, optional
            Only these entry kinds (``{"earn", "deduct"}``); all by default.
        """
        per = to_enum(Period, "period", period)
        wanted = None if kinds is None else frozenset(kinds)
        totals: dict[str, int] = defaultdict(int)
        for entry in self._selected(account):
            if wanted is None or entry.kind in wanted:
                totals[per.label(entry.at.date())] += entry.points
        return dict(sorted(totals.items()))

    def _selected(self, account: str | None) -> Iterable[Entry]:
        if account is not None:
            return self.history(account)
        return self.entries()

    def below_floor(self) -> tuple[FloorReport, ...]:
        """Accounts under the scheme's sanction floor, by account id (none without a floor)."""
        floor = self._scheme.floor
        if floor is None:
            return ()
        return tuple(
            FloorReport(account=account, balance=balance, floor=floor)
            for account, balance in sorted(self.balances().items())
            if balance < floor
        )

    # ------------------------------------------------------------------ verify

    def verify(self) -> tuple[Issue, ...]:
        """Check the whole ledger; return every problem found (an empty tuple if none).

        Recomputes every balance from the entries and compares it with the
        maintained balance; checks the hash chain link by link and against the
        recorded head (so an edited, inserted or deleted entry shows); checks
        reversals (same account, earlier, at most once, never of a reversal) and
        that every entry's account exists.
        """
        return self._store.read(_verify)


def _within(entry: Entry, start: dt.date | None, end: dt.date | None) -> bool:
    day = entry.at.date()
    return (start is None or day >= start) and (end is None or day <= end)


def _issue(code: str, message: str, subject: str = "", path: str = "") -> Issue:
    return Issue(code=code, severity=Severity.ERROR, message=message, subject=subject, path=path)


def _verify(v: LedgerView) -> tuple[Issue, ...]:
    issues: list[Issue] = []
    try:
        accounts = {a.id for a in v.all_accounts()}
    except LedgerFileError as exc:  # an account row edited or damaged
        issues.append(_issue("damaged-file", exc.errors[0], path="accounts"))
        accounts = None
    sums: dict[str, int] = dict.fromkeys(accounts or (), 0)
    seen: dict[str, Entry] = {}
    reversed_: set[str] = set()
    prev = GENESIS
    expected_seq = 1
    last_hash = GENESIS
    chained = False
    count = 0
    for posted in v.postings():
        count += 1
        entry = posted.entry
        where = f"entries[{posted.seq}]"
        label = f"entry {posted.seq} ('{entry.key}')"
        for row_problem in posted.problems:
            issues.append(_issue("row-mismatch", f"{label}: {row_problem}", entry.key, where))
        if posted.seq != expected_seq:
            issues.append(
                _issue(
                    "sequence-gap",
                    f"{label} follows entry {expected_seq - 1}: entries are missing or were "
                    "inserted outside wenming",
                    entry.key,
                    where,
                )
            )
        expected_seq = posted.seq + 1
        if posted.hash:
            chained = True
            if posted.prev_hash != prev:
                issues.append(
                    _issue(
                        "chain-broken",
                        f"{label} does not link to the entry before it: an entry was "
                        "deleted, inserted or edited there",
                        entry.key,
                        where,
                    )
                )
            if chain_hash(posted.prev_hash, posted.seq, entry) != posted.hash:
                issues.append(
                    _issue(
                        "hash-mismatch",
                        f"{label} does not match its hash: it was edited outside wenming",
                        entry.key,
                        where,
                    )
                )
            prev = posted.hash
            last_hash = posted.hash
        if entry.key in seen:
            issues.append(_issue("duplicate-key", f"{label}: key used twice", entry.key, where))
        if accounts is not None and entry.account not in accounts:
            issues.append(
                _issue(
                    "unknown-account",
                    f"{label} is for account '{entry.account}', which is not in the ledger",
                    entry.key,
                    where,
                )
            )
        else:
            sums[entry.account] = sums.get(entry.account, 0) + entry.points
        if type(entry) is Reverse:
            target = seen.get(entry.reverses)
            problem: str | None = None
            if target is None:
                problem = f"reverses '{entry.reverses}', which is not an earlier entry"
            elif type(target) is Reverse:
                problem = f"reverses '{entry.reverses}', itself a reversal"
            elif target.account != entry.account:
                problem = f"reverses '{entry.reverses}' of another account"
            elif entry.reverses in reversed_:
                problem = f"reverses '{entry.reverses}' a second time"
            elif target.points != -entry.points:
                problem = f"does not cancel '{entry.reverses}' exactly"
            if problem is not None:
                issues.append(_issue("bad-reversal", f"{label} {problem}", entry.key, where))
            reversed_.add(entry.reverses)
        seen[entry.key] = entry
    try:
        head_count, head_hash = v.head()
    except LedgerFileError as exc:  # a file edited or damaged there
        issues.append(_issue("head-mismatch", exc.errors[0], path="meta"))
    else:
        if chained or head_hash != GENESIS:
            if head_count != count or head_hash != last_hash:
                issues.append(
                    _issue(
                        "head-mismatch",
                        f"the ledger recorded {head_count} entries ending in {head_hash[:12]}…, "
                        f"the file holds {count} ending in {last_hash[:12]}…: entries were "
                        "deleted or added outside wenming",
                        path="entries",
                    )
                )
        elif head_count != count:
            issues.append(
                _issue(
                    "head-mismatch",
                    f"{head_count} entries recorded, {count} found",
                    path="entries",
                )
            )
    for problem in v.store_problems():
        issues.append(_issue("damaged-file", problem, path="file"))
    try:
        stored = v.all_balances()
    except LedgerFileError as exc:
        issues.append(_issue("damaged-file", exc.errors[0], path="balances"))
        stored = dict(sums)  # nothing more to compare
    for account in sorted(set(sums) | set(stored)):
        # with the account rows unreadable, an account without entries sums to 0
        expected = sums.get(account, None if accounts is not None else 0)
        found = stored.get(account)
        if expected != found:
            issues.append(
                _issue(
                    "balance-mismatch",
                    f"account '{account}' has a recorded balance of {found}, its entries "
                    f"add up to {expected}",
                    account,
                    f"balances.{account}",
                )
            )
    return tuple(issues)
