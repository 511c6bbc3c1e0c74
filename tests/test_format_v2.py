r"""Format version 2 (issue 5): upgrade from version 1, layout, byte stability,
duplicate keys, lone surrogates, non-UTF-8 text, cut messages, and reporting
every problem of a file at once (``validate_text`` and ``wenming validate``).
"""

from __future__ import annotations

import functools
import json
import os
import pathlib
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

import wenming
from wenming import (
    Centre,
    Division,
    FormatError,
    Institute,
    InvariantError,
    Network,
    NetworkInvalidError,
    NetworkRecords,
    Station,
    VersionError,
    WenmingError,
)
from wenming.datasets import ziyang
from wenming.sections import SECTIONS
from wenming.serialization import VERSION, validate_file, validate_text
from wenming.testing.strategies import networks

V1 = pathlib.Path(__file__).parent / "data" / "ziyang-v1.json"
BIG = 1_000_000
SHORT = 300  # "a sensible length" for one message or one output line


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m wenming`` in a real subprocess (UTF-8 output)."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "wenming", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
        check=False,
    )


@functools.cache
def _core_text() -> str:
    """The shipped network's upper part: divisions to town level, the Centre and the
    Institutes, the venue, the county's and towns' posts and links, governance.

    The format tests edit this part; without the ~50,000 village-level records
    every failure path (which re-reads the whole document) stays fast.
    """
    records = ziyang().records()
    posts = tuple(p for p in records.posts if len(p.division.short) <= 9)
    kept = {p.id for p in posts}
    tenures = tuple(t for t in records.tenures if t.post in kept)
    held = {t.person for t in tenures}
    core = NetworkRecords(
        name=records.name,
        description=records.description,
        division_edition=records.division_edition,
        divisions=[d for d in records.divisions if len(d.code.short) <= 9],
        sites=[s for s in records.sites if s.kind.value in ("centre", "institute")],
        venues=records.venues,
        posts=posts,
        people=[p for p in records.people if p.id in held],
        tenures=tenures,
        areas=records.areas,
        links=[link for link in records.links if link.kind.value != "village"],
        mechanisms=records.mechanisms,
        funding=records.funding,
    )
    return wenming.dumps(core)


def ziyang_text() -> str:
    """The text of :func:`_core_text` (the name the tests below were written with)."""
    return _core_text()


def core() -> Network:
    return wenming.loads(_core_text())


def ziyang_dict() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(_core_text())
    return data


def encode(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1)


# ---------------------------------------------------------------------------- version 1


def test_the_committed_file_is_version_1() -> None:
    data = json.loads(V1.read_text(encoding="utf-8"))
    assert data["format"] == "wenming.network"
    assert data["version"] == 1
    assert "division_edition" not in data
    assert VERSION == 2


def test_version_1_loads_upgrades_and_equals_its_version_2_form() -> None:
    old = wenming.load(V1)
    text = wenming.dumps(old)
    assert json.loads(text)["version"] == 2
    assert wenming.loads(text) == old
    assert wenming.loads(V1.read_bytes()) == old
    assert wenming.loads(V1.read_text(encoding="utf-8")) == old
    assert wenming.load_records(V1) == old.records()
    assert validate_file(V1) == ()


def test_version_1_equals_the_shipped_network_but_for_what_came_after() -> None:
    # The committed file is the foundation's Ziyang network. The shipped one has
    # since gained the division edition (format 2), posts and people, every site
    # its head, and villages, Stations, Points and every later family: the county,
    # its towns, its Centre and Institutes and the venue are the same records.
    old = wenming.load(V1).records()
    new = ziyang().records()
    assert old.division_edition is None
    assert new.division_edition == "NBS-2023"
    assert old.sections.keys() == new.sections.keys()
    assert old.name == new.name
    assert old.divisions == tuple(d for d in new.divisions if d.code.short[9:] == "")
    assert old.venues == new.venues
    upper = ("centre", "institute")
    assert old.sites == tuple(attrs.evolve(s, head=None) for s in new.sites if s.kind in upper)
    for name in new.sections.keys() - {"divisions", "sites", "venues"}:
        assert old.of(name) == (), name
    # The same records, written as version 2, say so in the header only.
    upgraded = wenming.dumps(old.replace(division_edition="NBS-2023"))
    assert json.loads(upgraded)["division_edition"] == "NBS-2023"
    assert wenming.loads(upgraded).records() == old.replace(division_edition="NBS-2023")


