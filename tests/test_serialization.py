from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings

import wenming
from wenming import (
    FileAccessError,
    FormatError,
    Network,
    NetworkInvalidError,
    NetworkRecords,
    VersionError,
    WenmingError,
)
from wenming.datasets import ziyang, ziyang_text
from wenming.serialization import FORMAT, VERSION, records_to_dict
from wenming.testing.factories import synthetic_network
from wenming.testing.strategies import networks


@settings(max_examples=75, deadline=None)
@given(networks())
def test_round_trip_and_byte_stable(net: Network) -> None:
    text = wenming.dumps(net)
    again = wenming.loads(text)
    assert again == net
    assert wenming.dumps(again) == text
    compact = wenming.dumps(net, indent=None)
    assert "\n" not in compact.rstrip("\n")
    assert wenming.loads(compact) == net


def test_equal_networks_built_in_different_orders_give_identical_bytes() -> None:
    net = synthetic_network(seed=3, counties=2)
    records = net.records()
    shuffled = NetworkRecords(
        name=records.name,
        description=records.description,
        divisions=tuple(reversed(records.divisions)),
        sites=tuple(reversed(records.sites)),
    )
    assert wenming.dumps(Network.from_records(shuffled)) == wenming.dumps(net)


def test_header_comes_first_and_defaults_are_omitted() -> None:
    data = json.loads(wenming.dumps(ziyang()))
    assert list(data)[:2] == ["format", "version"]
    assert data["format"] == FORMAT
    assert data["version"] == VERSION
    centre = next(s for s in data["sites"] if s["kind"] == "centre")
    assert centre == {
        "kind": "centre",
        "id": "centre-610924",
        "name": "紫阳县新时代文明实践中心",
        "division": "610924000000",
        "head": "post-610924-secretary",
    }
    assert "sites" not in records_to_dict(NetworkRecords())  # empty sections are left out


def test_dump_and_load_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "ziyang.json"
    wenming.dump(ziyang(), path)
    assert path.read_text(encoding="utf-8") == ziyang_text()
    assert wenming.load(path) == ziyang()
    assert wenming.load_records(path) == ziyang().records()
    assert oct(path.stat().st_mode & 0o777) == oct(0o644)


def test_dump_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    path.write_text("old", encoding="utf-8")
    path.chmod(0o600)
    wenming.dump(ziyang(), path)
    assert path.stat().st_mode & 0o777 == 0o600


def test_the_embedded_file_is_what_the_build_script_writes() -> None:
    script = Path(__file__).resolve().parents[1] / "scripts" / "build_ziyang.py"
    result = subprocess.run([sys.executable, str(script), "--check"], check=False)
    assert result.returncode == 0, "src/wenming/datasets/ziyang.json is stale"


def test_a_failed_dump_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "net.json"
    path.write_text("old content", encoding="utf-8")

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(FileAccessError, match="cannot write the file: No space left on device"):
        wenming.dump(ziyang(), path)
    assert path.read_text(encoding="utf-8") == "old content"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.json"]


def test_dump_into_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="cannot write the file") as info:
        wenming.dump(ziyang(), tmp_path / "missing" / "net.json")
    assert isinstance(info.value, FileAccessError)
    assert info.value.filename == str(tmp_path / "missing" / "net.json")


