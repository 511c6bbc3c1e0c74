"""Benchmark: the points ledger, as ratios against baselines measured in the same run.

Run by hand; pytest never collects it (its testpaths are src, tests and docs)::

    python benchmarks/bench_points.py --quick            # 100,000 entries, 10,000 accounts
    python benchmarks/bench_points.py                    # 1,000,000 entries, 100,000 accounts
    python benchmarks/bench_points.py --keys random      # random idempotency keys instead

Targets (issue 9), each printed with PASS or MISS (the script never fails on a miss):

- **In-memory append** (``Ledger.append_all`` in batches of 10,000 on the in-memory
  store): within 2x of appending plain ``(key, account, points)`` tuples to a list
  while updating a balance dict; the best of three runs each, taken in turn. Also
  printed, for reference: the same floor plus a key -> entry dict, over the tuples
  and over the Entry objects themselves (no target): what a ledger that indexes
  every key as it appends could not go below.
- **SQLite append** in batches of 10,000, with the hash chain and the maintained
  balances: within 2x of a raw ``sqlite3`` ``executemany`` of the same entry rows
  (precomputed, hashes included) into the same schema with the same PRAGMAs, one
  transaction per batch.
- **Balance of one account**: constant time, read at 10^4, 10^5 and 10^6 entries.

Entries are :class:`~wenming.points.Earn` entries under two uncapped rules, spread
over the accounts at random (seeded), with timestamps one second apart. Keys are
time-ordered (``e000000000001``…) unless ``--keys random`` (seeded random hex):
ordered keys are appended at the right edge of the key index, random ones land all
over it, and SQLite ingests ordered keys several times faster. Entry objects and
baseline rows are built before timing; the cyclic GC is disabled while timing, for
the ledger and the baselines alike. Files go to a temporary folder (or ``--dir``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from wenming.points import Earn, Entry, Ledger, PointsScheme, Rule
from wenming.points.entries import canonical_bytes
from wenming.points.store import GENESIS, hash_content
from wenming.points.store_sqlite import APPLICATION_ID, SCHEMA, SCHEMA_VERSION

BATCH = 10_000
SEED = 2024
AT = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
SCHEME = PointsScheme(
    name="benchmark",
    owner="610924",
    rules=(
        Rule(code="volunteering", label="volunteering", points=3),
        Rule(code="reformed-customs", label="reformed customs", points=10),
    ),
)
TARGETS = {"memory-append": 2.0, "sqlite-append": 2.0}


@contextmanager
def no_gc() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def timed(task: Callable[[], Any]) -> float:
    with no_gc():
        start = time.perf_counter()
        task()
        return time.perf_counter() - start


def account_ids(accounts: int) -> list[str]:
    return [f"p{i:07d}" for i in range(accounts)]


def make_entries(count: int, accounts: int, keys: str) -> list[Entry]:
    rng = random.Random(SEED)
    ids = account_ids(accounts)
    rules = SCHEME.rules
    if keys == "ordered":
        names = [f"e{i:012d}" for i in range(count)]
    else:
        names = [f"{rng.getrandbits(64):016x}" for _ in range(count)]
    second = dt.timedelta(seconds=1)
    entries: list[Entry] = []
    for i in range(count):
        rule = rules[i % 2]
        entries.append(
            Earn(
                key=names[i],
                account=ids[rng.randrange(accounts)],
                points=rule.points,
                rule=rule.code,
                at=AT + i * second,
                operator="bench",
            )
        )
    return entries


def batches(entries: Sequence[Entry]) -> Iterator[Sequence[Entry]]:
    for start in range(0, len(entries), BATCH):
        yield entries[start : start + BATCH]


# ------------------------------------------------------------------- in memory


def bench_memory(entries: Sequence[Entry], accounts: int, repeat: int = 3) -> dict[str, float]:
    chunks = list(batches(entries))

    def append_all(ledger: Ledger) -> Callable[[], None]:
        def run() -> None:
            for chunk in chunks:
                ledger.append_all(chunk)

        return run

    rows = [(e.key, e.account, e.points) for e in entries]
    kept: list[tuple[str, str, int]] = []
    balances: dict[str, int] = {}

    def baseline() -> None:
        append = kept.append
        get = balances.get
        for row in rows:
            append(row)
            balances[row[1]] = get(row[1], 0) + row[2]

    def keyed(
        source: Sequence[Any], read: Callable[[Any], tuple[str, str, int]]
    ) -> Callable[[], None]:
        """The floor plus the one index no idempotent ledger can skip: key -> entry."""

        def run() -> None:
            log: list[Any] = []
            by_key: dict[str, Any] = {}
            sums: dict[str, int] = {}
            append, get = log.append, sums.get
            for item in source:
                key, account, points = read(item)
                if key in by_key:
                    break
                by_key[key] = item
                append(item)
                sums[account] = get(account, 0) + points

        return run

    # the best of ``repeat`` runs each, the ledger's and the floor's taken in turn;
    # each ledger run appends every entry to a new ledger (opened untimed)
    ours_times: list[float] = []
    floor_times: list[float] = []
    ledger: Ledger | None = None
    for _ in range(repeat):
        ledger = None  # the last run's ledger goes before the next one is opened
        ledger = Ledger.in_memory(SCHEME)
        ledger.open_accounts(account_ids(accounts), at=AT, operator="bench")
        ours_times.append(timed(append_all(ledger)))
        kept.clear()
        balances.clear()
        floor_times.append(timed(baseline))
    assert ledger is not None
    result = {
        "ours": min(ours_times),
        "baseline": min(floor_times),
        "keyed-tuples": timed(keyed(rows, lambda row: row)),
        "keyed-entries": timed(keyed(entries, lambda e: (e.key, e.account, e.points))),
    }
    first = entries[0].account
    result["first-history"] = timed(lambda: ledger.history(first))  # indexes every entry
    result["next-history"] = min(timed(lambda: ledger.history(first)) for _ in range(5))
    assert len(ledger) == len(entries) == len(kept)
    assert ledger.balances() == {a: balances.get(a, 0) for a in account_ids(accounts)}
    return result


# ---------------------------------------------------------------------- SQLite


def raw_rows(entries: Sequence[Entry]) -> list[tuple[object, ...]]:
    """The rows the ledger writes for ``entries`` (hash chain included), precomputed."""
    rows: list[tuple[object, ...]] = []
    prev = GENESIS
    for seq, entry in enumerate(entries, 1):
        body = canonical_bytes(entry)
        digest = hash_content(prev, seq, body)
        rows.append(
            (
                seq,
                entry.key,
                entry.account,
                entry.kind,
                entry.points,
                None,
                body.decode(),
                prev,
                digest,
            )
        )
        prev = digest
    return rows


def raw_database(path: Path, accounts: int) -> sqlite3.Connection:
    """The ledger's schema and PRAGMAs in a plain file, accounts and balances filled in."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("BEGIN IMMEDIATE")
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    ids = account_ids(accounts)
    conn.executemany(
        "INSERT INTO accounts VALUES (?, ?, 'person', '2024-01-01')", [(a, a) for a in ids]
    )
    conn.executemany("INSERT INTO balances VALUES (?, 0)", [(a,) for a in ids])
    conn.execute("COMMIT")
    return conn


