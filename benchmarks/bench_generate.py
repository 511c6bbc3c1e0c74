"""Benchmark: generating the national network, against plain dicts with the same choices.

Run by hand; pytest never collects it::

    python benchmarks/bench_generate.py            # the nation: ~1,000,000 sites
    python benchmarks/bench_generate.py --quick    # 60 counties, seconds

``wenming.testing.generate("nation", table=...)`` (sites only: no posts, teams
or volunteers at this scale) is timed against building the same number of
records as plain dicts, drawing the same random numbers in the same order (a
copy of the generator's loop that makes a dict where it makes a record). Both
run with the cyclic garbage collector paused, each in a fresh subprocess; peak
memory is the growth of the child's peak resident set over its size when the
step starts. The division tables are read from ``../shared/data/divisions-2023``
(or ``$WENMING_DIVISIONS``) when present, else the codes are made up.

Also reported: the load time of ``wenming.datasets.ziyang()`` and of
``national_table()`` in a fresh process.

Target (issue 11): generation within 3x of the dicts, in time and in peak memory.
The script prints PASS or MISS; it never fails on a miss.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TABLES = Path(os.environ.get("WENMING_DIVISIONS") or ROOT.parent / "shared/data/divisions-2023")
SEED = 2023
TARGET = 3.0


def _rss_kib() -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _table(counties: int | None) -> Any:
    if not TABLES.is_dir():
        return None
    from wenming.datasets.national import national_table

    table = national_table(TABLES)
    if counties is None:
        return table
    codes = sorted(d.code for d in table.values() if d.level.label == "county")[:counties]
    return table.select(codes)


def _dict_records(table: Any, counties: int | None) -> list[dict[str, Any]]:
    """The generator's loop (factories.synthetic_records), making dicts: same draws, same order."""
    from wenming.datasets.national import TownshipRole, counts_as_town, township_role
    from wenming.divisions import DivisionLevel
    from wenming.testing.factories import _synthetic_divisions, _table_divisions

    rng = random.Random(SEED)
    if table is None:
        divisions = _synthetic_divisions(rng, counties or 2850)
    else:
        kept = [d for d in table.values() if township_role(d) is not TownshipRole.PLACEHOLDER]
        from wenming.divisions import DivisionTable

        divisions = _table_divisions(DivisionTable.of(table.edition, kept), None)
    start = dt.date(2018, 7, 1)
    haves = ("place", "organisation", "projects", "facilities", "rules", "signage")
    hosts = ("school", "enterprise", "scenic_spot", "hospital", "square", "household", "other")
    out: list[dict[str, Any]] = []
    centre_of: dict[str, dict[str, Any]] = {}

    def established(parent: dict[str, Any]) -> dt.date | None:
        if rng.random() < 0.1:
            return None
        base = parent.get("established") or start
        day: dt.date = base + dt.timedelta(days=rng.randint(0, 700))
        return day

    def six() -> list[str] | None:
        if rng.random() < 0.3:
            return None
        return [h for h in haves if rng.random() < 0.85]

    for d in divisions:
        code = d.code
        if d.level is DivisionLevel.COUNTY:
            centre = {
                "kind": "centre",
                "id": f"C{code.short}",
                "name": f"{d.name}新时代文明实践中心",
                "division": code.short,
                "established": start + dt.timedelta(days=rng.randint(0, 400)),
                "six_haves": six(),
            }
            centre_of[code.county] = centre
            out.append(centre)
        elif d.level is DivisionLevel.TOWN:
            if table is None:
                if code.township_type.value == "statistical":  # type: ignore[union-attr]
                    continue
            elif not counts_as_town(d):
                continue
            parent = centre_of.get(code.county) or centre_of.get(code[:4] + "00")
            if parent is None:
                continue
            institute = {
                "kind": "institute",
                "id": f"I{code.short}",
                "name": f"{d.name}新时代文明实践所",
                "division": code.short,
                "parent": parent["id"],
                "established": established(parent),
                "six_haves": six(),
            }
            out.append(institute)
            communities = plain = 0
            for _ in range(rng.randint(12, 18)):  # the nation scale's villages per town
                if rng.random() < 0.2:
                    communities += 1
                    number, vname, urban = communities, f"{d.name}合成{communities}社区", "121"
                else:
                    plain += 1
                    number, vname, urban = 200 + plain, f"{d.name}合成{plain}村", "220"
                vcode = f"{code.short}{number:03d}"
                out.append(
                    {
                        "code": vcode,
                        "name": vname,
                        "urban_rural": urban,
                        "population": rng.randint(300, 5000),
                    }
                )
                station = {
                    "kind": "station",
                    "id": f"S{vcode}",
                    "name": f"{vname}新时代文明实践站",
                    "division": vcode,
                    "parent": institute["id"],
                    "established": established(institute),
                    "six_haves": six(),
                }
                out.append(station)
                points = int(0.6) + (rng.random() < 0.6 - int(0.6))
                for p in range(points):
                    host = rng.choice(hosts)
                    out.append(
                        {
                            "kind": "point",
                            "id": f"P{vcode}-{p + 1}",
                            "name": f"{vname}实践点{p + 1}",
                            "division": vcode,
                            "parent": station["id"],
                            "host": host,
                            "established": established(station),
                        }
                    )
    return out


