"""Tests for wenming.divisions: codes, division records and division tables.

The expectations come from domain.md §1, §6 and §7 (the 12-digit statistical code,
the township and village digit bands, the urban-rural classes, Ziyang's 17 towns).
"""

from __future__ import annotations

import codecs
import csv
import errno
import inspect
import math
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wenming.divisions import (
    Coordinates,
    Division,
    DivisionCode,
    DivisionLevel,
    DivisionTable,
    TownshipType,
    UrbanRuralClass,
    VillageType,
)
from wenming.errors import (
    DivisionCodeError,
    DuplicateIdError,
    FileAccessError,
    FormatError,
    InvariantError,
    WenmingError,
)
from wenming.testing.strategies import division_codes

DATA = Path(__file__).resolve().parents[2] / "shared/data/divisions-2023"

# domain.md §6: Ziyang County's 17 towns (107 is unused).
ZIYANG_TOWNS = {
    "610924100": "城关镇",
    "610924101": "蒿坪镇",
    "610924102": "汉王镇",
    "610924103": "焕古镇",
    "610924104": "向阳镇",
    "610924105": "洞河镇",
    "610924106": "洄水镇",
    "610924108": "双桥镇",
    "610924109": "高桥镇",
    "610924110": "红椿镇",
    "610924111": "高滩镇",
    "610924112": "毛坝镇",
    "610924113": "瓦庙镇",
    "610924114": "麻柳镇",
    "610924115": "双安镇",
    "610924116": "东木镇",
    "610924117": "界岭镇",
}


class Tagged(str):
    """A str subclass: takes the slow path of DivisionCode's constructor."""


# ---------------------------------------------------------------- DivisionCode: parsing


@pytest.mark.parametrize(
    ("raw", "full", "level", "short"),
    [
        ("61", "610000000000", DivisionLevel.PROVINCE, "61"),
        ("6109", "610900000000", DivisionLevel.PREFECTURE, "6109"),
        ("610924", "610924000000", DivisionLevel.COUNTY, "610924"),
        ("610924101", "610924101000", DivisionLevel.TOWN, "610924101"),
        ("610924101201", "610924101201", DivisionLevel.VILLAGE, "610924101201"),
        ("610924000000", "610924000000", DivisionLevel.COUNTY, "610924"),
        ("610924101000", "610924101000", DivisionLevel.TOWN, "610924101"),
        ("110101001", "110101001000", DivisionLevel.TOWN, "110101001"),
    ],
)
def test_parse_pads_and_reads_level(raw: str, full: str, level: DivisionLevel, short: str) -> None:
    code = DivisionCode.parse(raw)
    assert isinstance(code, DivisionCode)
    assert isinstance(code, str)
    assert str(code) == full
    assert code == full
    assert len(code) == 12
    assert code.level is level
    assert code.short == short
    assert DivisionCode(raw) == code


def test_padded_forms_are_the_same_code() -> None:
    forms = ["610924", "610924000", "610924000000"]
    codes = {DivisionCode.parse(f) for f in forms}
    assert len(codes) == 1
    # A DivisionCode is a str: it hashes and compares as its 12 digits.
    lookup: dict[str, str] = {DivisionCode.parse("610924"): "紫阳县"}
    assert lookup["610924000000"] == "紫阳县"
    assert hash(DivisionCode.parse("610924")) == hash("610924000000")


def test_parse_returns_a_code_unchanged() -> None:
    code = DivisionCode.parse("610924103")
    assert DivisionCode.parse(code) is code
    assert DivisionCode(code) is code


def test_parse_accepts_str_subclasses() -> None:
    code = DivisionCode.parse(Tagged("610924"))
    assert type(code) is DivisionCode
    assert code == "610924000000"


def test_repr_and_parts() -> None:
    code = DivisionCode.parse("610924103201")
    assert repr(code) == "DivisionCode('610924103201')"
    assert code.province == "61"
    assert code.county == "610924"


def test_structure_not_membership_codes_never_seen_are_accepted() -> None:
    # domain.md §7: validate structure rather than membership by default.
    code = DivisionCode.parse("829999598599")
    assert code.level is DivisionLevel.VILLAGE
    assert code.township_type is TownshipType.STATISTICAL
    assert code.village_type is VillageType.STATISTICAL


def test_dongguan_town_with_county_digits_00_is_valid() -> None:
    # 东莞 (4419) has no counties: its towns carry county digits 00.
    code = DivisionCode.parse("441900003")
    assert str(code) == "441900003000"
    assert code.level is DivisionLevel.TOWN
    assert code.township_type is TownshipType.STREET
    assert code.county == "441900"
    assert code.parent == DivisionCode.parse("4419")
    assert DivisionCode.parse("4419").contains(code)
    village = DivisionCode.parse("441900003001")
    assert village.level is DivisionLevel.VILLAGE
    assert village.parent == code


def test_a_province_code_written_with_zero_prefecture_digits_is_the_province() -> None:
    assert DivisionCode.parse("6100") == DivisionCode.parse("61")
    assert DivisionCode.parse("6100").level is DivisionLevel.PROVINCE


# ---------------------------------------------------------------- DivisionCode: malformed


