"""Hours per volunteer (corrections applied) against a plain dict accumulation over tuples.

Run: python benchmarks/bench_service.py [--quick] [--full] [--volunteers N] [--records M]

The network holds N volunteers and M service records, about 2% of them
corrections superseding an earlier record. The floor, measured in the same run,
accumulates minutes per volunteer in a plain ``dict`` over tuples of the same
fields (id, volunteer, minutes, supersedes), skipping the superseded ones found
with a set built in the same pass. The library is
``wenming.service.minutes_by_volunteer`` — cold (its corrections index built in
the run) and warm (index kept). The target (issue 7) is a ratio of at most 2 at
1,000,000 volunteers and 10,000,000 records (``--full``; the default is 100,000
and 1,000,000). Peak memory per record is reported against a tuple of the
same fields (tracemalloc, 100,000 of each).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import random
import time
import tracemalloc
from collections.abc import Sequence
from typing import Any

from wenming.divisions import Division
from wenming.network import Network
from wenming.service import ServiceRecord, minutes_by_volunteer
from wenming.volunteers import Volunteer

START = dt.date(2023, 1, 2)
DAYS = [START + dt.timedelta(days=d) for d in range(365)]


def build(volunteers: int, records: int, seed: int = 0) -> tuple[Network, list[tuple[Any, ...]]]:
    """The network and the same records as tuples (id, volunteer, minutes, supersedes)."""
    rng = random.Random(seed)
    ids = [f"V{k:08d}" for k in range(volunteers)]
    people = [Volunteer(id=v, name="志愿者", registered=START) for v in ids]
    rows: list[ServiceRecord] = []
    tuples: list[tuple[Any, ...]] = []
    corrections = records // 50
    for n in range(records - corrections):
        day = DAYS[rng.randrange(365)]
        rid = f"R{n:09d}"
        r = ServiceRecord(
            id=rid,
            volunteer=ids[rng.randrange(volunteers)],
            activity="A" + str(n % 1000),
            date=day,
            minutes=rng.randrange(30, 240),
            recorded=day,
        )
        rows.append(r)
        tuples.append((rid, r.volunteer, r.minutes, None))
    for n in range(corrections):
        old = rows[rng.randrange(len(rows) - corrections)]
        rid = f"C{n:09d}"
        if any(t[3] == old.id for t in tuples[-3:]):
            continue
        r = ServiceRecord(
            id=rid,
            volunteer=old.volunteer,
            activity=old.activity,
            date=old.date,
            minutes=old.minutes + 15,
            recorded=old.recorded,
            supersedes=old.id,
        )
        rows.append(r)
        tuples.append((rid, r.volunteer, r.minutes, old.id))
    net = Network(name="bench")
    net.add_all([Division(code="610924", name="紫阳县"), *people, *rows])
    return net, tuples


def floor(tuples: list[tuple[Any, ...]]) -> dict[str, int]:
    """The plain accumulation, corrections applied."""
    superseded = {t[3] for t in tuples if t[3] is not None}
    totals: dict[str, int] = {}
    get = totals.get
    for rid, volunteer, minutes, _ in tuples:
        if rid not in superseded:
            totals[volunteer] = get(volunteer, 0) + minutes
    return totals


def memory(n: int = 100_000) -> tuple[float, float]:
    """Peak bytes per ServiceRecord and per tuple of the same fields."""
    day = START
    gc.collect()
    tracemalloc.start()
    records = [
        ServiceRecord(
            id=f"R{k:09d}",
            volunteer=f"V{k:08d}",
            activity="A",
            date=day,
            minutes=60,
            recorded=day,
        )
        for k in range(n)
    ]
    per_record = tracemalloc.get_traced_memory()[1] / n
    tracemalloc.stop()
    del records
    gc.collect()
    tracemalloc.start()
    tuples = [
        (
            f"R{k:09d}",
            f"V{k:08d}",
            "A",
            day,
            None,
            60,
            day,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
        )
        for k in range(n)
    ]
    per_tuple = tracemalloc.get_traced_memory()[1] / n
    tracemalloc.stop()
    del tuples
    return per_record, per_tuple


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the sizes, the times and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 volunteers, 100,000 records")
    parser.add_argument("--full", action="store_true", help="1,000,000 and 10,000,000")
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs")
    args = parser.parse_args(argv)
    volunteers, records = args.volunteers, args.records
    if args.quick:
        volunteers, records = 10_000, 100_000
    if args.full:
        volunteers, records = 1_000_000, 10_000_000
    t0 = time.perf_counter()
    net, tuples = build(volunteers, records)
    print(
        f"network: {volunteers:,} volunteers, {len(tuples):,} service records "
        f"({sum(t[3] is not None for t in tuples):,} corrections), built in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    best_floor = best_cold = best_warm = float("inf")
    expected = floor(tuples)
    for _ in range(args.repeat):
        gc.collect()
        t = time.perf_counter()
        floor(tuples)
        best_floor = min(best_floor, time.perf_counter() - t)
        net._drop_indexes()
        gc.collect()
        t = time.perf_counter()
        got = minutes_by_volunteer(net)
        best_cold = min(best_cold, time.perf_counter() - t)
        t = time.perf_counter()
        minutes_by_volunteer(net)
        best_warm = min(best_warm, time.perf_counter() - t)
    assert got == expected, "the library and the floor disagree"
    print(f"floor (dict over tuples):           {best_floor:.3f} s")
    for label, best in (("cold index", best_cold), ("warm index", best_warm)):
        print(f"minutes_by_volunteer, {label}:   {best:.3f} s   ratio {best / best_floor:.2f}")
    per_record, per_tuple = memory()
    print(
        f"peak memory per record: ServiceRecord {per_record:.0f} B, tuple of the same 16 "
        f"fields {per_tuple:.0f} B (ratio {per_record / per_tuple:.2f})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
