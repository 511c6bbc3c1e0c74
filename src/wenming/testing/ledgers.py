"""Generate realistic points ledgers from a network's records, at any scale.

:func:`generate_ledger` fills a :class:`~wenming.points.Ledger` with the points
entries a county's clerks, its volunteer platform and its points stores would
have posted over a period, derived from the network's own records where the
records say something and drawn from a seeded generator where they do not:

=====================  ==================================================================
scheme holder          accounts, and what they earn
=====================  ==================================================================
person                 one account per volunteer with a service record in the period;
                       each service record earns under the scheme's conversion (or the
                       ``service_rule``), a correction reverses what the record it
                       corrects earned, and every December the volunteers with the most
                       service minutes that year earn the ``commendation_rule``
household              ``households_per_station`` households in the village of every
                       Station (or of the ``stations`` given), opening on the first day;
                       members are the volunteers who live in the village (their
                       volunteer ids) and synthetic persons; a member's service record
                       earns the household the ``service_rule`` (``volunteering``), and
                       the other rules are earned and deducted month by month
=====================  ==================================================================

Both kinds of ledger also get redemptions at the points store (an item
catalogue priced by what the goods are worth and the scheme's ``fen_per_point``,
restocked every quarter), a few adjustments with their reasons, and a few
reversals (an entry posted in error, a deduction withdrawn on appeal). A small
share of households are "troubled" (more deductions, fewer earnings), so a card
with a sanction floor has households below it. Schemes that expire points get
their expiry posted on the first day of every month.

Every entry is posted through the :class:`~wenming.points.Ledger` API, in time
order, so every rule of the scheme and the store holds: the generator keeps its
own balances, rule caps and stock to decide what can be posted, and the ledger
checks all of it again (``ledger.verify()`` returns nothing). The same network,
scheme, seed and options give the same entries, in the same order.

Household and member ids (``hh-<village>-001``, ``p-<village>-001-2``), operators
and every drawn entry are **synthetic**; only the service records, the volunteers
and their villages come from the network.

Examples
--------
>>> from wenming.points import conduct_card, volunteer_hours
>>> from wenming.testing import generate
>>> net = generate("county", seed=1, volunteers_per_station=(1, 3))
>>> hours = generate_ledger(net, scheme=volunteer_hours(), seed=1)
>>> hours.verify()
()
>>> volunteers = {r.volunteer for r in net.table("service_records").values()}
>>> len(hours.accounts()) == len(volunteers)
True
>>> card = generate_ledger(net, scheme=conduct_card(), seed=1, households_per_station=(2, 3))
>>> card.verify(), len(card.households()) == len(card.accounts())
((), True)
>>> [e.key for e in card.entries()[:2]]
['open:hh-990101100201-001', 'open:hh-990101100201-002']
"""

from __future__ import annotations

import calendar
import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from wenming._fields import DateLike, as_date
from wenming._gc import paused_gc
from wenming.errors import InvariantError
from wenming.ids import VolunteerId
from wenming.network import Network
from wenming.points import (
    Adjust,
    Deduct,
    Earn,
    Entry,
    Expire,
    Household,
    Item,
    Ledger,
    Member,
    PointsScheme,
    Redeem,
    Reverse,
    Rule,
    expired_points,
    lots,
    spendable_points,
)
from wenming.points.schemes import ExpiryKind, HolderType
from wenming.service import SERVICE_RECORDS, ServiceRecord
from wenming.sites import SiteKind
from wenming.volunteers import VOLUNTEERS

__all__ = ["CATALOGUE", "CST", "RULE_RATES", "generate_ledger"]

CST = dt.timezone(dt.timedelta(hours=8))
"""Beijing time, the time zone of every generated entry."""

