from __future__ import annotations

import pytest
from tables import TABLES

from wenming import (
    Division,
    DivisionCode,
    DivisionCodeError,
    DivisionTable,
    InvariantError,
    Network,
    SiteKind,
    UnknownIdError,
    coverage,
    validate,
)
from wenming.testing.factories import Counties, synthetic_network


def test_same_seed_same_network_other_seed_other_network() -> None:
    assert synthetic_network(seed=5, counties=2) == synthetic_network(seed=5, counties=2)
    assert synthetic_network(seed=5, counties=2) != synthetic_network(seed=6, counties=2)


def test_synthetic_codes_are_valid_and_fully_covered() -> None:
    net = synthetic_network(seed=0, counties=3, points_per_station=1.0)
    assert validate(net) == ()
    counts = net.counts()
    assert counts[SiteKind.CENTRE] == 3
    assert counts[SiteKind.POINT] == counts[SiteKind.STATION]
    assert coverage(net).full
    assert "synthetic" in net.description


def test_on_the_real_tables() -> None:
    if not TABLES.exists():
        pytest.skip("the shared division tables are not here")
    table = DivisionTable.read_csv_dir(TABLES, edition="2023", counties=["610924"])
    net = synthetic_network(seed=1, table=table, counties=None, villages_per_town=(2, 2))
    assert validate(net) == ()
    assert net.counts()[SiteKind.INSTITUTE] == 17
    assert net.counts()[SiteKind.STATION] == 34
    assert net.division("610924101").name == "蒿坪镇"
    assert "2023 tables" in net.description


# ---------------------------------------------------------------- counties= takes codes


def _small_table() -> DivisionTable:
    return DivisionTable.of(
        "test",
        [
            Division(code="61", name="陕西省"),
            Division(code="6109", name="安康市"),
            Division(code="610924", name="紫阳县"),
            Division(code="610924100", name="城关镇"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610925", name="岚皋县"),
            Division(code="610925100", name="城关镇"),
            Division(code="6110", name="商洛市"),
            Division(code="611021", name="洛南县"),
            Division(code="611021001", name="城关街道"),
            Division(code="62", name="甘肃省"),
            Division(code="6201", name="兰州市"),
            Division(code="620102", name="城关区"),
        ],
    )


def _centres(net: Network) -> set[str]:
    return {site.division.short for site in net.iter_sites("centre")}


@pytest.mark.parametrize(
    ("counties", "centres"),
    [
        (["610924"], {"610924"}),
        ("610924", {"610924"}),
        (["610924000000"], {"610924"}),
        ([DivisionCode.parse("610924")], {"610924"}),
        (["610924101"], {"610924"}),
        (["610924101201"], {"610924"}),
        (["6109"], {"610924", "610925"}),
        (["61"], {"610924", "610925", "611021"}),
        (["6110", "62"], {"611021", "620102"}),
        ((c for c in ["610925", "611021"]), {"610925", "611021"}),
        (2, {"610924", "610925"}),
        (None, {"610924", "610925", "611021", "620102"}),
    ],
)
def test_table_counties_as_codes(counties: Counties, centres: set[str]) -> None:
    net = synthetic_network(seed=3, table=_small_table(), counties=counties)
    assert validate(net) == ()
    assert _centres(net) == centres
    provinces = {d.code.short for d in net.iter_divisions("province")}
    assert provinces == {c[:2] for c in centres}  # the province rows above are kept
    assert {d.code.short for d in net.iter_divisions("prefecture")} == {c[:4] for c in centres}


def test_table_counties_codes_in_any_form_give_the_same_network() -> None:
    forms: list[Counties] = [
        ["610924"],
        "610924",
        ["610924000000"],
        [DivisionCode.parse("610924")],
        ["610924101"],
    ]
    nets = [synthetic_network(seed=4, table=_small_table(), counties=f) for f in forms]
    assert all(n == nets[0] for n in nets)


def test_table_counties_naming_nothing_in_the_table() -> None:
    with pytest.raises(UnknownIdError, match="the test table holds no county at or under '63'"):
        synthetic_network(table=_small_table(), counties=["61", "63"])
    with pytest.raises(UnknownIdError, match="'610926'"):
        synthetic_network(table=_small_table(), counties=["610926"])


def test_counties_bad_code() -> None:
    with pytest.raises(DivisionCodeError, match="has 5 digits"):
        synthetic_network(counties=["61092"])
    with pytest.raises(DivisionCodeError, match="not int"):
        synthetic_network(table=_small_table(), counties=[610924])  # type: ignore[list-item]


@pytest.mark.parametrize("counties", [-1, True])
def test_counties_bad_number(counties: int) -> None:
    with pytest.raises(InvariantError, match="counties must be a number of counties >= 0"):
        synthetic_network(counties=counties)


@pytest.mark.parametrize(
    ("counties", "centres"),
    [
        (["610924"], {"610924"}),
        ("610924", {"610924"}),
        (["610924000000", DivisionCode.parse("611021")], {"610924", "611021"}),
        (["610924101201", "610924"], {"610924"}),
    ],
)
def test_synthetic_counties_as_codes(counties: Counties, centres: set[str]) -> None:
    net = synthetic_network(seed=2, counties=counties)
    assert validate(net) == ()
    assert _centres(net) == centres
    assert all(d.name.startswith("合成") for d in net.iter_divisions())
    assert "synthetic" in net.description
    assert synthetic_network(seed=2, counties=counties) == net


@pytest.mark.parametrize(("code", "word"), [("6109", "prefecture"), ("61", "province")])
def test_synthetic_counties_refuse_what_only_a_table_can_fill(code: str, word: str) -> None:
    with pytest.raises(InvariantError, match=f"'{code}' is a {word}; without table="):
        synthetic_network(counties=[code])


def test_synthetic_counties_refuse_a_town_in_no_county() -> None:
    with pytest.raises(InvariantError, match="'441900003' has county digits 00"):
        synthetic_network(counties=["441900003"])


def test_on_the_real_tables_by_prefecture_and_province() -> None:
    if not TABLES.exists():
        pytest.skip("the shared division tables are not here")
    table = DivisionTable.read_csv_dir(TABLES, edition="2023", counties=["61"])
    ankang = synthetic_network(seed=1, table=table, counties=["6109"], villages_per_town=(1, 1))
    assert validate(ankang) == ()
    assert ankang.counts()[SiteKind.CENTRE] == 10
    assert {s.division.short[:4] for s in ankang.iter_sites("centre")} == {"6109"}
    shaanxi = synthetic_network(seed=1, table=table, counties="61", villages_per_town=(1, 1))
    assert shaanxi.counts()[SiteKind.CENTRE] == 107
    assert shaanxi == synthetic_network(
        seed=1, table=table, counties=None, villages_per_town=(1, 1)
    )