def _parse_error(raw: object) -> DivisionCodeError:
    with pytest.raises(DivisionCodeError) as info:
        DivisionCode.parse(raw)  # type: ignore[arg-type]
    err = info.value
    assert isinstance(err, ValueError)
    assert isinstance(err, InvariantError)
    assert isinstance(err, WenmingError)
    assert err.field == "code"
    assert err.value is raw
    return err


@pytest.mark.parametrize(
    "raw",
    ["6", "610", "61092", "6109241", "61092410", "6109241012", "61092410120", "6109241012011"],
)
def test_wrong_length(raw: str) -> None:
    err = _parse_error(raw)
    message = str(err)
    assert f"has {len(raw)} digits" in message
    assert "expected 2, 4, 6, 9 or 12" in message
    assert repr(raw) in message


@pytest.mark.parametrize(
    "raw",
    [
        "61092a",
        "6109 4",
        " 610924",
        "610924 ",
        "-61092",
        "6109.4",
        "６１",  # full-width digits
        "６１０９２４",
        "６１０９２４１０１２０１",  # 12 full-width digits
        "61092410120١",  # 11 ASCII digits and an Arabic-Indic one
        "٦١",  # Arabic-Indic digits
        "61²",  # superscript two: str.isdigit() says True
    ],
)
def test_non_digits(raw: str) -> None:
    err = _parse_error(raw)
    assert "must contain only the digits 0-9" in str(err)
    assert repr(raw) in str(err)


def test_empty_code_is_refused() -> None:
    _parse_error("")


def test_empty_code_message_names_the_length() -> None:
    message = str(_parse_error(""))
    assert "0 digits" in message or "empty" in message


@pytest.mark.parametrize("raw", ["00", "0001", "001234", "000000000", "000000000000"])
def test_province_00(raw: str) -> None:
    err = _parse_error(raw)
    assert "province digits '00'" in str(err)


@pytest.mark.parametrize("raw", ["610024", "610000100", "610000000001", "110012345678"])
def test_prefecture_00_with_lower_digits_set(raw: str) -> None:
    err = _parse_error(raw)
    assert "under prefecture digits '00'" in str(err)


@pytest.mark.parametrize(
    ("raw", "village"), [("610924000201", "201"), ("441900000001", "001"), ("110101000999", "999")]
)
def test_village_digits_under_township_000(raw: str, village: str) -> None:
    err = _parse_error(raw)
    assert f"village digits {village!r}" in str(err)
    assert "township digits '000'" in str(err)


@pytest.mark.parametrize(
    ("raw", "type_name"),
    [
        (None, "NoneType"),
        (610924.0, "float"),
        (True, "bool"),
        (False, "bool"),
        (610924, "int"),  # an int loses leading zeros: codes are strings
        (61, "int"),
        (b"610924", "bytes"),
        (["61"], "list"),
    ],
)
def test_non_string_types(raw: object, type_name: str) -> None:
    err = _parse_error(raw)
    assert f"not {type_name}" in str(err)
    assert "string" in str(err)


# ---------------------------------------------------------------- DivisionCode: structure


def test_parent_chain() -> None:
    village = DivisionCode.parse("610924101201")
    assert village.parent == DivisionCode.parse("610924101")
    assert village.parent is not None
    assert village.parent.parent == DivisionCode.parse("610924")
    assert DivisionCode.parse("610924").parent == DivisionCode.parse("6109")
    assert DivisionCode.parse("6109").parent == DivisionCode.parse("61")
    assert DivisionCode.parse("61").parent is None


def test_ancestors_nearest_first() -> None:
    village = DivisionCode.parse("610924101201")
    assert village.ancestors() == (
        DivisionCode.parse("610924101"),
        DivisionCode.parse("610924"),
        DivisionCode.parse("6109"),
        DivisionCode.parse("61"),
    )
    assert all(type(a) is DivisionCode for a in village.ancestors())
    assert DivisionCode.parse("61").ancestors() == ()
    assert [a.short for a in DivisionCode.parse("610924").ancestors()] == ["6109", "61"]


def test_contains() -> None:
    county = DivisionCode.parse("610924")
    town = DivisionCode.parse("610924101")
    village = DivisionCode.parse("610924101201")
    assert county.contains(town)
    assert county.contains(village)
    assert county.contains(county)
    assert town.contains(village)
    assert not town.contains(county)
    assert not village.contains(town)
    assert not county.contains(DivisionCode.parse("610925101201"))
    assert not town.contains(DivisionCode.parse("610924102201"))
    assert not DivisionCode.parse("61").contains(DivisionCode.parse("62"))
    assert DivisionCode.parse("61").contains(village)
    # Plain strings work too.
    assert county.contains("610924101201")
    assert not county.contains("610925000000")


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        ("001", TownshipType.STREET),
        ("050", TownshipType.STREET),
        ("099", TownshipType.STREET),
        ("100", TownshipType.TOWN),
        ("101", TownshipType.TOWN),
        ("199", TownshipType.TOWN),
        ("200", TownshipType.TOWNSHIP),
        ("399", TownshipType.TOWNSHIP),
        ("400", TownshipType.STATISTICAL),
        ("599", TownshipType.STATISTICAL),
        ("600", TownshipType.OTHER),
        ("999", TownshipType.OTHER),
    ],
)
def test_township_type_bands(digits: str, kind: TownshipType) -> None:
    assert DivisionCode.parse(f"610924{digits}").township_type is kind
    # Digits 7-9 also tell the township kind of a village code.
    assert DivisionCode.parse(f"610924{digits}201").township_type is kind