def test_a_version_1_file_with_a_defect_reports_its_path(tmp_path: pathlib.Path) -> None:
    data = json.loads(V1.read_text(encoding="utf-8"))
    data["divisions"][3]["code"] = "61092"
    path = tmp_path / "old.json"
    path.write_text(encode(data), encoding="utf-8")
    with pytest.raises(FormatError) as info:
        wenming.load(path)
    message = str(info.value)
    assert "$.divisions[3].code" in message
    assert "61092" in message
    assert str(path) in message
    first = validate_file(path)[0]
    assert (first.code, first.path) == ("format", "$.divisions[3].code")


def test_a_version_1_file_with_a_cross_record_defect_reports_its_path() -> None:
    data = json.loads(V1.read_text(encoding="utf-8"))
    assert data["sites"][5]["kind"] == "institute"
    data["sites"][5]["parent"] = "nowhere"
    with pytest.raises(NetworkInvalidError) as info:
        wenming.loads(encode(data))
    assert "$.sites[5].parent" in str(info.value) or any(
        "$.sites[5].parent" in str(e) for e in info.value.exceptions
    )
    assert [(i.code, i.path) for i in validate_text(encode(data))] == [
        ("unknown-parent", "$.sites[5].parent")
    ]


@pytest.mark.parametrize("version", [3, 99])
def test_a_newer_version_is_refused(version: int) -> None:
    data = ziyang_dict()
    data["version"] = version
    with pytest.raises(VersionError) as info:
        wenming.loads(encode(data))
    assert isinstance(info.value, FormatError)
    assert f"version {version}" in str(info.value)
    assert "$.version" in str(info.value)
    with pytest.raises(VersionError):
        validate_text(encode(data))


def test_a_newer_version_from_the_cli(tmp_path: pathlib.Path) -> None:
    data = ziyang_dict()
    data["version"] = 3
    path = tmp_path / "new.json"
    path.write_text(encode(data), encoding="utf-8")
    result = cli("validate", str(path))
    assert result.returncode != 0
    assert "version 3" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("version", [0, -1, "2", True, None, 2.0])
def test_a_malformed_version_is_a_format_error(version: object) -> None:
    data = ziyang_dict()
    data["version"] = version
    with pytest.raises(FormatError) as info:
        wenming.loads(encode(data))
    assert not isinstance(info.value, VersionError)
    assert "$.version" in str(info.value)


# ---------------------------------------------------------------------------- division_edition


def test_division_edition_round_trips() -> None:
    net = Network(name="x", division_edition="NBS-2023")
    net.add(Division(code="610924", name="紫阳县"))
    text = wenming.dumps(net)
    keys = list(json.loads(text))
    assert keys == [
        "format",
        "version",
        "name",
        "description",
        "division_edition",
        "divisions",
    ]
    again = wenming.loads(text)
    assert again.division_edition == "NBS-2023"
    assert again == net
    assert wenming.loads_records(text).division_edition == "NBS-2023"
    assert wenming.dumps(again) == text


def test_no_division_edition_is_left_out() -> None:
    text = wenming.dumps(NetworkRecords(name="x"))
    assert "division_edition" not in text
    assert wenming.loads(text).division_edition is None


def test_division_edition_matters_for_equality() -> None:
    a = NetworkRecords(name="x", division_edition="NBS-2023")
    b = NetworkRecords(name="x", division_edition="NBS-2022")
    assert a != b
    assert wenming.loads(wenming.dumps(a)) != wenming.loads(wenming.dumps(b))


@pytest.mark.parametrize("edition", [7, [], {"a": 1}, False])
def test_a_division_edition_of_the_wrong_type_is_refused_with_its_path(edition: object) -> None:
    data = ziyang_dict()
    data["division_edition"] = edition
    with pytest.raises(FormatError) as info:
        wenming.loads(encode(data))
    assert "$.division_edition" in str(info.value)


def test_a_blank_division_edition_is_refused() -> None:
    with pytest.raises(InvariantError):
        NetworkRecords(division_edition="  ")
    data = ziyang_dict()
    data["division_edition"] = " "
    with pytest.raises(FormatError) as info:
        wenming.loads(encode(data))
    assert "$.division_edition" in str(info.value)