def _child(task: str, counties: int | None) -> dict[str, Any]:
    """Run one task in this (fresh) process; return its measures."""
    import gc

    from wenming._gc import paused_gc

    if task == "ziyang":
        from wenming import datasets

        t = time.perf_counter()
        net = datasets.ziyang()
        return {"seconds": time.perf_counter() - t, "records": len(net)}
    if task == "national_table":
        from wenming.datasets.national import national_table

        if not TABLES.is_dir():
            return {"seconds": None}
        t = time.perf_counter()
        table = national_table(TABLES)
        return {"seconds": time.perf_counter() - t, "records": len(table)}
    table = _table(counties)
    gc.collect()
    base = _rss_kib()
    peak_base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    with paused_gc():
        if task == "dicts":
            rows = _dict_records(table, counties)
            sites = sum(1 for r in rows if "kind" in r)
        else:
            from wenming.testing.generators import generate, generate_records

            overrides: dict[str, Any] = {}
            if table is None and counties is not None:
                overrides["counties"] = counties
            if task == "records":
                records = generate_records("nation", seed=SEED, table=table, **overrides)
                sites = len(records.of("sites"))
            else:
                net = generate("nation", seed=SEED, table=table, **overrides)
                sites = len(net.sites)
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": seconds,
        "peak_mib": (max(peak, peak_base) - base) / 1024,
        "sites": sites,
    }


def _run(task: str, counties: int | None) -> dict[str, Any]:
    argv = [sys.executable, __file__, "--child", task]
    if counties is not None:
        argv += ["--counties", str(counties)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the table; return 0."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 counties instead of the nation")
    parser.add_argument("--counties", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    counties = args.counties if args.counties is not None else (60 if args.quick else None)
    if args.child:
        print(json.dumps(_child(args.child, counties)))
        return 0
    where = f"the {TABLES} tables" if TABLES.is_dir() else "made-up codes (no tables found)"
    scope = f"{counties} counties" if counties else "the nation"
    print(f"generate: {scope} on {where}, seed {SEED}")
    rows = {task: _run(task, counties) for task in ("dicts", "records", "network")}
    base = rows["dicts"]
    print(f"{'task':<34} {'sites':>10} {'seconds':>9} {'peak MiB':>9} {'time x':>7} {'mem x':>7}")
    labels = {
        "dicts": "plain dicts, same draws (floor)",
        "records": "generate_records (NetworkRecords)",
        "network": "generate (a checked Network)",
    }
    for task, row in rows.items():
        tx = row["seconds"] / base["seconds"]
        mx = row["peak_mib"] / base["peak_mib"] if base["peak_mib"] else float("nan")
        print(
            f"{labels[task]:<34} {row['sites']:>10,} {row['seconds']:>9.2f} "
            f"{row['peak_mib']:>9.0f} {tx:>6.2f}x {mx:>6.2f}x"
        )
    net = rows["network"]
    time_ok = net["seconds"] <= TARGET * base["seconds"]
    ok = time_ok and net["peak_mib"] <= TARGET * base["peak_mib"]
    print(f"generate vs dicts, time and peak memory <= {TARGET:.0f}x: {'PASS' if ok else 'MISS'}")
    for task in ("ziyang", "national_table"):
        row = _run(task, None)
        if row["seconds"] is None:
            print(f"{task}() load: no tables found")
        else:
            seconds, records = row["seconds"], row["records"]
            print(f"{task}() load, fresh process: {seconds:.3f} s ({records:,} records)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