@pytest.mark.parametrize("raw", ["61", "6109", "610924"])
def test_township_type_none_above_township(raw: str) -> None:
    assert DivisionCode.parse(raw).township_type is None


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        ("001", VillageType.COMMUNITY),
        ("199", VillageType.COMMUNITY),
        ("200", VillageType.VILLAGE),
        ("399", VillageType.VILLAGE),
        ("400", VillageType.STATISTICAL),
        ("599", VillageType.STATISTICAL),
        ("600", VillageType.OTHER),
        ("999", VillageType.OTHER),
    ],
)
def test_village_type_bands(digits: str, kind: VillageType) -> None:
    assert DivisionCode.parse(f"610924101{digits}").village_type is kind


@pytest.mark.parametrize("raw", ["61", "6109", "610924", "610924101"])
def test_village_type_none_above_village(raw: str) -> None:
    assert DivisionCode.parse(raw).village_type is None


# ---------------------------------------------------------------- Hypothesis properties


@settings(max_examples=100, deadline=None)
@given(division_codes())
def test_property_parse_of_str_round_trips(code: DivisionCode) -> None:
    assert DivisionCode.parse(str(code)) == code
    assert DivisionCode.parse(code.short) == code
    assert len(code.short) == {1: 2, 2: 4, 3: 6, 4: 9, 5: 12}[code.level]
    assert str(code).startswith(code.short)
    assert set(str(code)[len(code.short) :]) <= {"0"}


@settings(max_examples=100, deadline=None)
@given(division_codes())
def test_property_parent_contains_child(code: DivisionCode) -> None:
    parent = code.parent
    if code.level is DivisionLevel.PROVINCE:
        assert parent is None
        return
    assert parent is not None
    assert parent.level == code.level - 1
    assert parent.contains(code)
    assert not code.contains(parent)


@settings(max_examples=100, deadline=None)
@given(division_codes())
def test_property_ancestors(code: DivisionCode) -> None:
    ancestors = code.ancestors()
    assert len(ancestors) == code.level - 1
    assert [a.level for a in ancestors] == list(range(code.level - 1, 0, -1))
    assert all(a.contains(code) for a in ancestors)


@settings(max_examples=50, deadline=None)
@given(st.sampled_from(list(DivisionLevel)), st.data())
def test_property_division_codes_of_level(level: DivisionLevel, data: st.DataObject) -> None:
    code = data.draw(division_codes(level))
    assert code.level is level


def _well_formed(digits: str) -> bool:
    """domain.md §7 structure rules for a 12-digit code, written out directly."""
    province, prefecture, township, village = digits[:2], digits[2:4], digits[6:9], digits[9:]
    if province == "00":
        return False
    if prefecture == "00" and digits[4:] != "0" * 8:
        return False
    return not (township == "000" and village != "000")


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from([2, 4, 6, 9, 12]).flatmap(
        lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
    ),
    st.booleans(),
)
def test_property_structure_rules(raw: str, as_subclass: bool) -> None:
    value: str = Tagged(raw) if as_subclass else raw
    full = raw.ljust(12, "0")
    if _well_formed(full):
        code = DivisionCode.parse(value)
        assert str(code) == full
    else:
        with pytest.raises(DivisionCodeError):
            DivisionCode.parse(value)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["00", "000", "01", "19", "100", "201", "4"]), min_size=1, max_size=6
    ).map("".join)
)
def test_property_structure_rules_zero_heavy(raw: str) -> None:
    if len(raw) not in (2, 4, 6, 9, 12):
        with pytest.raises(DivisionCodeError, match="digits; expected 2, 4, 6, 9 or 12"):
            DivisionCode.parse(raw)
        return
    full = raw.ljust(12, "0")
    if _well_formed(full):
        assert DivisionCode.parse(raw) == full
        assert DivisionCode.parse(Tagged(raw)) == full
    else:
        with pytest.raises(DivisionCodeError):
            DivisionCode.parse(raw)
        with pytest.raises(DivisionCodeError):
            DivisionCode.parse(Tagged(raw))


# ---------------------------------------------------------------- levels and classes


@pytest.mark.parametrize(
    ("value", "urban"),
    [
        (UrbanRuralClass.MAIN_URBAN, True),
        (UrbanRuralClass.URBAN_RURAL_FRINGE, True),
        (UrbanRuralClass.TOWN_CENTRE, True),
        (UrbanRuralClass.TOWN_RURAL_FRINGE, True),
        (UrbanRuralClass.SPECIAL_AREA, True),
        (UrbanRuralClass.TOWNSHIP_CENTRE, False),
        (UrbanRuralClass.VILLAGE, False),
    ],
)
def test_urban_rural_is_urban(value: UrbanRuralClass, urban: bool) -> None:
    assert value.is_urban is urban


def test_urban_rural_codes_are_the_national_ones() -> None:
    assert {c.value for c in UrbanRuralClass} == {"111", "112", "121", "122", "123", "210", "220"}