# ---------------------------------------------------------------------------- stability


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_round_trip_and_byte_stability(net: Network) -> None:
    text = wenming.dumps(net)
    assert wenming.dumps(net) == text
    again = wenming.loads(text)
    assert again == net
    assert again.records() == net.records()
    assert wenming.dumps(again) == text
    compact = wenming.dumps(net, indent=None)
    assert wenming.loads(compact) == net
    assert wenming.dumps(wenming.loads(compact), indent=None) == compact
    assert json.loads(compact) == json.loads(text)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_records_written_in_any_order_give_the_same_file(net: Network) -> None:
    records = net.records()
    shuffled = Network.from_records(
        NetworkRecords(
            name=records.name,
            description=records.description,
            division_edition=records.division_edition,
            **{name: tuple(reversed(items)) for name, items in records.sections.items()},
        )
    )
    assert wenming.dumps(shuffled) == wenming.dumps(net)


def test_dump_twice_gives_identical_bytes(tmp_path: pathlib.Path) -> None:
    net = wenming.load(V1)
    wenming.dump(net, tmp_path / "a.json")
    wenming.dump(wenming.load(tmp_path / "a.json"), tmp_path / "b.json")
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert wenming.load(tmp_path / "b.json") == net


# ---------------------------------------------------------------------------- layout


def _section_lines(text: str) -> dict[str, list[str]]:
    """The lines between a section's opening '[' and its closing ']'."""
    out: dict[str, list[str]] = {}
    current: str | None = None
    for line in text.splitlines():
        stripped = line.strip()
        if current is None and stripped.endswith("["):
            current = json.loads("{" + stripped + "]}").popitem()[0]
            out[current] = []
        elif current is not None and stripped in {"]", "],"}:
            current = None
        elif current is not None:
            out[current].append(stripped)
    return out


def test_default_layout_is_one_record_per_line() -> None:
    net = ziyang()
    text = wenming.dumps(net)
    lines = _section_lines(text)
    assert list(lines) == [s.name for s in SECTIONS if net.table(s)]
    assert {"divisions", "sites", "venues"} <= set(lines)
    for name, section in lines.items():
        assert len(section) == len(net.table(name)), name
        for n, line in enumerate(section):
            last = n == len(section) - 1
            assert line.endswith(",") != last, line
            record = json.loads(line.rstrip(","))
            assert isinstance(record, dict)
    # One line per header field and per record, plus the brackets.
    records = sum(len(s) for s in lines.values())
    assert len(text.splitlines()) == records + 2 + 5 + 2 * len(lines)
    assert text.endswith("}\n")


def test_every_record_line_is_its_to_dict() -> None:
    net = ziyang()
    lines = _section_lines(wenming.dumps(net))
    for name, section in lines.items():
        records = net.records().of(name)
        assert [json.loads(line.rstrip(",")) for line in section] == [r.to_dict() for r in records]


def test_indent_none_is_one_line() -> None:
    text = wenming.dumps(core(), indent=None)
    assert text.count("\n") == 1
    assert text.endswith("\n")
    assert wenming.loads(text) == core()


@pytest.mark.parametrize("indent", [0, 1, 4])
def test_other_indents_load_back(indent: int) -> None:
    text = wenming.dumps(core(), indent=indent)
    assert wenming.loads(text) == core()
    assert json.loads(text) == json.loads(wenming.dumps(core()))


def test_empty_sections_are_left_out() -> None:
    net = Network(name="x")
    net.add(Division(code="610924", name="紫阳县"))
    assert list(json.loads(wenming.dumps(net))) == [
        "format",
        "version",
        "name",
        "description",
        "divisions",
    ]


# ---------------------------------------------------------------------------- duplicate keys

DUPLICATES: dict[str, tuple[Callable[[str], str], str, str]] = {
    # name: (edit of the shipped file's text, path, key)
    "header": (
        lambda t: t.replace('"name": "紫阳县",', '"name": "紫阳县", "name": "紫阳县",', 1),
        "$",
        "name",
    ),
    "header-version": (
        lambda t: t.replace('"version": 2,', '"version": 2, "version": 2,', 1),
        "$",
        "version",
    ),
    "site": (
        lambda t: t.replace(
            '{"kind": "institute", "id": "institute-610924101"',
            '{"kind": "institute", "id": "institute-610924101", "id": "other"',
            1,
        ),
        "$.sites[2]",
        "id",
    ),
    "site-kind": (
        lambda t: t.replace('{"kind": "centre",', '{"kind": "centre", "kind": "point",', 1),
        "$.sites[0]",
        "kind",
    ),
    "venue": (
        lambda t: t.replace('"owner": "', '"owner": "x", "owner": "', 1),
        "$.venues[0]",
        "owner",
    ),
    "nested-location": (
        lambda t: t.replace(
            '{"code": "610924101000", "name": "蒿坪镇"}',
            '{"code": "610924101000", "name": "蒿坪镇", '
            '"location": {"lon": 108.5, "lat": 32.5, "lon": 108.6}}',
            1,
        ),
        "$.divisions[4].location",
        "lon",
    ),
}