RULE_RATES: Mapping[str, float] = MappingProxyType(
    {
        "filial-care": 0.35,
        "clean-courtyard": 0.6,
        "reformed-customs": 0.02,
        "littering": 0.04,
        "lavish-banquet": 0.004,
    }
)
"""How often an ordinary account gets each shipped rule: occurrences a month.

Rules not listed are earned 0.2 times and deducted 0.03 times a month. The
``service_rule`` and the ``commendation_rule`` are not drawn: they follow the
service records.
"""

CATALOGUE: tuple[tuple[str, str, int], ...] = (
    ("soap", "洗衣皂 laundry soap", 300),
    ("toothpaste", "牙膏 toothpaste", 600),
    ("towel", "毛巾 towel", 800),
    ("detergent", "洗衣粉 washing powder", 1500),
    ("umbrella", "雨伞 umbrella", 2500),
    ("rice", "大米 10 kg rice", 5000),
    ("oil", "食用油 5 L cooking oil", 6000),
)
"""The points store's goods: code, shelf label and what one is worth in fen.

An item's price in points is its worth divided by the scheme's
``fen_per_point`` (at least 1 point): 3 points of a conduct card (1 point = 1
yuan) buy the soap, 30 volunteer points (10 points = 1 yuan) do.
"""

_DEFAULT_EARN_RATE = 0.2
_DEFAULT_DEDUCT_RATE = 0.03
_TROUBLED_EARN = 0.3  # a troubled household earns this share of the usual rates…
_TROUBLED_DEDUCT = 10.0  # …and is deducted this many times as often
_COMMENDED_SHARE = 0.01  # the top 1% of volunteers by the year's minutes
_MEMBER_CHANGE = 0.04  # households where a member leaves; as many where one joins
_SIZES = (1, 2, 3, 4, 5, 6)
_SIZE_WEIGHTS = (10, 20, 25, 25, 12, 8)  # members per household, in percent
_UP_REASONS = (
    "补录上月积分 late entry of last month's points",
    "评议加分 bonus agreed at the villagers' meeting",
)
_SERVICE_UP = "补录线下服务 late entry of offline service"
_DOWN_REASON = "核减重复计分 duplicate points taken back"
_REVERSE_REASONS = {
    "earn": "录入错误 posted in error",
    "deduct": "申诉核实后撤销 withdrawn on appeal",
    "adjust": "重复补录 entered twice",
}