def test_division_level_labels() -> None:
    assert [lv.label for lv in DivisionLevel] == [
        "province",
        "prefecture",
        "county",
        "town",
        "village",
    ]
    for lv in DivisionLevel:
        assert DivisionLevel.from_label(lv.label) is lv
    assert DivisionLevel.from_label("County") is DivisionLevel.COUNTY


@pytest.mark.parametrize("label", ["city", "", "townships", "县"])
def test_division_level_from_label_refuses_unknown(label: str) -> None:
    with pytest.raises(InvariantError) as info:
        DivisionLevel.from_label(label)
    message = str(info.value)
    assert f"unknown division level {label!r}" in message
    assert "province, prefecture, county, town, village" in message
    assert info.value.field == "level"
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------- Division records


def test_division_level_from_code() -> None:
    town = Division(code="610924101", name="蒿坪镇")
    assert town.code == DivisionCode.parse("610924101")
    assert town.level is DivisionLevel.TOWN
    assert town.explicit_level is None


@pytest.mark.parametrize("level", ["county", DivisionLevel.COUNTY])
def test_division_explicit_level_overrides_code(level: str | DivisionLevel) -> None:
    dongguan = Division(code="441900", name="东莞市", level=level)
    assert dongguan.code.level is DivisionLevel.PREFECTURE
    assert dongguan.level is DivisionLevel.COUNTY
    assert dongguan.explicit_level is DivisionLevel.COUNTY
    # evolve keeps the stated level; the derived level follows it.
    renamed = attrs.evolve(dongguan, name="东莞")
    assert renamed.level is DivisionLevel.COUNTY
    assert renamed.name == "东莞"


def test_division_bad_level() -> None:
    with pytest.raises(InvariantError, match="unknown division level 'city'") as info:
        Division(code="4419", name="东莞市", level="city")
    assert info.value.field == "level"
    with pytest.raises(InvariantError) as info2:
        Division(code="4419", name="东莞市", level=3)
    assert info2.value.field == "level"


def test_division_equality_and_hash() -> None:
    a = Division(code="610924101", name="蒿坪镇")
    b = Division(code="610924101000", name="蒿坪镇")
    assert a == b
    assert hash(a) == hash(b)
    assert a != Division(code="610924101", name="汉王镇")
    assert Division(code="441900", name="东莞市") != Division(
        code="441900", name="东莞市", level="county"
    )
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.name = "x"  # type: ignore[misc]


def test_division_repr_rebuilds_the_record() -> None:
    division = Division(
        code="441900003001",
        name="某社区",
        level="village",
        urban_rural="111",
        population=1200,
        location=Coordinates(lon=113.75, lat=23.02),
    )
    rebuilt = eval(repr(division), {"Division": Division, "Coordinates": Coordinates})
    assert rebuilt == division


@pytest.mark.parametrize(
    ("code", "urban_rural", "expected"),
    [
        # The urban-rural class decides when it is known, whatever the digits say.
        ("610924101201", "121", True),
        ("610924101201", UrbanRuralClass.MAIN_URBAN, True),
        ("610924101001", "220", False),
        ("610924101001", "210", False),
        ("610924101401", "122", True),
        # Otherwise digits 10-12: 001-199 community, 200-399 village, else unknown.
        ("610924101001", None, True),
        ("610924101199", None, True),
        ("610924101200", None, False),
        ("610924101399", None, False),
        ("610924101400", None, None),
        ("610924101599", None, None),
        ("610924101600", None, None),
    ],
)
def test_is_community(code: str, urban_rural: str | None, expected: bool | None) -> None:
    division = Division(code=code, name="某村", urban_rural=urban_rural)
    assert division.is_community is expected


def test_is_community_is_none_above_village_level() -> None:
    assert Division(code="610924101", name="蒿坪镇").is_community is None
    assert Division(code="610924101", name="蒿坪镇", urban_rural="121").is_community is None
    assert Division(code="610924", name="紫阳县").is_community is None


def test_urban_rural_conversion_and_refusal() -> None:
    division = Division(code="610924101001", name="双星社区", urban_rural="121")
    assert division.urban_rural is UrbanRuralClass.TOWN_CENTRE
    with pytest.raises(InvariantError) as info:
        Division(code="610924101001", name="双星社区", urban_rural="130")
    message = str(info.value)
    assert "urban_rural" in message
    assert "'130'" in message
    assert "111, 112, 121, 122, 123, 210, 220" in message
    assert info.value.field == "urban_rural"


@pytest.mark.parametrize("population", [0, 1, 12_603])
def test_population_accepted(population: int) -> None:
    assert Division(code="610924", name="紫阳县", population=population).population == population


@pytest.mark.parametrize("population", [-1, True, 1.5, "100", float("nan")])
def test_population_refused(population: object) -> None:
    with pytest.raises(InvariantError) as info:
        Division(code="610924", name="紫阳县", population=population)  # type: ignore[arg-type]
    assert "population" in str(info.value)
    assert info.value.field == "population"


def test_coordinates_accepted_and_converted() -> None:
    c = Coordinates(lon=108, lat=32)
    assert (c.lon, c.lat) == (108.0, 32.0)
    assert isinstance(c.lon, float)
    assert Coordinates(lon=-180, lat=-90) == Coordinates(lon=-180.0, lat=-90.0)
    assert Coordinates(lon=180, lat=90).lat == 90.0
    division = Division(code="610924", name="紫阳县", location=Coordinates(lon=108.53, lat=32.52))
    assert division.location == Coordinates(lon=108.53, lat=32.52)