@pytest.mark.parametrize("case", list(DUPLICATES))
def test_duplicate_keys_are_refused_with_the_path(case: str) -> None:
    edit, path, key = DUPLICATES[case]
    text = edit(ziyang_text())
    assert text != ziyang_text()
    for given_text in (text, text.encode("utf-8")):
        with pytest.raises(FormatError) as info:
            wenming.loads(given_text)
        lines = info.value.errors
        assert len(lines) == 1
        assert lines[0].startswith(f"{path}: duplicate keys"), lines
        assert repr(key) in lines[0]
    issues = validate_text(text)
    assert [(i.code, i.path) for i in issues] == [("format", path)]


def test_duplicate_keys_from_the_cli(tmp_path: pathlib.Path) -> None:
    edit, path, _key = DUPLICATES["nested-location"]
    file = tmp_path / "dup.json"
    file.write_text(edit(ziyang_text()), encoding="utf-8")
    result = cli("validate", str(file))
    assert result.returncode == 1
    assert path in result.stdout
    assert "duplicate keys" in result.stdout


def test_nested_location_loads_when_its_keys_are_unique() -> None:
    text = ziyang_text().replace(
        '{"code": "610924101000", "name": "蒿坪镇"}',
        '{"code": "610924101000", "name": "蒿坪镇", "location": {"lon": 108.5, "lat": 32.5}}',
        1,
    )
    net = wenming.loads(text)
    location = net.division("610924101").location
    assert location is not None
    assert (location.lon, location.lat) == (108.5, 32.5)


# ---------------------------------------------------------------------------- surrogates

SURROGATES: dict[str, tuple[Callable[[str, str], str], str]] = {
    # name: (put the escape into the shipped file's text, expected path)
    "description": (
        lambda t, s: t.replace('"description": "Ziyang', f'"description": "{s}Ziyang', 1),
        "$.description",
    ),
    "site-name": (
        lambda t, s: t.replace('"name": "紫阳县新时代', f'"name": "{s}紫阳县新时代', 1),
        "$.sites[0].name",
    ),
    "key": (
        lambda t, s: t.replace('{"kind": "centre", ', f'{{"kind": "centre", "{s}": 1, ', 1),
        "$.sites[0]",
    ),
    "header-key": (
        lambda t, s: t.replace('"name": "紫阳县",', f'"{s}x": 1, "name": "紫阳县",', 1),
        "$",
    ),
}


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\uDC00"])
@pytest.mark.parametrize("case", list(SURROGATES))
def test_lone_surrogates_are_refused_with_the_path(case: str, escape: str) -> None:
    edit, path = SURROGATES[case]
    text = edit(ziyang_text(), escape)
    assert escape in text
    for given_text in (text, text.encode("utf-8")):
        with pytest.raises(FormatError) as info:
            wenming.loads(given_text)
        assert len(info.value.errors) == 1
        line = info.value.errors[0]
        assert line.startswith(f"{path}:"), line
        assert "surrogate" in line
    issues = validate_text(text)
    assert [(i.code, i.path) for i in issues] == [("format", path)]
    with pytest.raises(FormatError):
        wenming.loads_records(text)


@pytest.mark.parametrize("case", list(SURROGATES))
def test_a_lone_surrogate_character_in_a_str_is_refused(case: str) -> None:
    # Not an escape: the character itself, which only a str (never UTF-8 bytes) holds.
    edit, path = SURROGATES[case]
    text = edit(ziyang_text(), "\ud800")
    with pytest.raises(FormatError) as info:
        wenming.loads(text)
    assert info.value.errors[0].startswith(f"{path}:")
    assert "surrogate" in info.value.errors[0]