def _rate(value: float, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise InvariantError(f"{name} must be a number of at least 0, not {value!r}", field=name)
    return float(value)


def _share(value: float, name: str) -> float:
    if _rate(value, name) > 1:
        raise InvariantError(f"{name} must be between 0 and 1, not {value!r}", field=name)
    return float(value)


def _range(value: tuple[int, int], name: str) -> tuple[int, int]:
    try:
        low, high = value
    except (TypeError, ValueError):
        raise InvariantError(f"{name} must be a (low, high) pair", field=name) from None
    if not (isinstance(low, int) and isinstance(high, int) and 0 <= low <= high):
        raise InvariantError(
            f"{name} must be whole numbers 0 <= low <= high, not {value!r}", field=name
        )
    return low, high


def _at(day: dt.date, hour: int, minutes: int = 0) -> dt.datetime:
    """``minutes`` after ``hour`` o'clock on ``day``, Beijing time."""
    start = dt.datetime(day.year, day.month, day.day, hour, tzinfo=CST)
    return start + dt.timedelta(minutes=minutes)


def _months(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The months from ``start``'s to ``end``'s: their first and last days within the period."""
    out = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        days = calendar.monthrange(year, month)[1]
        out.append((max(start, dt.date(year, month, 1)), min(end, dt.date(year, month, days))))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _records(network: Network, start: dt.date, end: dt.date) -> list[ServiceRecord]:
    """The service records entered in the period, in the order they were entered."""
    table = network.table(SERVICE_RECORDS)
    found = [r for r in table.values() if start <= r.recorded <= end]
    found.sort(key=lambda r: (r.recorded, r.date, r.id))
    return found


def _period(network: Network, start: DateLike, end: DateLike) -> tuple[dt.date, dt.date]:
    first, last = as_date(start, "start"), as_date(end, "end")
    if first is None or last is None:
        days = [r.recorded for r in network.table(SERVICE_RECORDS).values()]
        if first is None:
            first = dt.date(min(days).year, 1, 1) if days else dt.date(2022, 1, 1)
        if last is None:
            last = dt.date(max(days).year, 12, 31) if days else dt.date(first.year + 1, 12, 31)
    if last < first:
        raise InvariantError(
            f"the period ends ({last}) before it starts ({first})", field="end", value=last
        )
    return first, last


def _stations(network: Network, stations: Iterable[str] | None) -> list[str]:
    """The villages (division codes) of the chosen Stations, in order, once each."""
    if stations is None:
        chosen = [s for s in network.sites.values() if s.kind is SiteKind.STATION]
    else:
        chosen = []
        for site_id in stations:
            site = network.site(site_id)
            if site.kind is not SiteKind.STATION:
                raise InvariantError(
                    f"'{site_id}' is a {site.kind.value}, not a Station: households live in "
                    "the village of a Station",
                    field="stations",
                    value=site_id,
                )
            chosen.append(site)
    return list(dict.fromkeys(s.division.short for s in chosen))


def _households(
    network: Network,
    rng: random.Random,
    villages: list[str],
    per_station: tuple[int, int],
    start: dt.date,
    end: dt.date,
) -> tuple[list[Household], list[tuple[dt.date, Household]]]:
    """The households at the start, and the later changes of membership (day, household)."""
    residents: dict[str, list[str]] = {}
    for volunteer in network.table(VOLUNTEERS).values():
        if volunteer.residence is not None:
            residents.setdefault(volunteer.residence.short, []).append(volunteer.id)
    low, high = per_station
    households: list[Household] = []
    changes: list[tuple[dt.date, Household]] = []
    span = (end - start).days
    for village in villages:
        sizes = rng.choices(_SIZES, _SIZE_WEIGHTS, k=rng.randint(low, high))
        slots = [(h, k) for h, size in enumerate(sizes) for k in range(size)]
        locals_ = sorted(residents.get(village, []))
        rng.shuffle(locals_)
        # volunteers beyond the households' places stay out of the card
        placed = dict(zip(rng.sample(slots, min(len(slots), len(locals_))), locals_, strict=False))
        for h, size in enumerate(sizes):
            hid = f"hh-{village}-{h + 1:03d}"
            people = [placed.get((h, k), f"p-{village}-{h + 1:03d}-{k + 1}") for k in range(size)]
            home = Household(id=hid, members=[Member(person=p, joined=start) for p in people])
            households.append(home)
            draw = rng.random()
            if span > 1 and draw < 2 * _MEMBER_CHANGE:
                day = start + dt.timedelta(days=rng.randint(1, span))
                if draw < _MEMBER_CHANGE:  # a member moves away for work
                    if size > 1:
                        changes.append((day, home.leave(rng.choice(people), on=day)))
                else:  # a birth or a marriage
                    joining = f"p-{village}-{h + 1:03d}-{size + 1}"
                    changes.append((day, home.join(joining, on=day)))
    return households, changes


class _Generator:
    """One run: the accounts, the walk through time, and what has been posted so far.

    Steps are scheduled on a heap by time (ties in the order they were scheduled)
    and run in that order; each decides from the state the earlier steps left
    (balances, rule use per period, stock) and posts entries, which are sent to
    the ledger in batches.
    """

    def __init__(
        self,
        network: Network,
        ledger: Ledger,
        *,
        seed: int,
        period: tuple[dt.date, dt.date],
        troubled: float,
        rates: Mapping[str, float],
        service_rule: str | None,
        commendation_rule: str | None,
        visits: float,
        adjusts: float,
        reverses: float,
    ) -> None:
        self.network = network
        self.ledger = ledger
        scheme = self.scheme = ledger.scheme
        self.rng = random.Random(f"wenming-ledger-{seed}")  # a str seed hashes the same each run
        self.first, self.last = period
        self.troubled, self.rates = troubled, rates
        self.visits, self.adjusts, self.reverses = visits, adjusts, reverses
        place = scheme.owner.short
        self.clerk, self.shop, self.platform = f"clerk-{place}", f"shop-{place}", f"sync-{place}"
        codes = {r.code: r for r in scheme.rules}
        self.households = scheme.holder is HolderType.HOUSEHOLD
        self.by_service = None if scheme.conversion else codes.get(service_rule or "")
        self.commend = None if self.households else codes.get(commendation_rule or "")
        self.drawn = [
            r for r in scheme.rules if r is not self.by_service and r is not self.commend
        ]
        per = scheme.fen_per_point or 100
        self.items = [
            (Item(code=code, name=name, price=max(1, worth // per)), worth)
            for code, name, worth in CATALOGUE
        ]
        self.records = _records(network, *period)
        self.keep_history = scheme.expiry.kind is not ExpiryKind.NONE
        # what the ledger holds once the pending entries are sent
        self.balances: dict[str, int] = {}
        self.history: dict[str, list[Entry]] = {}
        self.used: dict[tuple[str, str, str], int] = {}
        self.stock: dict[str, int] = {}
        self.posted: dict[str, Entry] = {}
        self.reversed: set[str] = set()
        self.earned_by: dict[str, str] = {}  # service record -> the key of what it earned
        self.disposition: dict[str, tuple[float, float]] = {}
        self.pending: list[Entry] = []
        self.counters: dict[tuple[str, int], int] = {}
        self.events: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self.order = itertools.count()
        self.member_of: dict[str, list[Household]] = {}

    # ------------------------------------------------------------------ the walk

    def at(self, when: dt.datetime, step: Callable[[], None]) -> None:
        heapq.heappush(self.events, (when, next(self.order), step))

    def run(self, villages: list[str], per_station: tuple[int, int]) -> None:
        self.schedule(villages, per_station)
        while self.events:
            _when, _order, step = heapq.heappop(self.events)
            step()
        self.flush()

    def flush(self) -> None:
        if self.pending:
            self.ledger.append_all(self.pending)
            self.pending = []

    def key(self, prefix: str, day: dt.date) -> str:
        """A form number, ``C-2022-000017``, counted per prefix and year."""
        n = self.counters.get((prefix, day.year), 0) + 1
        self.counters[(prefix, day.year)] = n
        return f"{prefix}-{day.year}-{n:06d}"

    def post(self, entry: Entry) -> None:
        self.pending.append(entry)
        self.posted[entry.key] = entry
        self.balances[entry.account] += entry.points
        if self.keep_history:
            self.history[entry.account].append(entry)

    # -------------------------------------------------------------- schedule

    def schedule(self, villages: list[str], per_station: tuple[int, int]) -> None:
        first, last = self.first, self.last
        opening: dict[dt.date, list[str]] = {}
        if self.households:
            homes, changes = _households(
                self.network, self.rng, villages, per_station, first, last
            )
            for home in homes:
                self.at(_at(first, 7, 0), self.put(home))
            for day, home in changes:
                self.at(_at(day, 8, 30), self.put(home))
            latest = {h.id: h for h in homes} | {h.id: h for _day, h in changes}
            for home in latest.values():
                for person in dict.fromkeys(m.person for m in home.members):
                    self.member_of.setdefault(person, []).append(home)
            if homes:
                opening[first] = [h.id for h in homes]
        else:
            volunteers = self.network.table(VOLUNTEERS)
            first_record: dict[VolunteerId, dt.date] = {}
            for record in self.records:
                first_record.setdefault(record.volunteer, record.recorded)
            for vid, day in sorted(first_record.items()):
                volunteer = volunteers.get(vid)
                registered = first if volunteer is None else volunteer.registered
                opening.setdefault(min(max(first, registered), day), []).append(vid)
        for day, ids in sorted(opening.items()):
            self.at(_at(day, 7, 0), self.open(ids, _at(day, 7, 0)))
        months = _months(first, last)
        total = sum(len(ids) for ids in opening.values())
        if self.visits and total:
            for i, (day, _end) in enumerate(months):
                if i == 0 or day.month % 3 == 1:
                    self.at(_at(day, 7, 30), self.restock(total))
        if self.scheme.conversion is not None or self.by_service is not None:
            for record in self.records:
                self.at(_at(record.recorded, 20, 0), self.service(record))
        if self.commend is not None:
            for year in range(first.year, last.year + 1):
                day = dt.date(year, 12, 20)
                if first <= day <= last:
                    self.at(_at(day, 10, 0), self.commendations(year, self.commend))
        if self.keep_history:
            for day, _end in months[1:]:
                self.at(_at(day, 0, 10), self.expire(day))
        for day, end in months:
            self.at(_at(day, 7, 45), self.month(day, end))

    # ------------------------------------------------------------------ steps

    def put(self, home: Household) -> Callable[[], None]:
        def step() -> None:
            self.flush()
            self.ledger.put_household(home)

        return step

    def open(self, accounts: list[str], when: dt.datetime) -> Callable[[], None]:
        def step() -> None:
            self.flush()
            self.ledger.open_accounts(accounts, at=when, operator=self.clerk)
            opening = self.scheme.opening
            for account in accounts:
                self.balances[account] = opening
                self.history[account] = []
                if opening:  # the opening balance, which the ledger posted itself
                    entry = Adjust(
                        key=f"open:{account}",
                        account=account,
                        points=opening,
                        at=when,
                        operator=self.clerk,
                        reason="opening balance",
                    )
                    self.posted[entry.key] = entry
                    self.history[account].append(entry)

        return step

    def restock(self, accounts: int) -> Callable[[], None]:
        """Stock the store for a quarter's expected visits, cheap goods the most."""

        def step() -> None:
            self.flush()
            visits = accounts * self.visits * 3 * 2  # twice what is expected
            weights = {item.code: 1 / worth for item, worth in self.items}
            total = sum(weights.values())
            for item, _worth in self.items:
                quantity = max(2, round(visits * weights[item.code] / total))
                self.stock[item.code] = self.stock.get(item.code, 0) + quantity
                self.ledger.add_stock(item, quantity)

        return step

    def service(self, record: ServiceRecord) -> Callable[[], None]:
        when = _at(record.recorded, 20, 0)

        def step() -> None:
            old = self.earned_by.get(record.supersedes or "")
            if old is not None and old not in self.reversed:
                self.reverse(
                    self.posted[old],
                    when,
                    key=f"correction:{record.id}",
                    reason=f"corrected by service record {record.id}",
                    operator=self.platform,
                )
            account = self.account_of(record)
            if account is None:
                return
            conversion = self.scheme.conversion
            if conversion is not None:
                earned: Entry = Earn(
                    key=f"service:{record.id}",
                    account=account,
                    points=conversion.points(record.minutes),
                    service_record=record.id,
                    minutes=record.minutes,
                    at=when,
                    operator=self.platform,
                )
                self.post(earned)
            else:
                assert self.by_service is not None
                found = self.rule_entry(
                    account,
                    self.by_service,
                    1,
                    when,
                    key=f"{self.by_service.code}:{record.id}",
                    operator=self.platform,
                )
                if found is None:
                    return
                earned = found
            self.earned_by[record.id] = earned.key

        return step

    def account_of(self, record: ServiceRecord) -> str | None:
        if not self.households:
            return record.volunteer if record.volunteer in self.balances else None
        for home in self.member_of.get(record.volunteer, ()):
            if home.has_member(record.volunteer, record.date) and home.id in self.balances:
                return home.id
        return None

    def commendations(self, year: int, rule: Rule) -> Callable[[], None]:
        day = dt.date(year, 12, 20)

        def step() -> None:
            known = [r for r in self.records if r.recorded <= day]
            superseded = {r.supersedes for r in known}
            minutes: dict[str, int] = {}
            for r in known:
                if r.date.year == year and r.id not in superseded and r.volunteer in self.balances:
                    minutes[r.volunteer] = minutes.get(r.volunteer, 0) + r.minutes
            ranked = sorted(minutes, key=lambda v: (-minutes[v], v))
            when = _at(day, 10, 0)
            for vid in ranked[: max(1, round(len(ranked) * _COMMENDED_SHARE))]:
                self.rule_entry(vid, rule, 1, when, key=f"{rule.code}:{year}:{vid}")

        return step

    def expire(self, day: dt.date) -> Callable[[], None]:
        def step() -> None:
            for account in sorted(self.balances):
                due = self.expiring(account, day)
                if due:
                    self.post(
                        Expire(
                            key=f"expire:{account}:{day.isoformat()}",
                            account=account,
                            points=-due,
                            until=day,
                            at=_at(day, 0, 10),
                            operator=self.clerk,
                        )
                    )

        return step

    def month(self, first: dt.date, last: dt.date) -> Callable[[], None]:
        """Draw the month's rule entries, store visits and adjustments of every open account."""

        def step() -> None:
            rng, span = self.rng, (last - first).days

            def when(hour: int, minutes: int) -> dt.datetime:
                day = first + dt.timedelta(days=rng.randint(0, span))
                return _at(day, hour, rng.randrange(minutes))

            drawn = self.drawn
            for account in sorted(self.balances):
                up, down = self.disposed(account) if drawn else (1.0, 1.0)
                for rule in drawn:
                    earns = rule.points > 0
                    usual = _DEFAULT_EARN_RATE if earns else _DEFAULT_DEDUCT_RATE
                    rate = self.rates.get(rule.code, usual) * (up if earns else down)
                    for _ in range(int(rate) + (rng.random() < rate % 1)):
                        wanted = 1 if rng.random() < 0.75 else rng.randint(2, 3)
                        at = when(9, 480)
                        self.at(at, self.conduct(account, rule, wanted, at))
                if rng.random() < self.visits:
                    at = when(10, 420)
                    self.at(at, self.visit(account, at))
                if rng.random() < self.adjusts:
                    at = when(9, 480)
                    self.at(at, self.adjust(account, at))

        return step

    def disposed(self, account: str) -> tuple[float, float]:
        """How often an account earns and is deducted, against the usual rates (drawn once)."""
        found = self.disposition.get(account)
        if found is None:
            bad = self.rng.random() < self.troubled
            found = (
                self.rng.uniform(0.5, 1.5) * (_TROUBLED_EARN if bad else 1.0),
                _TROUBLED_DEDUCT if bad else 1.0,
            )
            self.disposition[account] = found
        return found

    def conduct(
        self, account: str, rule: Rule, wanted: int, when: dt.datetime
    ) -> Callable[[], None]:
        def step() -> None:
            entry = self.rule_entry(account, rule, wanted, when)
            if entry is not None:
                self.maybe_reverse(entry, self.reverses)

        return step

    def visit(self, account: str, when: dt.datetime) -> Callable[[], None]:
        """A visit to the points store: buy something the account can spend on, if in stock."""

        def step() -> None:
            money = self.spendable(account, when.date())
            stock = self.stock
            choices = [i for i, _ in self.items if i.price <= money and stock.get(i.code, 0)]
            if not choices:
                return
            item = self.rng.choice(choices)
            most = min(money // item.price, stock[item.code], 3)
            quantity = 1 if most == 1 or self.rng.random() < 0.7 else self.rng.randint(2, most)
            stock[item.code] -= quantity
            self.post(
                Redeem(
                    key=self.key("R", when.date()),
                    account=account,
                    points=-item.price * quantity,
                    item=item.code,
                    quantity=quantity,
                    at=when,
                    operator=self.shop,
                )
            )

        return step

    def adjust(self, account: str, when: dt.datetime) -> Callable[[], None]:
        """A correction by a clerk: mostly a late entry, sometimes a duplicate taken back."""

        def step() -> None:
            rng = self.rng
            conversion = self.scheme.conversion
            if rng.random() < 0.75:
                if conversion is not None and not self.households:
                    points, reason = conversion.points(rng.choice((60, 90, 120))), _SERVICE_UP
                else:
                    points, reason = rng.choice((2, 3, 5, 10)), rng.choice(_UP_REASONS)
            else:
                points, reason = -rng.choice((2, 3, 5)), _DOWN_REASON
                if self.balances[account] + points < 0:
                    return
            entry = Adjust(
                key=self.key("A", when.date()),
                account=account,
                points=points,
                reason=reason,
                at=when,
                operator=self.clerk,
            )
            self.post(entry)
            self.maybe_reverse(entry, min(1.0, self.reverses * 10))

        return step

    # --------------------------------------------------------------- posting

    def rule_entry(
        self,
        account: str,
        rule: Rule,
        wanted: int,
        when: dt.datetime,
        *,
        key: str | None = None,
        operator: str | None = None,
    ) -> Entry | None:
        """Post ``rule`` up to ``wanted`` times as far as its cap allows (``None``: not at all)."""
        quantity = wanted
        if rule.cap is not None:
            period = rule.per.label(when.date())
            used = self.used.get((account, rule.code, period), 0)
            quantity = min(wanted, (rule.cap - used) // abs(rule.points))
            if quantity < 1:
                return None
            self.used[(account, rule.code, period)] = used + abs(rule.points) * quantity
        kind = Earn if rule.points > 0 else Deduct
        entry = kind(
            key=key or self.key("C" if rule.points > 0 else "D", when.date()),
            account=account,
            points=rule.points * quantity,
            rule=rule.code,
            quantity=quantity,
            at=when,
            operator=operator or self.clerk,
        )
        self.post(entry)
        return entry

    def expiring(self, account: str, day: dt.date) -> int:
        """Earned points of the account that have expired by ``day`` and are not posted yet."""
        if not self.keep_history:
            return 0
        queue, _ = lots(self.history[account], self.scheme.expiry)
        return expired_points(queue, day)

    def spendable(self, account: str, day: dt.date) -> int:
        """What the ledger will let the account spend on ``day`` (its own rule)."""
        return spendable_points(
            self.scheme, self.balances[account], lambda: self.history[account], day
        )

    def maybe_reverse(self, entry: Entry, share: float) -> None:
        """Reverse ``entry`` 1-20 days later, with probability ``share`` (within the period)."""
        if self.rng.random() >= share:
            return
        when = entry.at + dt.timedelta(days=self.rng.randint(1, 20))
        if when.date() > self.last:
            return
        self.at(
            when,
            lambda: self.reverse(
                entry, when, key=self.key("X", when.date()), reason=_REVERSE_REASONS[entry.kind]
            ),
        )

    def reverse(
        self,
        entry: Entry,
        when: dt.datetime,
        *,
        key: str,
        reason: str,
        operator: str | None = None,
    ) -> None:
        if entry.key in self.reversed:
            return
        self.reversed.add(entry.key)
        self.post(
            Reverse(
                key=key,
                account=entry.account,
                points=-entry.points,
                reverses=entry.key,
                reason=reason,
                at=when,
                operator=operator or self.clerk,
            )
        )


def generate_ledger(
    network: Network,
    *,
    scheme: PointsScheme,
    seed: int = 0,
    start: DateLike = None,
    end: DateLike = None,
    stations: Iterable[str] | None = None,
    households_per_station: tuple[int, int] = (20, 40),
    troubled_share: float = 0.06,
    rule_rates: Mapping[str, float] | None = None,
    service_rule: str | None = "volunteering",
    commendation_rule: str | None = "commendation",
    redeem_rate: float | None = None,
    adjust_rate: float = 0.003,
    reverse_share: float = 0.01,
    ledger: Ledger | None = None,
) -> Ledger:
    """Generate a ledger of ``scheme`` with realistic entries from ``network``'s records.

    Parameters
    ----------
    network : Network
        Where the service records, the volunteers, their villages and the
        Stations come from.
    scheme : PointsScheme
        The scheme; its holder type decides the accounts (see the module).
    seed : int
        The same network, scheme, seed and options give the same entries.
    start, end : date, optional
        The period (both days included). By default the calendar years in which
        service records were entered (2022–2023 without records). Only records
        entered in the period earn.
    stations : iterable of str, optional
        Household schemes: the ids of the Stations whose villages keep the card
        (every Station by default; the scheme's ``owner`` is not consulted).
    households_per_station : (int, int)
        Household schemes: an inclusive range of households per village.
    troubled_share : float
        The share of accounts that earn less and are deducted ten times as often.
    rule_rates : mapping, optional
        Occurrences a month per rule code, replacing :data:`RULE_RATES` for
        those codes.
    service_rule : str or None
        A rule earned once per service record (by the volunteer, or the
        volunteer's household that day), when the scheme has it and does not
        convert service time.
    commendation_rule : str or None
        A rule earned every 20 December by the top 1% of volunteers by the
        year's service minutes, when the scheme has it (person schemes only).
    redeem_rate : float, optional
        Visits to the points store per account a month (0.2 for households,
        0.03 for persons by default); a visit buys what the account can spend.
    adjust_rate : float
        Adjustments per account a month (a late entry, a duplicate taken back).
    reverse_share : float
        The share of drawn rule entries reversed later (of adjustments: ten
        times that).
    ledger : Ledger, optional
        An empty ledger of ``scheme`` to post into (a SQLite file, say); a new
        in-memory ledger by default.

    Returns
    -------
    Ledger
        The ledger, with ``verify()`` clean.

    Raises
    ------
    InvariantError
        A bad option, a ``ledger`` that is not empty or keeps another scheme,
        or a ``stations`` id that is not a Station.
    UnknownIdError
        A ``stations`` id that is not in the network.

    Examples
    --------
    >>> from wenming.points import volunteer_hours
    >>> from wenming.testing import generate
    >>> net = generate("county", seed=2, volunteers_per_station=(1, 2))
    >>> a = generate_ledger(net, scheme=volunteer_hours(), seed=7)
    >>> b = generate_ledger(net, scheme=volunteer_hours(), seed=7)
    >>> a.entries() == b.entries(), a.verify()
    (True, ())
    >>> earned = [e for e in a.entries() if e.kind == "earn" and e.service_record]
    >>> len(earned) == len(net.table("service_records"))
    True
    """
    per_station = _range(households_per_station, "households_per_station")
    households = scheme.holder is HolderType.HOUSEHOLD
    visits = (0.2 if households else 0.03) if redeem_rate is None else redeem_rate
    rates = dict(RULE_RATES)
    for code, value in (rule_rates or {}).items():
        rates[code] = _rate(value, f"rule_rates[{code!r}]")
    if ledger is None:
        ledger = Ledger.in_memory(scheme)
    elif ledger.scheme != scheme:
        raise InvariantError("the ledger keeps another scheme than the one given", field="ledger")
    elif len(ledger) or ledger.accounts() or ledger.items():
        raise InvariantError("the ledger to generate into must be empty", field="ledger")
    run = _Generator(
        network,
        ledger,
        seed=seed,
        period=_period(network, start, end),
        troubled=_share(troubled_share, "troubled_share"),
        rates=rates,
        service_rule=service_rule,
        commendation_rule=commendation_rule,
        visits=_share(visits, "redeem_rate"),
        adjusts=_share(adjust_rate, "adjust_rate"),
        reverses=_share(reverse_share, "reverse_share"),
    )
    with paused_gc():  # many entries that live on, no reference cycles left behind
        run.run(_stations(network, stations) if households else [], per_station)
    return ledger
