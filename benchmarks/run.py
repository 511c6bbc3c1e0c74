"""The whole benchmark table in one command: every issue's benchmark, in turn.

    pip install -e '.[bench]'
    python benchmarks/run.py                  # province scale where a scale applies
    python benchmarks/run.py --quick          # seconds: smallest sizes, one run each
    python benchmarks/run.py --only network,points
    python benchmarks/run.py --scale nation   # the national figures (~1 hour, ~6 GiB)

Each benchmark is a module here with a ``main(argv)``; it measures ratios
against baselines run in the same process, so the table means the same on any
machine. A benchmark added by a later issue joins by adding its name to
``BENCHMARKS``.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name → (module, takes --scale)
BENCHMARKS: dict[str, tuple[str, bool]] = {
    "load": ("bench_load", True),
    "network": ("bench_network", True),
    "points": ("bench_points", False),
    "chain": ("bench_chain", True),
    "service": ("bench_service", False),
    "activities": ("bench_activities", False),
    "graph": ("bench_graph", True),
    "generate": ("bench_generate", False),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--only", help="comma-separated subset of: " + ", ".join(BENCHMARKS))
    parser.add_argument("--scale", default="province", help="county, province or nation")
    parser.add_argument("--quick", action="store_true", help="smallest sizes, one run each")
    args = parser.parse_args()
    names = list(BENCHMARKS) if args.only is None else args.only.split(",")
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmarks: {', '.join(unknown)}")
    failed = []
    for name in names:
        module, scaled = BENCHMARKS[name]
        if not (HERE / f"{module}.py").exists():
            print(f"\n=== {name}: {module}.py is not here yet; skipped")
            continue
        argv: list[str] = []
        if args.quick:
            argv += ["--quick"] if name != "load" else ["--scale", "county", "--repeat", "1"]
        elif scaled:
            argv += ["--scale", args.scale]
        print(f"\n=== {name}: python benchmarks/{module}.py {' '.join(argv)}", flush=True)
        start = time.perf_counter()
        # Each benchmark in its own process: one's memory never weighs on the next.
        done = subprocess.run([sys.executable, str(HERE / f"{module}.py"), *argv], check=False)
        print(f"=== {name}: {time.perf_counter() - start:.0f} s, exit {done.returncode}")
        if done.returncode != 0:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    importlib.invalidate_caches()
    sys.exit(main())
