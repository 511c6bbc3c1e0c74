"""Volunteer service records (志愿服务记录), hours, stars and certificates.

=========================  ====================================================
record                     what it is
=========================  ====================================================
:class:`ServiceRecord`     one volunteer's service in one activity: date, place,
                           content, duration in **integer minutes**, organising
                           unit, person in charge, the day it was recorded. A
                           correction is a new record that ``supersedes`` the
                           old one; the old one is kept (:func:`history`).
:class:`CalendarDay`       a day that breaks the weekday rule: a public holiday
                           on a weekday, or a weekend day moved to be a working
                           day (调休). The ``calendar`` section is the county's
                           calendar; :class:`WorkCalendar` can also be passed in.
:class:`Certificate`       a service certificate (volunteer number, hours,
                           content, recording unit, date, serial number).
=========================  ====================================================

Policies are data: :class:`ServicePolicy` (rounding — none by default — a cap
per activity and multipliers per category) and :class:`StarScheme` (100 / 300 /
600 / 1000 / 1500 hours by default). A record is due within
:data:`DUE_WORKING_DAYS` working days after its activity ended; a later one is
reported by ``validate`` (``late-record``).

Totals (:func:`minutes_by_volunteer`, :func:`minutes_by_team`,
:func:`minutes_by_site`, :func:`minutes_by_division`) apply corrections, take a
period (``start`` included, ``end`` excluded) and ``as_of=`` — the records as they
stood on that day (what had been recorded, and corrected, by then).

Examples
--------
>>> from wenming import Division, Network
>>> from wenming.volunteers import Volunteer
>>> net = Network()
>>> net.add_all([
...     Division(code="610924", name="紫阳县"),
...     Volunteer(id="ZY-1", name="王芳", registered="2023-01-01"),
...     ServiceRecord(id="r1", volunteer="ZY-1", activity="义诊", date="2023-05-06",
...                   minutes=120, recorded="2023-05-08"),
...     ServiceRecord(id="r2", volunteer="ZY-1", activity="义诊", date="2023-05-06",
...                   minutes=150, recorded="2023-05-10", supersedes="r1",
...                   reason="the clinic ran late"),
... ])
>>> minutes_by_volunteer(net)
{'ZY-1': 150}
>>> minutes_by_volunteer(net, as_of="2023-05-09")
{'ZY-1': 120}
>>> [r.id for r in history(net, "r1")]
['r1', 'r2']
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping
from decimal import Decimal
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from wenming import _converters as conv
from wenming._fields import DateLike, as_date, check_identifier, optional_text, text, to_enum
from wenming._plain import to_plain
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import InvariantError, Issue, Severity, quote
from wenming.ids import CertificateId, ServiceRecordId, SiteId, TeamId, VolunteerId
from wenming.section import Index, OnRemove, Ref, Section, ValidationContext, error

if TYPE_CHECKING:
    from wenming.network import Network

__all__ = [
    "CALENDAR",
    "CERTIFICATES",
    "DEFAULT_POLICY",
    "DEFAULT_STARS",
    "DUE_WORKING_DAYS",
    "SERVICE_RECORDS",
    "CalendarDay",
    "Certificate",
    "Rounding",
    "ServicePolicy",
    "ServiceRecord",
    "StarScheme",
    "WorkCalendar",
    "certificate",
    "current",
    "effective_records",
    "history",
    "hours",
    "late_records",
    "minutes_by_division",
    "minutes_by_site",
    "minutes_by_team",
    "minutes_by_volunteer",
    "star_levels",
    "work_calendar",
]

DUE_WORKING_DAYS = 10
"""A record is due within this many working days after its activity ended."""


def hours(minutes: int) -> Decimal:
    """Minutes as hours, to two decimal places (a presentation: totals stay minutes).

    Examples
    --------
    >>> hours(90), hours(100)
    (Decimal('1.50'), Decimal('1.67'))
    """
    return (Decimal(minutes) / 60).quantize(Decimal("0.01"))


# ---------------------------------------------------------------------------- calendar


def _day(value: object) -> dt.date:
    return conv.to_required_date(value, "date")


@attrs.frozen(kw_only=True)
class CalendarDay:
    """A day off on a weekday (a holiday) or a working weekend day (调休).

    Examples
    --------
    >>> CalendarDay(date="2024-10-12", working=True, name="国庆调休").working
    True
    """

    date: dt.date = attrs.field(converter=_day)
    working: bool = attrs.field(validator=conv.flag)
    name: str | None = attrs.field(default=None, validator=optional_text)

    def to_dict(self) -> dict[str, Any]:
        """Return the day as the file format writes it."""
        return to_plain(self)


def _day_set(value: Iterable[dt.date]) -> frozenset[dt.date]:
    return frozenset(value)


@attrs.frozen(kw_only=True)
class WorkCalendar:
    """Which days are working days: Monday to Friday, except ``holidays``, plus ``workdays``.

    Examples
    --------
    >>> cal = WorkCalendar(workdays={dt.date(2024, 10, 12)})  # a Saturday made a working day
    >>> cal.due_by(dt.date(2024, 10, 8))  # 10 working days after Tuesday 8 October
    datetime.date(2024, 10, 21)
    >>> WorkCalendar().due_by(dt.date(2024, 10, 8))
    datetime.date(2024, 10, 22)
    """

    holidays: frozenset[dt.date] = attrs.field(factory=frozenset, converter=_day_set)
    workdays: frozenset[dt.date] = attrs.field(factory=frozenset, converter=_day_set)
    _due: dict[tuple[dt.date, int], dt.date] = attrs.field(
        factory=dict, init=False, repr=False, eq=False, hash=False
    )

    @classmethod
    def from_days(cls, days: Iterable[CalendarDay]) -> WorkCalendar:
        """A calendar from :class:`CalendarDay` records."""
        items = list(days)
        return cls(
            holidays={d.date for d in items if not d.working},
            workdays={d.date for d in items if d.working},
        )

    def is_working(self, day: dt.date) -> bool:
        """True if ``day`` is a working day."""
        if day in self.workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def due_by(self, end: dt.date, working_days: int = DUE_WORKING_DAYS) -> dt.date:
        """The last day to record an activity that ended on ``end`` (memoised)."""
        due = self._due.get((end, working_days))
        if due is None:
            day, left = end, working_days
            while left:
                day += dt.timedelta(days=1)
                left -= self.is_working(day)
            due = self._due[(end, working_days)] = day
        return due

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end``."""
        n, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            n += self.is_working(day)
        return n