def bench_sqlite(
    entries: Sequence[Entry], accounts: int, folder: Path
) -> tuple[dict[str, float], dict[int, dict[str, float]]]:
    path = folder / "bench.ledger"
    for leftover in folder.glob("bench.ledger*"):
        leftover.unlink()
    ledger = Ledger.create(path, SCHEME)
    ledger.open_accounts(account_ids(accounts), at=AT, operator="bench")
    probe = entries[0].account
    checkpoints = {n for n in (10_000, 100_000, 1_000_000) if n <= len(entries)}
    balance_reads: dict[int, dict[str, float]] = {}
    spent = 0.0
    for chunk in batches(entries):
        spent += timed(lambda chunk=chunk: ledger.append_all(chunk))  # type: ignore[misc]
        size = len(ledger)
        if size in checkpoints:
            balance_reads[size] = {"sqlite": read_balance(ledger, probe)}
    ledger.close()

    raw_path = folder / "raw.sqlite"
    for leftover in folder.glob("raw.sqlite*"):
        leftover.unlink()
    conn = raw_database(raw_path, accounts)
    rows = raw_rows(entries)

    def baseline() -> None:
        for start in range(0, len(rows), BATCH):
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(
                "INSERT INTO entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows[start : start + BATCH],
            )
            conn.execute("COMMIT")

    floor = timed(baseline)
    conn.close()
    return {"ours": spent, "baseline": floor}, balance_reads


