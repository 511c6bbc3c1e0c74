"""The SQLite store: file checks, persistence, and tampering found by verify()."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from wenming.errors import FileAccessError, FormatError, Issue, VersionError
from wenming.points import (
    Adjust,
    Item,
    Ledger,
    LedgerBusyError,
    LedgerFileError,
    conduct_card,
)
from wenming.points.store import chain_hash
from wenming.points.store_sqlite import APPLICATION_ID, SqliteStore

CST = dt.timezone(dt.timedelta(hours=8))
AT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=CST)


def filled(path: Path, n: int = 10) -> Path:
    with Ledger.create(path, conduct_card()) as ledger:
        ledger.open_accounts(["hh-1", "hh-2"], at=AT, operator="t")
        ledger.append_all(
            Adjust(
                key=f"k{i}",
                account=f"hh-{i % 2 + 1}",
                points=i + 1,
                reason="r",
                at=AT,
                operator="t",
            )
            for i in range(n)
        )
    return path


def raw(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    with conn:
        for statement in sql:
            conn.execute(statement)
    conn.close()


def codes(issues: tuple[Issue, ...]) -> set[str]:
    return {i.code for i in issues}


def test_a_ledger_file_persists_and_reopens(tmp_path: Path) -> None:
    path = filled(tmp_path / "v.ledger")
    with Ledger.open(path) as ledger:
        assert ledger.scheme == conduct_card()
        assert ledger.balances() == {
            "hh-1": 100 + 1 + 3 + 5 + 7 + 9,
            "hh-2": 100 + 2 + 4 + 6 + 8 + 10,
        }
        assert len(ledger) == 12
        assert ledger.verify() == ()
        ledger.add_stock(Item(code="soap", name="皂", price=4), 2)
    with Ledger.open(path) as ledger:
        assert ledger.items()[0].stock == 2
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_create_never_overwrites(tmp_path: Path) -> None:
    path = filled(tmp_path / "v.ledger")
    size = path.stat().st_size
    with pytest.raises(FileAccessError, match="never overwritten"):
        Ledger.create(path, conduct_card())
    assert path.stat().st_size == size
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_what_a_killed_creation_left_is_cleared_by_the_next_open(tmp_path: Path) -> None:
    """A creation killed after linking the file into place, before removing its temporary.

    The temporary name is then a second name of the live ledger (a hard link), with
    perhaps SQLite's companions beside it: opening the ledger clears them away, and
    so does the next attempt to create it. A temporary of a running process stays.
    """
    import subprocess
    import sys

    path = filled(tmp_path / "v.ledger")
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    second = tmp_path / f".v.ledger.{dead}.0a1b2c3d.tmp"
    os.link(path, second)
    (tmp_path / f"{second.name}-wal").write_bytes(b"")
    live = tmp_path / f".v.ledger.{os.getppid()}.0a1b2c3e.tmp"
    live.write_bytes(b"a creation under way")
    with Ledger.open(path) as ledger:
        entries = ledger.entries()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, "v.ledger"])
    with Ledger.open(path) as ledger:
        assert ledger.entries() == entries  # the ledger itself untouched
        assert ledger.verify() == ()
    os.link(path, second)
    with pytest.raises(FileAccessError, match="never overwritten"):
        Ledger.create(path, conduct_card())
    assert not second.exists()


def test_create_with_first_contents_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    path = tmp_path / "f.ledger"
    at = dt.datetime(2024, 3, 1, 9, tzinfo=dt.UTC)

    def fill(ledger: Ledger) -> None:
        ledger.open_accounts(["hh-1", "hh-2"], at=at, operator="op")
        assert not path.exists()  # not yet visible
        ledger.earn("hh-1", "filial-care", key="e1", at=at, operator="op")

    def failing(ledger: Ledger) -> None:
        fill(ledger)
        raise RuntimeError("the source records were wrong")

    with pytest.raises(RuntimeError):
        Ledger.create(path, conduct_card(), fill=failing)
    assert list(tmp_path.iterdir()) == []
    with Ledger.create(path, conduct_card(), fill=fill) as ledger:
        assert ledger.balances() == {"hh-1": 105, "hh-2": 100}
        assert ledger.verify() == ()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.ledger"]
    with pytest.raises(FileAccessError, match="never overwritten"):
        Ledger.create(path, conduct_card(), fill=fill)


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(FileAccessError, match="no such ledger file"):
        Ledger.open(tmp_path / "nope.ledger")
    assert not (tmp_path / "nope.ledger").exists()


def test_a_text_file_is_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("household points, written by hand\n" * 100)
    with pytest.raises(LedgerFileError, match="not a wenming ledger"):
        Ledger.open(path)


def test_another_sqlite_database_is_not_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw(path, "CREATE TABLE t (x)")
    with pytest.raises(LedgerFileError, match="SQLite database but not a wenming ledger") as info:
        Ledger.open(path)
    assert isinstance(info.value, FormatError)
    assert info.value.source == str(path)


def test_a_newer_schema_is_refused_clearly(tmp_path: Path) -> None:
    path = filled(tmp_path / "v.ledger")
    raw(path, "PRAGMA user_version = 2")
    with pytest.raises(VersionError, match="version 2 was written by a newer wenming"):
        Ledger.open(path)


def test_missing_tables_and_unreadable_scheme(tmp_path: Path) -> None:
    path = filled(tmp_path / "a.ledger")
    raw(path, "DROP TABLE balances")
    with pytest.raises(LedgerFileError, match="missing tables: balances"):
        Ledger.open(path)
    path = filled(tmp_path / "b.ledger")
    raw(path, "UPDATE meta SET value = '{' WHERE name = 'scheme'")
    with pytest.raises(LedgerFileError, match="scheme cannot be read"):
        Ledger.open(path)


def test_a_corrupted_file_fails_loudly(tmp_path: Path) -> None:
    path = filled(tmp_path / "v.ledger", n=2000)
    data = bytearray(path.read_bytes())
    assert len(data) > 8 * 4096
    data[3 * 4096 : 6 * 4096] = b"\xa5" * (3 * 4096)
    path.write_bytes(bytes(data))
    outcome = _verify_outcome(path)
    assert outcome != "clean"
    assert "damaged" in outcome or "issues" in outcome


def _verify_outcome(path: Path) -> str:
    try:
        with Ledger.open(path) as ledger:
            issues = ledger.verify()
    except LedgerFileError as exc:
        return str(exc)
    return f"{len(issues)} issues" if issues else "clean"


Tamper = Callable[[Path], None]


def _edit_body(path: Path) -> None:
    conn = sqlite3.connect(path)
    body = conn.execute("SELECT body FROM entries WHERE seq = 5").fetchone()[0]
    data = json.loads(body)
    data["points"] += 50
    with conn:
        conn.execute(
            "UPDATE entries SET body = ?, points = ? WHERE seq = 5",
            (json.dumps(data, sort_keys=True, separators=(",", ":")), data["points"]),
        )
    conn.close()


def _insert_forged_tail(path: Path) -> None:
    conn = sqlite3.connect(path)
    seq, prev = conn.execute("SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").fetchone()
    forged = Adjust(key="forged", account="hh-1", points=500, reason="r", at=AT, operator="t")
    from wenming.points.entries import canonical_bytes

    with conn:
        conn.execute(
            "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                seq + 1,
                "forged",
                "hh-1",
                "adjust",
                500,
                None,
                canonical_bytes(forged).decode(),
                prev,
                chain_hash(prev, seq + 1, forged),
            ),
        )
        conn.execute("UPDATE balances SET balance = balance + 500 WHERE account = 'hh-1'")
    conn.close()


def _insert_in_the_middle(path: Path) -> None:
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT * FROM entries WHERE seq = 4").fetchone()
    with conn:
        conn.execute("UPDATE entries SET seq = -seq WHERE seq >= 4")
        conn.execute("UPDATE entries SET seq = 1 - seq WHERE seq < 0")
        conn.execute(
            "INSERT INTO entries VALUES (4, 'extra', ?, ?, ?, ?, ?, ?, ?)",
            (row[2], row[3], row[4], row[5], row[6].replace('"k2"', '"extra"'), row[7], row[8]),
        )
    conn.close()


TAMPERING: dict[str, tuple[Tamper, set[str]]] = {
    "edit a row's content": (_edit_body, {"hash-mismatch", "balance-mismatch"}),
    "edit a column only": (
        lambda p: raw(p, "UPDATE entries SET points = 999 WHERE seq = 3"),
        {"row-mismatch"},
    ),
    "delete a row": (
        lambda p: raw(p, "DELETE FROM entries WHERE seq = 4"),
        {"sequence-gap", "chain-broken", "head-mismatch", "balance-mismatch"},
    ),
    "delete the last row": (
        lambda p: raw(p, "DELETE FROM entries WHERE seq = (SELECT max(seq) FROM entries)"),
        {"head-mismatch", "balance-mismatch"},
    ),
    "insert a forged row with a valid link": (_insert_forged_tail, {"head-mismatch"}),
    "insert a row in the middle": (
        _insert_in_the_middle,
        {"chain-broken", "hash-mismatch", "head-mismatch", "balance-mismatch"},
    ),
    "edit a balance": (
        lambda p: raw(p, "UPDATE balances SET balance = 1000 WHERE account = 'hh-2'"),
        {"balance-mismatch"},
    ),
}


@pytest.mark.parametrize("name", list(TAMPERING))
def test_tampering_is_detected(tmp_path: Path, name: str) -> None:
    tamper, expected = TAMPERING[name]
    path = filled(tmp_path / "v.ledger")
    with Ledger.open(path) as ledger:
        assert ledger.verify() == ()
    tamper(path)
    with Ledger.open(path) as ledger:
        found = ledger.verify()
    assert expected <= codes(found), found
    assert all(i.severity == "error" and i.message for i in found)


def test_a_busy_file_gives_up_cleanly(tmp_path: Path) -> None:
    path = filled(tmp_path / "v.ledger")
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        store = SqliteStore.open(path, timeout=0.01, retries=3)
        ledger = Ledger(store)
        with pytest.raises(LedgerBusyError, match="3 attempts") as info:
            ledger.adjust("hh-1", 5, "r", key="new", at=AT, operator="t")
        assert isinstance(info.value, TimeoutError)
        ledger.close()
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    with Ledger.open(path) as ledger:
        assert len(ledger) == 12


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores modes")
def test_a_read_only_file_is_a_file_access_error(tmp_path: Path) -> None:
    path = filled(tmp_path / "v.ledger")
    with Ledger.open(path) as ledger:
        assert len(ledger) == 12
    path.chmod(0o444)
    try:
        with Ledger.open(path) as ledger, pytest.raises(FileAccessError, match="cannot write"):
            ledger.adjust("hh-1", 5, "r", key="new", at=AT, operator="t")
    finally:
        path.chmod(0o644)


def test_a_second_reversal_smuggled_in_is_reported(tmp_path: Path) -> None:
    path = filled(tmp_path / "v.ledger")
    with Ledger.open(path) as ledger:
        ledger.reverse("k1", key="x1", at=AT, operator="t")
        count, head = ledger.head()
        assert count == len(ledger) == 13
        assert head == ledger.postings()[-1].hash
    from wenming.points import Reverse
    from wenming.points.entries import canonical_bytes

    second = Reverse(key="x2", account="hh-2", points=-2, reverses="k1", at=AT, operator="t")
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP INDEX entries_reverses")
        seq = count + 1
        digest = chain_hash(head, seq, second)
        conn.execute(
            "INSERT INTO entries VALUES (?, 'x2', 'hh-2', 'reverse', -2, 'k1', ?, ?, ?)",
            (seq, canonical_bytes(second).decode(), head, digest),
        )
        conn.execute("UPDATE meta SET value = ? WHERE name = 'head_seq'", (str(seq),))
        conn.execute("UPDATE meta SET value = ? WHERE name = 'head_hash'", (digest,))
        conn.execute("UPDATE balances SET balance = balance - 2 WHERE account = 'hh-2'")
    conn.close()
    with Ledger.open(path) as ledger:
        found = ledger.verify()
    assert codes(found) == {"bad-reversal"}
    assert "reverses 'k1' a second time" in found[0].message


def test_a_file_that_cannot_be_written_is_not_called_damaged() -> None:
    import sqlite3

    from wenming.points.store_sqlite import _access

    assert _access(sqlite3.OperationalError("attempt to write a readonly database"))
    assert _access(sqlite3.OperationalError("unable to open database file"))
    assert _access(sqlite3.OperationalError("disk I/O error"))
    assert not _access(sqlite3.DatabaseError("malformed database schema (balances)"))
    assert not _access(sqlite3.OperationalError("database is locked"))