def work_calendar(network: Network) -> WorkCalendar:
    """The network's calendar (its ``calendar`` section) as a :class:`WorkCalendar`."""
    days: Mapping[dt.date, CalendarDay] = network.table("calendar")
    return WorkCalendar.from_days(days.values())


# ---------------------------------------------------------------------------- records


def _record_key(value: str) -> ServiceRecordId:
    return ServiceRecordId(check_identifier("id", value))


def _record_volunteer(value: str) -> VolunteerId:
    return VolunteerId(check_identifier("volunteer", value))


def _activity(value: str) -> str:
    return check_identifier("activity", value)


def _date(value: object) -> dt.date:
    return conv.to_required_date(value, "date")


def _end(value: object) -> dt.date | None:
    return conv.to_date(value, "end")


def _recorded(value: object) -> dt.date:
    return conv.to_required_date(value, "recorded")


def _team(value: str | None) -> TeamId | None:
    return conv.to_optional_ident(value, "team", TeamId)


def _site(value: str | None) -> SiteId | None:
    return conv.to_optional_ident(value, "site", SiteId)


def _supersedes(value: str | None) -> ServiceRecordId | None:
    return conv.to_optional_ident(value, "supersedes", ServiceRecordId)


def _minutes(value: object) -> int:
    if type(value) is not int:
        raise InvariantError(
            f"minutes must be a whole number of minutes, not {quote(value)}",
            field="minutes",
            value=value,
        )
    if value <= 0:
        raise InvariantError(
            f"minutes must be positive, not {value}: a record is time given",
            field="minutes",
            value=value,
        )
    return value


def _record_checks(instance: ServiceRecord, attribute: Any, value: dt.date) -> None:
    last = instance.end or instance.date
    if instance.end is not None and instance.end < instance.date:
        raise InvariantError(f"end {instance.end} comes before date {instance.date}", field="end")
    if instance.recorded < instance.date:
        raise InvariantError(
            f"recorded {instance.recorded} comes before the activity ({instance.date})",
            field="recorded",
        )
    days = (last - instance.date).days + 1
    if instance.minutes > days * 24 * 60:
        raise InvariantError(
            f"minutes {instance.minutes} is more than {days} day(s) hold", field="minutes"
        )
    if instance.supersedes == instance.id:
        raise InvariantError(f"record {quote(instance.id)} supersedes itself", field="supersedes")