@pytest.mark.parametrize(
    ("lon", "lat", "word"),
    [
        (180.5, 0.0, "longitude"),
        (-181, 0.0, "longitude"),
        (math.nan, 0.0, "longitude"),
        (math.inf, 0.0, "longitude"),
        (0.0, 90.01, "latitude"),
        (0.0, -91, "latitude"),
        (0.0, math.nan, "latitude"),
    ],
)
def test_coordinates_out_of_range(lon: float, lat: float, word: str) -> None:
    with pytest.raises(InvariantError) as info:
        Coordinates(lon=lon, lat=lat)
    assert str(info.value).startswith(word)
    assert "outside" in str(info.value)


@pytest.mark.parametrize("bad", [True, "108.5", None])
def test_coordinates_refuse_non_numbers(bad: object) -> None:
    with pytest.raises(InvariantError, match="longitude must be a number"):
        Coordinates(lon=bad, lat=0.0)
    with pytest.raises(InvariantError, match="latitude must be a number"):
        Coordinates(lon=0.0, lat=bad)


@pytest.mark.parametrize("name", ["", " ", "\t\n", "\u3000"])
def test_blank_division_name(name: str) -> None:
    with pytest.raises(InvariantError, match="name must not be blank") as info:
        Division(code="610924", name=name)
    assert info.value.field == "name"


def test_non_string_division_name() -> None:
    with pytest.raises(InvariantError, match="name must be a string, not NoneType"):
        Division(code="610924", name=None)  # type: ignore[arg-type]


def test_division_with_malformed_code() -> None:
    with pytest.raises(DivisionCodeError, match="has 5 digits"):
        Division(code="61092", name="紫阳县")


# ---------------------------------------------------------------- DivisionTable


def test_table_of() -> None:
    table = DivisionTable.of(
        "2023",
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
        ],
    )
    assert table.edition == "2023"
    assert len(table) == 2
    assert table["610924"].name == "紫阳县"
    assert table["610924000000"].name == "紫阳县"
    assert table[DivisionCode.parse("610924101")].name == "蒿坪镇"
    assert list(table) == [DivisionCode.parse("610924"), DivisionCode.parse("610924101")]
    assert "610924101" in table
    assert "610925" not in table
    with pytest.raises(KeyError):
        table["610925"]


def test_table_of_refuses_duplicate_codes() -> None:
    with pytest.raises(DuplicateIdError) as info:
        DivisionTable.of(
            "2023",
            [
                Division(code="610924", name="紫阳县"),
                Division(code="610924000000", name="另一个紫阳县"),
            ],
        )
    err = info.value
    assert isinstance(err, ValueError)
    assert err.kind == "division"
    assert err.id == DivisionCode.parse("610924")
    assert "duplicate division id" in str(err)
    assert "610924" in str(err)


# --- the real 2023 tables


@pytest.fixture(scope="module")
def national() -> DivisionTable:
    if not DATA.is_dir():
        pytest.skip(f"division tables not found at {DATA}")
    return DivisionTable.read_csv_dir(DATA, edition="2023")


def _csv_codes(name: str) -> list[str]:
    with (DATA / name).open(encoding="utf-8", newline="") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def test_real_table_ziyang(national: DivisionTable) -> None:
    assert national.edition == "2023"
    assert national["61"].name == "陕西省"
    assert national["6109"].name == "安康市"
    ziyang = national["610924"]
    assert ziyang.name == "紫阳县"
    assert ziyang.level is DivisionLevel.COUNTY
    towns = {
        d.code.short: d.name
        for d in national.values()
        if d.level is DivisionLevel.TOWN and d.code.county == "610924"
    }
    assert towns == ZIYANG_TOWNS
    assert len(towns) == 17
    assert "610924107" not in national
    for code in ZIYANG_TOWNS:
        assert national[code].code.township_type is TownshipType.TOWN


def test_real_table_counts(national: DivisionTable) -> None:
    levels = Counter(d.level for d in national.values())
    provinces = _csv_codes("provinces.csv")
    prefectures = _csv_codes("cities.csv")
    counties = _csv_codes("areas.csv")
    townships = _csv_codes("streets.csv")
    assert len(provinces) == 31
    assert len(townships) == 41_352
    # Prefecture-level cities without counties are listed again as counties
    # (东莞 441900, 中山 442000, 儋州 460400): kept once, as counties.
    doubled = {c[:4] for c in counties if c[4:6] == "00"}
    assert doubled == {"4419", "4420", "4604"}
    whole_county_rows = [t for t in townships if t[6:9] == "000"]
    assert whole_county_rows == ["350527000"]
    assert levels[DivisionLevel.PROVINCE] == len(provinces)
    assert levels[DivisionLevel.PREFECTURE] == len(prefectures) - len(doubled)
    assert levels[DivisionLevel.COUNTY] == len(counties)
    assert levels[DivisionLevel.TOWN] == len(townships) - len(whole_county_rows)
    assert len(national) == sum(levels.values())


