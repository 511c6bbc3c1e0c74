"""The Ziyang reference ledgers and the ledger generator behind them.

The volunteer points are checked against the network's service records computed
here independently (10 points an hour, at most 2 hours, rounded down); the
conduct card against its own rules, replayed entry by entry.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from wenming.datasets import ziyang, ziyang_conduct_card, ziyang_volunteer_points
from wenming.datasets.points import ZIYANG_CARD_STATION, ZIYANG_CARD_VILLAGE
from wenming.errors import InvariantError, UnknownIdError
from wenming.network import Network
from wenming.points import (
    Adjust,
    Deduct,
    Earn,
    Entry,
    Expire,
    ExpiryPolicy,
    Item,
    Ledger,
    Redeem,
    Reverse,
    Rule,
    conduct_card,
    volunteer_hours,
)
from wenming.service import SERVICE_RECORDS
from wenming.testing.generators import generate
from wenming.testing.ledgers import CST, generate_ledger
from wenming.testing.volunteers import volunteer_county
from wenming.volunteers import VOLUNTEERS

START, END = dt.date(2022, 1, 1), dt.date(2023, 12, 31)


def service_points(minutes: int) -> int:
    """The shipped volunteer scheme, written out: 10 points an hour, 2 hours at most."""
    return min(minutes, 120) * 10 // 60


@pytest.fixture(scope="module")
def network() -> Network:
    return ziyang()


@pytest.fixture(scope="module")
def volunteer() -> Iterator[Ledger]:
    ledger = ziyang_volunteer_points()
    yield ledger
    ledger.close()


@pytest.fixture(scope="module")
def card() -> Iterator[Ledger]:
    ledger = ziyang_conduct_card()
    yield ledger
    ledger.close()


def sums(ledger: Ledger) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for entry in ledger.entries():
        totals[entry.account] += entry.points
    return dict(totals)


def reversed_keys(ledger: Ledger) -> set[str]:
    return {e.reverses for e in ledger.entries() if isinstance(e, Reverse)}


# ------------------------------------------------------------ volunteer points


def test_volunteer_points_verify_and_balances_are_the_sums_of_entries(volunteer: Ledger) -> None:
    assert volunteer.verify() == ()
    assert volunteer.scheme == volunteer_hours()
    balances = volunteer.balances()
    assert balances == sums(volunteer)
    assert all(b >= 0 for b in balances.values())


def test_one_volunteer_account_per_volunteer_with_records(
    volunteer: Ledger, network: Network
) -> None:
    records = network.table(SERVICE_RECORDS).values()
    with_records = {str(r.volunteer) for r in records}
    assert {str(a.id) for a in volunteer.accounts()} == with_records
    assert len(with_records) == 6428
    assert {a.holder_type.value for a in volunteer.accounts()} == {"person"}


def test_volunteer_earnings_are_the_service_records_converted(
    volunteer: Ledger, network: Network
) -> None:
    records = list(network.table(SERVICE_RECORDS).values())
    earned = {
        e.service_record: e
        for e in volunteer.entries()
        if isinstance(e, Earn) and e.service_record is not None
    }
    assert set(earned) == {r.id for r in records}
    for r in records:
        entry = earned[r.id]
        assert (str(entry.key), str(entry.account), entry.minutes) == (
            f"service:{r.id}",
            r.volunteer,
            r.minutes,
        )
        assert entry.points == service_points(r.minutes)
        assert entry.at.date() == r.recorded
    expected = sum(service_points(r.minutes) for r in records)
    assert sum(e.points for e in earned.values()) == expected
    # no record of the network is corrected, so none of its points is taken back
    assert not reversed_keys(volunteer) & {e.key for e in earned.values()}
    per_volunteer: dict[str, int] = defaultdict(int)
    for r in records:
        per_volunteer[r.volunteer] += service_points(r.minutes)
    for account in ("ZY006485", "ZY000002"):
        history = volunteer.history(account)
        assert (
            sum(e.points for e in history if isinstance(e, Earn) and e.service_record)
            == (per_volunteer[account])
        )


def test_commendations_go_to_the_top_one_percent_by_minutes(
    volunteer: Ledger, network: Network
) -> None:
    commended: dict[int, set[str]] = defaultdict(set)
    for e in volunteer.entries():
        if isinstance(e, Earn) and e.rule == "commendation":
            assert e.points == 50
            assert (e.at.month, e.at.day) == (12, 20)
            commended[e.at.year].add(e.account)
    assert set(commended) == {2022, 2023}
    for year, who in commended.items():
        minutes: Counter[str] = Counter()
        for r in network.table(SERVICE_RECORDS).values():
            if r.date.year == year and r.recorded <= dt.date(year, 12, 20):
                minutes[r.volunteer] += r.minutes
        ranked = sorted(minutes, key=lambda v: (-minutes[v], v))
        assert who == set(ranked[: round(len(ranked) / 100)])


def test_volunteer_ledger_has_redemptions_adjustments_and_reversals(volunteer: Ledger) -> None:
    kinds = Counter(e.kind for e in volunteer.entries())
    assert kinds["redeem"] > 100
    assert 10 < kinds["adjust"] < kinds["earn"] / 10
    assert 0 < kinds["reverse"] < kinds["adjust"]
    assert all(line.stock >= 0 for line in volunteer.items())
    assert any(line.stock > 0 for line in volunteer.items())
    stamps = [e.at for e in volunteer.entries()]
    assert stamps == sorted(stamps)
    assert stamps[0].date() >= START
    assert stamps[-1].date() <= END


# ------------------------------------------------------------ conduct card


def test_card_is_the_shipped_card_kept_by_a_village_with_a_station(
    card: Ledger, network: Network
) -> None:
    assert card.verify() == ()
    shipped = conduct_card()
    assert card.scheme == attrs.evolve(shipped, owner=ZIYANG_CARD_VILLAGE, name=card.scheme.name)
    assert "合成" in card.scheme.name
    station = network.site(ZIYANG_CARD_STATION)
    assert station.division.short == ZIYANG_CARD_VILLAGE
    assert card.balances() == sums(card)


def test_card_households_open_at_100_and_hold_the_villages_volunteers(
    card: Ledger, network: Network
) -> None:
    homes = card.households()
    accounts = card.accounts()
    assert len(homes) == len(accounts) == 80
    assert {str(h.id) for h in homes} == {str(a.id) for a in accounts}
    assert {a.holder_type.value for a in accounts} == {"household"}
    for account in accounts:
        first = card.history(account.id)[0]
        assert (first.key, first.points, first.at.date()) == (f"open:{account.id}", 100, START)
    volunteers = network.table(VOLUNTEERS)
    residents = {
        str(v.id)
        for v in volunteers.values()
        if v.residence is not None and v.residence.short == ZIYANG_CARD_VILLAGE
    }
    members = {str(m.person) for h in homes for m in h.members}
    assert residents <= members  # 65 volunteers live there, and every one is in a household
    for person in members - residents:
        assert person.startswith(f"p-{ZIYANG_CARD_VILLAGE}-")  # synthetic
    assert any(m.left is not None for h in homes for m in h.members)


def test_card_volunteering_follows_the_members_service_records(
    card: Ledger, network: Network
) -> None:
    homes = card.households()
    expected: dict[str, str] = {}
    for r in network.table(SERVICE_RECORDS).values():
        for home in homes:
            if home.has_member(r.volunteer, r.date):
                expected[f"volunteering:{r.id}"] = home.id
    got = {
        e.key: e.account
        for e in card.entries()
        if isinstance(e, Earn) and e.rule == "volunteering"
    }
    assert got == expected
    assert len(got) > 20


def test_card_keeps_its_caps_and_redeems_only_what_can_be_spent(card: Ledger) -> None:
    scheme = card.scheme
    caps = {r.code: r for r in scheme.rules if r.cap is not None}
    cancelled = reversed_keys(card)
    used: Counter[tuple[str, str, str]] = Counter()
    balance: dict[str, int] = defaultdict(int)
    redeemed = 0
    for e in card.entries():
        if isinstance(e, Earn | Deduct) and e.rule in caps and e.key not in cancelled:
            rule: Rule = caps[e.rule]
            used[(e.account, e.rule, rule.per.label(e.at.date()))] += abs(e.points)
        if isinstance(e, Redeem):
            redeemed += 1
            assert balance[e.account] >= scheme.floor  # type: ignore[operator]
            assert balance[e.account] + e.points >= scheme.threshold  # only points above 100
        balance[e.account] += e.points
    assert redeemed > 50
    assert used
    for (_account, code, _period), points in used.items():
        assert points <= caps[code].cap  # type: ignore[operator]


def test_card_has_households_below_the_floor(card: Ledger) -> None:
    reports = card.below_floor()
    balances = card.balances()
    low = sorted(a for a, b in balances.items() if b < 70)
    assert 2 <= len(reports) <= 8
    assert [r.account for r in reports] == low
    for report in reports:
        assert report.balance == balances[report.account]
        assert report.shortfall == 70 - report.balance
        assert card.spendable(report.account, on=END) == 0
        assert "benefits are suspended" in str(report)
    kinds = Counter(e.kind for e in card.entries())
    assert kinds["deduct"] > 0
    assert kinds["reverse"] > 0
    assert kinds["adjust"] > 80
    stamps = [e.at for e in card.entries()]
    assert stamps == sorted(stamps)
    assert stamps[-1].date() <= END


# ------------------------------------------------------------ determinism, files


def test_each_call_gives_a_fresh_ledger_with_the_same_entries(card: Ledger) -> None:
    again = ziyang_conduct_card()
    assert again is not card
    assert again.entries() == card.entries()
    assert again.households() == card.households()
    assert again.items() == card.items()
    at = dt.datetime(2024, 1, 2, 9, tzinfo=CST)
    again.adjust("hh-610924101201-001", 5, "test", key="t-1", at=at, operator="t")
    assert len(again) == len(card) + 1


def test_volunteer_points_are_the_same_every_call(volunteer: Ledger) -> None:
    assert ziyang_volunteer_points().entries() == volunteer.entries()


DIGEST = """
import hashlib
from wenming.datasets import ziyang_conduct_card, ziyang_volunteer_points
from wenming.points.entries import canonical_bytes
digest = hashlib.sha256()
for ledger in (ziyang_conduct_card(), ziyang_volunteer_points()):
    for entry in ledger.entries():
        digest.update(canonical_bytes(entry))
    digest.update(repr(ledger.households()).encode() + repr(ledger.items()).encode())
