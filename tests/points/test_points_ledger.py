"""The Ledger API, the same over memory and a SQLite file: posting, refusals, queries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest

from wenming.errors import DuplicateIdError, InvariantError, UnknownIdError, WenmingError
from wenming.points import (
    Adjust,
    Deduct,
    Earn,
    Entry,
    EntryRejectedError,
    Expire,
    ExpiryPolicy,
    Household,
    IdempotencyConflictError,
    InsufficientPointsError,
    Item,
    Ledger,
    MemoryStore,
    OutOfStockError,
    PointsScheme,
    Redeem,
    ReversalError,
    Reverse,
    Rule,
    RuleCapError,
    conduct_card,
    volunteer_hours,
)

MakeLedger = Callable[[PointsScheme], Ledger]  # the make_ledger fixture (conftest.py)
CST = dt.timezone(dt.timedelta(hours=8))
OP = "clerk-li"


def at(month: int = 3, day: int = 1, year: int = 2024) -> dt.datetime:
    return dt.datetime(year, month, day, 9, 0, tzinfo=CST)


def card_with_shop(make_ledger: MakeLedger) -> Ledger:
    ledger = make_ledger(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    ledger.add_stock(Item(code="soap", name="洗衣皂", price=4), 3)
    ledger.add_stock(Item(code="oil", name="食用油", price=30), 1)
    return ledger


def snapshot(ledger: Ledger) -> tuple[Any, ...]:
    return (len(ledger), ledger.balances(), ledger.entries(), ledger.items())


def test_opening_balance_is_an_entry(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(conduct_card())
    account = ledger.open_account("hh-1", at=at(1), operator=OP)
    assert account.opened == dt.date(2024, 1, 1)
    (opening,) = ledger.history("hh-1")
    assert isinstance(opening, Adjust)
    assert opening.points == 100
    assert ledger.balance("hh-1") == 100 == sum(e.points for e in ledger.history("hh-1"))
    assert ledger.spendable("hh-1", on=dt.date(2024, 1, 1)) == 0
    # opening again is a no-op; another holder under the same id is refused
    assert ledger.open_account("hh-1", at=at(2), operator=OP) == account
    assert len(ledger) == 1
    with pytest.raises(DuplicateIdError):
        ledger.open_account("hh-1", holder="hh-9", at=at(2), operator=OP)


def test_earn_deduct_redeem_and_stock(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.earn("hh-1", "filial-care", quantity=2, key="e1", at=at(), operator=OP)
    ledger.earn("hh-1", "reformed-customs", key="e2", at=at(), operator=OP)
    ledger.deduct("hh-1", "littering", key="d1", at=at(), operator=OP)
    assert ledger.balance("hh-1") == 100 + 10 + 10 - 5
    redeemed = ledger.redeem("hh-1", "soap", quantity=3, key="r1", at=at(), operator=OP)
    assert isinstance(redeemed, Redeem)
    assert redeemed.points == -12
    assert ledger.balance("hh-1") == 103
    assert {line.item.code: line.stock for line in ledger.items()} == {"oil": 1, "soap": 0}
    assert ledger.verify() == ()


def test_overdraft_is_refused_with_balance_and_shortfall(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.earn("hh-1", "reformed-customs", key="e1", at=at(), operator=OP)
    before = snapshot(ledger)
    with pytest.raises(InsufficientPointsError) as info:
        ledger.redeem("hh-1", "oil", key="r1", at=at(), operator=OP)
    err = info.value
    assert (err.balance, err.spendable, err.needed, err.shortfall) == (110, 10, 30, 20)
    assert "110 points" in str(err)
    assert "20 short" in str(err)
    assert isinstance(err, ValueError)
    assert isinstance(err, WenmingError)
    assert snapshot(ledger) == before


def test_out_of_stock_is_refused_and_nothing_written(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.adjust("hh-1", 500, "prize", key="a1", at=at(), operator=OP)
    ledger.redeem("hh-1", "oil", key="r1", at=at(), operator=OP)
    before = snapshot(ledger)
    with pytest.raises(OutOfStockError) as info:
        ledger.redeem("hh-1", "oil", key="r2", at=at(), operator=OP)
    assert (info.value.stock, info.value.requested) == (0, 1)
    assert snapshot(ledger) == before
    with pytest.raises(UnknownIdError, match="no item 'tea'"):
        ledger.redeem("hh-1", "tea", key="r3", at=at(), operator=OP)


def test_redeem_entry_must_match_the_price(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.adjust("hh-1", 50, "prize", key="a1", at=at(), operator=OP)
    cheap = Redeem(key="r", account="hh-1", points=-1, item="oil", at=at(), operator=OP)
    with pytest.raises(EntryRejectedError, match="costs 30 points"):
        ledger.append(cheap)


@pytest.mark.parametrize(
    ("cls", "fields", "message"),
    [
        (Earn, {"points": 0, "rule": "filial-care"}, "must not be zero"),
        (Earn, {"points": -5, "rule": "filial-care"}, "must be positive"),
        (Deduct, {"points": 5, "rule": "littering"}, "must be negative"),
        (Redeem, {"points": 4, "item": "soap"}, "must be negative"),
        (Expire, {"points": 3, "until": dt.date(2024, 1, 1)}, "must be negative"),
        (Adjust, {"points": 0, "reason": "x"}, "must not be zero"),
        (Earn, {"points": 5}, "exactly one"),
        (Earn, {"points": 5, "rule": "x", "service_record": "s", "minutes": 3}, "exactly one"),
        (Earn, {"points": 5, "service_record": "s"}, "minutes"),
        (Adjust, {"points": 1, "reason": "  "}, "blank"),
    ],
)
def test_entries_check_their_own_sign_and_shape(
    cls: type[Entry], fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvariantError, match=message):
        cls(key="k", account="a", at=at(), operator=OP, **fields)


def test_entries_need_a_time_zone() -> None:
    with pytest.raises(InvariantError, match="no time zone"):
        Adjust(key="k", account="a", points=1, reason="r", at=dt.datetime(2024, 1, 1), operator=OP)


def test_entries_are_checked_against_the_scheme(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    base: dict[str, Any] = {"account": "hh-1", "at": at(), "operator": OP}
    with pytest.raises(UnknownIdError, match="unknown rule 'nope'"):
        ledger.append(Earn(key="k1", points=5, rule="nope", **base))
    with pytest.raises(EntryRejectedError, match="deducts points; post it as a deduct"):
        ledger.append(Earn(key="k2", points=5, rule="littering", **base))
    with pytest.raises(EntryRejectedError, match="earns points; post it as an earn"):
        ledger.append(Deduct(key="k3", points=-5, rule="filial-care", **base))
    with pytest.raises(EntryRejectedError, match=r"gives 5 points × 1 = 5, the entry says 6"):
        ledger.append(Earn(key="k4", points=6, rule="filial-care", **base))
    with pytest.raises(EntryRejectedError, match="does not turn service time"):
        ledger.append(Earn(key="k5", points=5, service_record="s", minutes=30, **base))
    with pytest.raises(EntryRejectedError, match="points do not expire"):
        ledger.append(Expire(key="k6", points=-5, until=dt.date(2024, 1, 1), **base))
    with pytest.raises(UnknownIdError, match="unknown account 'hh-9'; open it first"):
        ledger.append(Adjust(key="k7", points=5, reason="r", **{**base, "account": "hh-9"}))
    with pytest.raises(InvariantError, match="not str"):
        ledger.append_all(["not an entry"])  # type: ignore[list-item]
    assert len(ledger) == 2


def test_rule_caps_per_period(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)  # filial-care: 5 points, at most 20 a month
    for i in range(4):
        ledger.earn("hh-1", "filial-care", key=f"f{i}", at=at(3, i + 1), operator=OP)
    with pytest.raises(RuleCapError) as info:
        ledger.earn("hh-1", "filial-care", key="f4", at=at(3, 20), operator=OP)
    assert (info.value.used, info.value.cap, info.value.period) == (20, 20, "2024-03")
    # another household, another month, or a reversal frees the allowance
    ledger.earn("hh-2", "filial-care", key="g0", at=at(3, 20), operator=OP)
    ledger.earn("hh-1", "filial-care", key="f5", at=at(4, 1), operator=OP)
    ledger.reverse("f0", key="rf0", at=at(3, 21), operator=OP)
    ledger.earn("hh-1", "filial-care", key="f6", at=at(3, 22), operator=OP)
    assert ledger.totals_by_rule("hh-1") == {"filial-care": 25}
    assert ledger.totals_by_rule("hh-1", start=dt.date(2024, 4, 1)) == {"filial-care": 5}


def test_idempotency(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    first = ledger.earn("hh-1", "filial-care", key="e1", at=at(), operator=OP)
    before = snapshot(ledger)
    again = ledger.earn("hh-1", "filial-care", key="e1", at=at(), operator=OP)
    assert again == first
    assert snapshot(ledger) == before
    with pytest.raises(IdempotencyConflictError) as info:
        ledger.earn("hh-2", "filial-care", key="e1", at=at(), operator=OP)
    assert info.value.key == "e1"
    with pytest.raises(IdempotencyConflictError):
        ledger.earn("hh-1", "filial-care", key="e1", at=at(3, 2), operator=OP)
    # within one batch too
    e = Adjust(key="b", account="hh-1", points=1, reason="r", at=at(), operator=OP)
    assert ledger.append_all([e, e]) == (e, e)
    with pytest.raises(IdempotencyConflictError):
        ledger.append_all(
            [
                Adjust(key="c", account="hh-1", points=1, reason="r", at=at(), operator=OP),
                Adjust(key="c", account="hh-1", points=2, reason="r", at=at(), operator=OP),
            ]
        )
    assert snapshot(ledger)[0] == before[0] + 1


def test_a_batch_is_all_or_nothing(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    before = snapshot(ledger)
    good = [
        Adjust(key=f"a{i}", account="hh-1", points=7, reason="r", at=at(), operator=OP)
        for i in range(5)
    ]
    redeem = Redeem(key="r", account="hh-1", points=-30, item="oil", at=at(), operator=OP)
    too_much = Redeem(
        key="r2", account="hh-1", points=-8, item="soap", quantity=2, at=at(), operator=OP
    )
    with pytest.raises(InsufficientPointsError) as info:
        ledger.append_all([*good, redeem, too_much])  # 35 - 30 leaves 5 to spend: 3 short
    assert snapshot(ledger) == before
    assert (info.value.key, info.value.shortfall) == ("r2", 3)
    # checked in order: later entries see earlier ones' balances
    result = ledger.append_all([*good, redeem])
    assert result[-1] == redeem
    assert ledger.balance("hh-1") == 105


def test_a_failing_batch_leaves_stock_alone(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.adjust("hh-1", 100, "r", key="a", at=at(), operator=OP)
    r1 = Redeem(key="r1", account="hh-1", points=-4, item="soap", at=at(), operator=OP)
    bad = Adjust(key="a", account="hh-1", points=5, reason="different", at=at(), operator=OP)
    with pytest.raises(IdempotencyConflictError):
        ledger.append_all([r1, bad])
    assert {s.item.code: s.stock for s in ledger.items()}["soap"] == 3


def test_reversals(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.earn("hh-1", "reformed-customs", key="e1", at=at(), operator=OP)
    rev = ledger.reverse("e1", key="x1", at=at(), operator=OP, reason="posted twice")
    assert isinstance(rev, Reverse)
    assert rev.points == -10
    assert rev.account == "hh-1"
    assert ledger.balance("hh-1") == 100
    with pytest.raises(ReversalError) as info:
        ledger.reverse("e1", key="x2", at=at(), operator=OP)
    assert info.value.reason == "already-reversed"
    with pytest.raises(ReversalError) as info:
        ledger.reverse("x1", key="x3", at=at(), operator=OP)
    assert info.value.reason == "is-reversal"
    with pytest.raises(UnknownIdError, match="no entry 'nope'"):
        ledger.reverse("nope", key="x4", at=at(), operator=OP)
    other = Reverse(key="x5", account="hh-2", points=-10, reverses="e1", at=at(), operator=OP)
    with pytest.raises(ReversalError, match="belongs to account 'hh-1'"):
        ledger.append(other)
    ledger.earn("hh-1", "reformed-customs", key="e2", at=at(), operator=OP)
    wrong = Reverse(key="x6", account="hh-1", points=-9, reverses="e2", at=at(), operator=OP)
    with pytest.raises(EntryRejectedError, match="takes -10"):
        ledger.append(wrong)
    twice = [
        Reverse(key=f"y{i}", account="hh-1", points=-10, reverses="e2", at=at(), operator=OP)
        for i in range(2)
    ]
    with pytest.raises(ReversalError, match="already been reversed"):
        ledger.append_all(twice)
    assert ledger.verify() == ()


def test_service_points_and_their_default_key(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(volunteer_hours())
    ledger.open_account("v-1", at=at(1), operator=OP)
    e = ledger.earn_service("v-1", "rec-1", 95, at=at(), operator=OP)
    assert e.points == 15
    assert e.key == "service:rec-1"
    assert ledger.earn_service("v-1", "rec-1", 95, at=at(), operator=OP) == e
    with pytest.raises(IdempotencyConflictError):
        ledger.earn_service("v-1", "rec-1", 300, at=at(), operator=OP)
    bad = Earn(
        key="k",
        account="v-1",
        points=30,
        service_record="rec-2",
        minutes=300,
        at=at(),
        operator=OP,
    )
    with pytest.raises(EntryRejectedError, match="300 minutes of service give 20 points"):
        ledger.append(bad)
    assert ledger.balance("v-1") == 15
    assert ledger.spendable("v-1") == 15


def test_balance_as_of_history_and_totals(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.earn("hh-1", "reformed-customs", key="e1", at=at(2, 10), operator=OP)
    ledger.deduct("hh-1", "littering", key="d1", at=at(3, 5), operator=OP)
    ledger.earn("hh-1", "clean-courtyard", key="e2", at=at(5, 1), operator=OP)
    assert ledger.balance("hh-1", as_of=dt.date(2023, 12, 31)) == 0
    assert ledger.balance("hh-1", as_of=dt.date(2024, 3, 5)) == 105
    assert ledger.balance("hh-1", as_of=at(3, 5) - dt.timedelta(seconds=1)) == 110
    assert ledger.balance("hh-1") == 107
    assert [e.key for e in ledger.history("hh-1")] == ["open:hh-1", "e1", "d1", "e2"]
    assert ledger.totals_by_period("month", "hh-1") == {
        "2024-01": 100,
        "2024-02": 10,
        "2024-03": -5,
        "2024-05": 2,
    }
    assert ledger.totals_by_period("quarter", kinds={"earn", "deduct"}) == {
        "2024-Q1": 5,
        "2024-Q2": 2,
    }
    assert ledger.totals_by_rule() == {
        "clean-courtyard": 2,
        "littering": -5,
        "reformed-customs": 10,
    }
    for call in (ledger.balance, ledger.history, ledger.spendable, ledger.account):
        with pytest.raises(UnknownIdError):
            call("nobody")


def test_sanction_floor_report(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.deduct("hh-2", "lavish-banquet", quantity=2, key="d1", at=at(), operator=OP)
    (report,) = ledger.below_floor()
    assert (report.account, report.balance, report.floor, report.shortfall) == ("hh-2", 60, 70, 10)
    assert "benefits are suspended" in str(report)
    assert ledger.spendable("hh-2") == 0


def test_floor_above_threshold_blocks_spending() -> None:
    scheme = PointsScheme(
        name="s", owner="610924", floor=50, rules=(Rule(code="bad", label="bad", points=-10),)
    )
    ledger = Ledger.in_memory(scheme)
    ledger.open_account("a", at=at(), operator=OP)
    ledger.adjust("a", 45, "r", key="k", at=at(), operator=OP)
    assert ledger.spendable("a") == 0
    ledger.adjust("a", 5, "r", key="k2", at=at(), operator=OP)
    assert ledger.spendable("a") == 50


def test_expiry_is_first_in_first_out(make_ledger: MakeLedger) -> None:
    scheme = PointsScheme(
        name="s",
        owner="610924",
        rules=(Rule(code="r", label="r", points=10),),
        expiry=ExpiryPolicy.after_months(12),
    )
    ledger = make_ledger(scheme)
    ledger.open_account("a", at=at(1, 1, 2023), operator=OP)
    ledger.add_stock(Item(code="i", name="i", price=15), 5)
    ledger.earn("a", "r", key="jan", at=at(1, 10, 2023), operator=OP)
    ledger.earn("a", "r", key="jun", at=at(6, 10, 2023), operator=OP)
    ledger.redeem("a", "i", key="buy", at=at(7, 1, 2023), operator=OP)  # takes jan, then 5 of jun
    assert ledger.expire(dt.date(2024, 1, 10), at=at(1, 10), operator=OP) == ()
    assert ledger.spendable("a", on=dt.date(2024, 6, 9)) == 5
    assert ledger.spendable("a", on=dt.date(2024, 6, 10)) == 0
    # a redemption dated after the expiry cannot spend expired points, even unposted
    with pytest.raises(InsufficientPointsError):
        ledger.redeem("a", "i", key="late", at=at(6, 11), operator=OP)
    (expired,) = ledger.expire(dt.date(2024, 6, 10), at=at(6, 10), operator=OP)
    assert isinstance(expired, Expire)
    assert expired.points == -5
    assert ledger.expire(dt.date(2024, 6, 10), at=at(6, 10), operator=OP) == ()
    assert ledger.balance("a") == 0
    wrong = Expire(
        key="x", account="a", points=-1, until=dt.date(2025, 1, 1), at=at(), operator=OP
    )
    with pytest.raises(EntryRejectedError, match="0 points of account 'a' expire"):
        ledger.append(wrong)
    assert ledger.verify() == ()


def test_households_pool_their_members(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(conduct_card())
    ledger.open_account("hh-1", at=at(1), operator=OP)
    ledger.open_account("p-lone", at=at(1), operator=OP)
    home = Household(id="hh-1").join("p-1", on=dt.date(2020, 1, 1))
    ledger.put_household(home.leave("p-1", on=dt.date(2024, 6, 1)))
    assert ledger.account_for("p-1", dt.date(2024, 5, 31)) == "hh-1"
    assert ledger.account_for("p-lone", dt.date(2024, 5, 31)) == "p-lone"
    with pytest.raises(UnknownIdError, match="no account for 'p-1'"):
        ledger.account_for("p-1", dt.date(2024, 6, 1))
    assert ledger.households()[0].members[0].left == dt.date(2024, 6, 1)


def test_household_membership_rules() -> None:
    home = Household(id="h").join("p", on=dt.date(2024, 1, 1))
    with pytest.raises(InvariantError, match="overlapping"):
        home.join("p", on=dt.date(2024, 2, 1))
    with pytest.raises(InvariantError, match="not a member"):
        home.leave("q", on=dt.date(2024, 2, 1))
    back = home.leave("p", on=dt.date(2024, 2, 1)).join("p", on=dt.date(2024, 3, 1))
    assert back.has_member("p", dt.date(2024, 3, 1))
    assert not back.has_member("p", dt.date(2024, 2, 15))


def test_stock_quantities_are_checked(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    with pytest.raises(InvariantError):
        ledger.add_stock(Item(code="soap", name="s", price=4), -1)
    line = ledger.add_stock(Item(code="soap", name="香皂", price=5), 2)
    assert (line.stock, line.item.price) == (5, 5)


def test_a_batch_mixing_repeats_and_new_entries(make_ledger: MakeLedger) -> None:
    ledger = card_with_shop(make_ledger)
    ledger.adjust("hh-1", 40, "prize", key="a1", at=at(), operator=OP)
    first = ledger.redeem("hh-1", "oil", key="r1", at=at(), operator=OP)  # the last oil
    batch = [
        first,  # a repeat: must not count as a second redemption (the shelf is empty)
        Adjust(key="a2", account="hh-1", points=3, reason="r", at=at(), operator=OP),
    ]
    result = ledger.append_all(batch)
    assert result == (first, batch[1])
    assert ledger.balance("hh-1") == 113
    assert [e.key for e in ledger.history("hh-1")] == ["open:hh-1", "a1", "r1", "a2"]
    assert {s.item.code: s.stock for s in ledger.items()}["oil"] == 0
    assert ledger.verify() == ()


def test_plain_batches_and_every_way_out_of_the_fast_path(make_ledger: MakeLedger) -> None:
    # The in-memory store appends a plain batch (new keys; earns and deducts under
    # uncapped rules; adjustments) in one pass. Any other entry, at any place in the
    # batch, must leave nothing of that pass behind and give the full check's result.
    def plain(prefix: str) -> list[Entry]:
        return [
            Earn(
                key=f"{prefix}e",
                account="hh-1",
                points=6,
                rule="volunteering",
                quantity=2,
                at=at(),
                operator=OP,
            ),
            Deduct(
                key=f"{prefix}d", account="hh-2", points=-5, rule="littering", at=at(), operator=OP
            ),
            Adjust(key=f"{prefix}a", account="hh-2", points=-3, reason="r", at=at(), operator=OP),
        ]

    ledger = card_with_shop(make_ledger)
    assert ledger.append_all(plain("p")) == tuple(plain("p"))
    assert ledger.balances() == {"hh-1": 106, "hh-2": 92}
    assert ledger.append_all(plain("p")) == tuple(plain("p"))  # a replay changes nothing
    assert ledger.balances() == {"hh-1": 106, "hh-2": 92}
    refused: list[tuple[Entry, type[Exception]]] = [
        (
            Earn(
                key="x",
                account="hh-1",
                points=3,
                rule="volunteering",
                quantity=2,
                at=at(),
                operator=OP,
            ),
            EntryRejectedError,
        ),  # wrong points
        (
            Earn(key="x", account="hh-1", points=5, rule="littering", at=at(), operator=OP),
            EntryRejectedError,
        ),  # a deducting rule as an earn
        (
            Deduct(key="x", account="hh-1", points=-3, rule="volunteering", at=at(), operator=OP),
            EntryRejectedError,
        ),  # an earning rule as a deduct
        (
            Earn(key="x", account="hh-1", points=5, rule="no-such-rule", at=at(), operator=OP),
            UnknownIdError,
        ),
        (
            Earn(
                key="x",
                account="hh-1",
                points=5,
                service_record="s",
                minutes=30,
                at=at(),
                operator=OP,
            ),
            EntryRejectedError,
        ),  # the card converts no service time
        (
            Adjust(key="x", account="hh-9", points=1, reason="r", at=at(), operator=OP),
            UnknownIdError,
        ),
        (
            Adjust(key="pe", account="hh-1", points=1, reason="r", at=at(), operator=OP),
            IdempotencyConflictError,
        ),
        (
            Earn(
                key="x",
                account="hh-1",
                points=25,
                rule="filial-care",
                quantity=5,
                at=at(),
                operator=OP,
            ),
            RuleCapError,
        ),  # capped at 20 a month
        (
            Redeem(key="x", account="hh-2", points=-4, item="soap", at=at(), operator=OP),
            InsufficientPointsError,
        ),
        (
            Reverse(key="x", account="hh-1", points=-1, reverses="pe", at=at(), operator=OP),
            EntryRejectedError,
        ),
    ]
    for n, (bad, error) in enumerate(refused):
        before = snapshot(ledger)
        with pytest.raises(error):
            ledger.append_all([*plain(f"q{n}-"), bad, *plain(f"r{n}-")])
        assert snapshot(ledger) == before
    accepted: list[Entry] = [
        Earn(
            key="f",
            account="hh-1",
            points=10,
            rule="filial-care",
            quantity=2,
            at=at(),
            operator=OP,
        ),
        Redeem(key="s", account="hh-1", points=-4, item="soap", at=at(), operator=OP),
        Reverse(key="v", account="hh-2", points=3, reverses="pa", at=at(), operator=OP),
        plain("p")[0],  # a repeat
    ]
    for n, good in enumerate(accepted):
        result = ledger.append_all([*plain(f"g{n}-"), good, *plain(f"h{n}-")])
        assert result == (*plain(f"g{n}-"), good, *plain(f"h{n}-"))
    assert ledger.balances() == {"hh-1": 106 + 4 * 12 + 10 - 4, "hh-2": 92 - 4 * 16 + 3}
    assert ledger.verify() == ()


def test_the_memory_fast_path_takes_plain_batches_only() -> None:
    ledger = Ledger.in_memory(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    store = ledger.store
    assert isinstance(store, MemoryStore)
    earn: dict[str | None, int] = {"volunteering": 3}
    deduct: dict[str | None, int] = {"littering": -5}
    batch: list[Entry] = [
        Earn(key="e", account="hh-1", points=3, rule="volunteering", at=at(), operator=OP),
        Deduct(
            key="d", account="hh-2", points=-10, rule="littering", quantity=2, at=at(), operator=OP
        ),
        Adjust(key="a", account="hh-1", points=1, reason="r", at=at(), operator=OP),
    ]
    assert store.append_plain(batch, earn, deduct)
    assert ledger.entries()[2:] == tuple(batch)
    before = snapshot(ledger)
    capped = Earn(key="f", account="hh-1", points=5, rule="filial-care", at=at(), operator=OP)
    for tail in (
        [capped],
        [batch[0]],
        [Adjust(key="n", account="hh-9", points=1, reason="r", at=at(), operator=OP)],
    ):
        more = [
            Adjust(key=f"m{i}", account="hh-2", points=1, reason="r", at=at(), operator=OP)
            for i in range(3)
        ]
        assert not store.append_plain([*more, *tail], earn, deduct)
        assert snapshot(ledger) == before
    assert ledger.verify() == ()


def test_an_interrupted_fast_path_writes_nothing() -> None:
    ledger = Ledger.in_memory(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    store = ledger.store
    assert isinstance(store, MemoryStore)
    batch = [
        Adjust(key=f"m{i}", account=f"hh-{i % 2 + 1}", points=1, reason="r", at=at(), operator=OP)
        for i in range(6)
    ]
    before = snapshot(ledger)

    class Interrupted(list[Entry]):
        def __iter__(self) -> Iterator[Entry]:
            yield from self[:3]
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.append_plain(Interrupted(batch), {}, {})
    assert snapshot(ledger) == before

    class FailingLog(list[Entry]):
        def append(self, entry: Entry) -> None:
            if entry.key == "m4":
                raise MemoryError
            super().append(entry)

    store._entries = FailingLog(store._entries)  # the 5th entry is half written
    with pytest.raises(MemoryError):
        store.append_plain(batch, {}, {})
    assert snapshot(ledger) == before
    assert ledger.verify() == ()
    store._entries = list(store._entries)
    assert ledger.append_all(batch) == tuple(batch)  # every key was given back
    assert ledger.entries()[-6:] == tuple(batch)
    assert len(ledger) == len(before[2]) + 6
    assert ledger.verify() == ()


@pytest.mark.parametrize(
    ("keys", "fail_on"),
    [
        (["p1", "p2", "p3"], "p2"),  # all in the gap: the batch goes in at the end
        (["p1", "p2", "a1", "p3", "a2"], "a1"),  # out of the gap: appended alone
        (["p1", "p2", "a1", "p3", "a2"], "p3"),  # in the gap, flushed at the next miss
        (["p1", "a1", "a2", "p2", "p3"], "p3"),  # in the gap after two misses
    ],
)
def test_a_failed_log_write_in_the_fast_path_writes_nothing(keys: list[str], fail_on: str) -> None:
    # After opening, the gap lies above 'open:hh-2': 'p…' keys are in it, 'a…' keys
    # are not. The log refuses to take the entry ``fail_on`` (as a MemoryError could),
    # whichever way it goes in; the pass must undo every balance and free every key.
    ledger = Ledger.in_memory(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    store = ledger.store
    assert isinstance(store, MemoryStore)
    batch = [
        Adjust(key=k, account=f"hh-{i % 2 + 1}", points=i + 1, reason="r", at=at(), operator=OP)
        for i, k in enumerate(keys)
    ]
    before = snapshot(ledger)

    class FailingLog(list[Entry]):
        def append(self, entry: Entry) -> None:
            if entry.key == fail_on:
                raise MemoryError
            super().append(entry)

        def extend(self, entries: Iterable[Entry]) -> None:
            entries = list(entries)
            if any(e.key == fail_on for e in entries):
                raise MemoryError
            super().extend(entries)

    store._entries = FailingLog(store._entries)
    with pytest.raises(MemoryError):
        store.append_plain(batch, {}, {})
    assert snapshot(ledger) == before
    store._entries = list(store._entries)
    assert ledger.verify() == ()
    assert ledger.append_all(batch) == tuple(batch)  # every key was given back
    assert ledger.entries()[-len(batch) :] == tuple(batch)
    assert ledger.balances() == {
        account: balance + sum(e.points for e in batch if e.account == account)
        for account, balance in before[1].items()
    }
    assert ledger.verify() == ()


def test_an_interruption_between_misses_writes_nothing() -> None:
    ledger = Ledger.in_memory(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    store = ledger.store
    assert isinstance(store, MemoryStore)
    batch = [
        Adjust(key=k, account="hh-1", points=2, reason="r", at=at(), operator=OP)
        for k in ("p1", "a1", "p2", "a2", "p3")
    ]
    before = snapshot(ledger)
    real = store._key_index
    calls: list[int] = []

    def interrupted() -> dict[str, Entry]:
        calls.append(len(store._entries))
        if len(calls) == 2:  # at 'a2', once 'p2' went into the log
            raise KeyboardInterrupt
        return real()

    store._key_index = interrupted  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        store.append_plain(batch, {}, {})
    assert calls == [len(before[2]) + 1, len(before[2]) + 3]
    assert snapshot(ledger) == before
    del store._key_index
    assert ledger.append_all(batch) == tuple(batch)
    assert ledger.balance("hh-1") == before[1]["hh-1"] + 10
    assert ledger.verify() == ()


def test_memory_history_is_indexed_lazily_and_undone_with_its_entries() -> None:
    # The memory store indexes an account's history when it is first asked for;
    # a write that fails after its own entries were indexed takes them back too.
    ledger = Ledger.in_memory(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    store = ledger.store
    assert isinstance(store, MemoryStore)

    def adjust(key: str, account: str) -> Adjust:
        return Adjust(key=key, account=account, points=2, reason="r", at=at(), operator=OP)

    ledger.append_all([adjust("a1", "hh-1"), adjust("a2", "hh-2")])
    assert [e.key for e in ledger.history("hh-1")][1:] == ["a1"]  # indexed now
    ledger.append_all([adjust("a3", "hh-1")])  # appended, not indexed yet
    before = snapshot(ledger)
    seen: list[list[str]] = []

    def work(tx: Any) -> None:
        tx.append([adjust("a4", "hh-1"), adjust("a5", "hh-2")])
        seen.append([e.key for e in tx.account_entries("hh-1")])  # indexes a3 and a4
        raise RuntimeError("a failure after the read")

    with pytest.raises(RuntimeError):
        store.write(work)
    assert len(seen) == 1
    assert seen[0][1:] == ["a1", "a3", "a4"]
    assert snapshot(ledger) == before
    assert [e.key for e in ledger.history("hh-1")][1:] == ["a1", "a3"]
    assert [e.key for e in ledger.history("hh-2")][1:] == ["a2"]
    ledger.append_all([adjust("a4", "hh-1")])  # the key is free again
    assert [e.key for e in ledger.history("hh-1")][1:] == ["a1", "a3", "a4"]
    assert ledger.balance("hh-1") == sum(e.points for e in ledger.history("hh-1"))
    assert ledger.verify() == ()


def test_an_interrupted_history_read_leaves_a_sound_index() -> None:
    ledger = Ledger.in_memory(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)
    ledger.history("hh-1")  # everything so far indexed

    def adjust(key: str, account: str) -> Adjust:
        return Adjust(key=key, account=account, points=2, reason="r", at=at(), operator=OP)

    ledger.append_all([adjust("a1", "hh-1"), adjust("a2", "hh-2")])  # not indexed yet
    store = ledger.store
    assert isinstance(store, MemoryStore)

    class FailOnce(list[Entry]):
        armed = True

        def append(self, entry: Entry) -> None:
            if FailOnce.armed:
                FailOnce.armed = False
                raise MemoryError  # as a KeyboardInterrupt could, half-way through
            super().append(entry)

    store._by_account["hh-2"] = FailOnce(store._by_account["hh-2"])
    with pytest.raises(MemoryError):
        ledger.history("hh-1")
    for account, keys in (("hh-1", ["a1"]), ("hh-2", ["a2"])):
        history = ledger.history(account)
        assert [e.key for e in history][1:] == keys
        assert ledger.balance(account) == sum(e.points for e in history)
        assert ledger.balance(account, as_of=at(12, 31)) == ledger.balance(account)
    assert ledger.verify() == ()


def test_an_interrupted_transaction_append_restores_the_balances() -> None:
    ledger = Ledger.in_memory(conduct_card())
    ledger.open_accounts(["hh-1"], at=at(1), operator=OP)
    store = ledger.store
    assert isinstance(store, MemoryStore)
    before = snapshot(ledger)

    def adjust(key: str) -> Adjust:
        return Adjust(key=key, account="hh-1", points=5, reason="r", at=at(), operator=OP)

    class Interrupted(list[Entry]):
        calls = 0

        def __iter__(self) -> Iterator[Entry]:
            Interrupted.calls += 1
            if Interrupted.calls == 3:  # the loop after the entries are logged
                yield self[0]
                raise KeyboardInterrupt
            yield from list.__iter__(self)

    with pytest.raises(KeyboardInterrupt):
        store.write(lambda tx: tx.append(Interrupted([adjust("a"), adjust("b")])))
    assert snapshot(ledger) == before
    assert ledger.balance("hh-1") == sum(e.points for e in ledger.history("hh-1"))
    assert ledger.verify() == ()


def test_points_limits_apply_to_new_postings_only(make_ledger: MakeLedger) -> None:
    scheme = PointsScheme(
        name="big",
        owner="610924",
        rules=(Rule(code="grant", label="grant", points=10**12),),
        opening=0,
        threshold=0,
        expiry=ExpiryPolicy.after_months(6),
    )
    ledger = make_ledger(scheme)
    ledger.open_accounts(["a", "b"], at=at(1, year=2023), operator=OP)
    for key, account in (("e1", "a"), ("e2", "a"), ("e3", "b")):
        ledger.earn(account, "grant", key=key, at=at(1, year=2023), operator=OP)
    with pytest.raises(EntryRejectedError, match="at most"):
        ledger.adjust("a", 10**12 + 1, reason="r", key="big", at=at(2, year=2023), operator=OP)
    # One expiry entry per account sums its lots: 2 x 10^12 for "a" is allowed.
    expired = ledger.expire(dt.date(2024, 1, 1), at=at(1, year=2024), operator=OP)
    assert sorted((e.account, e.points) for e in expired) == [("a", -2 * 10**12), ("b", -(10**12))]
    assert ledger.balance("a") == ledger.balance("b") == 0
    # An entry written before the limit (posted below the ledger's checks) still reads.
    old = Adjust(
        key="old", account="b", points=5 * 10**12, reason="r", at=at(2, year=2024), operator=OP
    )
    ledger.store.write(lambda tx: tx.append([old]))
    assert ledger.history("b")[-1] == old
    # A balance beyond the limit takes entries that bring it back, not further.
    ledger.store.write(
        lambda tx: tx.append(
            [
                Adjust(
                    key="far",
                    account="b",
                    points=2**62,
                    reason="r",
                    at=at(3, year=2024),
                    operator=OP,
                )
            ]
        )
    )
    with pytest.raises(EntryRejectedError, match="would leave"):
        ledger.adjust("b", 1, reason="r", key="more", at=at(4, year=2024), operator=OP)
    ledger.adjust("b", -1, reason="r", key="less", at=at(4, year=2024), operator=OP)


def test_keys_in_any_order_are_new_once(make_ledger: MakeLedger) -> None:
    # The memory store takes a key above every earlier key as new without a look-up;
    # any other key is looked up. Both stores must agree on what is a repeat.
    ledger = make_ledger(conduct_card())
    ledger.open_accounts(["hh-1", "hh-2"], at=at(1), operator=OP)

    def adjust(key: str, points: int = 1) -> Adjust:
        return Adjust(key=key, account="hh-1", points=points, reason="r", at=at(), operator=OP)

    first = [adjust("k5"), adjust("k3"), adjust("k7")]
    assert ledger.append_all(first) == tuple(first)
    # the same key twice in one batch, the second time above every earlier key
    with pytest.raises(IdempotencyConflictError):
        ledger.append_all([adjust("k8"), adjust("k2"), adjust("k9"), adjust("k9", 2)])
    assert [e.key for e in ledger.entries()][-3:] == ["k5", "k3", "k7"]
    again = [adjust("k8"), adjust("k2"), adjust("k9"), adjust("k9")]
    assert ledger.append_all(again) == (*again[:3], again[2])
    assert [e.key for e in ledger.entries()][-6:] == ["k5", "k3", "k7", "k8", "k2", "k9"]
    # repeats of keys below the greatest one, alone and in a batch of new ones
    assert ledger.append(adjust("k3")) == first[1]
    with pytest.raises(IdempotencyConflictError):
        ledger.append(adjust("k3", 2))
    assert ledger.append_all([adjust("k1"), adjust("k5")]) == (adjust("k1"), first[0])
    assert len(ledger) == 2 + 7
    ledger.append_all([adjust(f"m{i:03d}") for i in range(100)])
    ledger.append(adjust("s"))
    # a batch the ledger checks in full (a reversal), its keys out of order (in the
    # memory store: both in the gap, which then starts above the greater one)
    undo = Reverse(key="t9", account="hh-1", points=-1, reverses="k1", at=at(), operator=OP)
    assert ledger.append_all([undo, adjust("t5")]) == (undo, adjust("t5"))
    with pytest.raises(IdempotencyConflictError):
        ledger.append(adjust("t9"))
    assert ledger.append(adjust("t5")) == adjust("t5")
    assert len(ledger) == 2 + 9 + 101
    assert ledger.balance("hh-1") == 100 + 7 + 101
    assert ledger.verify() == ()


def test_a_refused_batch_frees_its_keys(make_ledger: MakeLedger) -> None:
    ledger = make_ledger(conduct_card())
    ledger.open_accounts(["hh-1"], at=at(1), operator=OP)

    def adjust(key: str, account: str = "hh-1") -> Adjust:
        return Adjust(key=key, account=account, points=1, reason="r", at=at(), operator=OP)

    ledger.append(adjust("b"))
    with pytest.raises(UnknownIdError):
        ledger.append_all([adjust("z"), adjust("a"), adjust("y", "hh-9")])
    for key in ("z", "a", "y"):  # none of them was kept, in the index or the log
        assert ledger.append(adjust(key)) == adjust(key)
    assert [e.key for e in ledger.entries()][1:] == ["b", "z", "a", "y"]
    assert ledger.verify() == ()


def test_memory_key_index_is_built_when_a_key_needs_it() -> None:
    ledger = Ledger.in_memory(conduct_card())
    ledger.open_accounts(["hh-1"], at=at(1), operator=OP)
    store = ledger.store
    assert isinstance(store, MemoryStore)

    def adjust(key: str) -> Adjust:
        return Adjust(key=key, account="hh-1", points=1, reason="r", at=at(), operator=OP)

    # The opening entry's key 'open:hh-1' is above these: the first one is looked up,
    # and the gap moves to lie between the batch's last key and 'open:hh-1'.
    ledger.append_all([adjust(f"e{i:03d}") for i in range(50)])
    assert len(store._by_key) == 51
    for start in (50, 60, 70):  # time-ordered keys in the gap: never looked up
        ledger.append_all([adjust(f"e{i:03d}") for i in range(start, start + 10)])
    assert len(store._by_key) == 51
    assert len(ledger) == 81
    assert ledger.append(adjust("e010")) == adjust("e010")  # a repeat: found in the index
    with pytest.raises(IdempotencyConflictError):
        ledger.append(adjust("open:hh-1"))  # a key above the gap, in use
    assert len(store._by_key) == len(ledger) == 81
    assert ledger.append_all([adjust("e080"), adjust("zz")]) == (adjust("e080"), adjust("zz"))
    assert len(ledger) == 83
    assert ledger.balance("hh-1") == 100 + 82
    assert ledger.verify() == ()


def test_account_ids_are_shared_strings() -> None:
    # Entries and accounts name an account by one string object, whatever string
    # they were given: fewer copies in memory, identity hits in the balance index.
    a = Adjust(key="k", account="".join(["hh", "-1"]), points=1, reason="r", at=at(), operator=OP)
    b = Adjust(key="k", account="hh-" + str(1), points=1, reason="r", at=at(), operator=OP)
    assert a.account is b.account

    class Id(str):
        pass

    c = Adjust(key="k", account=Id("hh-1"), points=1, reason="r", at=at(), operator=OP)
    assert type(c.account) is str
    assert c.account is a.account


def test_balance_limits_hold_after_a_batch_checked_near_them(
    make_ledger: MakeLedger, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the balance limit scaled down to 10 entries' worth, an 11-entry batch is
    # checked entry by entry (the memory store's bound on its balances is too far
    # out); the next, short batch must still be refused past the limit. The memory
    # store once kept its bound below the balance that batch left, and took it.
    import wenming.points.ledger as ledger_module
    import wenming.points.memory as memory_module

    most = 10**12
    for module in (ledger_module, memory_module):
        monkeypatch.setattr(module, "BALANCE_LIMIT", 10 * most)
    ledger = make_ledger(conduct_card())
    ledger.open_account("a", at=at(1), operator=OP)

    def adjust(key: str, points: int) -> Adjust:
        return Adjust(key=key, account="a", points=points, reason="r", at=at(), operator=OP)

    ledger.append_all([adjust(f"k{i:02d}", most if i < 9 else -1) for i in range(11)])
    assert ledger.balance("a") == 100 + 9 * most - 2
    with pytest.raises(EntryRejectedError, match="would leave"):
        ledger.append(adjust("k99", most))
    ledger.append(adjust("k99", most - 98))  # exactly at the limit
    assert ledger.balance("a") == 10 * most
    assert ledger.verify() == ()
