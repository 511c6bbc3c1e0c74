"""Points schemes as data: rules, conversion from service time, thresholds and expiry.

A :class:`PointsScheme` is the published rule book of one points card (积分卡)
or volunteer points scheme. Everything a village decides for itself is a field:
the rule list (signed points, optional caps per period), how service minutes
turn into points, what a point is worth in fen, the opening balance, the
threshold above which points can be spent, the sanction floor and whether points
expire. Nothing here is national law; the two shipped schemes are examples.

Examples
--------
>>> card = conduct_card()
>>> card.opening, card.threshold, card.floor
(100, 100, 70)
>>> card.rule("filial-care").points, card.rule("littering").points
(5, -5)
>>> hours = volunteer_hours()
>>> hours.conversion.points(90), hours.conversion.points(300)  # 2 hours counted at most
(15, 20)
>>> PointsScheme.from_dict(card.to_dict()) == card
True
"""

from __future__ import annotations

import calendar
import datetime as dt
import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from wenming._fields import text, to_enum
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import FormatError, InvariantError, UnknownIdError
from wenming.points._checks import identifier, whole

__all__ = [
    "SCHEMES",
    "ExpiryKind",
    "ExpiryPolicy",
    "HolderType",
    "Period",
    "PointsScheme",
    "Rounding",
    "Rule",
    "ServiceConversion",
    "conduct_card",
    "volunteer_hours",
]


class HolderType(enum.StrEnum):
    """Who holds the accounts of a scheme: a person, or a household whose members pool."""

    PERSON = "person"
    HOUSEHOLD = "household"


class Period(enum.StrEnum):
    """A calendar period, for rule caps and per-period totals.

    Examples
    --------
    >>> Period.QUARTER.label(dt.date(2024, 5, 2))
    '2024-Q2'
    """

    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    def label(self, day: dt.date) -> str:
        """The period ``day`` falls in: ``"2024-05"``, ``"2024-Q2"`` or ``"2024"``."""
        if self is Period.MONTH:
            return f"{day.year:04d}-{day.month:02d}"
        if self is Period.QUARTER:
            return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
        return f"{day.year:04d}"