@pytest.mark.parametrize(
    ("county", "name", "towns"), [("441900", "东莞市", 36), ("442000", "中山市", 23)]
)
def test_real_table_city_without_counties(
    national: DivisionTable, county: str, name: str, towns: int
) -> None:
    city = national[county]
    assert national[county[:4]] is city
    assert city.name == name
    assert city.level is DivisionLevel.COUNTY
    assert city.explicit_level is DivisionLevel.COUNTY
    its_towns = [
        d for d in national.values() if d.level is DivisionLevel.TOWN and d.code.county == county
    ]
    assert len(its_towns) == towns
    for town in its_towns:
        assert town.code.parent == city.code
    assert national[county[:2]].level is DivisionLevel.PROVINCE


def test_real_table_skips_whole_county_township_row(national: DivisionTable) -> None:
    # streets.csv lists 350527000 金门县 as a township: it is the county itself.
    kinmen = national["350527000"]
    assert kinmen is national["350527"]
    assert kinmen.level is DivisionLevel.COUNTY
    assert kinmen.name == "金门县"
    assert not any(
        d.level is DivisionLevel.TOWN and d.code.county == "350527" for d in national.values()
    )


def test_real_table_counties_filter() -> None:
    if not DATA.is_dir():
        pytest.skip(f"division tables not found at {DATA}")
    table = DivisionTable.read_csv_dir(DATA, edition="2023", counties=["610924"])
    expected = {"61", "6109", "610924", *ZIYANG_TOWNS}
    assert {code.short for code in table} == expected
    assert {table[c].name for c in ZIYANG_TOWNS} == set(ZIYANG_TOWNS.values())
    assert table["610924"].level is DivisionLevel.COUNTY

    two = DivisionTable.read_csv_dir(DATA, edition="2023", counties=["441900", "610924101000"])
    assert {c.short for c in two if len(c.short) < 9} == {"44", "4419", "61", "6109", "610924"}
    assert two["441900"].level is DivisionLevel.COUNTY
    assert sum(1 for d in two.values() if d.level is DivisionLevel.TOWN) == 36 + 17
    assert "3505" not in two
    assert "350527" not in two


# --- small hand-written tables


