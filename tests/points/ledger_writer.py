"""A writer process for the durability tests (run as a script; importing it does nothing).

``python ledger_writer.py append FILE PREFIX COUNT BATCH ACCOUNTS``
    Wait for a line on stdin (a start signal), then append COUNT adjustments in
    batches of BATCH, keyed ``PREFIX-<i>``, to accounts ``acct-<i % ACCOUNTS>``
    with ``points(i)`` points each. Prints ``done`` at the end.
``python ledger_writer.py crash FILE COMMITTED BATCH ACCOUNTS``
    Append COMMITTED entries in batches of BATCH (printing ``committed N`` after
    each), then start one more large batch and, once SQLite has written 5,000 of
    its rows inside the open transaction, print ``in-batch`` and hang until killed.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import sys
import time

from wenming.points import Adjust, Entry, Ledger
from wenming.points.store_sqlite import SqliteStore

AT = dt.datetime(2024, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def points(i: int) -> int:
    """Points of entry ``i``: 1 to 7, so balances differ from plain counts."""
    return i % 7 + 1


def entries(prefix: str, start: int, stop: int, accounts: int) -> list[Entry]:
    """Adjustments ``prefix-start`` … ``prefix-(stop-1)``."""
    return [
        Adjust(
            key=f"{prefix}-{i}",
            account=f"acct-{i % accounts}",
            points=points(i),
            reason="durability test",
            at=AT,
            operator="writer",
        )
        for i in range(start, stop)
    ]


def append(path: str, prefix: str, count: int, batch: int, accounts: int) -> None:
    """Append ``count`` entries in batches, after a start signal on stdin."""
    with Ledger.open(path) as ledger:
        print("ready", flush=True)
        sys.stdin.readline()
        for start in range(0, count, batch):
            ledger.append_all(entries(prefix, start, min(start + batch, count), accounts))
    print("done", flush=True)


def crash(path: str, committed: int, batch: int, accounts: int) -> None:
    """Commit some batches, then hang inside a large batch's open transaction."""
    with Ledger.open(path) as ledger:
        for start in range(0, committed, batch):
            ledger.append_all(entries("ok", start, start + batch, accounts))
            print(f"committed {start + batch}", flush=True)
        store = ledger.store
        assert isinstance(store, SqliteStore)
        conn: sqlite3.Connection = store._conn
        base = conn.total_changes

        def pause() -> int:
            if conn.total_changes - base >= 5000:
                print("in-batch", flush=True)
                time.sleep(600)
            return 0

        conn.set_progress_handler(pause, 1000)
        ledger.append_all(entries("killed", 0, 20_000, accounts))
        print("finished the batch: the test failed to kill it", flush=True)


def main(argv: list[str]) -> None:
    """Dispatch on the first argument."""
    if argv[0] == "append":
        append(argv[1], argv[2], int(argv[3]), int(argv[4]), int(argv[5]))
    elif argv[0] == "crash":
        crash(argv[1], int(argv[2]), int(argv[3]), int(argv[4]))
    else:
        raise SystemExit(f"unknown mode {argv[0]!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
