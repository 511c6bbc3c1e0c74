"""Points (积分): schemes, accounts, a points store and a durable, verifiable ledger.

A points card (积分卡) or a volunteer points scheme is kept as a ledger in the
tradition of double-entry tools: append-only, every balance explainable from its
entries, every write atomic, every tampering detectable. See the how-to
"Run a village points card".

Examples
--------
>>> import datetime as dt
>>> from wenming.points import Ledger, volunteer_hours
>>> at = dt.datetime(2024, 3, 2, 17, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
>>> ledger = Ledger.in_memory(volunteer_hours())
>>> _ = ledger.open_account("v-0001", at=at, operator="clerk-li")
>>> ledger.earn_service("v-0001", "rec-88", 150, at=at, operator="clerk-li").points
20
"""

from __future__ import annotations

from wenming.points.accounts import Account, Household, Member
from wenming.points.entries import (
    Adjust,
    Deduct,
    Earn,
    Entry,
    Expire,
    Redeem,
    Reverse,
    entry_from_dict,
    entry_to_dict,
)
from wenming.points.errors import (
    EntryRejectedError,
    IdempotencyConflictError,
    InsufficientPointsError,
    LedgerBusyError,
    LedgerFileError,
    OutOfStockError,
    ReversalError,
    RuleCapError,
)
from wenming.points.ledger import (
    FloorReport,
    Ledger,
    Lot,
    expired_points,
    lots,
    spendable_points,
)
from wenming.points.memory import MemoryStore
from wenming.points.schemes import (
    SCHEMES,
    ExpiryKind,
    ExpiryPolicy,
    HolderType,
    Period,
    PointsScheme,
    Rounding,
    Rule,
    ServiceConversion,
    conduct_card,
    volunteer_hours,
)
from wenming.points.shop import STOCK_LIMIT, Item, StockLine
from wenming.points.store import LedgerStore, LedgerTransaction, LedgerView, Posted

__all__ = [
    "SCHEMES",
    "STOCK_LIMIT",
    "Account",
    "Adjust",
    "Deduct",
    "Earn",
    "Entry",
    "EntryRejectedError",
    "Expire",
    "ExpiryKind",
    "ExpiryPolicy",
    "FloorReport",
    "HolderType",
    "Household",
    "IdempotencyConflictError",
    "InsufficientPointsError",
    "Item",
    "Ledger",
    "LedgerBusyError",
    "LedgerFileError",
    "LedgerStore",
    "LedgerTransaction",
    "LedgerView",
    "Lot",
    "Member",
    "MemoryStore",
    "OutOfStockError",
    "Period",
    "PointsScheme",
    "Posted",
    "Redeem",
    "ReversalError",
    "Reverse",
    "Rounding",
    "Rule",
    "RuleCapError",
    "ServiceConversion",
    "StockLine",
    "conduct_card",
    "entry_from_dict",
    "entry_to_dict",
    "expired_points",
    "lots",
    "spendable_points",
    "volunteer_hours",
]