@attrs.frozen(kw_only=True)
class ServiceRecord:
    """One volunteer's service in one activity (志愿服务记录).

    Parameters
    ----------
    id : ServiceRecordId
        Unique among records.
    volunteer : VolunteerId
        Who served (the volunteer number).
    activity : str
        The activity: its id once activities are records, its title until then.
    date : datetime.date
        The day of the activity (its first day).
    end : datetime.date, optional
        Its last day, for an activity of several days.
    minutes : int
        The time given, in whole minutes (positive; hours are a presentation).
    recorded : datetime.date
        The day the record was entered (not before ``date``).
    place, content, organiser, person_in_charge : str, optional
        Where, what was done, the organising unit, the person in charge.
    team : TeamId, optional
        The team whose activity it was (for team, site and division totals).
    site : SiteId, optional
        The site where it took place (else the team's site).
    category : str, optional
        The service category (multipliers in a :class:`ServicePolicy` key on it).
    supersedes : ServiceRecordId, optional
        The record this one corrects; the old record is kept, not counted.
    reason : str, optional
        Why the correction was made.

    Raises
    ------
    InvariantError
        Zero, negative or fractional minutes, more minutes than the days hold,
        an ``end`` or ``recorded`` before ``date``.

    Examples
    --------
    >>> ServiceRecord(id="r", volunteer="v", activity="a", date="2023-05-06", minutes=0,
    ...               recorded="2023-05-06")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: minutes must be positive, not 0: a record is time given
    """

    id: ServiceRecordId = attrs.field(converter=_record_key)
    volunteer: VolunteerId = attrs.field(converter=_record_volunteer)
    activity: str = attrs.field(converter=_activity)
    date: dt.date = attrs.field(converter=_date)
    end: dt.date | None = attrs.field(default=None, converter=_end)
    minutes: int = attrs.field(converter=_minutes)
    recorded: dt.date = attrs.field(converter=_recorded, validator=_record_checks)
    place: str | None = attrs.field(default=None, validator=optional_text)
    content: str | None = attrs.field(default=None, validator=optional_text)
    organiser: str | None = attrs.field(default=None, validator=optional_text)
    person_in_charge: str | None = attrs.field(default=None, validator=optional_text)
    team: TeamId | None = attrs.field(default=None, converter=_team)
    site: SiteId | None = attrs.field(default=None, converter=_site)
    category: str | None = attrs.field(default=None, validator=optional_text)
    supersedes: ServiceRecordId | None = attrs.field(default=None, converter=_supersedes)
    reason: str | None = attrs.field(default=None, validator=optional_text)

    @property
    def last_day(self) -> dt.date:
        """The day the activity ended (``end``, else ``date``)."""
        return self.end or self.date

    def to_dict(self) -> dict[str, Any]:
        """Return the record as the file format writes it."""
        return to_plain(self)


# ---------------------------------------------------------------------------- policies


class Rounding(enum.StrEnum):
    """How counted minutes are rounded to a unit (per volunteer per activity)."""

    NONE = "none"
    DOWN = "down"
    NEAREST = "nearest"
    """Halves round up."""
    UP = "up"


def _pairs(value: Mapping[str, int] | Iterable[tuple[str, int]]) -> tuple[tuple[str, int], ...]:
    items = value.items() if isinstance(value, Mapping) else value
    out: list[tuple[str, int]] = []
    for category, percent in items:
        if not isinstance(category, str) or type(percent) is not int or percent < 0:
            raise InvariantError(
                "multipliers map a category to a whole percentage (150 for 1.5x)",
                field="multipliers",
            )
        out.append((category, percent))
    return tuple(sorted(out))


def _positive_or_none(name: str) -> Callable[[object], int | None]:
    def convert(value: object) -> int | None:
        if value is None:
            return None
        if type(value) is not int or value <= 0:
            raise InvariantError(
                f"{name} must be a positive whole number of minutes", field=name, value=value
            )
        return value

    return convert


def _cap(value: object) -> int | None:
    return _positive_or_none("cap")(value)


def _unit(value: object) -> int:
    unit = _positive_or_none("unit")(value)
    return 1 if unit is None else unit


def _rounding(value: object) -> Rounding:
    return to_enum(Rounding, "rounding", value)


