"""Regressions found by fuzzing: every outcome must be a wenming error, never a bare exception.

Each test is one distinct failure (a damaged ledger file, a CLI argument) that
raised a builtin exception or printed a traceback instead of a
:class:`~wenming.errors.WenmingError` or a one-line ``wenming: error:`` (exit 2).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from wenming import cli
from wenming.errors import Severity, WenmingError
from wenming.points import Household, Item, Ledger, LedgerFileError, conduct_card
from wenming.testing import generate

CST = dt.timezone(dt.timedelta(hours=8))


def _at(day: int) -> dt.datetime:
    return dt.datetime(2024, 3, day, 9, 0, tzinfo=CST)


def _ledger(path: Path) -> Path:
    """A small valid conduct-card ledger: two households, earnings, a redemption, a reversal."""
    ledger = Ledger.create(path, conduct_card(), synchronous="normal")
    ledger.open_accounts(["hh-017", "hh-018"], at=_at(1), operator="clerk")
    ledger.put_household(Household(id="hh-017").join("p-0431", on=dt.date(2019, 5, 1)))
    ledger.earn("hh-017", "filial-care", quantity=2, key="e1", at=_at(5), operator="clerk")
    ledger.earn("hh-017", "reformed-customs", key="e2", at=_at(8), operator="clerk")
    ledger.deduct("hh-018", "lavish-banquet", quantity=2, key="d1", at=_at(9), operator="clerk")
    ledger.add_stock(Item(code="soap", name="洗衣皂", price=5), 20)
    ledger.redeem("hh-017", "soap", quantity=2, key="r1", at=_at(10), operator="shop")
    ledger.reverse("d1", key="x1", at=_at(11), operator="clerk", reason="wrong household")
    assert ledger.verify() == ()
    ledger.close()
    return path


def _damaged(tmp_path: Path, *statements: str | tuple[str, tuple[Any, ...]]) -> Path:
    """A copy of the small ledger edited with plain sqlite3 (as someone outside wenming would)."""
    path = _ledger(tmp_path / "x.ledger")
    conn = sqlite3.connect(path)
    try:
        for statement in statements:
            if isinstance(statement, tuple):
                conn.execute(*statement)
            else:
                conn.executescript(statement)
        conn.commit()
    finally:
        conn.close()
    return path


def _reported(action: Callable[[], Any]) -> None:
    """``verify()`` on a damaged file reports it: error issues, not an exception."""
    issues = action()
    assert any(i.severity is Severity.ERROR for i in issues), issues


def _cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    status = cli.main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


def _one_line_error(status: int, err: str) -> None:
    assert status == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("wenming: error: "), lines


# ---------------------------------------------------------------------------- ledger files


def test_open_a_ledger_with_a_malformed_schema(tmp_path: Path) -> None:
    # SqliteStore.open runs _pragmas (PRAGMA journal_mode=WAL) outside the try that
    # turns sqlite3.DatabaseError into LedgerFileError: a bare
    # sqlite3.DatabaseError "malformed database schema" (byte flips do the same).
    path = _damaged(
        tmp_path,
        "PRAGMA writable_schema=ON; "
        "UPDATE sqlite_master SET sql='CREATE TABLE balances(' WHERE name='balances';",
    )
    with pytest.raises(LedgerFileError):
        Ledger.open(path).close()


def test_cli_verify_a_ledger_with_a_malformed_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _damaged(
        tmp_path,
        "PRAGMA writable_schema=ON; "
        "UPDATE sqlite_master SET sql='CREATE TABLE balances(' WHERE name='balances';",
    )
    _one_line_error(*_cli(["ledger", "verify", str(path)], capsys))


def test_history_of_an_entry_whose_body_is_not_json(tmp_path: Path) -> None:
    # _SqliteTxn.account_entries -> _load -> json.loads: bare JSONDecodeError.
    path = _damaged(tmp_path, "UPDATE entries SET body='not json' WHERE key='e1'")
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        ledger.history("hh-017")


def test_balance_as_of_with_an_entry_whose_body_is_not_json(tmp_path: Path) -> None:
    path = _damaged(tmp_path, "UPDATE entries SET body='not json' WHERE key='e1'")
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        ledger.balance("hh-017", as_of=dt.date(2024, 3, 31))


def test_verify_an_entry_whose_body_is_a_json_number(tmp_path: Path) -> None:
    # postings() catches ValueError and FormatError only; entry_from_dict(5) raises
    # TypeError ('int' object is not iterable) from dict(data).
    path = _damaged(tmp_path, "UPDATE entries SET body='5' WHERE key='e1'")
    with Ledger.open(path) as ledger:
        _reported(ledger.verify)


def test_cli_verify_an_entry_whose_body_is_a_json_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _damaged(tmp_path, "UPDATE entries SET body='1e308' WHERE key='e1'")
    status, err = _cli(["ledger", "verify", str(path)], capsys)
    assert status in (1, 2), err


def test_accounts_with_an_opening_date_that_is_not_a_date(tmp_path: Path) -> None:
    # _row_account: dt.date.fromisoformat('2024-13-01') -> bare ValueError.
    path = _damaged(tmp_path, "UPDATE accounts SET opened='2024-13-01' WHERE id='hh-017'")
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        ledger.accounts()


def test_verify_an_account_with_an_opening_date_that_is_not_a_date(tmp_path: Path) -> None:
    path = _damaged(tmp_path, "UPDATE accounts SET opened='2024-13-01' WHERE id='hh-017'")
    with Ledger.open(path) as ledger:
        _reported(ledger.verify)


def test_cli_balance_with_an_opening_date_that_is_not_a_date(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _damaged(tmp_path, "UPDATE accounts SET opened='2024-13-01' WHERE id='hh-017'")
    _one_line_error(*_cli(["ledger", "balance", str(path)], capsys))


def test_households_whose_body_is_not_json(tmp_path: Path) -> None:
    # _SqliteTxn.households -> json.loads: bare JSONDecodeError.
    path = _damaged(tmp_path, "UPDATE households SET body='not json'")
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        ledger.households()


def test_account_for_with_a_household_missing_its_members(tmp_path: Path) -> None:
    # _household: data["members"] -> bare KeyError.
    path = _damaged(tmp_path, """UPDATE households SET body='{"id": "hh-017"}'""")
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        ledger.account_for("p-0431", dt.date(2024, 3, 5))


def test_households_with_a_join_date_that_is_not_a_date(tmp_path: Path) -> None:
    # _household: dt.date.fromisoformat('bad') -> bare ValueError.
    body = '{"id": "hh-017", "members": [{"person": "p-0431", "joined": "bad", "left": null}]}'
    path = _damaged(tmp_path, ("UPDATE households SET body=?", (body,)))
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        ledger.households()


def test_spendable_with_a_balance_that_is_not_a_number(tmp_path: Path) -> None:
    # balances() returns the text 'abc'; _spendable compares it with the floor: TypeError.
    path = _damaged(tmp_path, "UPDATE balances SET balance='abc' WHERE account='hh-017'")
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        ledger.spendable("hh-017")


def test_earn_on_a_balance_that_is_not_a_number(tmp_path: Path) -> None:
    # _Batch.run: balance + entry.points with a str balance: TypeError.
    path = _damaged(tmp_path, "UPDATE balances SET balance='abc' WHERE account='hh-017'")
    with Ledger.open(path) as ledger, pytest.raises(WenmingError):
        ledger.earn("hh-017", "filial-care", key="n1", at=_at(20), operator="clerk")


def test_below_floor_with_a_balance_that_is_not_a_number(tmp_path: Path) -> None:
    path = _damaged(tmp_path, "UPDATE balances SET balance='abc' WHERE account='hh-017'")
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        ledger.below_floor()


def test_cli_balance_with_a_balance_that_is_not_a_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _damaged(tmp_path, "UPDATE balances SET balance='abc' WHERE account='hh-017'")
    _one_line_error(*_cli(["ledger", "balance", str(path)], capsys))


def test_verify_a_balance_row_whose_account_is_a_blob(tmp_path: Path) -> None:
    # _verify: sorted(set(sums) | set(stored)) mixes str and bytes: TypeError.
    path = _damaged(tmp_path, ("UPDATE balances SET account=? WHERE account='hh-018'", (b"\x00",)))
    with Ledger.open(path) as ledger:
        _reported(ledger.verify)


def test_verify_an_entry_whose_prev_hash_is_a_blob(tmp_path: Path) -> None:
    # chain_hash -> hash_content: prev_hash.encode on bytes: AttributeError.
    path = _damaged(tmp_path, ("UPDATE entries SET prev_hash=? WHERE seq=2", (b"\xff",)))
    with Ledger.open(path) as ledger:
        _reported(ledger.verify)


def test_verify_an_entry_whose_prev_hash_is_not_ascii(tmp_path: Path) -> None:
    # hash_content: prev_hash.encode("ascii") -> UnicodeEncodeError.
    path = _damaged(tmp_path, "UPDATE entries SET prev_hash='孝' WHERE seq=2")
    with Ledger.open(path) as ledger:
        _reported(ledger.verify)


def test_earn_when_the_head_hash_is_not_ascii(tmp_path: Path) -> None:
    # _SqliteTxn.append: prev.encode("ascii") on meta.head_hash -> UnicodeEncodeError.
    path = _damaged(tmp_path, "UPDATE meta SET value='孝' WHERE name='head_hash'")
    with Ledger.open(path) as ledger, pytest.raises(WenmingError):
        ledger.earn("hh-017", "filial-care", key="n1", at=_at(20), operator="clerk")


def test_len_when_the_head_count_is_unreadable(tmp_path: Path) -> None:
    # head() returns -1 for an unreadable head_seq; len() then raises
    # ValueError("__len__() should return >= 0").
    path = _damaged(tmp_path, "UPDATE meta SET value='x' WHERE name='head_seq'")
    with Ledger.open(path) as ledger, pytest.raises(LedgerFileError):
        len(ledger)


def test_post_when_the_head_count_is_at_the_sqlite_limit(tmp_path: Path) -> None:
    # _SqliteTxn.append: seq 2**63 does not fit an SQLite INTEGER: bare OverflowError.
    path = _damaged(tmp_path, "UPDATE meta SET value='9223372036854775807' WHERE name='head_seq'")
    with Ledger.open(path) as ledger, pytest.raises(WenmingError):
        ledger.adjust("hh-017", 1, reason="r", key="n1", at=_at(20), operator="clerk")


# ---------------------------------------------------------------------------- ledger API


def test_adjust_by_more_points_than_sqlite_holds(tmp_path: Path) -> None:
    # Nothing bounds an entry's points: SqliteTxn.append raises a bare OverflowError.
    with Ledger.open(_ledger(tmp_path / "x.ledger")) as ledger, pytest.raises(WenmingError):
        ledger.adjust("hh-017", 2**63, reason="r", key="n1", at=_at(20), operator="clerk")


def test_balances_that_overflow_do_not_make_a_ledger_that_fails_verify(tmp_path: Path) -> None:
    # Two adjustments of 2**62 are each accepted; SQLite's balance + ? overflows to a
    # REAL, so the maintained balance becomes a float and verify() reports a
    # balance-mismatch on a ledger written only through the API.
    with Ledger.open(_ledger(tmp_path / "x.ledger")) as ledger:
        try:
            for n in range(2):
                ledger.adjust("hh-017", 2**62, reason="r", key=f"n{n}", at=_at(20), operator="o")
        except WenmingError:
            pass
        assert ledger.verify() == ()
        assert isinstance(ledger.balance("hh-017"), int)


# ---------------------------------------------------------------------------- CLI


def test_cli_ledger_post_points_beyond_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _ledger(tmp_path / "x.ledger")
    argv = ["ledger", "post", str(path), "adjust", "hh-017", "--points", str(10**30)]
    argv += ["--reason", "r", "--key", "k", "--operator", "o", "--at", "2024-03-20T09:00+08:00"]
    _one_line_error(*_cli(argv, capsys))


@pytest.fixture(scope="module")
def network_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import wenming

    path = tmp_path_factory.mktemp("net") / "county.json"
    net = generate("county", seed=0, villages_per_town=(2, 3), volunteers_per_station=(1, 3))
    wenming.dump(net, path)
    return path


def test_cli_activities_to_the_last_representable_day(
    network_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # _cli_activities.run: args.end + timedelta(days=1) -> OverflowError.
    argv = ["activities", "--from", "2023-06-01", "--to", "9999-12-31", str(network_file)]
    status, err = _cli(argv, capsys)
    assert status in (0, 2), err


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_cli_plot_time_on_a_date_matplotlib_cannot_place(
    day: str, network_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # plot.coverage_over_time -> fig.autofmt_xdate(): matplotlib's ValueError
    # "Matplotlib dates must be between year 0001 and 9999" (the axis pads the range).
    out = tmp_path / "o.png"
    argv = ["plot", "time", str(network_file), "--dates", day, "-o", str(out)]
    status, err = _cli(argv, capsys)
    assert status in (0, 2), err


def test_scheme_and_entry_readers_refuse_what_is_not_an_object() -> None:
    from wenming.errors import FormatError
    from wenming.points import PointsScheme
    from wenming.points.entries import entry_from_dict

    readers: list[Callable[[Any], object]] = [PointsScheme.from_dict, entry_from_dict]
    values: list[Any] = ["x", 5, None, ["kind", "earn"]]
    for reader in readers:
        for value in values:
            with pytest.raises(FormatError, match="JSON object"):
                reader(value)


# ---------------------------------------------------------------------------- second campaign
# Found by an outside fuzz run of network files, ledger files, taxonomies, CLI
# arguments and generator options (2026-11-29).

DEEP_JSON = "[" * 100_000


def test_a_version_1_file_whose_divisions_is_not_a_list() -> None:
    # serialization._v1_to_v2 iterated data["divisions"]: bare TypeError.
    from wenming import loads
    from wenming.errors import FormatError

    text = '{"format": "wenming.network", "version": 1, "divisions": 5, "sites": []}'
    with pytest.raises(FormatError, match=r"\$\.divisions: expected a list"):
        loads(text)


def test_a_ledger_whose_scheme_is_nested_too_deeply(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # SqliteStore.open caught ValueError/FormatError only: bare RecursionError.
    path = _damaged(tmp_path, ("UPDATE meta SET value=? WHERE name='scheme'", (DEEP_JSON,)))
    with pytest.raises(LedgerFileError, match="nested too deeply"):
        Ledger.open(path)
    _one_line_error(*_cli(["ledger", "verify", str(path)], capsys))


def test_a_taxonomy_nested_too_deeply(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Taxonomy.loads / from_toml caught decode errors only: bare RecursionError.
    from wenming.errors import FormatError
    from wenming.taxonomy import Taxonomy

    with pytest.raises(FormatError, match="JSON is nested too deeply"):
        Taxonomy.loads(DEEP_JSON)
    with pytest.raises(FormatError, match="TOML is nested too deeply"):
        Taxonomy.from_toml("x = " + DEEP_JSON)
    for name, text in (("deep.json", DEEP_JSON), ("deep.toml", "x = " + DEEP_JSON)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        _one_line_error(*_cli(["taxonomy", str(path)], capsys))


def test_cli_ledger_scheme_and_batch_that_cannot_be_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # points/cli.py: Path.is_file() raised ENAMETOOLONG; json.loads raised RecursionError
    # on a deep scheme file and on a deep batch line.
    deep = tmp_path / "deep.json"
    deep.write_text('{"a":' * 50_000, encoding="utf-8")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(DEEP_JSON + "\n", encoding="utf-8")
    ledger = _ledger(tmp_path / "x.ledger")
    long_name = ["ledger", "init", "--scheme", "s" * 100_000, str(tmp_path / "a.ledger")]
    status, err = _cli(long_name, capsys)
    _one_line_error(status, err)
    assert len(err) < 500  # the name is shortened, not echoed whole
    _one_line_error(
        *_cli(["ledger", "init", "--scheme", str(deep), str(tmp_path / "b.ledger")], capsys)
    )
    _one_line_error(*_cli(["ledger", "post", str(ledger), "--batch", str(batch)], capsys))
    # a device is refused before it is read (it read until memory ran out)
    status, err = _cli(["ledger", "post", str(ledger), "--batch", "/dev/zero"], capsys)
    _one_line_error(status, err)
    assert "it is a device, not a file" in err
    assert not (tmp_path / "a.ledger").exists()
    assert not (tmp_path / "b.ledger").exists()


@pytest.mark.parametrize(
    "option",
    [
        {"villages_per_town": 2},
        {"villages_per_town": (5, 2)},
        {"villages_per_town": (-3, -1)},
        {"points_per_station": (1, 1)},
        {"points_per_station": float("nan")},
        {"community_share": None},
        {"community_share": 1.5},
        {"volunteers_per_station": 3},
        {"participants": "x"},
        {"sector_brigades": (1,)},
        {"second_team_share": -0.1},
        {"activities_per_station_month": "1"},
        {"teams": "yes"},
        {"responsibility": 1},
        {"year": "2023"},
        {"year": 2019},
        # beyond what codes have room for, or a network that would never end (review)
        {"villages_per_town": (1000, 1000)},
        {"villages_per_town": (300, 300)},
        {"points_per_station": 1e300},
        {"activities_per_station_month": 1e300},
    ],
)
def test_generate_options_of_the_wrong_shape(option: dict[str, Any]) -> None:
    # testing.generate passed overrides on unchecked: bare TypeError/ValueError deep
    # in the generators (rng.randint(*2), int((1, 1)), date("2023" - 1) ...).
    from wenming.errors import InvariantError

    (name,) = option
    with pytest.raises(InvariantError, match=f"^{name} must be"):
        generate("county", seed=1, **option)


@pytest.mark.parametrize("store", ["memory", "sqlite"])
def test_stock_and_prices_beyond_what_a_ledger_holds(tmp_path: Path, store: str) -> None:
    # add_stock had no upper bound: SQLite's bare OverflowError past 2**63 (the memory
    # store took it). Now both refuse by name, and nothing is written.
    from wenming.errors import InvariantError
    from wenming.points import STOCK_LIMIT

    if store == "memory":
        ledger = Ledger.in_memory(conduct_card())
    else:
        ledger = Ledger.create(tmp_path / "s.ledger", conduct_card())
    soap = Item(code="soap", name="皂", price=5)
    ledger.add_stock(soap, STOCK_LIMIT - 1)
    with pytest.raises(InvariantError, match="would be 1,000,000,000,001"):
        ledger.add_stock(soap, 2)
    with pytest.raises(InvariantError, match="from 0 to 1,000,000,000,000"):
        ledger.add_stock(soap, 2**63)
    with pytest.raises(InvariantError, match="price of 'gold' must be at most"):
        ledger.add_stock(Item(code="gold", name="金", price=2**63), 1)
    assert [(line.item.code, line.stock) for line in ledger.items()] == [("soap", STOCK_LIMIT - 1)]


def test_totals_by_an_unknown_period() -> None:
    # Ledger.totals_by_period: Period("week") -> bare ValueError from enum.
    from wenming.errors import InvariantError

    ledger = Ledger.in_memory(conduct_card())
    with pytest.raises(InvariantError, match="period 'week' is not one of: month, quarter"):
        ledger.totals_by_period("week")


def test_select_counties_given_a_number() -> None:
    # divisions._selection iterated over an int: bare TypeError.
    from wenming import Division, DivisionCodeError, DivisionTable

    table = DivisionTable.of("t", [Division(code="61", name="陕西省")])
    with pytest.raises(DivisionCodeError, match="not int"):
        table.select(61)  # type: ignore[arg-type]


def test_paths_the_file_system_cannot_encode(tmp_path: Path) -> None:
    # A str path with a lone surrogate: bare UnicodeEncodeError from every file call.
    from wenming import FileAccessError, Network, dump, load, load_records, validate_file
    from wenming.datasets.national import national_table
    from wenming.taxonomy import Taxonomy, default_taxonomy

    bad = str(tmp_path / "\ud800")
    calls: list[Callable[[], object]] = [
        lambda: load(bad + ".json"),
        lambda: load_records(bad + ".json"),
        lambda: validate_file(bad + ".json"),
        lambda: dump(Network(), bad + ".json"),
        lambda: Ledger.open(bad + ".ledger"),
        lambda: Ledger.create(bad + ".ledger", conduct_card()),
        lambda: national_table(bad),
        lambda: Taxonomy.load(bad + ".json"),
        lambda: default_taxonomy().save(bad + ".json"),
    ]
    for call in calls:
        with pytest.raises(FileAccessError, match="cannot encode") as caught:
            call()
        str(caught.value).encode("utf-8")  # the message itself prints anywhere
    assert list(tmp_path.iterdir()) == []


def test_a_taxonomy_is_saved_whole_or_not_at_all(tmp_path: Path) -> None:
    # Taxonomy.save wrote with Path.write_text: an error half-way left half a file.
    from wenming.taxonomy import Taxonomy, default_taxonomy

    path = tmp_path / "t.json"
    path.write_text("old", encoding="utf-8")

    taxonomy = default_taxonomy()

    def broken(self: Taxonomy) -> str:
        return '{"categories": "\ud800"}'  # fails only when encoded, as the file is written

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Taxonomy, "dumps", broken)
        with pytest.raises(UnicodeEncodeError):
            taxonomy.save(path)
    assert path.read_text(encoding="utf-8") == "old"
    taxonomy.save(path)
    assert Taxonomy.load(path) == taxonomy


def test_cli_ledger_lookups_of_an_account_that_cannot_be_stored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A non-UTF-8 byte in argv becomes a lone surrogate: sqlite3's bare UnicodeEncodeError.
    from wenming.errors import InvariantError

    path = _ledger(tmp_path / "x.ledger")
    for argv in (["ledger", "history", str(path), "\udcff"], ["ledger", "balance", str(path)]):
        if argv[1] == "balance":
            argv.append("\udcff")
        _one_line_error(*_cli(argv, capsys))
    ledger = Ledger.open(path)
    with pytest.raises(InvariantError, match="lone surrogate"):
        ledger.history("\udcff")
    ledger.close()


def test_cli_refuses_a_device_and_survives_a_stream_larger_than_memory(tmp_path: Path) -> None:
    # `wenming summary /dev/zero` read until MemoryError: a bare traceback (exit 1), after
    # filling memory. A device is now refused before reading; an endless stream through
    # a pipe still ends in a one-line error when memory runs out.
    import resource
    import subprocess
    import sys

    for command in ("summary", "validate", "teams", "scorecard", "activities", "taxonomy"):
        done = subprocess.run(
            [sys.executable, "-m", "wenming", command, "/dev/zero"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert (
            done.stderr
            == "wenming: error: /dev/zero: cannot read the file: it is a device, not a file\n"
        )

    limit = 1 << 30

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    writer = subprocess.Popen(["head", "-c", str(3 << 30), "/dev/zero"], stdout=subprocess.PIPE)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "wenming", "summary", "/dev/stdin"],
            stdin=writer.stdout,
            capture_output=True,
            text=True,
            preexec_fn=cap,
            timeout=300,
        )
    finally:
        assert writer.stdout is not None
        writer.stdout.close()
        writer.kill()
        writer.wait()
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("wenming: error: out of memory"), done.stderr


@pytest.mark.parametrize("dates", [dt.date(2023, 1, 1), "2023-01-01", 5, None])
def test_coverage_series_given_one_date_instead_of_a_list(dates: Any) -> None:
    # coverage_series(net, dates=<a date>): bare "TypeError: 'datetime.date' object is not
    # iterable" (a str was read as a list of one-character dates).
    from wenming import coverage_series
    from wenming.datasets import ziyang
    from wenming.errors import InvariantError

    with pytest.raises(InvariantError, match="dates must be a list of dates"):
        coverage_series(ziyang(), dates)


def test_generate_options_of_other_number_types_are_taken() -> None:
    # The checks read numbers by kind, not by Python class: a Fraction share, a
    # numpy integer range and a numpy float mean work as their plain equivalents.
    from fractions import Fraction

    from wenming import validate

    plain = generate("county", seed=3, villages_per_town=(2, 3), community_share=0.25)
    other = generate("county", seed=3, villages_per_town=[2, 3], community_share=Fraction(1, 4))
    assert wenming_dumps(other) == wenming_dumps(plain)
    np = pytest.importorskip("numpy")
    typed = generate(
        "county",
        seed=3,
        villages_per_town=(np.int64(2), np.int64(3)),
        community_share=np.float64(0.25),
    )
    assert wenming_dumps(typed) == wenming_dumps(plain)
    assert validate(typed) == ()


def wenming_dumps(net: Any) -> str:
    from wenming import dumps

    return dumps(net)