@pytest.mark.parametrize("case", ["description", "site-name"])
def test_lone_surrogates_from_the_cli(tmp_path: pathlib.Path, case: str) -> None:
    edit, path = SURROGATES[case]
    file = tmp_path / "lone.json"
    file.write_text(edit(ziyang_text(), "\\ud800"), encoding="utf-8")
    result = cli("validate", str(file))
    assert result.returncode == 1
    assert f"{path}:" in result.stdout
    assert "surrogate" in result.stdout
    assert "Traceback" not in result.stderr
    summary = cli("summary", str(file))
    assert summary.returncode != 0
    assert path in summary.stderr


@pytest.mark.parametrize("case", ["description", "site-name"])
def test_surrogate_pairs_are_text(case: str) -> None:
    edit, _path = SURROGATES[case]
    text = edit(ziyang_text(), "\\ud83d\\ude00")
    net = wenming.loads(text)
    again = wenming.dumps(net)
    assert "\U0001f600" in again
    assert wenming.loads(again) == net
    assert wenming.loads(again.encode("utf-8")) == net
    assert validate_text(text) == ()


def test_a_surrogate_pair_from_the_cli(tmp_path: pathlib.Path) -> None:
    edit, _path = SURROGATES["site-name"]
    file = tmp_path / "pair.json"
    file.write_text(edit(ziyang_text(), "\\ud83d\\ude00"), encoding="utf-8")
    result = cli("validate", str(file))
    assert result.returncode == 0, result.stdout + result.stderr


def test_records_with_lone_surrogates_cannot_be_made() -> None:
    with pytest.raises(InvariantError):
        Centre(id="c", name="中\ud800心", division="610924")
    with pytest.raises(InvariantError):
        Centre(id="c\udc00", name="中心", division="610924")
    with pytest.raises(InvariantError):
        NetworkRecords(name="\ud800")


# ---------------------------------------------------------------------------- not UTF-8


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[:40] + b"\xff" + b[40:], id="invalid-start-byte"),
        pytest.param(lambda b: b.replace("紫".encode(), "紫".encode()[:2], 1), id="truncated"),
        pytest.param(lambda b: b.decode("utf-8").encode("gb18030"), id="gb18030"),
        pytest.param(lambda b: b.decode("utf-8").encode("utf-16"), id="utf-16"),
    ],
)
def test_non_utf8_bytes_get_the_same_answer_from_loads_and_the_cli(
    tmp_path: pathlib.Path, damage: Callable[[bytes], bytes]
) -> None:
    data = damage(ziyang_text().encode("utf-8"))
    with pytest.raises(FormatError) as info:
        wenming.loads(data)
    assert len(info.value.errors) == 1
    reason = info.value.errors[0]
    assert "UTF-8" in reason
    issues = validate_text(data)
    assert [f"{i.path}: {i.message}" for i in issues] == [reason]
    file = tmp_path / "not-utf8.json"
    file.write_bytes(data)
    result = cli("validate", str(file))
    assert result.returncode == 1
    assert reason in result.stdout
    summary = cli("summary", str(file))
    assert summary.returncode != 0
    assert reason in summary.stderr
    with pytest.raises(FormatError) as info_file:
        wenming.load(file)
    assert info_file.value.errors == info.value.errors


def test_a_utf8_byte_order_mark_is_accepted() -> None:
    data = b"\xef\xbb\xbf" + ziyang_text().encode("utf-8")
    assert wenming.loads(data) == core()


# ---------------------------------------------------------------------------- messages are cut


def _assert_short(exc: BaseException) -> None:
    message = str(exc)
    assert len(message) < SHORT, message[:500]
    assert f"{BIG}" in message or f"{BIG + 1}" in message  # says how long the value was


def test_a_huge_division_code_gives_a_short_message() -> None:
    with pytest.raises(InvariantError) as info:
        wenming.DivisionCode.parse("6" * BIG)
    _assert_short(info.value)
    with pytest.raises(InvariantError) as info:
        wenming.DivisionCode.parse("6109a" + "x" * BIG)
    assert len(str(info.value)) < SHORT
    with pytest.raises(InvariantError) as info:
        Division(code="6" * BIG, name="x")
    _assert_short(info.value)


def test_a_huge_bad_id_gives_a_short_message() -> None:
    with pytest.raises(InvariantError) as info:
        Centre(id=" " + "x" * BIG, name="中心", division="610924")
    _assert_short(info.value)


