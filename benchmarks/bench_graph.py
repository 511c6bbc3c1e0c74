"""Graph benchmark: per-county coverage breakdown and to_networkx against plain floors.

Rows (ratios measured in the same run):

- ``coverage_by(by="county")`` for every county / a plain-dict single pass over
  the same parent pointers (target <= 1.5x);
- ``to_networkx(layers=["sites"])`` / ``networkx.DiGraph.add_edges_from`` on the
  same edge list, bare ``(parent, child)`` pairs (the issue's target, <= 1.5x),
  the floor timed with the cyclic collector on (as a caller would run it) and
  paused (as ``to_networkx`` runs);
- the same against the graph's own edge list as networkx defines one
  (``networkx.to_edgelist``: ``(parent, child, {"relation": "parent-of"})``
  triples, the data copied): reported, no target;
- the same against the MultiDiGraph floor: ``MultiDiGraph.add_nodes_from`` and
  ``add_edges_from`` given the *same* node and edge attribute dicts, prebuilt
  (what networkx's bulk API costs for the graph ``to_networkx`` returns);
- the same against a DiGraph given the same prebuilt node attribute dicts
  (``add_nodes_from``) and the bare edge list: what the site attributes cost
  networkx itself;
- ``MultiDiGraph.add_edges_from`` with the same edge attribute dicts / the
  DiGraph floor: how far the attribute-less floor is from any MultiDiGraph;
- peak memory (tracemalloc) of the network and of the site graph.

Run::

    python benchmarks/bench_graph.py --quick                 # county, seconds
    python benchmarks/bench_graph.py --scale province        # ~34,000 sites
    python benchmarks/bench_graph.py --scale nation          # ~1,000,000 sites
"""

from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_load  # noqa: E402

import wenming  # noqa: E402
from wenming import Network  # noqa: E402
from wenming.coverage_more import coverage_by  # noqa: E402
from wenming.graph import to_networkx  # noqa: E402


def best(fn: Callable[[], Any], repeat: int, *, paused: bool = False) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        if paused:
            gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return min(times)


def plain_county_pass(
    kinds: dict[str, str], divisions: list[tuple[str, int, str]], on: dict[str, list[str]]
) -> Callable[[], dict[str, list[int]]]:
    """The floor: one pass over plain tuples and dicts, grouping by the code prefix.

    It counts what coverage counts, in plain code: no 直辖村级区划 placeholder; a
    township coded 400-599 only when named 街道, 镇 or 乡 (not a …乡镇 grouping);
    no village coded 400-599, nor one under a statistics-only township.
    """
    township_names = {code[:9]: name for code, level, name in divisions if level == 4}

    def civil(name: str) -> bool:
        return name.endswith(("街道", "镇", "乡")) and not name.endswith("乡镇")

    def run() -> dict[str, list[int]]:
        tally: dict[str, list[int]] = {}
        civil_township: dict[str, bool] = {}
        for code, level, name in divisions:
            if level == 3:
                tally.setdefault(code[:6], [0, 0, 0, 0])
                continue
            if level == 4:
                if name.endswith("直辖村级区划"):
                    continue
                if "400" <= code[6:9] <= "599" and not civil(name):
                    continue
            elif level == 5:
                if "400" <= code[9:] <= "599":
                    continue
                if "400" <= code[6:9] <= "599":
                    ok = civil_township.get(code[:9])
                    if ok is None:
                        town = township_names.get(code[:9], "")
                        ok = civil_township[code[:9]] = civil(town) or town.endswith(
                            "直辖村级区划"
                        )
                    if not ok:
                        continue
            else:
                continue
            counts = tally.get(code[:6])
            if counts is None:
                counts = tally[code[:6]] = [0, 0, 0, 0]
            at = 0 if level == 4 else 2
            counts[at] += 1
            want = "institute" if level == 4 else "station"
            for s in on.get(code, ()):
                if kinds[s] == want:
                    counts[at + 1] += 1
                    break
        return tally

    return run