def test_killing_a_writer_never_leaves_a_half_written_file(tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    old = synthetic_network(seed=1, counties=1)
    wenming.dump(old, path)
    writer = textwrap.dedent(
        f"""
        import sys, wenming
        from wenming.testing.factories import synthetic_network
        net = synthetic_network(seed=2, counties=12)
        print("ready", flush=True)
        while True:
            wenming.dump(net, {str(path)!r})
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    loaded = wenming.load(path)  # whole and valid: the old network or the new one
    new = synthetic_network(seed=2, counties=12)
    assert loaded in (old, new)
    # The killed writer may have left its temporary file; the next dump removes it.
    wenming.dump(old, path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.json"]


def test_a_stale_temporary_file_is_removed_and_a_live_ones_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "net.json"
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    pid = dead.stdout.strip()
    stale = [  # a killed dump's, and a killed ledger creation's with SQLite's companions
        f".net.json.{pid}.abc1_3xy.tmp",
        f".net.json.{pid}.0a1b2c3d.tmp",
        f".net.json.{pid}.0a1b2c3d.tmp-wal",
        f".net.json.{pid}.0a1b2c3d.tmp-shm",
    ]
    kept = [
        f".net.json.{os.getppid()}.def456gh.tmp",  # a running process's
        ".other.json.1.xxxxxxxx.tmp",  # another file's
        # a temporary of "net.json.20240301" (written by process {pid}) is not one of
        # "net.json" written by process 20240301
        f".net.json.20240301.{pid}.k2j4h5g6.tmp",
        f".net.json.{pid}.short.tmp",  # not a name wenming makes
    ]
    for name in stale + kept:
        (tmp_path / name).write_text("half", encoding="utf-8")
    wenming.dump(ziyang(), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["net.json", *kept])


Mutation = Callable[[dict[str, Any]], None]


def _set(path: tuple[Any, ...], value: Any) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _delete(path: tuple[Any, ...]) -> Mutation:
    def mutate(doc: dict[str, Any]) -> None:
        target: Any = doc
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


BAD_DOCUMENTS: list[tuple[str, Mutation, str]] = [
    (
        "malformed code",
        _set(("sites", 3, "division"), "61092"),
        "$.sites[3].division: division code '61092' has 5 digits; expected 2, 4, 6, 9 or 12",
    ),
    (
        "code as a number",
        _set(("sites", 3, "division"), 610924101),
        "$.sites[3].division: expected a division code string, not int",
    ),
    ("unknown key", _set(("sites", 3, "colour"), "red"), "$.sites[3]: unknown keys: colour"),
    (
        "unknown kind",
        _set(("sites", 3, "kind"), "hub"),
        "$.sites[3]: unknown site kind 'hub'; expected one of centre, institute, station, point",
    ),
    ("missing kind", _delete(("sites", 3, "kind")), "$.sites[3]: a site needs a 'kind'"),
    ("missing name", _delete(("sites", 3, "name")), "$.sites[3].name: required field missing"),
    ("blank name", _set(("sites", 3, "name"), "  "), "$.sites[3].name: name must not be blank"),
    (
        "name a number",
        _set(("sites", 3, "name"), 5),
        "$.sites[3].name: expected a string, not int",
    ),
    (
        "impossible date",
        _set(("sites", 3, "established"), "2020-13-01"),
        "$.sites[3].established: '2020-13-01' is not a valid date",
    ),
    (
        "date with time",
        _set(("sites", 3, "established"), "2020-01-01T10:00"),
        "$.sites[3].established: expected a date as YYYY-MM-DD",
    ),
    (
        "unknown have",
        _set(("sites", 3, "six_haves"), ["place", "wifi"]),
        "$.sites[3].six_haves: six_haves 'wifi' is not one of: place, organisation",
    ),
    (
        "six haves not a list",
        _set(("sites", 3, "six_haves"), "place"),
        "$.sites[3].six_haves: expected a list, not string",
    ),
    ("site not an object", _set(("sites", 3), 7), "$.sites[3]: expected a site object, not int"),
    ("sites not a list", _set(("sites",), {}), "$.sites: expected a list, not object"),
    (
        "negative area",
        _set(("venues", 0, "floor_area"), -3),
        "$.venues[0].floor_area: floor_area -3 is outside (0, 10000000]",
    ),
    (
        "unknown venue kind",
        _set(("venues", 0, "kind"), "cave"),
        "$.venues[0].kind: kind 'cave' is not one of: culture_station",
    ),
    (
        "population text",
        _set(("divisions", 0, "population"), "many"),
        "$.divisions[0].population: expected a whole number, not string",
    ),
    (
        "population boolean",
        _set(("divisions", 0, "population"), True),
        "$.divisions[0].population: expected a whole number, not boolean",
    ),
    (
        "unknown level",
        _set(("divisions", 0, "level"), "hamlet"),
        "$.divisions[0].level: unknown division level 'hamlet'",
    ),
    ("unknown top-level key", _set(("extra",), 1), "$: unknown keys: extra"),
    (
        "other format",
        _set(("format",), "geojson"),
        "$.format: not a wenming network document (format is 'geojson'",
    ),
    ("version text", _set(("version",), "1"), "$.version: expected a format version number"),
    ("name not text", _set(("name",), ["a"]), "$.name: expected a string, not list"),
]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [(m, msg) for _, m, msg in BAD_DOCUMENTS],
    ids=[b[0] for b in BAD_DOCUMENTS],
)
def test_bad_documents_name_the_path_and_reason(mutate: Mutation, message: str) -> None:
    doc = json.loads(ziyang_text())
    mutate(doc)
    with pytest.raises(FormatError) as info:
        wenming.loads(json.dumps(doc, ensure_ascii=False), source="ziyang.json")
    assert isinstance(info.value, WenmingError)
    assert str(info.value).startswith(f"ziyang.json: {message}")
    assert info.value.source == "ziyang.json"
    assert info.value.errors[0].startswith(message)


def test_every_shape_error_is_reported_at_once() -> None:
    doc = json.loads(ziyang_text())
    doc["sites"][2]["name"] = ""
    doc["sites"][5]["division"] = "x"
    doc["venues"][0]["floor_area"] = "big"
    with pytest.raises(FormatError) as info:
        wenming.loads(json.dumps(doc))
    assert [e.split(":")[0] for e in info.value.errors] == [
        "$.sites[2].name",
        "$.sites[5].division",
        "$.venues[0].floor_area",
    ]
    assert str(info.value).endswith("(and 2 more)")


def test_a_newer_version_is_refused() -> None:
    doc = json.loads(ziyang_text())
    doc["version"] = VERSION + 1
    with pytest.raises(
        VersionError, match=r"format version 3, this wenming reads versions up to 2"
    ):
        wenming.loads(json.dumps(doc))


def test_cross_record_errors_all_come_with_paths() -> None:
    doc = json.loads(ziyang_text())
    doc["sites"][3]["parent"] = "x"
    doc["sites"][5]["id"] = doc["sites"][4]["id"]
    doc["sites"][6]["kind"] = "station"
    with pytest.raises(NetworkInvalidError) as info:
        wenming.loads(json.dumps(doc), source="f.json")
    paths = [(i.code, i.path) for i in info.value.issues]
    assert ("unknown-parent", "$.sites[3].parent") in paths
    assert ("duplicate-id", "$.sites[5].id") in paths
    assert ("division-level", "$.sites[6].division") in paths
    assert str(info.value).startswith("f.json: ")
    # The lenient reader returns the records so validate() can show everything.
    records = wenming.loads_records(json.dumps(doc))
    errors = [i for i in wenming.validate(records) if i.severity is wenming.Severity.ERROR]
    assert len(errors) == len(info.value.issues)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", "$: invalid JSON at line 1 column 2"),
        ("", "$: invalid JSON at line 1 column 1"),
        ("[]", "$: expected an object, not list"),
        (b"\xff\xfe{}", "$: the file is not UTF-8 text"),
        ("[" * 100_000 + "]" * 100_000, "$: the JSON is nested too deeply"),
    ],
)
def test_unreadable_text(text: str | bytes, message: str) -> None:
    with pytest.raises(FormatError) as info:
        wenming.loads(text)
    assert str(info.value).startswith(message)


def test_bytes_with_a_byte_order_mark_are_read() -> None:
    assert wenming.loads(b"\xef\xbb\xbf" + ziyang_text().encode()) == ziyang()


def test_a_missing_file_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(OSError, match="cannot read the file") as info:
        wenming.load(tmp_path / "nope.json")
    assert isinstance(info.value, FileAccessError)
    assert info.value.errno == errno.ENOENT
    assert (
        str(info.value)
        == f"{tmp_path / 'nope.json'}: cannot read the file: No such file or directory"
    )


def test_loading_leaves_the_garbage_collector_as_it_found_it() -> None:
    import gc

    assert gc.isenabled()
    wenming.loads(ziyang_text())
    with pytest.raises(FormatError):
        wenming.loads("{not json")
    assert gc.isenabled()
    gc.disable()
    try:
        wenming.loads(ziyang_text())
        assert not gc.isenabled()  # a caller's choice is kept
    finally:
        gc.enable()


def test_review_findings_are_clear_errors() -> None:
    huge = (
        '{"format": "wenming.network", "version": 1, "name": "x", '
        '"divisions": [{"code": "61", "name": "a", "population": ' + "9" * 5000 + "}]}"
    )
    with pytest.raises(FormatError, match=r"^\$: unreadable JSON value"):
        wenming.loads(huge)
    doc = json.loads(ziyang_text())
    doc["sites"][0]["name"] = "\ud800"
    with pytest.raises(FormatError, match=r"\$.sites\[0\].name: .*lone surrogate"):
        wenming.loads(json.dumps(doc))
    doc = json.loads(ziyang_text())
    doc["venues"][0]["floor_area"] = 10**400
    with pytest.raises(FormatError, match="floor_area"):
        wenming.loads(json.dumps(doc))


def test_minus_zero_coordinates_dump_like_zero() -> None:
    from wenming import Coordinates, Division

    a = Network()
    a.add_division(Division(code="61", name="陕西", location=Coordinates(lon=-0.0, lat=0.0)))
    b = Network()
    b.add_division(Division(code="61", name="陕西", location=Coordinates(lon=0.0, lat=0.0)))
    assert a == b
    assert wenming.dumps(a) == wenming.dumps(b)


@settings(max_examples=60, deadline=None)
@given(networks())
def test_the_fast_writer_writes_what_json_writes_of_the_records_dicts(
    net: wenming.Network,
) -> None:
    # dumps compiles a writer per record class; it must give the bytes json.dumps
    # gives for the same records as dicts, in both layouts.
    from wenming.serialization import _encode

    document = records_to_dict(net.records())
    assert wenming.dumps(net) == _encode(document, 2) + "\n"
    assert wenming.dumps(net, indent=None) == _encode(document, None) + "\n"
    assert json.loads(wenming.dumps(net)) == document