def test_a_huge_bad_word_gives_a_short_message() -> None:
    with pytest.raises(InvariantError) as info:
        wenming.Venue(id="v", kind="x" * BIG)
    _assert_short(info.value)
    sites = ziyang().iter_sites("x" * BIG)
    with pytest.raises(InvariantError) as info:
        next(sites)
    _assert_short(info.value)
    with pytest.raises(InvariantError) as info:
        wenming.DivisionLevel.from_label("x" * BIG)
    _assert_short(info.value)


def _huge(case: str) -> str:
    data = ziyang_dict()
    if case == "code":
        data["divisions"][4]["code"] = "6" * BIG
    elif case == "id":
        data["sites"][0]["id"] = " " + "x" * BIG
    elif case == "unknown-key":
        data["sites"][0]["x" * BIG] = 1
    elif case == "unknown-top-level-key":
        data["x" * BIG] = 1
    elif case == "kind":
        data["sites"][0]["kind"] = "x" * BIG
    elif case == "format":
        data["format"] = "x" * BIG
    return encode(data)


FORMAT_CASES = ["code", "id", "unknown-key", "unknown-top-level-key", "kind", "format"]


@pytest.mark.parametrize("case", FORMAT_CASES)
def test_a_huge_bad_value_in_a_file_gives_a_short_message(case: str) -> None:
    with pytest.raises(FormatError) as info:
        wenming.loads(_huge(case))
    assert all(len(line) < SHORT for line in info.value.errors), [
        line[:200] for line in info.value.errors
    ]
    assert len(str(info.value)) < 2 * SHORT
    assert all(len(i.message) < SHORT for i in validate_text(_huge(case)))


@pytest.mark.parametrize("case", ["code", "id", "unknown-key"])
def test_a_huge_bad_value_gives_short_cli_lines(tmp_path: pathlib.Path, case: str) -> None:
    file = tmp_path / "huge.json"
    file.write_text(_huge(case), encoding="utf-8")
    summary = cli("summary", str(file))
    assert summary.returncode != 0
    assert summary.stderr.strip()
    assert all(len(line) < SHORT for line in summary.stderr.splitlines())
    result = cli("validate", str(file))
    assert result.returncode == 1
    assert all(len(line) < SHORT for line in result.stdout.splitlines())


def test_a_huge_unknown_key_given_to_the_api_gives_a_short_message() -> None:
    net = ziyang()
    for call in (
        lambda: net.site("x" * BIG),
        lambda: net.get("sites", "x" * BIG),
        lambda: net.remove("x" * BIG),
        lambda: net.children("x" * BIG),
    ):
        with pytest.raises(WenmingError) as info:
            call()
        _assert_short(info.value)


def test_a_huge_unknown_parent_gives_a_short_message() -> None:
    net = ziyang()
    with pytest.raises(WenmingError) as info:
        net.add(Institute(id="i", name="所", division="610924101", parent="x" * BIG))
    assert len(str(info.value)) < SHORT
    issues = wenming.validate(
        NetworkRecords(
            divisions=[Division(code="610924101", name="蒿坪镇")],
            sites=[Institute(id="i", name="所", division="610924101", parent="x" * BIG)],
        )
    )
    assert all(len(str(i)) < SHORT for i in issues)
    data = ziyang_dict()
    data["sites"][1]["parent"] = "x" * BIG
    with pytest.raises(NetworkInvalidError) as info_group:
        wenming.loads(encode(data))
    assert len(str(info_group.value)) < 2 * SHORT
    assert all(len(str(e)) < SHORT for e in info_group.value.exceptions)


def test_a_huge_id_in_a_refusal_gives_a_short_message() -> None:
    net = ziyang()
    with pytest.raises(WenmingError) as info:
        net.replace(Institute(id="x" * BIG, name="所", division="610924101", parent="c"))
    assert len(str(info.value)) < SHORT
    with pytest.raises(WenmingError) as info:
        net.add(Institute(id="x" * BIG, name="所", division="610924199", parent="centre-610924"))
    assert len(str(info.value)) < SHORT


# ------------------------------------------------------------------------ every problem at once