def peak(fn: Callable[[], Any]) -> tuple[Any, int]:
    gc.collect()
    tracemalloc.start()
    try:
        result = fn()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


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
    net, net_peak = peak(lambda: Network.from_records(records))
    net.build_indexes()
    print(f"{args.scale}: {len(records.sites):,} sites, {len(records.divisions):,} divisions")
    rows: list[tuple[str, float, float, float | None]] = []

    kinds = {s.id: s.kind.value for s in records.sites}
    divisions = [(str(d.code), int(d.level), d.name) for d in records.divisions]
    on: dict[str, list[str]] = {}
    for s in records.sites:
        on.setdefault(str(s.division), []).append(s.id)
    t_floor = best(plain_county_pass(kinds, divisions, on), args.repeat)
    t_cov = best(lambda: coverage_by(net, "county"), args.repeat)
    rows.append(("coverage_by(county) / plain-dict pass", t_cov, t_floor, 1.5))

    edges = [(f"site:{s.parent}", f"site:{s.id}") for s in records.sites if s.parent is not None]

    def bare_floor() -> None:
        g: nx.DiGraph[str] = nx.DiGraph()
        g.add_edges_from(edges)

    built = to_networkx(net, layers=["sites"])
    edge_list = [(u, v, dict(d)) for u, v, d in nx.to_edgelist(built)]
    assert sorted((u, v) for u, v, _ in edge_list) == sorted(edges), "not the same edges"

    def floor_graph() -> None:
        g: nx.DiGraph[str] = nx.DiGraph()
        g.add_edges_from(edge_list)

    node_rows = [(n, dict(d)) for n, d in built.nodes(data=True)]
    edge_rows = [(u, v, k, dict(d)) for u, v, k, d in built.edges(keys=True, data=True)]
    del built

    def multi_floor() -> None:
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        g.add_nodes_from(node_rows)
        g.add_edges_from(edge_rows)  # type: ignore[arg-type]

    def attributed_floor() -> None:
        g: nx.DiGraph[str] = nx.DiGraph()
        g.add_nodes_from(node_rows)
        g.add_edges_from(edges)

    def multi_edges_floor() -> None:
        g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
        g.add_edges_from(edge_rows)  # type: ignore[arg-type]

    # Interleaved, so a noisy neighbour slows every contender alike.
    t_edges = t_edges_paused = t_multi = t_multi_edges = t_graph = t_attr = float("inf")
    t_bare = t_bare_paused = float("inf")
    for _ in range(args.repeat):
        t_bare = min(t_bare, best(bare_floor, 1))
        t_bare_paused = min(t_bare_paused, best(bare_floor, 1, paused=True))
        t_edges = min(t_edges, best(floor_graph, 1))
        t_edges_paused = min(t_edges_paused, best(floor_graph, 1, paused=True))
        t_multi = min(t_multi, best(multi_floor, 1, paused=True))
        t_multi_edges = min(t_multi_edges, best(multi_edges_floor, 1, paused=True))
        t_attr = min(t_attr, best(attributed_floor, 1, paused=True))
        t_graph = min(t_graph, best(lambda: to_networkx(net, layers=["sites"]), 1))
    tn = 'to_networkx(["sites"])'
    rows.append((f"{tn} / DiGraph of bare (u, v) pairs", t_graph, t_bare, 1.5))
    rows.append((f"{tn} / bare pairs, collector paused", t_graph, t_bare_paused, 1.5))
    rows.append((f"{tn} / DiGraph of to_edgelist triples", t_graph, t_edges, None))
    rows.append((f"{tn} / triples, collector paused", t_graph, t_edges_paused, None))
    rows.append((f"{tn} / MultiDiGraph bulk, same attrs", t_graph, t_multi, None))
    rows.append((f"{tn} / DiGraph + same node attrs", t_graph, t_attr, None))
    rows.append(
        ("MultiDiGraph.add_edges_from(same attrs) / DiGraph", t_multi_edges, t_bare_paused, None)
    )
    _, graph_peak = peak(lambda: to_networkx(net, layers=["sites"]))

    print(f"\n  {'measure':<56} {'seconds':>9} {'baseline':>9} {'ratio':>7}  target")
    report: dict[str, Any] = {"scale": args.scale, "sites": len(records.sites), "rows": []}
    for name, t, base, target in rows:
        ratio = t / base
        flag = "" if target is None else ("ok" if ratio <= target else "MISSED")
        goal = "" if target is None else f"<= {target}x {flag}"
        print(f"  {name:<56} {t:9.3f} {base:9.3f} {ratio:6.2f}x  {goal}")
        report["rows"].append({"name": name, "seconds": t, "baseline": base, "ratio": ratio})
    mib = 1024 * 1024
    print(
        f"\n  peak memory: network {net_peak / mib:,.1f} MiB, "
        f"site graph {graph_peak / mib:,.1f} MiB"
    )
    report["memory"] = {"network_peak": net_peak, "graph_peak": graph_peak}
    return report


if __name__ == "__main__":
    main()