class Rounding(enum.StrEnum):
    """How a fraction of a point is rounded when service time is converted."""

    DOWN = "down"
    UP = "up"
    HALF_UP = "half_up"

    def divide(self, numerator: int, denominator: int) -> int:
        """Divide two non-negative integers, rounding this way (integers only, no float).

        Examples
        --------
        >>> [r.divide(90, 60) for r in Rounding]
        [1, 2, 2]
        """
        if self is Rounding.DOWN:
            return numerator // denominator
        if self is Rounding.UP:
            return -(-numerator // denominator)
        return (2 * numerator + denominator) // (2 * denominator)


def _rounding(value: object) -> Rounding:
    return to_enum(Rounding, "rounding", value)


def _max_minutes(value: object) -> int | None:
    return None if value is None else whole("max_minutes", value, low=1)


def _months(value: object) -> int | None:
    return None if value is None else whole("months", value, low=1)


def _cap(value: object) -> int | None:
    return None if value is None else whole("cap", value, low=1)


def _floor(value: object) -> int | None:
    return None if value is None else whole("floor", value, low=0)


def _points_per_hour(value: object) -> int:
    return whole("points_per_hour", value, low=1)


def _rule_points(value: object) -> int:
    return whole("points", value, nonzero=True)


def _fen(value: object) -> int:
    return whole("fen_per_point", value, low=0)


def _opening(value: object) -> int:
    return whole("opening", value, low=0)


def _threshold(value: object) -> int:
    return whole("threshold", value, low=0)


@attrs.frozen(kw_only=True)
class ServiceConversion:
    """How service minutes turn into points.

    ``points = rounding(min(minutes, max_minutes) × points_per_hour / 60)``, in
    integers. Service records keep the real minutes; this only decides points.

    Parameters
    ----------
    points_per_hour : int
        Points for one hour of service (1 and 10 are common).
    rounding : Rounding
        How a fraction of a point is rounded (down by default).
    max_minutes : int or None
        The most minutes counted for one activity (``120``: at most 2 hours).

    Examples
    --------
    >>> conv = ServiceConversion(points_per_hour=1, rounding="half_up")
    >>> conv.points(89), conv.points(90)
    (1, 2)
    """

    points_per_hour: int = attrs.field(converter=_points_per_hour)
    rounding: Rounding = attrs.field(default=Rounding.DOWN, converter=_rounding)
    max_minutes: int | None = attrs.field(default=None, converter=_max_minutes)

    def points(self, minutes: int) -> int:
        """Points for one activity of ``minutes`` minutes of service.

        Raises
        ------
        InvariantError
            If ``minutes`` is not a whole number of at least 1.
        """
        minutes = whole("minutes", minutes, low=1)
        counted = minutes if self.max_minutes is None else min(minutes, self.max_minutes)
        return self.rounding.divide(counted * self.points_per_hour, 60)


class ExpiryKind(enum.StrEnum):
    """Whether and when earned points expire."""

    NONE = "none"
    AFTER_MONTHS = "after_months"
    YEAR_END = "year_end"


def _expiry_kind(value: object) -> ExpiryKind:
    return to_enum(ExpiryKind, "expiry", value)


@attrs.frozen(kw_only=True)
class ExpiryPolicy:
    """When earned points expire; none by default (no village was found to expire points).

    Only points *earned* (:class:`~wenming.points.entries.Earn` entries) expire.
    Spending, deductions and expiry consume the oldest points first (first in,
    first out), so the points that expire are the earned points still unspent.

    Examples
    --------
    >>> ExpiryPolicy.after_months(12).expires_on(dt.date(2024, 2, 29))
    datetime.date(2025, 2, 28)
    >>> ExpiryPolicy.year_end().expires_on(dt.date(2024, 5, 1))
    datetime.date(2025, 1, 1)
    >>> print(ExpiryPolicy.none().expires_on(dt.date(2024, 5, 1)))
    None
    """

    kind: ExpiryKind = attrs.field(default=ExpiryKind.NONE, converter=_expiry_kind)
    months: int | None = attrs.field(default=None, converter=_months)

    def __attrs_post_init__(self) -> None:
        if (self.kind is ExpiryKind.AFTER_MONTHS) != (self.months is not None):
            raise InvariantError(
                "months must be given for 'after_months' expiry and only for it",
                field="months",
                value=self.months,
            )

    @classmethod
    def none(cls) -> ExpiryPolicy:
        """Points never expire."""
        return cls()

    @classmethod
    def after_months(cls, months: int) -> ExpiryPolicy:
        """Points expire ``months`` months after the day they were earned."""
        return cls(kind=ExpiryKind.AFTER_MONTHS, months=months)

    @classmethod
    def year_end(cls) -> ExpiryPolicy:
        """Points expire at the end of the calendar year they were earned in."""
        return cls(kind=ExpiryKind.YEAR_END)

    def expires_on(self, earned: dt.date) -> dt.date | None:
        """The first day on which points earned on ``earned`` are no longer valid."""
        if self.kind is ExpiryKind.NONE:
            return None
        if self.kind is ExpiryKind.YEAR_END:
            return dt.date(earned.year + 1, 1, 1)
        assert self.months is not None
        month0 = earned.month - 1 + self.months
        year, month = earned.year + month0 // 12, month0 % 12 + 1
        return dt.date(year, month, min(earned.day, calendar.monthrange(year, month)[1]))


def _period(value: object) -> Period:
    return to_enum(Period, "per", value)


@attrs.frozen(kw_only=True)
class Rule:
    """One line of a scheme's published rule list.

    Parameters
    ----------
    code : str
        A short stable code (``"filial-care"``), used in entries and totals.
    label : str
        The rule as published (``"孝老爱亲"``).
    points : int
        Signed points per occurrence: positive rules earn, negative rules deduct.
    cap : int or None
        The most points (as a magnitude) one account may get under this rule in
        one period; ``None`` for no cap.
    per : Period
        The period of the cap (a year by default).

    Examples
    --------
    >>> Rule(code="x", label="x", points=0)
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: points must not be zero
    """

    code: str = attrs.field(validator=identifier)
    label: str = attrs.field(validator=text)
    points: int = attrs.field(converter=_rule_points)
    cap: int | None = attrs.field(default=None, converter=_cap)
    per: Period = attrs.field(default=Period.YEAR, converter=_period)


def _rules(value: object) -> tuple[Rule, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvariantError("rules must be a list of Rule", field="rules", value=value)
    rules = tuple(value)
    seen: set[str] = set()
    for rule in rules:
        if not isinstance(rule, Rule):
            raise InvariantError(
                f"rules must hold Rule records, not {type(rule).__name__}", field="rules"
            )
        if rule.code in seen:
            raise InvariantError(
                f"rule code '{rule.code}' appears twice", field="rules", value=rule.code
            )
        seen.add(rule.code)
    return rules


def _owner(value: object) -> DivisionCode:
    if not isinstance(value, str):
        raise InvariantError("owner must be a division code", field="owner", value=value)
    code = DivisionCode.parse(value)
    if code.level not in (DivisionLevel.COUNTY, DivisionLevel.TOWN, DivisionLevel.VILLAGE):
        raise InvariantError(
            f"owner {code.short} is a {code.level.label}; a scheme belongs to a county, "
            "a town or a village",
            field="owner",
            value=value,
        )
    return code


def _holder(value: object) -> HolderType:
    return to_enum(HolderType, "holder", value)


@attrs.frozen(kw_only=True)
class PointsScheme:
    """The rule book of one points scheme; one ledger keeps the accounts of one scheme.

    Parameters
    ----------
    name : str
        The scheme's name (``"十星级文明户积分卡"``).
    owner : str
        The division code of the village, town or county that runs it.
    holder : HolderType
        Whether accounts belong to persons or to households.
    rules : tuple of Rule
        The published rule list; codes are unique.
    conversion : ServiceConversion or None
        How service minutes become points; ``None`` if the scheme does not count
        service time.
    fen_per_point : int
        What one point is worth in fen (100: 1 point = 1 yuan; 10: 10 points = 1
        yuan; 1: 100 points = 1 yuan). Points are incentives, not pay.
    opening : int
        Points every new account opens with.
    threshold : int
        Only points above this balance can be spent (0: all of them).
    floor : int or None
        The sanction floor: an account below it has its benefits suspended until
        it is back at the floor.
    expiry : ExpiryPolicy
        Whether earned points expire (not by default).
    """

    name: str = attrs.field(validator=text)
    owner: DivisionCode = attrs.field(converter=_owner)
    holder: HolderType = attrs.field(default=HolderType.PERSON, converter=_holder)
    rules: tuple[Rule, ...] = attrs.field(default=(), converter=_rules)
    conversion: ServiceConversion | None = None
    fen_per_point: int = attrs.field(default=100, converter=_fen)
    opening: int = attrs.field(default=0, converter=_opening)
    threshold: int = attrs.field(default=0, converter=_threshold)
    floor: int | None = attrs.field(default=None, converter=_floor)
    expiry: ExpiryPolicy = attrs.field(factory=ExpiryPolicy)

    def rule(self, code: str) -> Rule:
        """Return the rule with ``code``.

        Raises
        ------
        UnknownIdError
            If the scheme has no such rule; the message lists the codes it has.
        """
        for rule in self.rules:
            if rule.code == code:
                return rule
        known = ", ".join(r.code for r in self.rules) or "none"
        raise UnknownIdError("rule", code, f"unknown rule '{code}' (the scheme's rules: {known})")

    def value_fen(self, points: int) -> int:
        """What ``points`` points are worth, in fen.

        Examples
        --------
        >>> conduct_card().value_fen(30)
        3000
        """
        return whole("points", points) * self.fen_per_point

    def to_dict(self) -> dict[str, Any]:
        """Return the scheme as plain JSON-ready data (see :meth:`from_dict`)."""
        conv = self.conversion
        return {
            "name": self.name,
            "owner": self.owner.short,
            "holder": self.holder.value,
            "rules": [
                {"code": r.code, "label": r.label, "points": r.points, "cap": r.cap, "per": r.per}
                for r in self.rules
            ],
            "conversion": None
            if conv is None
            else {
                "points_per_hour": conv.points_per_hour,
                "rounding": conv.rounding.value,
                "max_minutes": conv.max_minutes,
            },
            "fen_per_point": self.fen_per_point,
            "opening": self.opening,
            "threshold": self.threshold,
            "floor": self.floor,
            "expiry": {"kind": self.expiry.kind.value, "months": self.expiry.months},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> PointsScheme:
        """Build a scheme from :meth:`to_dict` data (a scheme file, a ledger's header).

        Raises
        ------
        FormatError
            If a field is missing, unknown or invalid; the message names it.
        """
        if not isinstance(data, Mapping):
            raise FormatError(
                [f"$: a scheme is a JSON object, not {type(data).__name__}"], source=source
            )
        try:
            fields = dict(data)
            rules = tuple(Rule(**r) for r in fields.pop("rules", ()))
            conv = fields.pop("conversion", None)
            expiry = fields.pop("expiry", None)
            return cls(
                rules=rules,
                conversion=None if conv is None else ServiceConversion(**conv),
                expiry=ExpiryPolicy() if expiry is None else ExpiryPolicy(**expiry),
                **fields,
            )
        except InvariantError as exc:
            where = f"$.{exc.field}: " if exc.field else ""
            raise FormatError([f"{where}{exc}"], source=source) from None
        except (TypeError, AttributeError) as exc:
            raise FormatError([f"not a points scheme: {exc}"], source=source) from None


def conduct_card() -> PointsScheme:
    """A household conduct card as seen in villages (an example, not a standard).

    Households open at 100 points, only points above 100 can be spent, benefits
    are suspended below 70; 1 point = 1 yuan in the points store.
    """
    return PointsScheme(
        name="文明积分卡 (household conduct card)",
        owner="610924101200",
        holder=HolderType.HOUSEHOLD,
        rules=(
            Rule(code="filial-care", label="孝老爱亲 filial care", points=5, cap=20, per="month"),
            Rule(
                code="clean-courtyard",
                label="庭院整洁 clean courtyard",
                points=2,
                cap=8,
                per="month",
            ),
            Rule(code="volunteering", label="志愿服务 volunteering", points=3),
            Rule(code="reformed-customs", label="移风易俗 reformed customs", points=10),
            Rule(code="littering", label="乱扔垃圾 littering", points=-5),
            Rule(code="lavish-banquet", label="大操大办 lavish banquet", points=-20),
        ),
        fen_per_point=100,
        opening=100,
        threshold=100,
        floor=70,
    )


def volunteer_hours() -> PointsScheme:
    """A volunteer points scheme: 10 points per hour, at most 2 hours counted per activity."""
    return PointsScheme(
        name="志愿服务积分 (volunteer points)",
        owner="610924",
        holder=HolderType.PERSON,
        rules=(Rule(code="commendation", label="表彰嘉许 commendation", points=50),),
        conversion=ServiceConversion(points_per_hour=10, max_minutes=120),
        fen_per_point=10,
    )


SCHEMES: Mapping[str, PointsScheme] = MappingProxyType(
    {"conduct-card": conduct_card(), "volunteer-hours": volunteer_hours()}
)
"""The shipped example schemes by name (as ``wenming ledger init --scheme`` knows them)."""