def _many_problems() -> str:
    """One bad division code, a duplicate site id, an unknown parent and a duplicate claim.

    The records with shape errors come first in their sections, so every later
    path checks that issues are numbered as in the document.
    """
    data = {
        "format": "wenming.network",
        "version": 2,
        "name": "紫阳县",
        "divisions": [
            {"code": "61092", "name": "坏代码"},  # 0: bad code (shape error)
            {"code": "610924", "name": "紫阳县"},
            {"code": "610924100", "name": "城关镇"},
            {"code": "610924101", "name": "蒿坪镇"},
            {"code": "610924100", "name": "城关镇"},  # 4: duplicate division code
        ],
        "sites": [
            {"kind": "stations", "id": "bad", "name": "x", "division": "610924"},  # 0: shape
            {"kind": "centre", "id": "c", "name": "中心", "division": "610924"},
            {
                "kind": "institute",
                "id": "i1",
                "name": "所",
                "division": "610924100",
                "parent": "c",
            },
            {
                "kind": "institute",
                "id": "i1",
                "name": "所",
                "division": "610924101",
                "parent": "c",
            },
            {
                "kind": "institute",
                "id": "i2",
                "name": "所",
                "division": "610924100",
                "parent": "c",
            },
            {
                "kind": "institute",
                "id": "i3",
                "name": "所",
                "division": "610924101",
                "parent": "ghost",
            },
        ],
        "venues": [
            {"id": "v", "kind": "other", "sites": ["c", "nobody"]},
        ],
    }
    return encode(data)


EXPECTED = [
    ("format", "$.divisions[0].code"),
    ("format", "$.sites[0]"),
    ("duplicate-id", "$.divisions[4].code"),
    ("duplicate-id", "$.sites[3].id"),
    ("duplicate-claim", "$.sites[4].division"),
    ("unknown-parent", "$.sites[5].parent"),
    ("duplicate-claim", "$.sites[5].division"),  # with the second 'i1', on the same town
    ("unknown-venue-site", "$.venues[0].sites"),
]


def test_validate_text_reports_every_problem_with_document_paths() -> None:
    issues = validate_text(_many_problems())
    found = [(i.code, i.path) for i in issues]
    # Shape errors first, then the cross-record issues in document order.
    assert found == EXPECTED
    assert all(i.severity is wenming.Severity.ERROR for i in issues)
    by_path = {i.path: i for i in issues}
    assert "61092" in by_path["$.divisions[0].code"].message
    assert "stations" in by_path["$.sites[0]"].message
    assert "ghost" in by_path["$.sites[5].parent"].message
    assert "'i1'" in by_path["$.sites[3].id"].message
    assert "$.sites[2]" in by_path["$.sites[3].id"].message  # first at, in document numbering


def test_validate_text_takes_bytes_and_str_alike() -> None:
    text = _many_problems()
    assert validate_text(text) == validate_text(text.encode("utf-8"))


def test_validate_file_and_the_cli_report_every_problem(tmp_path: pathlib.Path) -> None:
    file = tmp_path / "many.json"
    file.write_text(_many_problems(), encoding="utf-8")
    issues = validate_file(file)
    assert issues == validate_text(_many_problems(), source=str(file))
    result = cli("validate", str(file))
    assert result.returncode == 1
    for code, path in EXPECTED:
        assert any(code in line and path in line for line in result.stdout.splitlines()), (
            code,
            path,
            result.stdout,
        )
    assert f"{len(issues)} error(s)" in result.stdout
    as_json = cli("validate", "--json", str(file))
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert report["errors"] == len(issues)
    assert [(i["code"], i["path"]) for i in report["issues"]] == [(i.code, i.path) for i in issues]


def test_load_refuses_the_same_file() -> None:
    with pytest.raises(FormatError) as info:
        wenming.loads(_many_problems())
    assert "$.divisions[0].code" in str(info.value)


def test_validate_of_a_path_points_to_validate_file(tmp_path: pathlib.Path) -> None:
    for target in ("x.json", pathlib.Path("x.json"), tmp_path / "x.json"):
        with pytest.raises(WenmingError) as info:
            wenming.validate(target)  # type: ignore[arg-type]
        exc: BaseException = info.value
        assert isinstance(exc, InvariantError)
        assert not isinstance(exc, AttributeError)
        message = str(exc)
        assert "validate_file" in message
        assert "x.json" in message
    with pytest.raises(InvariantError):
        wenming.validate(42)  # type: ignore[arg-type]


