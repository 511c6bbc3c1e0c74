"""Schemes as data: rules, conversion, expiry dates, the shipped examples, round trips."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wenming.errors import FormatError, InvariantError, UnknownIdError
from wenming.points import (
    SCHEMES,
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


def test_shipped_conduct_card_matches_the_village_practice() -> None:
    card = conduct_card()
    assert (card.opening, card.threshold, card.floor) == (100, 100, 70)
    assert card.holder is HolderType.HOUSEHOLD
    assert any(r.points < 0 for r in card.rules)
    assert any(r.points > 0 for r in card.rules)
    assert card.expiry == ExpiryPolicy.none()


def test_shipped_volunteer_scheme_counts_at_most_two_hours() -> None:
    conv = volunteer_hours().conversion
    assert conv is not None
    assert [conv.points(m) for m in (30, 60, 119, 120, 121, 600)] == [5, 10, 19, 20, 20, 20]
    assert set(SCHEMES) == {"conduct-card", "volunteer-hours"}


@pytest.mark.parametrize(
    ("rounding", "minutes", "expected"),
    [("down", 89, 1), ("up", 61, 2), ("half_up", 89, 1), ("half_up", 90, 2), ("up", 60, 1)],
)
def test_rounding_of_one_point_per_hour(rounding: str, minutes: int, expected: int) -> None:
    assert ServiceConversion(points_per_hour=1, rounding=rounding).points(minutes) == expected


@given(
    st.integers(1, 100),
    st.sampled_from(list(Rounding)),
    st.integers(1, 10_000),
    st.none() | st.integers(1, 600),
)
def test_conversion_is_integer_and_matches_exact_fractions(
    rate: int, rounding: Rounding, minutes: int, cap: int | None
) -> None:
    import math
    from fractions import Fraction

    conv = ServiceConversion(points_per_hour=rate, rounding=rounding, max_minutes=cap)
    counted = minutes if cap is None else min(minutes, cap)
    exact = Fraction(counted * rate, 60)
    expected = {
        Rounding.DOWN: math.floor(exact),
        Rounding.UP: math.ceil(exact),
        Rounding.HALF_UP: math.floor(exact + Fraction(1, 2)),
    }[rounding]
    assert conv.points(minutes) == expected
    assert type(conv.points(minutes)) is int


@pytest.mark.parametrize("bad", [0, -5, 1.5, True, "60"])
def test_minutes_must_be_whole_and_positive(bad: Any) -> None:
    with pytest.raises(InvariantError, match="minutes"):
        volunteer_hours().conversion.points(bad)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("policy", "earned", "expires"),
    [
        (ExpiryPolicy.after_months(1), dt.date(2024, 1, 31), dt.date(2024, 2, 29)),
        (ExpiryPolicy.after_months(12), dt.date(2023, 3, 15), dt.date(2024, 3, 15)),
        (ExpiryPolicy.after_months(13), dt.date(2023, 12, 1), dt.date(2025, 1, 1)),
        (ExpiryPolicy.year_end(), dt.date(2023, 12, 31), dt.date(2024, 1, 1)),
        (ExpiryPolicy.year_end(), dt.date(2023, 1, 1), dt.date(2024, 1, 1)),
    ],
)
def test_expiry_dates(policy: ExpiryPolicy, earned: dt.date, expires: dt.date) -> None:
    assert policy.expires_on(earned) == expires


def test_expiry_policy_months_go_with_after_months_only() -> None:
    with pytest.raises(InvariantError, match="months"):
        ExpiryPolicy(kind="year_end", months=3)
    with pytest.raises(InvariantError, match="months"):
        ExpiryPolicy(kind="after_months")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("points", 0, "must not be zero"),
        ("points", 2.0, "whole number"),
        ("code", " x", "surrounding spaces"),
        ("cap", 0, "at least 1"),
        ("per", "week", "not one of"),
    ],
)
def test_bad_rules_are_refused(field: str, value: object, message: str) -> None:
    data: dict[str, Any] = {"code": "x", "label": "X", "points": 1}
    data[field] = value
    with pytest.raises(InvariantError, match=message) as info:
        Rule(**data)
    assert info.value.field == field


def test_scheme_checks() -> None:
    rule = Rule(code="a", label="A", points=1)
    with pytest.raises(InvariantError, match="appears twice"):
        PointsScheme(name="s", owner="610924", rules=(rule, rule))
    with pytest.raises(InvariantError, match="province"):
        PointsScheme(name="s", owner="61")
    with pytest.raises(InvariantError, match="at least 0"):
        PointsScheme(name="s", owner="610924", threshold=-1)
    scheme = PointsScheme(name="s", owner="610924101", rules=(rule,))
    with pytest.raises(UnknownIdError, match=r"unknown rule 'b' \(the scheme's rules: a\)"):
        scheme.rule("b")
    assert scheme.value_fen(7) == 700


@pytest.mark.parametrize("scheme", list(SCHEMES.values()))
def test_scheme_round_trips_through_a_dict(scheme: PointsScheme) -> None:
    assert PointsScheme.from_dict(scheme.to_dict()) == scheme


def test_from_dict_names_the_bad_field() -> None:
    data = conduct_card().to_dict()
    data["threshold"] = "a hundred"
    with pytest.raises(FormatError, match=r"\$\.threshold: threshold must be a whole number"):
        PointsScheme.from_dict(data, source="card.json")
    data = conduct_card().to_dict()
    data["colour"] = "red"
    with pytest.raises(FormatError, match="colour"):
        PointsScheme.from_dict(data)


def test_period_labels() -> None:
    day = dt.date(2024, 11, 30)
    assert [p.label(day) for p in Period] == ["2024-11", "2024-Q4", "2024"]
