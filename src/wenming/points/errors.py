"""Errors raised by the points ledger.

Each is a :class:`~wenming.errors.WenmingError` and the builtin it means, carries
the facts as attributes (the account, the balance, the shortfall, …) and says in
its message what a clerk can do about it. A refused append writes nothing.

Examples
--------
>>> err = InsufficientPointsError(
...     key="r1", account="hh-1", balance=130, spendable=30, needed=50, threshold=100
... )
>>> err.shortfall
20
>>> print(err)
cannot post 'r1': account 'hh-1' has 130 points, of which 30 can be spent
(only points above 100 can be spent); 50 are needed, 20 short
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

from wenming.errors import FormatError, WenmingError

__all__ = [
    "EntryRejectedError",
    "IdempotencyConflictError",
    "InsufficientPointsError",
    "LedgerBusyError",
    "LedgerFileError",
    "OutOfStockError",
    "ReversalError",
    "RuleCapError",
]


class EntryRejectedError(WenmingError, ValueError):
    """The ledger refused an entry; nothing of the entry (or its batch) was written.

    Attributes
    ----------
    key : str
        The idempotency key of the refused entry.
    """

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.key = key


class IdempotencyConflictError(EntryRejectedError):
    """An entry reuses the idempotency key of a different entry.

    Posting the *same* entry again is harmless (it returns the original); a
    different entry under a used key is refused, because one of the two is a
    mistake the clerk has to resolve.
    """

    def __init__(self, *, key: str) -> None:
        super().__init__(
            f"key '{key}' is already used by a different entry; "
            "give the new entry its own key, or post exactly the original entry again",
            key=key,
        )


class InsufficientPointsError(EntryRejectedError):
    """A redemption needs more points than the account can spend.

    Attributes
    ----------
    account : str
        The account.
    balance : int
        Its balance when the entry was refused.
    spendable : int
        How much of that balance can be spent.
    needed : int
        How many points the entry needs.
    shortfall : int
        ``needed - spendable``: how many more points the account would need.
    threshold : int
        The scheme's spend threshold (only points above it can be spent).
    """

    def __init__(
        self, *, key: str, account: str, balance: int, spendable: int, needed: int, threshold: int
    ) -> None:
        self.account = account
        self.balance = balance
        self.spendable = spendable
        self.needed = needed
        self.threshold = threshold
        self.shortfall = needed - spendable
        above = f" (only points above {threshold} can be spent)" if threshold else ""
        super().__init__(
            f"cannot post '{key}': account '{account}' has {balance} points, of which "
            f"{spendable} can be spent{above}; {needed} are needed, {self.shortfall} short",
            key=key,
        )


class OutOfStockError(EntryRejectedError):
    """A redemption asks for more of an item than the points store holds.

    Attributes
    ----------
    item : str
        The item code.
    stock : int
        How many are in stock.
    requested : int
        How many were asked for.
    """

    def __init__(self, *, key: str, item: str, stock: int, requested: int) -> None:
        self.item = item
        self.stock = stock
        self.requested = requested
        super().__init__(
            f"cannot post '{key}': item '{item}' has {stock} in stock, {requested} requested; "
            "restock it or redeem fewer",
            key=key,
        )


class ReversalError(EntryRejectedError):
    """A reversal names an entry that cannot be reversed.

    Attributes
    ----------
    target : str
        The key of the entry the reversal names.
    reason : str
        ``"already-reversed"``, ``"is-reversal"`` or ``"other-account"``.
    """

    def __init__(self, message: str, *, key: str, target: str, reason: str) -> None:
        self.target = target
        self.reason = reason
        super().__init__(message, key=key)


class RuleCapError(EntryRejectedError):
    """An entry would take an account past the cap of its rule for the period.

    Attributes
    ----------
    rule : str
        The rule code.
    cap : int
        The most points the rule allows in one period (as a magnitude).
    period : str
        The period, such as ``"2024-03"``.
    used : int
        Points already posted under the rule in the period (as a magnitude).
    requested : int
        Points the refused entry asked for (as a magnitude).
    """

    def __init__(
        self, *, key: str, rule: str, cap: int, period: str, used: int, requested: int
    ) -> None:
        self.rule = rule
        self.cap = cap
        self.period = period
        self.used = used
        self.requested = requested
        left = max(cap - used, 0)
        super().__init__(
            f"cannot post '{key}': rule '{rule}' allows {cap} points in {period}, "
            f"{used} already posted, {requested} requested; at most {left} more",
            key=key,
        )


class LedgerFileError(FormatError):
    """A file is not a wenming ledger, or it is damaged beyond opening."""

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__([message], source=source)


class LedgerBusyError(WenmingError, TimeoutError):
    """Other writers held the ledger file for longer than the retry budget.

    Nothing was written; posting again later is safe (idempotency keys make a
    repeated post harmless).

    Attributes
    ----------
    path : str
        The ledger file.
    attempts : int
        How many times the write was tried.
    """

    def __init__(self, *, path: str, attempts: int) -> None:
        self.path = path
        self.attempts = attempts
        super().__init__(
            f"{path}: the ledger stayed locked by other writers ({attempts} attempts); "
            "nothing was written, post again later"
        )