def test_the_validate_file_the_message_names_exists(tmp_path: pathlib.Path) -> None:
    # validate("x.json") tells the user to call wenming.validate_file(...): it must exist.
    validate_file_ = getattr(wenming, "validate_file", None)
    assert validate_file_ is validate_file
    assert getattr(wenming, "validate_text", None) is validate_text
    assert getattr(wenming, "InUseError", None) is wenming.errors.InUseError
    wenming.dump(ziyang(), tmp_path / "z.json")
    assert validate_file_(tmp_path / "z.json") == ()


def test_an_unknown_site_kind_lists_the_valid_ones() -> None:
    net = ziyang()
    with pytest.raises(InvariantError) as info:
        next(net.iter_sites("stations"))
    message = str(info.value)
    exc: BaseException = info.value
    assert type(exc) is not TypeError
    for kind in ("centre", "institute", "station", "point"):
        assert kind in message
    assert "stations" in message
    with pytest.raises(InvariantError) as info:
        next(net.iter_divisions("towns"))
    assert "town" in str(info.value)
    assert "village" in str(info.value)


def test_summary_and_validate_tell_the_same_story(tmp_path: pathlib.Path) -> None:
    # Two Institutes on one town load (a network can hold them); validate reports them.
    net = Network()
    net.add_all(
        [
            Division(code="610924", name="紫阳县"),
            Division(code="610924101", name="蒿坪镇"),
            Centre(id="c", name="中心", division="610924"),
            Institute(id="a", name="所", division="610924101", parent="c"),
            Institute(id="b", name="所", division="610924101", parent="c"),
        ]
    )
    file = tmp_path / "twice.json"
    wenming.dump(net, file)
    assert [i.code for i in wenming.validate(wenming.load(file))] == ["duplicate-claim"]
    result = cli("validate", str(file))
    assert result.returncode == 1
    assert "duplicate-claim" in result.stdout
    summary = cli("summary", str(file))
    assert summary.returncode == 0
    assert "1 error(s)" in summary.stdout
    assert json.loads(cli("summary", "--json", str(file)).stdout)["validation"] == {
        "errors": 1,
        "warnings": 0,
    }


def test_a_record_with_a_bad_value_is_left_out_and_the_rest_checked() -> None:
    # The village has a bad population: it is reported with its path and left out,
    # so the Station on it is then checked against what could be read (a follow-up
    # "unknown division", pointing at the Station).
    text = encode(
        {
            "format": "wenming.network",
            "version": 2,
            "divisions": [
                {"code": "610924", "name": "紫阳县"},
                {"code": "610924101", "name": "蒿坪镇"},
                {"code": "610924101001", "name": "双星社区", "population": -5},
            ],
            "sites": [
                Centre(id="c", name="中心", division="610924").to_dict(),
                Institute(id="i", name="所", division="610924101", parent="c").to_dict(),
                Station(id="s", name="站", division="610924101001", parent="i").to_dict(),
            ],
        }
    )
    issues = validate_text(text)
    assert [(i.code, i.path) for i in issues] == [
        ("format", "$.divisions[2].population"),
        ("unknown-division", "$.sites[2].division"),
    ]
    assert "-5" in issues[0].message


def test_a_version_1_file_with_heads_gets_a_post_for_each_head() -> None:
    # In version 1 a head was an unchecked label; version 2 checks it against the
    # posts. The upgrade makes each head a first-in-command post, so the file loads.
    v1 = {
        "format": "wenming.network",
        "version": 1,
        "divisions": [
            {"code": "610924", "name": "紫阳县"},
            {"code": "610924101", "name": "蒿坪镇"},
        ],
        "sites": [
            {"kind": "centre", "id": "c", "name": "中心", "division": "610924", "head": "zy-sec"},
            {
                "kind": "institute",
                "id": "i",
                "name": "所",
                "division": "610924101",
                "parent": "c",
                "head": "hp-sec",
            },
            {
                "kind": "point",
                "id": "p",
                "name": "点",
                "division": "610924",
                "parent": "c",
                "head": "zy-sec",
            },
        ],
    }
    net = wenming.loads(json.dumps(v1))
    posts: Any = net.table("posts")
    assert {k: (p.kind, p.division.short, p.name) for k, p in posts.items()} == {
        "zy-sec": ("county_secretary", "610924", "紫阳县县委书记"),
        "hp-sec": ("town_secretary", "610924101", "蒿坪镇党委书记"),
    }
    assert net.site("i").head == "hp-sec"
    assert wenming.loads(wenming.dumps(net)) == net
    assert [i.code for i in wenming.validate(net) if i.severity.value == "error"] == []