def _write(folder: Path, name: str, rows: list[tuple[str, str]]) -> Path:
    path = folder / name
    lines = ["code,name"] + [f'{code},"{nm}"' for code, nm in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _small_tables(folder: Path) -> None:
    _write(folder, "provinces.csv", [("61", "陕西省")])
    _write(folder, "cities.csv", [("6109", "安康市"), ("6110", "商洛市")])
    _write(folder, "areas.csv", [("610924", "紫阳县"), ("611021", "洛南县")])
    _write(
        folder,
        "streets.csv",
        [("610924100", "城关镇"), ("610924101", "蒿坪镇"), ("611021001", "城关街道")],
    )


def test_read_small_tables(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    table = DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert table.edition == "test"
    assert {c.short: d.name for c, d in table.items()} == {
        "61": "陕西省",
        "6109": "安康市",
        "6110": "商洛市",
        "610924": "紫阳县",
        "611021": "洛南县",
        "610924100": "城关镇",
        "610924101": "蒿坪镇",
        "611021001": "城关街道",
    }
    assert table["611021001"].level is DivisionLevel.TOWN
    assert all(d.explicit_level is None for d in table.values())
    assert DivisionTable.read_csv_dir(str(tmp_path), edition="test") == table

    filtered = DivisionTable.read_csv_dir(tmp_path, edition="test", counties=["611021"])
    assert {c.short for c in filtered} == {"61", "6110", "611021", "611021001"}


def test_read_tables_malformed_code(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    streets = _write(
        tmp_path,
        "streets.csv",
        [("610924100", "城关镇"), ("61092410X", "蒿坪镇"), ("610924102", "汉王镇")],
    )
    with pytest.raises(FormatError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    err = info.value
    assert isinstance(err, ValueError)
    assert err.source == str(streets)
    assert len(err.errors) == 1
    assert err.errors[0].startswith("line 3: ")  # the header is line 1
    assert "'61092410X'" in err.errors[0]
    assert "digits 0-9" in err.errors[0]
    assert str(err).startswith(f"{streets}: line 3: ")


def test_read_tables_blank_name(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    areas = _write(tmp_path, "areas.csv", [("610924", "紫阳县"), ("611021", " ")])
    with pytest.raises(FormatError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert info.value.source == str(areas)
    assert info.value.errors == ("line 3: name must not be blank",)


def test_read_tables_missing_column(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    cities = tmp_path / "cities.csv"
    cities.write_text('id,name\n6109,"安康市"\n', encoding="utf-8")
    with pytest.raises(FormatError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert info.value.source == str(cities)
    # The header is what lacks the column: line 1, and what it has instead.
    assert info.value.errors == ("line 1: no column 'code' in the header (found 'id', 'name')",)


def test_read_tables_missing_file(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    streets = tmp_path / "streets.csv"
    streets.unlink()
    with pytest.raises(FileAccessError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    err = info.value
    assert isinstance(err, OSError)
    assert isinstance(err, WenmingError)
    assert not isinstance(err, FormatError)
    assert err.errno == errno.ENOENT
    assert err.filename == str(streets)
    assert "cannot read" in str(err)
    assert str(err).startswith(str(streets))


def test_read_tables_missing_folder(tmp_path: Path) -> None:
    folder = tmp_path / "nowhere"
    with pytest.raises(FileAccessError) as info:
        DivisionTable.read_csv_dir(folder, edition="test")
    assert info.value.errno == errno.ENOENT
    assert info.value.filename == str(folder)
    assert str(info.value) == f"{folder}: cannot read the division tables: no such folder"


def test_read_tables_folder_is_a_file(tmp_path: Path) -> None:
    file = tmp_path / "tables.csv"
    file.write_text("code,name\n", encoding="utf-8")
    with pytest.raises(FileAccessError) as info:
        DivisionTable.read_csv_dir(file, edition="test")
    assert info.value.errno == errno.ENOTDIR
    assert "not a folder" in str(info.value)


def test_read_tables_file_is_a_folder(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    (tmp_path / "cities.csv").unlink()
    (tmp_path / "cities.csv").mkdir()
    with pytest.raises(FileAccessError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert info.value.filename == str(tmp_path / "cities.csv")


def test_read_tables_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 000 does not stop root, so the refusal is simulated where files are read.
    _small_tables(tmp_path)
    areas = tmp_path / "areas.csv"
    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self == areas:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(FileAccessError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert info.value.errno == errno.EACCES
    assert str(info.value) == f"{areas}: cannot read the division table: Permission denied"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_read_tables_unreadable_folder(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    tmp_path.chmod(0)
    try:
        with pytest.raises(FileAccessError) as info:
            DivisionTable.read_csv_dir(tmp_path, edition="test")
    finally:
        tmp_path.chmod(0o700)
    assert info.value.errno == errno.EACCES


def test_read_tables_with_a_byte_order_mark(tmp_path: Path) -> None:
    # Excel's "CSV UTF-8" starts the file with a BOM; the header is still "code".
    _small_tables(tmp_path)
    expected = DivisionTable.read_csv_dir(tmp_path, edition="test")
    for name in ("provinces.csv", "cities.csv", "areas.csv", "streets.csv"):
        file = tmp_path / name
        file.write_bytes(codecs.BOM_UTF8 + file.read_bytes())
    assert DivisionTable.read_csv_dir(tmp_path, edition="test") == expected


def test_read_tables_not_utf8(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    areas = tmp_path / "areas.csv"
    areas.write_bytes("code,name\n610924,Ziyang\n611021,洛南县\n".encode("gbk"))
    with pytest.raises(FormatError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    err = info.value
    assert err.source == str(areas)
    assert len(err.errors) == 1
    assert err.errors[0].startswith("line 3: byte 0xc2 is not UTF-8 text")
    assert "save the file as UTF-8" in err.errors[0]
    assert str(err).startswith(f"{areas}: line 3: ")


def test_read_tables_csv_error(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    streets = tmp_path / "streets.csv"
    huge = "x" * (csv.field_size_limit() + 1)
    streets.write_text(f"code,name\n610924100,城关镇\n610924101,{huge}\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert info.value.source == str(streets)
    assert info.value.errors[0].startswith("line 3: field larger than field limit")


def test_read_tables_line_numbers_after_multiline_fields_and_blank_lines(
    tmp_path: Path,
) -> None:
    _small_tables(tmp_path)
    streets = tmp_path / "streets.csv"
    streets.write_text(
        'code,name\n610924100,"城关镇\n(县城)"\n\n610924101,蒿坪镇\n61092410X,汉王镇\n',
        encoding="utf-8",
    )
    with pytest.raises(FormatError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    # lines: 1 header, 2-3 one row, 4 blank, 5 蒿坪镇, 6 the bad code
    assert info.value.errors[0].startswith("line 6: division code '61092410X'")

    streets.write_text(
        'code,name\n610924100,"城关镇\n(县城)"\n610924100,城关镇\n', encoding="utf-8"
    )
    with pytest.raises(FormatError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert info.value.errors == ("line 4: code 610924100 repeats line 2",)


def test_read_tables_empty_file(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    provinces = tmp_path / "provinces.csv"
    provinces.write_text("", encoding="utf-8")
    with pytest.raises(FormatError, match="empty; expected a header") as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert info.value.source == str(provinces)


def test_read_tables_short_row(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    areas = tmp_path / "areas.csv"
    areas.write_text("code,name\n610924,紫阳县\n611021\n", encoding="utf-8")
    with pytest.raises(FormatError) as info:
        DivisionTable.read_csv_dir(tmp_path, edition="test")
    assert info.value.errors == ("line 3: 1 field(s), too few for the header's columns",)


def test_read_tables_other_columns_in_any_order(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    expected = DivisionTable.read_csv_dir(tmp_path, edition="test")
    areas = tmp_path / "areas.csv"
    areas.write_text("name,note,code\n紫阳县,x,610924\n洛南县,,611021\n", encoding="utf-8")
    assert DivisionTable.read_csv_dir(tmp_path, edition="test") == expected


@pytest.mark.parametrize(
    ("counties", "kept"),
    [
        (
            ["61"],
            {"61", "6109", "6110", "610924", "611021", "610924100", "610924101", "611021001"},
        ),
        (["6110"], {"61", "6110", "611021", "611021001"}),
        (
            ["6100"],
            {"61", "6109", "6110", "610924", "611021", "610924100", "610924101", "611021001"},
        ),
        (["611021"], {"61", "6110", "611021", "611021001"}),
        (["611021000000"], {"61", "6110", "611021", "611021001"}),
        ([DivisionCode.parse("611021")], {"61", "6110", "611021", "611021001"}),
        (["611021001"], {"61", "6110", "611021", "611021001"}),
        (["611021001201"], {"61", "6110", "611021", "611021001"}),
        ("6110", {"61", "6110", "611021", "611021001"}),
        (
            ["6109", "611021"],
            {"61", "6109", "6110", "610924", "611021", "610924100", "610924101", "611021001"},
        ),
        ((c for c in ["6110"]), {"61", "6110", "611021", "611021001"}),
        (["62"], set()),
        ([], set()),
    ],
)
def test_read_tables_counties_accepts_any_level(
    tmp_path: Path, counties: Iterable[str], kept: set[str]
) -> None:
    _small_tables(tmp_path)
    table = DivisionTable.read_csv_dir(tmp_path, edition="test", counties=counties)
    assert {c.short for c in table} == kept


def test_read_tables_counties_bad_code(tmp_path: Path) -> None:
    _small_tables(tmp_path)
    with pytest.raises(DivisionCodeError, match="has 3 digits"):
        DivisionTable.read_csv_dir(tmp_path, edition="test", counties=["610"])
    with pytest.raises(DivisionCodeError, match="not int"):
        DivisionTable.read_csv_dir(tmp_path, edition="test", counties=[610924])  # type: ignore[list-item]


def test_real_table_prefecture_and_province_prefixes(national: DivisionTable) -> None:
    ankang = DivisionTable.read_csv_dir(DATA, edition="2023", counties=["6109"])
    assert ankang["61"].name == "陕西省"
    assert {d.level for d in ankang.values()} == {
        DivisionLevel.PROVINCE,
        DivisionLevel.PREFECTURE,
        DivisionLevel.COUNTY,
        DivisionLevel.TOWN,
    }
    assert sum(1 for d in ankang.values() if d.level is DivisionLevel.COUNTY) == 10
    assert all(
        d.code.short in ("61", "6109") or d.code.startswith("6109") for d in ankang.values()
    )

    shaanxi = DivisionTable.read_csv_dir(DATA, edition="2023", counties="61")
    assert shaanxi == DivisionTable.of(
        "2023", (d for d in national.values() if d.code.province == "61")
    )
    assert len(shaanxi) == 1453
    dongguan = DivisionTable.read_csv_dir(DATA, edition="2023", counties=["4419"])
    assert dongguan["4419"].level is DivisionLevel.COUNTY
    assert len(dongguan) == 1 + 1 + 36


# --- the table record itself


def _rows() -> list[Division]:
    return [Division(code="610924", name="紫阳县"), Division(code="610924101", name="蒿坪镇")]


def test_table_constructor_matches_its_docstring() -> None:
    documented = re.findall(
        r"^    (\w+) : ", (DivisionTable.__doc__ or "").split("Raises")[0], flags=re.M
    )
    assert documented == list(inspect.signature(DivisionTable).parameters)
    table = DivisionTable(edition="2023", divisions=_rows())
    assert table == DivisionTable.of("2023", _rows())
    assert table.by_code[DivisionCode.parse("610924")].name == "紫阳县"
    assert attrs.evolve(table, edition="2024").by_code == table.by_code


def test_table_by_code_is_read_only_and_a_copy() -> None:
    rows = {d.code: d for d in _rows()}
    table = DivisionTable(edition="2023", divisions=rows)
    with pytest.raises(TypeError):
        table.by_code[DivisionCode.parse("610925")] = Division(code="610925", name="x")  # type: ignore[index]
    del rows[DivisionCode.parse("610924")]
    assert len(table) == 2
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        table.by_code = {}  # type: ignore[misc]


def test_table_is_hashable() -> None:
    a = DivisionTable.of("2023", _rows())
    b = DivisionTable.of("2023", reversed(_rows()))
    assert a == b
    assert hash(a) == hash(b)
    assert {a: 1}[b] == 1
    assert a != DivisionTable.of("2024", _rows())
    assert a != DivisionTable.of("2023", _rows()[:1])


def test_table_repr_is_short() -> None:
    assert repr(DivisionTable.of("2023", _rows())) == "<DivisionTable '2023': 2 divisions>"


def test_table_refuses_what_is_not_a_division() -> None:
    with pytest.raises(InvariantError, match="Division records, not str"):
        DivisionTable(edition="2023", divisions=["610924"])  # type: ignore[list-item]
    with pytest.raises(InvariantError, match="not Division"):
        DivisionTable(edition="2023", divisions=_rows()[0])  # type: ignore[arg-type]
    with pytest.raises(InvariantError, match="edition must not be blank"):
        DivisionTable(edition=" ", divisions=_rows())
    with pytest.raises(DuplicateIdError):
        DivisionTable(edition="2023", divisions=[*_rows(), Division(code="610924000", name="y")])


def test_table_membership_of_malformed_codes() -> None:
    table = DivisionTable.of("2023", _rows())
    assert "61092" not in table
    assert 610924 not in table  # type: ignore[comparison-overlap]
    assert "610924000000" in table
