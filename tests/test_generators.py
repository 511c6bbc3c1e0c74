"""generate() at each scale, the make_* factories, the generate command, national tables."""

from __future__ import annotations

import argparse
import collections
import io
from pathlib import Path
from typing import Any

import pytest
from tables import TABLES, needs_tables

import wenming
import wenming.datasets
import wenming.divisions
from wenming import Division, DivisionTable, InvariantError, Network, SiteKind, coverage, validate
from wenming.datasets.national import (
    DIVISIONS_ENV,
    TownshipRole,
    check_membership,
    counts_as_town,
    national_table,
    nearest_codes,
    township_role,
)
from wenming.teams import check_profile
from wenming.testing.generators import (
    SCALES,
    generate,
    generate_records,
    make_activity,
    make_centre,
    make_county,
    make_division,
    make_institute,
    make_membership,
    make_point,
    make_post,
    make_service_record,
    make_station,
    make_team,
    make_volunteer,
)

SMALL: dict[str, Any] = {"volunteers_per_station": (2, 5), "villages_per_town": (3, 5)}


def test_county_is_valid_realistic_and_repeatable() -> None:
    net = generate("county", seed=3, **SMALL)
    assert validate(net) == ()
    assert check_profile(net).ok  # "1+8+N": every Station has its squad
    counts = net.counts()
    assert counts[SiteKind.CENTRE] == 1
    assert 10 <= counts[SiteKind.INSTITUTE] <= 20
    assert len(net.table("volunteers")) >= 2 * counts[SiteKind.STATION]
    assert len(net.table("activities")) > 0
    assert len(net.table("service_records")) > 0
    assert "synthetic" in net.description
    again = generate("county", seed=3, **SMALL)
    assert wenming.dumps(again) == wenming.dumps(net)
    assert wenming.dumps(generate("county", seed=4, **SMALL)) != wenming.dumps(net)


def test_county_distributions() -> None:
    net = generate("county", seed=1)
    stations = net.counts()[SiteKind.STATION]
    per_station = len(net.table("volunteers")) / stations
    assert 10 <= per_station <= 60
    per_month = len(net.table("activities")) / stations / 12
    assert 0.5 <= per_month <= 0.9
    acts: list[Any] = list(net.table("activities").values())
    months = collections.Counter(a.day.month for a in acts)
    assert sorted(months) == list(range(1, 13))
    sizes = [len(a.participants) for a in acts]
    assert max(sizes) <= 6


def test_province_and_nation_defaults_on_made_up_codes() -> None:
    province = generate("province", seed=2, counties=3)
    assert validate(province) == ()
    assert len(province.table("teams")) > 0
    assert len(province.table("volunteers")) == 0
    nation = generate("nation", seed=2, counties=2)
    assert validate(nation) == ()
    assert len(nation.table("teams")) == 0
    assert len(nation.table("posts")) == 0
    assert SCALES["nation"]["counties"] == 2850


def test_overrides_and_bad_input() -> None:
    with pytest.raises(InvariantError, match="scale must be one of county, province, nation"):
        generate("planet")
    with pytest.raises(InvariantError, match="unknown options 'volunteers'"):
        generate("county", volunteers=3)
    net = generate("county", seed=1, teams=False, responsibility=False)
    assert len(net.table("teams")) == 0
    assert validate(net) == ()
    steps: list[str] = []
    generate_records("county", seed=1, progress=steps.append, **SMALL)
    assert steps == ["sites", "teams", "volunteers", "activities"]


def test_make_county() -> None:
    net = make_county("610925", seed=2, **SMALL)
    assert [c.division.short for c in net.iter_sites("centre")] == ["610925"]
    assert validate(net) == ()


def test_single_record_factories_make_a_valid_network() -> None:
    net = Network()
    net.add_all(
        [
            make_division(code="610924", name="合成县"),
            make_division(code="610924101", name="合成镇"),
            make_division(),
            make_centre(),
            make_institute(),
            make_station(),
            make_point(),
            make_post(),
            make_team(head="secretary-610924101201"),
            make_volunteer(),
            make_membership(),
            make_service_record(),
            make_activity(),
        ]
    )
    assert validate(net) == ()
    assert make_station(division="610924102203").parent == "I610924102"
    assert make_volunteer(name="x").name == "x"
    assert make_volunteer().id_number is None
    with pytest.raises(InvariantError):
        make_station(name="")


# ---------------------------------------------------------------------------- the CLI


def _args(tmp_path: Path, *extra: str) -> argparse.Namespace:
    from wenming import _cli_generate

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    _cli_generate.add_parsers(sub)
    return parser.parse_args(["generate", "-o", str(tmp_path / "out.json"), *extra])


