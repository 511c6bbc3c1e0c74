"""Tests for wenming.testing.strategies beyond the doctests: what its arguments accept."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenming import DivisionCode, DivisionLevel, InvariantError, WenmingError
from wenming.testing.strategies import division_codes

LEVEL_NAMES = "province, prefecture, county, town, village"


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("village", DivisionLevel.VILLAGE),
        ("town", DivisionLevel.TOWN),
        ("County", DivisionLevel.COUNTY),
        ("PREFECTURE", DivisionLevel.PREFECTURE),
        ("province", DivisionLevel.PROVINCE),
        (DivisionLevel.VILLAGE, DivisionLevel.VILLAGE),
        (3, DivisionLevel.COUNTY),
    ],
)
def test_division_codes_takes_level_names(
    level: DivisionLevel | str, expected: DivisionLevel
) -> None:
    @settings(max_examples=20, deadline=None)
    @given(division_codes(level))
    def check(code: DivisionCode) -> None:
        assert isinstance(code, DivisionCode)
        assert code.level is expected

    check()


@settings(max_examples=30, deadline=None)
@given(st.data())
def test_division_codes_any_level_by_default(data: st.DataObject) -> None:
    code = data.draw(division_codes())
    assert DivisionCode.parse(code.short) == code


@pytest.mark.parametrize("word", ["villages", "township", "", "村"])
def test_division_codes_wrong_word_lists_the_levels(word: str) -> None:
    # Raised at once, when the strategy is made, not at the first draw.
    with pytest.raises(InvariantError) as info:
        division_codes(word)
    assert isinstance(info.value, WenmingError)
    assert isinstance(info.value, ValueError)
    assert f"unknown division level {word!r}; expected one of {LEVEL_NAMES}" == str(info.value)


@pytest.mark.parametrize("level", [0, 6, True, 2.0, b"town"])
def test_division_codes_wrong_type_lists_the_levels(level: object) -> None:
    with pytest.raises(InvariantError, match=f"one of {LEVEL_NAMES}, not "):
        division_codes(level)  # type: ignore[arg-type]
