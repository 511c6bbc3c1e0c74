"""Network build, memory, per-county coverage, dump and validate, as ratios (issue 5).

Every number is a ratio against a baseline measured in the same process, on the
same records, best of ``--repeat`` runs with the cyclic GC paused (wenming pauses
it in bulk work; the baselines get the same):

- build: ``Network.from_records`` / a plain dict-of-parents plus children dict;
- memory: live bytes per site of a loaded network (tracemalloc), against the goal;
- coverage: ``coverage(net, within=county)`` for every county / one plain pass
  that counts every county's towns and villages with their sites;
- dump: ``wenming.dumps`` (default layout) / ``json.dumps`` of the same dicts, compact;
- validate: ``wenming.validate(records)`` / ``Network.from_records``.

The network file is the one ``bench_load.py`` generates and caches (the real
2023 division tables, synthetic villages and sites)::

    python benchmarks/bench_network.py --scale province      # ~34,000 sites, a minute
    python benchmarks/bench_network.py --scale nation        # ~1,000,000 sites
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_load  # noqa: E402  (the shared file generator)

import wenming  # noqa: E402
from wenming import DivisionLevel, Network, SiteKind, coverage  # noqa: E402
from wenming.serialization import records_to_dict  # noqa: E402

TARGETS = {
    "build": 2.0,
    "coverage": 1.5,
    "dump": 1.5,
}
GOAL_BYTES_PER_SITE = 700


def best(fn: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds, with the cyclic GC paused."""
    fastest = float("inf")
    for _ in range(repeat):
        gc.disable()
        start = time.perf_counter()
        fn()
        fastest = min(fastest, time.perf_counter() - start)
        gc.enable()
    return fastest


def baseline_build(records: wenming.NetworkRecords) -> Callable[[], Any]:
    sites = records.sites

    def run() -> Any:
        parents = {s.id: s.parent for s in sites}
        children: dict[Any, list[Any]] = {}
        for s in sites:
            children.setdefault(s.parent, []).append(s.id)
        return parents, children

    return run


def baseline_coverage(records: wenming.NetworkRecords) -> Callable[[], Any]:
    """One plain pass: per county, towns and villages and whether their site exists."""
    divisions = records.divisions
    sites = records.sites

    def run() -> Any:
        claimed = {(s.kind, s.division) for s in sites}
        per_county: dict[str, list[int]] = {}
        for d in divisions:
            level = d.level
            if level is DivisionLevel.TOWN:
                kind = SiteKind.INSTITUTE
            elif level is DivisionLevel.VILLAGE:
                kind = SiteKind.STATION
            else:
                continue
            row = per_county.setdefault(d.code[:6], [0, 0, 0, 0])
            slot = 0 if kind is SiteKind.INSTITUTE else 2
            row[slot] += 1
            if (kind, d.code) in claimed:
                row[slot + 1] += 1
        return per_county

    return run


def live_bytes_per_site(path: Path) -> dict[str, float]:
    """Load in a fresh process and measure what the network keeps (tracemalloc, RSS)."""
    code = f"""
import gc, json, resource, tracemalloc, wenming
text = open({str(path)!r}, "rb").read()
gc.collect()
tracemalloc.start()
before = tracemalloc.get_traced_memory()[0]
net = wenming.loads(text)
del text
gc.collect()
live = tracemalloc.get_traced_memory()[0] - before
print(json.dumps({{"live": live, "sites": len(net.sites),
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    data = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "bytes_per_site": data["live"] / data["sites"],
        "peak_rss_mib": data["rss_mib"],
    }


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=list(bench_load.SCALES), default="province")
    parser.add_argument("--province", default="61")
    parser.add_argument("--tables", type=Path, default=bench_load.TABLES)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--quick", action="store_true", help="county scale, one run")
    args = parser.parse_args(argv)
    if args.quick:
        args.scale, args.repeat = "county", 1
    args.tables = args.tables.resolve()
    path = bench_load.data_file(args)
    if args.regenerate or not path.exists():
        make = [
            "--task", "make", "--file", str(path), "--scale", args.scale,
            "--province", args.province, "--tables", str(args.tables),
        ]  # fmt: skip
        subprocess.run([sys.executable, str(HERE / "bench_load.py"), *make], check=True)

    records = wenming.load_records(path)
    net = Network.from_records(records)
    counties = [d.code for d in records.divisions if d.level is DivisionLevel.COUNTY]
    print(
        f"{args.scale}: {len(records.sites):,} sites, {len(records.divisions):,} divisions, "
        f"{len(counties):,} counties; best of {args.repeat}"
    )
    rows: list[tuple[str, float, float, float | None]] = []

    t_base = best(baseline_build(records), args.repeat)
    t_build = best(lambda: Network.from_records(records), args.repeat)
    rows.append(("build: from_records / dict-of-parents+children", t_build, t_base, 2.0))

    def every_county() -> None:
        for code in counties:
            coverage(net, within=code)

    net.build_indexes()
    t_cov = best(every_county, args.repeat)
    t_cov_base = best(baseline_coverage(records), args.repeat)
    rows.append(("coverage: every county / one plain pass", t_cov, t_cov_base, 1.5))

    document = records_to_dict(net.records())
    t_json = best(
        lambda: json.dumps(document, ensure_ascii=False, separators=(",", ":")), args.repeat
    )
    t_dumps = best(lambda: wenming.dumps(net), args.repeat)
    rows.append(("dump: dumps (one record per line) / json.dumps", t_dumps, t_json, 1.5))
    t_dumps_compact = best(lambda: wenming.dumps(net, indent=None), args.repeat)
    rows.append(("dump: dumps(indent=None) / json.dumps", t_dumps_compact, t_json, None))

    t_validate = best(lambda: wenming.validate(records), max(1, args.repeat - 1))
    rows.append(("validate(records) / from_records", t_validate, t_build, None))

    memory = live_bytes_per_site(path)

    print(f"\n  {'measure':<50} {'seconds':>9} {'baseline':>9} {'ratio':>7}  target")
    report: dict[str, Any] = {"scale": args.scale, "sites": len(records.sites), "rows": []}
    for name, t, base, target in rows:
        ratio = t / base if base else float("inf")
        verdict = ""
        if target is not None:
            verdict = f"<= {target}x " + ("PASS" if ratio <= target else "MISS")
        print(f"  {name:<50} {t:9.3f} {base:9.3f} {ratio:6.2f}x  {verdict}")
        report["rows"].append({"measure": name, "seconds": t, "baseline": base, "ratio": ratio})
    per_site = memory["bytes_per_site"]
    verdict = "PASS" if per_site <= GOAL_BYTES_PER_SITE else "MISS"
    print(
        f"  {'memory: live bytes per site (divisions included)':<50} {per_site:9.0f}"
        f" {'':>9} {'':>7}  <= {GOAL_BYTES_PER_SITE} B {verdict}"
    )
    print(f"  {'memory: peak RSS of the loading process (MiB)':<50} {memory['peak_rss_mib']:9.0f}")
    report["memory"] = memory
    return report


if __name__ == "__main__":
    main()
