"""Coverage of a synthetic network on the real division tables of Shaanxi (陕西, 61).

Reads the 2023 province-to-township tables (provinces.csv, cities.csv, areas.csv,
streets.csv), keeps Shaanxi, generates a seeded synthetic network for its first 20
counties (real towns, made-up villages and sites) and prints coverage now and as
the sites were being built.

Run: python examples/province_coverage.py [TABLES_FOLDER]
The folder defaults to ../shared/data/divisions-2023 relative to the repository root.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

import wenming
from wenming import DivisionLevel, DivisionTable
from wenming.testing.factories import synthetic_network

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_TABLES = ROOT.parent / "shared" / "data" / "divisions-2023"
PROVINCE = "61"  # 陕西省
COUNTIES = 20


def main(argv: list[str]) -> int:
    folder = Path(argv[1]) if len(argv) > 1 else DEFAULT_TABLES
    if not (folder / "streets.csv").is_file():
        print(f"no division tables in {folder}: nothing to do")
        print("pass the folder holding provinces.csv, cities.csv, areas.csv, streets.csv")
        return 0

    start = time.perf_counter()
    table = DivisionTable.read_csv_dir(folder, edition="2023")
    province = DivisionTable.of(
        table.edition, (d for d in table.values() if d.code.province == PROVINCE)
    )
    net = synthetic_network(table=province, counties=COUNTIES, seed=2023)
    elapsed = time.perf_counter() - start

    name = province[PROVINCE].name
    print(f"{name} ({PROVINCE}): first {COUNTIES} counties, synthetic network, seed 2023")
    print(f"read {len(table)} divisions, generated in {elapsed:.1f} s: {net}")
    print()
    print("today:")
    print(wenming.coverage(net))
    day = dt.date(2019, 6, 30)
    print()
    print(f"as of {day}:")
    cov = wenming.coverage(net, as_of=day)
    print(cov)

    print()
    print(f"counties by village coverage as of {day}:")
    rows = []
    for county in net.iter_divisions(DivisionLevel.COUNTY):
        villages = wenming.coverage(net, within=county.code, as_of=day).villages
        rows.append((villages.ratio or 0.0, county.code.short, county.name, villages))
    for ratio, code, county_name, villages in sorted(rows)[:5]:
        print(f"  {code} {county_name:<6} {villages.covered:>4}/{villages.total:<4} {ratio:6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