def read_balance(ledger: Ledger, account: str, calls: int = 2000) -> float:
    """Median seconds of one ``ledger.balance(account)``."""
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        ledger.balance(account)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def bench_memory_balance(entries: Sequence[Entry], accounts: int) -> dict[int, float]:
    ledger = Ledger.in_memory(SCHEME)
    ledger.open_accounts(account_ids(accounts), at=AT, operator="bench")
    probe = entries[0].account
    reads: dict[int, float] = {}
    for chunk in batches(entries):
        ledger.append_all(chunk)
        if len(ledger) in (10_000, 100_000, 1_000_000):
            reads[len(ledger)] = read_balance(ledger, probe)
    return reads


# ------------------------------------------------------------------------ main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print a table (and write JSON with ``--json``); return 0."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 entries, 10,000 accounts")
    parser.add_argument("--entries", type=int, help="number of entries (default 1,000,000)")
    parser.add_argument("--accounts", type=int, help="number of accounts (default 100,000)")
    parser.add_argument("--keys", choices=["ordered", "random"], default="ordered")
    parser.add_argument("--dir", type=Path, help="folder for the SQLite files (default: temp)")
    parser.add_argument("--json", type=Path, metavar="OUT", help="also write results as JSON")
    args = parser.parse_args(argv)
    count = args.entries or (100_000 if args.quick else 1_000_000)
    accounts = args.accounts or (10_000 if args.quick else 100_000)

    print(
        f"wenming points benchmark: {count:,} entries over {accounts:,} accounts, "
        f"{args.keys} keys, batches of {BATCH:,}"
    )
    print(
        f"python {platform.python_version()}, sqlite {sqlite3.sqlite_version}, "
        f"{platform.machine()}"
    )
    t = time.perf_counter()
    entries = make_entries(count, accounts, args.keys)
    print(f"(built the entries in {time.perf_counter() - t:.1f} s, untimed)\n")

    results: dict[str, Any] = {"entries": count, "accounts": accounts, "keys": args.keys}
    memory = bench_memory(entries, accounts)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        sqlite, balance_reads = bench_sqlite(entries, accounts, Path(tmp))
    memory_reads = bench_memory_balance(entries, accounts)

    print(f"{'task':<16} {'ours s':>9} {'floor s':>9} {'µs/entry':>9} {'ratio':>7} {'target':>7}")
    for name, row in (("memory-append", memory), ("sqlite-append", sqlite)):
        ratio = row["ours"] / row["baseline"]
        verdict = "PASS" if ratio <= TARGETS[name] else "MISS"
        print(
            f"{name:<16} {row['ours']:>9.3f} {row['baseline']:>9.3f} "
            f"{row['ours'] / count * 1e6:>9.2f} {ratio:>7.2f} {TARGETS[name]:>6.1f}x {verdict}"
        )
        results[name] = {**row, "ratio": ratio, "target": TARGETS[name], "verdict": verdict}
    for floor, what in (
        ("keyed-tuples", "the floor plus a key -> entry dict (tuples)"),
        ("keyed-entries", "the same, reading the Entry objects"),
    ):
        print(
            f"  memory-append / {what}: {memory['ours'] / memory[floor]:.2f}x "
            f"(that floor is {memory[floor] / memory['baseline']:.2f}x the plain one)"
        )
    print(
        f"  in memory, the first history() after the appends indexes them all: "
        f"{memory['first-history']:.3f} s; the next ones {memory['next-history'] * 1e6:.0f} µs"
    )
    print()
    print(f"{'entries':>10} {'balance() SQLite µs':>20} {'balance() memory µs':>20}")
    for size in sorted(balance_reads):
        print(
            f"{size:>10,} {balance_reads[size]['sqlite'] * 1e6:>20.1f} "
            f"{memory_reads.get(size, float('nan')) * 1e6:>20.1f}"
        )
        balance_reads[size]["memory"] = memory_reads.get(size, float("nan"))
    sizes = sorted(balance_reads)
    if len(sizes) > 1:
        growth = balance_reads[sizes[-1]]["sqlite"] / balance_reads[sizes[0]]["sqlite"]
        verdict = "PASS" if growth < 2.0 else "MISS"
        print(
            f"balance at {sizes[-1]:,} vs {sizes[0]:,} entries: {growth:.2f}x "
            f"(constant time: under 2x) {verdict}"
        )
        results["balance-growth"] = {"ratio": growth, "verdict": verdict}
    results["balance-seconds"] = {str(k): v for k, v in balance_reads.items()}
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
