"""Activities per town per month in one pass, against a plain dict accumulation.

Run: python benchmarks/bench_activities.py [--quick] [--activities N] [--counties C] [--repeat R]

A synthetic network (``wenming.testing.factories.synthetic_network``) gets N
activities hosted by its Institutes, Stations and Points on days of 2023 (half of
them with a time of day). The floor, measured in the same run, accumulates a
plain dict over the same (site, start) tuples with a prepared site → town dict:
``counts[(town[site], start.year, start.month)] += 1``. The library is
``activity_counts(network, by=("town", "month"))``, including building its site →
town look-up and the result table. The target (issue 8) is a ratio of at most 2 at
10,000,000 activities over a national network; the default is 1,000,000 (full
size: ``--activities 10000000 --counties 2850``, about 6 GB of memory).

Memory per activity is the growth of the process's resident memory while the
activities are built and added to the network, divided by N.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import random
import time
from collections.abc import Sequence
from typing import Any

from wenming.activities import Activity, site_towns
from wenming.activity_queries import activity_counts
from wenming.network import Network
from wenming.testing.factories import synthetic_network

CONTENT = ("theory", "policy", "law", "culture", "health", "thrift", "elderly_frail")


def rss() -> int:
    """Resident memory of this process, in bytes (Linux; 0 elsewhere)."""
    try:
        with open(f"/proc/{os.getpid()}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return 0


def make_activities(net: Network, n: int, seed: int = 0) -> list[Activity]:
    """N activities on random non-Centre sites and days of 2023 (dates shared)."""
    rng = random.Random(seed)
    hosts = [s.id for s in net.table("sites").values() if s.kind.value != "centre"]
    days = [dt.date(2023, 1, 1) + dt.timedelta(days=d) for d in range(365)]
    moments = [dt.datetime.combine(d, dt.time(9)) for d in days]
    cats = [frozenset({c}) for c in CONTENT]
    out = []
    append = out.append
    for i in range(n):
        d = rng.randrange(365)
        append(
            Activity(
                id=f"a{i}",
                title="志愿服务",
                start=moments[d] if i & 1 else days[d],
                site=hosts[rng.randrange(len(hosts))],
                categories=cats[i % len(cats)],
            )
        )
    return out


def floor(tuples: list[tuple[str, Any]], town: dict[str, Any]) -> dict[tuple[Any, ...], int]:
    """The plain accumulation over (site, start) tuples."""
    counts: dict[tuple[Any, ...], int] = {}
    get = counts.get
    for site, start in tuples:
        k = (town[site], start.year, start.month)
        counts[k] = get(k, 0) + 1
    return counts


def best(fn: Any, repeat: int) -> tuple[float, Any]:
    """The fastest of ``repeat`` runs (seconds) and the last result."""
    times = []
    result = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 activities, 5 counties")
    parser.add_argument("--activities", type=int, default=1_000_000)
    parser.add_argument("--counties", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    n, counties = (20_000, 5) if args.quick else (args.activities, args.counties)

    t0 = time.perf_counter()
    net = synthetic_network(counties=counties, villages_per_town=(4, 8), points_per_station=0.3)
    sites = len(net.table("sites"))
    print(f"network: {counties} counties, {sites:,} sites ({time.perf_counter() - t0:.1f} s)")

    gc.collect()
    before = rss()
    t0 = time.perf_counter()
    acts = make_activities(net, n)
    net.add_all(acts)
    built = time.perf_counter() - t0
    gc.collect()
    per = (rss() - before) / n
    print(f"activities: {n:,} built and added in {built:.1f} s; ~{per:.0f} bytes per activity")

    tuples = [(a.site, a.start) for a in acts]
    del acts
    town = site_towns(net)
    t_floor, expected = best(lambda: floor(tuples, town), args.repeat)
    t_lib, table = best(lambda: activity_counts(net, by=("town", "month")), args.repeat)

    assert sum(table.column("activities")) == n == sum(expected.values())
    assert len(table) == len(expected)
    ratio = t_lib / t_floor
    print(f"{'':<34} {'seconds':>8} {'per activity':>13}")
    print(f"{'floor: dict over (site, start)':<34} {t_floor:>8.3f} {t_floor / n * 1e9:>10.0f} ns")
    print(f"{'activity_counts(town, month)':<34} {t_lib:>8.3f} {t_lib / n * 1e9:>10.0f} ns")
    print(f"ratio {ratio:.2f} (target <= 2); {len(table):,} (town, month) rows")
    return 0 if ratio <= 2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