def test_generate_command_writes_atomically_and_quietly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from wenming import _cli_generate

    monkeypatch.delenv(DIVISIONS_ENV, raising=False)
    args = _args(tmp_path, "--seed", "5", "--scale", "province")
    assert {"generate"} == _cli_generate.COMMANDS
    monkeypatch.setattr(
        "wenming.testing.generators.SCALES",
        {**SCALES, "province": {**SCALES["province"], "counties": 2}},
    )
    assert _cli_generate.run(args) == 0
    out, err = capsys.readouterr()
    assert err == ""  # not a terminal: no progress
    assert out.startswith(f"wrote {tmp_path / 'out.json'}: province, seed 5, ")
    first = (tmp_path / "out.json").read_bytes()
    assert validate(wenming.load(tmp_path / "out.json")) == ()
    assert _cli_generate.run(args) == 0
    assert (tmp_path / "out.json").read_bytes() == first
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_progress_only_on_a_terminal() -> None:
    from wenming._cli_generate import _Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    quiet, loud = io.StringIO(), Tty()
    for stream in (quiet, loud):
        progress = _Progress(stream)
        progress("sites")
        progress.done()
    assert quiet.getvalue() == ""
    assert "wenming generate: sites" in loud.getvalue()


# ---------------------------------------------------------------------------- national tables


def test_national_table_needs_a_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(DIVISIONS_ENV, raising=False)
    with pytest.raises(LookupError, match="ships no national division tables"):
        national_table()


def test_township_roles_by_name_and_code() -> None:
    def role(code: str, name: str) -> TownshipRole | None:
        return township_role(Division(code=code, name=name))

    assert role("230803198", "向阳区直辖村级区划") is TownshipRole.PLACEHOLDER
    assert role("320505402", "某某街道") is TownshipRole.STREET
    assert role("130426400", "涉城镇") is TownshipRole.TOWN
    assert role("350122400", "马祖乡") is TownshipRole.TOWNSHIP
    assert role("370571400", "经济开发区直属乡镇") is TownshipRole.STATISTICAL
    assert role("110105021", "南磨房地区") is TownshipRole.AREA_OFFICE
    assert role("110101001", "东华门街道") is TownshipRole.STREET
    assert role("610924", "紫阳县") is None
    assert not counts_as_town(Division(code="230803198", name="向阳区直辖村级区划"))
    assert counts_as_town(Division(code="110105021", name="南磨房地区"))


def test_membership_rule_with_nearest_codes() -> None:
    table = DivisionTable.of(
        "t",
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
            Division(code="610924106", name="洄水镇"),
        ],
    )
    net = Network()
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610925", name="合成县"),
            Division(code="610924107", name="合成镇"),
            Division(code="610924101299", name="合成村"),  # villages: structure only
        ]
    )
    issues = check_membership(net, table)
    assert [(i.code, i.subject, i.severity.value) for i in issues] == [
        ("division-not-in-table", "610924107", "warning"),
        ("division-not-in-table", "610925", "warning"),
    ]
    assert "nearest real codes: 610924106, 610924101" in issues[0].message
    assert check_membership(net.records(), table) == issues
    assert nearest_codes("610924107", []) == ()


@needs_tables
def test_the_real_tables_by_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DIVISIONS_ENV, str(TABLES))
    table = national_table()
    assert table is national_table(TABLES)  # cached
    # the same function under the names the API offers
    assert wenming.divisions.national_table() is table
    assert wenming.datasets.national_table(TABLES) is table
    assert len(table) == 44699
    roles = collections.Counter(
        (d.code.township_type.value, r.value)
        for d in table.values()
        if (r := township_role(d)) is not None and d.code.township_type is not None
    )
    assert roles[("town", "placeholder")] == 11
    assert roles[("street", "area_office")] == 64
    civil = roles[("statistical", "street")] + roles[("statistical", "town")]
    civil += roles[("statistical", "township")]
    assert (roles[("statistical", "street")], civil) == (120, 135)


@needs_tables
def test_generate_on_the_real_tables_follows_the_town_decision() -> None:
    table = national_table(TABLES)
    net = generate("county", seed=1, table=table, volunteers_per_station=(1, 2))
    assert validate(net) == ()
    assert net.division("610924101").name == "蒿坪镇"
    assert net.counts()[SiteKind.INSTITUTE] == 17
    # A county with a 直辖村级区划 placeholder: no Institute on it, full coverage.
    placeholder = generate("county", seed=1, table=table, counties=["469001"], teams=False)
    assert "469001198" not in {s.division.short for s in placeholder.iter_sites()}
    assert coverage(placeholder).towns.full
    # A 4xx/5xx street gets its Institute.
    street = next(
        d
        for d in table.values()
        if township_role(d) is TownshipRole.STREET and d.code.township_type.value == "statistical"  # type: ignore[union-attr]
    )
    net = generate("county", seed=1, table=table, counties=[street.code.short[:6]], teams=False)
    assert street.code.short in {s.division.short for s in net.iter_sites("institute")}
    assert validate(net) == ()
    assert check_membership(net, table) == ()