@attrs.frozen(kw_only=True)
class ServicePolicy:
    """How recorded minutes are counted: per-scheme policy, not national law.

    For each volunteer and activity: every record's minutes times its category's
    multiplier (whole minutes, rounded down), summed, capped at ``cap``, then
    rounded to ``unit`` minutes as ``rounding`` says.

    Parameters
    ----------
    rounding : Rounding
        ``none`` (the default), ``down``, ``nearest`` or ``up``.
    unit : int
        The rounding unit in minutes (30: half hours).
    cap : int, optional
        At most this many minutes counted per volunteer per activity (120: "at
        most 2 hours counted per activity").
    multipliers : mapping of str to int
        Category → percentage (``{"risky": 150}``); 100 when absent.

    Examples
    --------
    >>> policy = ServicePolicy(rounding="down", unit=30, cap=120, multipliers={"risky": 150})
    >>> policy.count([(50, None), (40, "risky")])  # 50 + 60 = 110, capped 120, down to 90
    90
    """

    rounding: Rounding = attrs.field(default=Rounding.NONE, converter=_rounding)
    unit: int = attrs.field(default=1, converter=_unit)
    cap: int | None = attrs.field(default=None, converter=_cap)
    multipliers: tuple[tuple[str, int], ...] = attrs.field(factory=tuple, converter=_pairs)

    @property
    def plain(self) -> bool:
        """True if the policy counts minutes as recorded (the default)."""
        return (
            (self.rounding is Rounding.NONE or self.unit == 1)
            and self.cap is None
            and all(p == 100 for _, p in self.multipliers)
        )

    def count(self, records: Iterable[tuple[int, str | None]]) -> int:
        """Counted minutes of one volunteer in one activity from (minutes, category) pairs."""
        factors = dict(self.multipliers)
        total = sum(m * factors.get(c, 100) // 100 if c else m for m, c in records)
        if self.cap is not None:
            total = min(total, self.cap)
        unit, rounding = self.unit, self.rounding
        if unit == 1 or rounding is Rounding.NONE:
            return total
        if rounding is Rounding.DOWN:
            return total // unit * unit
        if rounding is Rounding.UP:
            return -(-total // unit) * unit
        return (total + unit // 2) // unit * unit


DEFAULT_POLICY = ServicePolicy()
"""Minutes as recorded: no rounding, no cap, no multipliers."""


def _thresholds(value: Iterable[int]) -> tuple[int, ...]:
    out = tuple(value)
    if not out or any(type(t) is not int or t <= 0 for t in out) or list(out) != sorted(set(out)):
        raise InvariantError(
            "thresholds are increasing positive whole hours", field="thresholds", value=out
        )
    return out


@attrs.frozen(kw_only=True)
class StarScheme:
    """Star levels from cumulative hours: reaching ``thresholds[k]`` hours gives k + 1 stars.

    Examples
    --------
    >>> [DEFAULT_STARS.level(h * 60) for h in (99, 100, 300, 599, 600, 1000, 1500, 9999)]
    [0, 1, 2, 2, 3, 4, 5, 5]
    """

    thresholds: tuple[int, ...] = attrs.field(
        default=(100, 300, 600, 1000, 1500), converter=_thresholds
    )

    def level(self, minutes: int) -> int:
        """The number of stars for ``minutes`` of service."""
        return sum(1 for t in self.thresholds if minutes >= t * 60)


DEFAULT_STARS = StarScheme()
"""The common scheme: one to five stars at 100 / 300 / 600 / 1000 / 1500 hours."""


# ---------------------------------------------------------------------------- corrections


def _superseded(network: Network, day: dt.date | None) -> set[Any] | Mapping[Any, Any]:
    index = network._index("service_records", "corrections")
    if day is None:
        return index
    table: Mapping[str, ServiceRecord] = network.table("service_records")
    return {old for old, new in index.items() if any(table[k].recorded <= day for k in new)}


def effective_records(
    network: Network,
    *,
    start: DateLike = None,
    end: DateLike = None,
    as_of: DateLike = None,
) -> Iterator[ServiceRecord]:
    """Yield the records that count: not superseded, in the period, as of a day.

    Parameters
    ----------
    start, end : date, optional
        The period: activities on ``start`` or later and before ``end``.
    as_of : date, optional
        The records as they stood on that day: recorded by then, and corrected
        only by corrections recorded by then. All records by default.

    Yields
    ------
    ServiceRecord
        In insertion order.
    """
    first, stop, day = as_date(start, "start"), as_date(end, "end"), as_date(as_of)
    superseded = _superseded(network, day)
    table: Mapping[str, ServiceRecord] = network.table("service_records")
    for record in table.values():
        if record.id in superseded:
            continue
        if day is not None and record.recorded > day:
            continue
        if first is not None and record.date < first:
            continue
        if stop is not None and record.date >= stop:
            continue
        yield record


def history(network: Network, record: ServiceRecord | str) -> tuple[ServiceRecord, ...]:
    """A record's versions, from the original to the latest correction.

    Raises
    ------
    UnknownIdError
        The network holds no such record.
    """
    key = record.id if isinstance(record, ServiceRecord) else record
    table: Mapping[str, ServiceRecord] = network.table("service_records")
    found: ServiceRecord = network.get("service_records", key)
    while found.supersedes is not None and found.supersedes in table:
        found = table[found.supersedes]
    corrections = network._index("service_records", "corrections")
    chain, seen = [found], {found.id}
    while found.id in corrections:
        found = max((table[k] for k in corrections[found.id]), key=attrgetter("recorded", "id"))
        if found.id in seen:
            break
        chain.append(found)
        seen.add(found.id)
    return tuple(chain)


def current(network: Network, record: ServiceRecord | str) -> ServiceRecord:
    """The latest version of a record (itself when never corrected)."""
    return history(network, record)[-1]


# ---------------------------------------------------------------------------- totals


def _totals(
    network: Network,
    key: Callable[[ServiceRecord], Any],
    start: DateLike,
    end: DateLike,
    as_of: DateLike,
    policy: ServicePolicy | None,
) -> dict[Any, int]:
    records = effective_records(network, start=start, end=end, as_of=as_of)
    totals: dict[Any, int] = {}
    get = totals.get
    if policy is None or policy.plain:
        for r in records:
            k = key(r)
            if k is not None:
                totals[k] = get(k, 0) + r.minutes
        return totals
    groups: dict[tuple[Any, str, str], list[tuple[int, str | None]]] = {}
    for r in records:
        k = key(r)
        if k is not None:
            groups.setdefault((k, r.volunteer, r.activity), []).append((r.minutes, r.category))
    for (k, _v, _a), items in groups.items():
        totals[k] = get(k, 0) + policy.count(items)
    return totals


def minutes_by_volunteer(
    network: Network,
    *,
    start: DateLike = None,
    end: DateLike = None,
    as_of: DateLike = None,
    policy: ServicePolicy | None = None,
) -> dict[VolunteerId, int]:
    """Counted minutes per volunteer (corrections applied; see :func:`effective_records`).

    Volunteers without records are left out.
    """
    first, stop, day = as_date(start, "start"), as_date(end, "end"), as_date(as_of)
    if (policy is None or policy.plain) and first is None and stop is None and day is None:
        # The hot path: one pass, no period or as-of tests.
        superseded = network._index("service_records", "corrections")
        table: Mapping[str, ServiceRecord] = network.table("service_records")
        totals: dict[VolunteerId, int] = {}
        get = totals.get
        if superseded:
            for r in table.values():
                if r.id not in superseded:
                    v = r.volunteer
                    totals[v] = get(v, 0) + r.minutes
        else:
            for r in table.values():
                v = r.volunteer
                totals[v] = get(v, 0) + r.minutes
        return totals
    return _totals(network, attrgetter("volunteer"), start, end, as_of, policy)


def minutes_by_team(
    network: Network,
    *,
    start: DateLike = None,
    end: DateLike = None,
    as_of: DateLike = None,
    policy: ServicePolicy | None = None,
) -> dict[TeamId, int]:
    """Counted minutes per team: the records of the team's activities (``team``)."""
    return _totals(network, attrgetter("team"), start, end, as_of, policy)


def _site_of(network: Network) -> Callable[[ServiceRecord], SiteId | None]:
    teams: Mapping[str, Any] = network.table("teams")

    def site(record: ServiceRecord) -> SiteId | None:
        if record.site is not None:
            return record.site
        team = teams.get(record.team) if record.team is not None else None
        return None if team is None else team.site

    return site


def minutes_by_site(
    network: Network,
    *,
    start: DateLike = None,
    end: DateLike = None,
    as_of: DateLike = None,
    policy: ServicePolicy | None = None,
) -> dict[SiteId, int]:
    """Counted minutes per site: the record's ``site``, else its team's site."""
    return _totals(network, _site_of(network), start, end, as_of, policy)


_DIGITS = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.PREFECTURE: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWN: 9,
    DivisionLevel.VILLAGE: 12,
}


def minutes_by_division(
    network: Network,
    level: DivisionLevel | str = DivisionLevel.TOWN,
    *,
    start: DateLike = None,
    end: DateLike = None,
    as_of: DateLike = None,
    policy: ServicePolicy | None = None,
) -> dict[DivisionCode, int]:
    """Counted minutes per division of ``level`` (towns by default), by where service happened.

    A record counts for the division of its site (or its team's site), rolled up
    to ``level``; records above that level (a county corps activity, when
    counting towns) are left out.
    """
    lvl = level if isinstance(level, DivisionLevel) else DivisionLevel.from_label(level)
    digits = _DIGITS[lvl]
    sites: Mapping[str, Any] = network.table("sites")
    site_of = _site_of(network)
    memo: dict[Any, DivisionCode | None] = {}

    def division(record: ServiceRecord) -> DivisionCode | None:
        site_id = site_of(record)
        if site_id in memo:
            return memo[site_id]
        site = sites.get(site_id) if site_id is not None else None
        code = None
        if site is not None and site.division.level >= lvl:
            code = DivisionCode.parse(str(site.division)[:digits])
        memo[site_id] = code
        return code

    return _totals(network, division, start, end, as_of, policy)


def star_levels(
    network: Network,
    *,
    scheme: StarScheme = DEFAULT_STARS,
    as_of: DateLike = None,
    policy: ServicePolicy | None = None,
) -> dict[VolunteerId, int]:
    """Stars per volunteer from cumulative counted hours (volunteers without records: 0).

    Examples
    --------
    >>> from wenming import Network
    >>> star_levels(Network())
    {}
    """
    totals = minutes_by_volunteer(network, as_of=as_of, policy=policy)
    volunteers: Mapping[VolunteerId, Any] = network.table("volunteers")
    return {v: scheme.level(totals.get(v, 0)) for v in sorted(volunteers)}


# ---------------------------------------------------------------------------- certificates


def _serial(value: str) -> CertificateId:
    return CertificateId(check_identifier("id", value))


def _cert_volunteer(value: str) -> VolunteerId:
    return VolunteerId(check_identifier("volunteer", value))


def _cert_minutes(value: object) -> int:
    if type(value) is not int or value < 0:
        raise InvariantError(
            f"minutes must be a whole number >= 0, not {quote(value)}", field="minutes"
        )
    return value


def _issued(value: object) -> dt.date:
    return conv.to_required_date(value, "issued")


def _period_start(value: object) -> dt.date | None:
    return conv.to_date(value, "start")


def _period_end(value: object) -> dt.date | None:
    return conv.to_date(value, "end")


@attrs.frozen(kw_only=True)
class Certificate:
    """A free service certificate (志愿服务证明) a platform can render.

    Parameters
    ----------
    id : CertificateId
        The serial number.
    volunteer : VolunteerId
        The volunteer number (never an ID number).
    minutes : int
        The service time certified.
    content : str
        What the service was.
    unit : str
        The recording unit (记录单位) issuing it.
    issued : datetime.date
        The date of issue.
    start, end : datetime.date, optional
        The period certified (``end`` excluded).

    Examples
    --------
    >>> c = Certificate(id="ZY-2023-0001", volunteer="ZY-1", minutes=750, content="义诊",
    ...                 unit="紫阳县新时代文明实践中心", issued="2023-12-01")
    >>> print(c.text())
    志愿服务证明 No. ZY-2023-0001
    志愿者编号 ZY-1: 志愿服务 12.50 小时 (义诊)
    记录单位: 紫阳县新时代文明实践中心, 2023-12-01
    """

    id: CertificateId = attrs.field(converter=_serial)
    volunteer: VolunteerId = attrs.field(converter=_cert_volunteer)
    minutes: int = attrs.field(converter=_cert_minutes)
    content: str = attrs.field(validator=text)
    unit: str = attrs.field(validator=text)
    issued: dt.date = attrs.field(converter=_issued)
    start: dt.date | None = attrs.field(default=None, converter=_period_start)
    end: dt.date | None = attrs.field(
        default=None, converter=_period_end, validator=conv.not_before("start")
    )

    @property
    def hours(self) -> Decimal:
        """The certified time in hours (two decimals)."""
        return hours(self.minutes)

    def text(self) -> str:
        """The certificate as plain text."""
        period = ""
        if self.start is not None or self.end is not None:
            period = f", {self.start or '…'} – {self.end or '…'}"
        return (
            f"志愿服务证明 No. {self.id}\n"
            f"志愿者编号 {self.volunteer}: 志愿服务 {self.hours} 小时 ({self.content}{period})\n"
            f"记录单位: {self.unit}, {self.issued.isoformat()}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the certificate as the file format writes it."""
        return to_plain(self)


def certificate(
    network: Network,
    volunteer: str,
    *,
    serial: str,
    unit: str,
    issued: DateLike,
    content: str | None = None,
    start: DateLike = None,
    end: DateLike = None,
    policy: ServicePolicy | None = None,
) -> Certificate:
    """Build a certificate from the records as they stood on the day of issue.

    ``content`` defaults to the activities' contents (or titles), joined.

    Raises
    ------
    UnknownIdError
        The network holds no such volunteer.
    """
    network.get("volunteers", volunteer)
    day = as_date(issued, "issued")
    if day is None:
        raise InvariantError("issued is required", field="issued")
    mine = [
        r
        for r in effective_records(network, start=start, end=end, as_of=day)
        if r.volunteer == volunteer
    ]
    minutes = _totals(network, attrgetter("volunteer"), start, end, day, policy).get(
        VolunteerId(volunteer), 0
    )
    if content is None:
        content = "、".join(sorted({r.content or r.activity for r in mine})) or "志愿服务"
    return Certificate(
        id=serial,
        volunteer=volunteer,
        minutes=minutes,
        content=content,
        unit=unit,
        issued=day,
        start=as_date(start, "start"),
        end=as_date(end, "end"),
    )


# ---------------------------------------------------------------------------- validation


def _calendar_of(ctx: ValidationContext) -> WorkCalendar:
    return WorkCalendar.from_days(ctx.records.of("calendar"))


def late_records(
    records: Iterable[ServiceRecord],
    calendar: WorkCalendar | None = None,
    *,
    working_days: int = DUE_WORKING_DAYS,
) -> Iterator[tuple[int, ServiceRecord, dt.date]]:
    """Yield (position, record, due date) for records entered after they were due.

    Parameters
    ----------
    records : iterable of ServiceRecord
        ``network.table("service_records").values()``, or a file's records.
    calendar : WorkCalendar, optional
        Holidays and moved working days; weekends only by default.
    working_days : int
        How long a record may take (10 working days).

    Examples
    --------
    >>> r = ServiceRecord(id="r", volunteer="v", activity="a", date="2024-09-27",
    ...                   minutes=60, recorded="2024-10-14")
    >>> [due for _, _, due in late_records([r])]  # 10 weekdays after Friday 27 September
    [datetime.date(2024, 10, 11)]
    >>> golden_week = WorkCalendar(
    ...     holidays={dt.date(2024, 10, d) for d in range(1, 8)},
    ...     workdays={dt.date(2024, 9, 29), dt.date(2024, 10, 12)},
    ... )
    >>> list(late_records([r], golden_week))
    []
    """
    cal = calendar or WorkCalendar()
    for i, record in enumerate(records):
        due = cal.due_by(record.last_day, working_days)
        if record.recorded > due:
            yield i, record, due


def _rule_late(ctx: ValidationContext) -> Iterator[Issue]:
    for i, record, due in late_records(ctx.records.of("service_records"), _calendar_of(ctx)):
        yield Issue(
            code="late-record",
            severity=Severity.WARNING,
            message=(
                f"record {quote(record.id)} was entered {record.recorded}, after it was due "
                f"({due}: {DUE_WORKING_DAYS} working days after the activity ended "
                f"{record.last_day})"
            ),
            subject=record.id,
            path=ctx.path("service_records", i, "recorded"),
        )


def _rule_registered(ctx: ValidationContext) -> Iterator[Issue]:
    """A record is for a volunteer registered (and not suspended) on its date."""
    get_volunteer = ctx.by_key("volunteers").get
    for i, record in enumerate(ctx.records.of("service_records")):
        v = get_volunteer(record.volunteer)
        if v is None:
            continue
        if not v.registered_on(record.date):
            why = (
                f"registered only on {v.registered}"
                if record.date < v.registered
                else f"withdrawn since {v.status_since}"
            )
            yield error(
                "record-unregistered",
                f"record {quote(record.id)} of {record.date} is for volunteer {quote(v.id)}, "
                f"not registered that day ({why})",
                record.id,
                ctx.path("service_records", i, "date"),
            )
        elif not v.active_on(record.date):
            yield Issue(
                code="record-suspended",
                severity=Severity.WARNING,
                message=(
                    f"record {quote(record.id)} of {record.date} is for volunteer "
                    f"{quote(v.id)}, suspended since {v.status_since}"
                ),
                subject=record.id,
                path=ctx.path("service_records", i, "date"),
            )


def _rule_member(ctx: ValidationContext) -> Iterator[Issue]:
    """A record of a team's activity is for a member of the team on that day."""
    spans: dict[tuple[str, str], list[Any]] = {}
    for m in ctx.records.of("memberships"):
        spans.setdefault((m.volunteer, m.team), []).append(m)
    known_team = ctx.index("teams")
    for i, record in enumerate(ctx.records.of("service_records")):
        if record.team is None or record.team not in known_team:
            continue
        if any(m.covers(record.date) for m in spans.get((record.volunteer, record.team), ())):
            continue
        yield Issue(
            code="record-not-member",
            severity=Severity.WARNING,
            message=(
                f"record {quote(record.id)} is for team {quote(record.team)}'s activity on "
                f"{record.date}, but volunteer {quote(record.volunteer)} was not a member then"
            ),
            subject=record.id,
            path=ctx.path("service_records", i, "team"),
        )


def _rule_corrections(ctx: ValidationContext) -> Iterator[Issue]:
    """A record is corrected by one record (a correction of a correction is fine)."""
    first: dict[str, int] = {}
    records = ctx.records.of("service_records")
    for i, record in enumerate(records):
        old = record.supersedes
        if old is None:
            continue
        if old in first:
            other = records[first[old]]
            yield error(
                "correction-fork",
                f"records {quote(other.id)} ({ctx.path('service_records', first[old])}) and "
                f"{quote(record.id)} both correct record {quote(old)}; correct the latest "
                "version instead",
                record.id,
                ctx.path("service_records", i, "supersedes"),
            )
        else:
            first[old] = i


def _rule_certificate(ctx: ValidationContext) -> Iterator[Issue]:
    """A certificate does not certify more time than the records held when it was issued."""
    certificates = ctx.records.of("certificates")
    if not certificates:
        return
    records = ctx.records.of("service_records")
    by_volunteer: dict[str, list[ServiceRecord]] = {}
    for r in records:
        by_volunteer.setdefault(r.volunteer, []).append(r)
    for i, cert in enumerate(certificates):
        mine = [r for r in by_volunteer.get(cert.volunteer, ()) if r.recorded <= cert.issued]
        replaced = {r.supersedes for r in mine if r.supersedes is not None}
        total = sum(
            r.minutes
            for r in mine
            if r.id not in replaced
            and (cert.start is None or r.date >= cert.start)
            and (cert.end is None or r.date < cert.end)
        )
        if cert.minutes > total:
            yield Issue(
                code="certificate-exceeds-records",
                severity=Severity.WARNING,
                message=(
                    f"certificate {quote(cert.id)} certifies {cert.minutes} minutes but the "
                    f"records of volunteer {quote(cert.volunteer)} held {total} on "
                    f"{cert.issued}"
                ),
                subject=cert.id,
                path=ctx.path("certificates", i, "minutes"),
            )


# ---------------------------------------------------------------------------- sections


def _parse_day(value: Any) -> dt.date:
    day = as_date(value, "date")
    if day is None:
        raise InvariantError("a calendar day is a date", field="date")
    return day


def _show_day(day: dt.date) -> str:
    return day.isoformat()


def _parse_record(value: Any) -> ServiceRecordId:
    return ServiceRecordId(check_identifier("id", value))


def _parse_certificate(value: Any) -> CertificateId:
    return CertificateId(check_identifier("id", value))


CALENDAR: Section[dt.date, CalendarDay] = Section(
    name="calendar",
    noun="calendar day",
    types=(CalendarDay,),
    key=attrgetter("date"),
    key_field="date",
    parse_key=_parse_day,
    order=attrgetter("date"),
    show_key=_show_day,
    repr_empty=False,
)
"""The ``calendar`` section: holidays on weekdays and working weekend days (调休)."""

SERVICE_RECORDS: Section[ServiceRecordId, ServiceRecord] = Section(
    name="service_records",
    noun="service record",
    types=(ServiceRecord,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_record,
    order=attrgetter("id"),
    refs=(
        Ref(
            field="volunteer",
            target="volunteers",
            code="unknown-record-volunteer",
            index="by_volunteer",
        ),
        Ref(
            field="team",
            target="teams",
            code="unknown-record-team",
            on_remove=OnRemove.DETACH,
            index="by_team",
        ),
        Ref(
            field="site",
            target="sites",
            code="unknown-record-site",
            on_remove=OnRemove.DETACH,
            index="by_site",
        ),
        Ref(
            field="supersedes",
            target="service_records",
            code="unknown-corrected-record",
            on_remove=OnRemove.DETACH,
            index="corrections",
        ),
    ),
    indexes=(
        Index(name="by_volunteer", key=attrgetter("volunteer")),
        Index(name="by_team", key=attrgetter("team")),
        Index(name="by_site", key=attrgetter("site")),
        Index(name="corrections", key=attrgetter("supersedes")),
    ),
    rules=(
        ("record-unregistered", _rule_registered),
        ("late-record", _rule_late),
        ("record-not-member", _rule_member),
        ("correction-fork", _rule_corrections),
    ),
    repr_empty=False,
)
"""The ``service_records`` section: statutory service records, corrections included."""

CERTIFICATES: Section[CertificateId, Certificate] = Section(
    name="certificates",
    noun="certificate",
    types=(Certificate,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_certificate,
    order=attrgetter("id"),
    refs=(
        Ref(
            field="volunteer",
            target="volunteers",
            code="unknown-certificate-volunteer",
            index="by_volunteer",
        ),
    ),
    indexes=(Index(name="by_volunteer", key=attrgetter("volunteer")),),
    rules=(("certificate-exceeds-records", _rule_certificate),),
    repr_empty=False,
)
"""The ``certificates`` section: service certificates issued, by serial number."""