print(digest.hexdigest())
"""


def test_the_same_entries_in_every_process() -> None:
    digests = {
        subprocess.run(
            [sys.executable, "-c", DIGEST],
            env={**os.environ, "PYTHONHASHSEED": str(hash_seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for hash_seed in (1, 2)
    }
    assert len(digests) == 1


def test_loading_the_network_does_not_import_the_points_package() -> None:
    code = "import sys, wenming.datasets as d; d.ziyang(); print('wenming.points' in sys.modules)"
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert found.strip() == "False"


def copy(source: Ledger, target: Ledger) -> None:
    """Copy a ledger through the public API: accounts, households, stock, entries."""
    opening: dict[str, Entry] = {e.key: e for e in source.entries() if e.key.startswith("open:")}
    batches: dict[tuple[dt.datetime, str], list[tuple[str, str]]] = defaultdict(list)
    for account in source.accounts():
        first = opening.get(f"open:{account.id}")
        at = first.at if first else dt.datetime.combine(account.opened, dt.time(), CST)
        operator = first.operator if first else "copy"
        batches[(at, operator)].append((account.id, account.holder))
    for (at, operator), accounts in batches.items():
        ids, holders = zip(*accounts, strict=True)
        target.open_accounts(ids, at=at, operator=operator, holders=holders)
    for home in source.households():
        target.put_household(home)
    taken: Counter[str] = Counter()
    for e in source.entries():
        if isinstance(e, Redeem):
            taken[e.item] += e.quantity
    for line in source.items():
        target.add_stock(line.item, line.stock + taken[line.item.code])
    target.append_all(source.entries())  # the opening entries are repeats: skipped


@pytest.mark.parametrize("which", ["card", "volunteer"])
def test_copied_into_sqlite_with_identical_balances(
    which: str, card: Ledger, volunteer: Ledger, tmp_path: Path
) -> None:
    source = card if which == "card" else volunteer
    path = tmp_path / f"{which}.ledger"
    with Ledger.create(path, source.scheme, synchronous="normal") as target:
        copy(source, target)
        assert target.accounts() == source.accounts()
        assert target.balances() == source.balances()
        assert target.entries() == source.entries()
        assert target.items() == source.items()
        assert target.verify() == ()
    with Ledger.open(path) as reopened:
        assert reopened.balances() == source.balances()
        assert reopened.below_floor() == source.below_floor()


def test_built_straight_into_a_sqlite_file(card: Ledger, tmp_path: Path) -> None:
    path = tmp_path / "card.ledger"
    ziyang_conduct_card(path=path).close()
    with Ledger.open(path) as stored:
        assert stored.entries() == card.entries()
        assert stored.households() == card.households()
        assert stored.verify() == ()
        assert len(stored.head()[1]) == 64


# ------------------------------------------------------------ the generator


@pytest.fixture(scope="module")
def small() -> Network:
    return generate("county", seed=3, villages_per_town=(2, 3), volunteers_per_station=(2, 5))


def test_generator_same_seed_same_entries_other_seed_other_entries(small: Network) -> None:
    for scheme in (conduct_card(), volunteer_hours()):
        a = generate_ledger(small, scheme=scheme, seed=5, households_per_station=(3, 6))
        b = generate_ledger(small, scheme=scheme, seed=5, households_per_station=(3, 6))
        c = generate_ledger(small, scheme=scheme, seed=6, households_per_station=(3, 6))
        assert a.entries() == b.entries()
        assert a.households() == b.households()
        assert a.items() == b.items()
        assert a.entries() != c.entries()
        for ledger in (a, c):
            assert ledger.verify() == ()
            assert ledger.balances() == sums(ledger)


def test_generator_household_ledger_at_scale(small: Network) -> None:
    stations = [s for s in small.sites.values() if s.kind.value == "station"]
    ledger = generate_ledger(small, scheme=conduct_card(), seed=1, households_per_station=(4, 4))
    assert len(ledger.accounts()) == 4 * len(stations)
    villages = {a.id.rsplit("-", 1)[0].removeprefix("hh-") for a in ledger.accounts()}
    assert villages == {s.division.short for s in stations}
    per_account = Counter(e.account for e in ledger.entries())
    assert min(per_account.values()) >= 5  # every household has a history over two years
    assert ledger.verify() == ()


def test_generator_turns_corrections_into_reversals() -> None:
    net = volunteer_county()
    ledger = generate_ledger(net, scheme=volunteer_hours(), seed=1)
    assert ledger.verify() == ()
    by_key: dict[str, Entry] = {e.key: e for e in ledger.entries()}
    fix = by_key["correction:r-ZY-000001-0-fix"]
    assert isinstance(fix, Reverse)
    assert (fix.reverses, fix.points, fix.at.date()) == (
        "service:r-ZY-000001-0",
        -10,
        dt.date(2023, 3, 15),
    )
    records = net.table(SERVICE_RECORDS).values()
    superseded = {r.supersedes for r in records}
    net_service = sum(
        e.points
        for e in ledger.entries()
        if (isinstance(e, Earn) and e.service_record) or e.key.startswith("correction:")
    )
    assert net_service == sum(service_points(r.minutes) for r in records if r.id not in superseded)


def test_generator_household_service_rule_on_a_small_county() -> None:
    net = volunteer_county()
    ledger = generate_ledger(
        net,
        scheme=conduct_card(),
        seed=2,
        stations=["s-610924101001"],
        households_per_station=(3, 3),
    )
    assert ledger.verify() == ()
    homes = ledger.households()
    members = {m.person for h in homes for m in h.members}
    assert {"ZY-000001", "ZY-000003", "ZY-000005"} <= members
    earned = {e.key for e in ledger.entries() if isinstance(e, Earn) and e.rule == "volunteering"}
    expected = {
        f"volunteering:{r.id}"
        for r in net.table(SERVICE_RECORDS).values()
        if any(h.has_member(r.volunteer, r.date) for h in homes)
    }
    assert earned == expected
    # the corrected record earned once and was reversed when the correction came
    assert "volunteering:r-ZY-000001-0" in {
        e.reverses for e in ledger.entries() if isinstance(e, Reverse)
    }


def test_generator_posts_expiry_for_an_expiring_scheme(small: Network) -> None:
    scheme = attrs.evolve(volunteer_hours(), expiry=ExpiryPolicy.after_months(3))
    ledger = generate_ledger(small, scheme=scheme, seed=1, redeem_rate=0.2)
    assert ledger.verify() == ()
    expired = [e for e in ledger.entries() if isinstance(e, Expire)]
    assert expired
    assert {e.until.day for e in expired} == {1}
    # nothing earned by the end of the period minus three months is left unexpired
    day = dt.date(2023, 12, 1)
    assert ledger.expire(day, at=dt.datetime(2023, 12, 1, 0, 10, tzinfo=CST), operator="x") == ()


def test_generator_options_are_checked(small: Network) -> None:
    with pytest.raises(InvariantError, match="households_per_station"):
        generate_ledger(small, scheme=conduct_card(), households_per_station=(5, 2))
    with pytest.raises(InvariantError, match="not a Station"):
        generate_ledger(small, scheme=conduct_card(), stations=["C990101"])
    with pytest.raises(UnknownIdError):
        generate_ledger(small, scheme=conduct_card(), stations=["no-such-site"])
    with pytest.raises(InvariantError, match="troubled_share"):
        generate_ledger(small, scheme=conduct_card(), troubled_share=1.5)
    with pytest.raises(InvariantError, match="ends"):
        generate_ledger(small, scheme=conduct_card(), start="2023-02-01", end="2023-01-01")
    used = Ledger.in_memory(conduct_card())
    used.add_stock(Item(code="soap", name="soap", price=1), 1)
    with pytest.raises(InvariantError, match="empty"):
        generate_ledger(small, scheme=conduct_card(), ledger=used)
    with pytest.raises(InvariantError, match="another scheme"):
        generate_ledger(small, scheme=volunteer_hours(), ledger=Ledger.in_memory(conduct_card()))


def test_generator_rule_rates_and_a_quiet_ledger(small: Network) -> None:
    quiet = generate_ledger(
        small,
        scheme=conduct_card(),
        seed=1,
        households_per_station=(2, 2),
        # without a service rule, volunteering is drawn like the other rules: not at all here
        rule_rates=dict.fromkeys(
            ("filial-care", "clean-courtyard", "reformed-customs", "volunteering"), 0.0
        ),
        troubled_share=0,
        redeem_rate=0,
        adjust_rate=0,
        reverse_share=0,
        service_rule=None,
    )
    kinds = Counter(type(e) for e in quiet.entries())
    assert set(kinds) <= {Adjust, Deduct}
    assert kinds[Adjust] == len(quiet.accounts())  # the opening balances only
    assert quiet.items() == ()


def entry_kinds(entries: tuple[Entry, ...]) -> set[str]:
    return {e.kind for e in entries}


def test_generator_period_limits_the_entries(small: Network) -> None:
    ledger = generate_ledger(
        small, scheme=volunteer_hours(), seed=1, start="2023-04-01", end="2023-06-30"
    )
    days = [e.at.date() for e in ledger.entries()]
    assert min(days) >= dt.date(2023, 4, 1)
    assert max(days) <= dt.date(2023, 6, 30)
    records = [
        r
        for r in small.table(SERVICE_RECORDS).values()
        if dt.date(2023, 4, 1) <= r.recorded <= dt.date(2023, 6, 30)
    ]
    assert {str(a.id) for a in ledger.accounts()} == {str(r.volunteer) for r in records}
    assert "earn" in entry_kinds(ledger.entries())


def test_a_reference_ledger_killed_half_built_leaves_no_file(tmp_path: Path) -> None:
    """Built under a temporary name and linked into place only when whole.

    Before, ``ziyang_conduct_card(path=...)`` built in place: a build killed
    half-way left a ledger at ``path`` that opened and verified clean, holding a
    part of the reference data (found by a SIGKILL campaign).
    """
    import contextlib
    import signal
    import time

    target = tmp_path / "card.ledger"
    code = (
        "import sys; from wenming.datasets import ziyang_conduct_card; "
        "ziyang_conduct_card(path=sys.argv[1]).close()"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(target)])
    try:
        deadline = time.monotonic() + 60
        # wait until the ledger being built holds entries: the build is under way
        while time.monotonic() < deadline and child.poll() is None:
            files = [f for f in tmp_path.rglob("*card.ledger*") if f.is_file()]
            with contextlib.suppress(OSError):  # a file may go between glob and stat
                if any(f.stat().st_size > 64 * 1024 for f in files):
                    break
            time.sleep(0.005)
        assert child.poll() is None, "the build finished before it could be killed"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait()
    assert not target.exists()
    assert list(tmp_path.glob(".card.ledger.*"))  # what the killed build left
    card = ziyang_conduct_card(path=target)  # the next build clears it away
    assert len(card) == len(ziyang_conduct_card())
    assert card.verify() == ()
    card.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.ledger"]


def test_a_reference_ledger_build_names_the_callers_path(tmp_path: Path) -> None:
    # It named its hidden temporary (".card.ledger.PID.xxxx.build.tmp") when it failed.
    from wenming.errors import FileAccessError

    target = tmp_path / "missing" / "card.ledger"
    with pytest.raises(FileAccessError) as caught:
        ziyang_conduct_card(path=target)
    assert caught.value.filename == str(target)
    assert str(caught.value).startswith(f"{target}: cannot create the ledger")
    assert not (tmp_path / "missing").exists()
