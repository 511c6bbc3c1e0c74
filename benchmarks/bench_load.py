"""Benchmark: ``wenming.load`` and the Network's index build, as ratios against baselines.

Run by hand; pytest never collects it (its testpaths are src, tests and docs)::

    pip install -e '.[bench]'
    python benchmarks/bench_load.py --scale county      # one county (Ziyang), seconds
    python benchmarks/bench_load.py --scale province    # province 61 (Shaanxi), ~34,000 sites
    python benchmarks/bench_load.py --scale nation      # ~1,000,000 sites, ~15 minutes

The network file is generated from the real 2023 division tables (province to
township; villages and sites synthetic) with ``wenming.testing.factories`` and
cached in ``benchmarks/.data/`` (git-ignored), keyed by every generation setting.

Every task runs in a fresh subprocess, best of ``--repeat`` runs, with the cyclic
garbage collector disabled (``wenming.load`` pauses it itself; the baselines get the
same). Peak memory is the growth of the process's peak resident set over its size
when the timed step starts: the peak (``VmHWM``, what ``ru_maxrss`` reports) is
reset through ``/proc/self/clear_refs`` before each step, so a step that follows a
larger one still shows its own peak. Where that file cannot be written it falls
back to ``ru_maxrss`` minus its value at the start (growth over the earlier peak).

Targets (the issue): ``wenming.load`` within 3x of the fastest typed decode into the
same classes; the index build within 2x of a plain dict-of-parents built from the
same records. The script prints PASS or MISS; it never fails on a miss.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from operator import attrgetter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / ".data"
TABLES = ROOT.parent / "shared" / "data" / "divisions-2023"
SEED = 2023
EDITION = "2023"

# Generation settings. The nation's 38,641 Institutes (one per town, statistics-only
# units excepted) get 13-18 villages each, so ~600,000 Stations, and 0.6 Points per
# Station: 2,978 + 38,641 + ~599,000 + ~359,000 ≈ 1,000,000 sites.
SCALES: dict[str, dict[str, Any]] = {
    "county": {"counties": ["610924"], "villages": (13, 18), "points": 0.6},
    "province": {"villages": (13, 18), "points": 0.6},  # counties of --province
    "nation": {"villages": (13, 18), "points": 0.6},
}


# ---------------------------------------------------------------- measuring (child side)

_STATUS = Path("/proc/self/status")
_CLEAR_REFS = Path("/proc/self/clear_refs")


def _status_kib(field: str) -> int | None:
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak() -> bool:
    """Reset the peak RSS to the current RSS (Linux >= 4.0); False if not possible."""
    try:
        _CLEAR_REFS.write_text("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def _maxrss_kib() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


class Meter:
    """Times steps and measures each step's peak memory growth, in one process.

    Untraced (the timed runs): seconds, and the growth of the peak RSS.
    Traced (one extra run): the tracemalloc peak of the step (its seconds are
    inflated by tracing and not used).
    """

    def __init__(self, *, trace: bool = False) -> None:
        self.steps: dict[str, dict[str, float]] = {}
        self.method = "VmHWM reset via clear_refs"
        self.trace = trace

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        gc.collect()  # garbage of earlier steps out of the way (untimed)
        if self.trace:
            if not tracemalloc.is_tracing():
                tracemalloc.start()
            tracemalloc.reset_peak()
            traced = tracemalloc.get_traced_memory()[0]
            yield
            self.steps[name] = {
                "traced_mib": (tracemalloc.get_traced_memory()[1] - traced) / 2**20
            }
            return
        reset = _reset_peak()
        if not reset:
            self.method = "ru_maxrss growth over the earlier peak"
        base = _status_kib("VmRSS") if reset else _maxrss_kib()
        start = time.perf_counter()
        yield
        seconds = time.perf_counter() - start
        peak = _status_kib("VmHWM") if reset else _maxrss_kib()
        self.steps[name] = {
            "seconds": seconds,
            "peak_mib": max((peak or 0) - (base or 0), 0) / 1024,
        }


# ---------------------------------------------------------------- msgspec baselines
# Struct mirrors of the file format (module level, so msgspec can resolve the names).

try:
    import msgspec
except ImportError:  # the bench extra is not installed: those rows are skipped
    msgspec = None
else:

    class MCoordinates(msgspec.Struct, forbid_unknown_fields=True, gc=False):
        lon: float
        lat: float

    class MDivision(msgspec.Struct, forbid_unknown_fields=True, gc=False):
        code: str
        name: str
        level: str | None = None
        urban_rural: str | None = None
        population: int | None = None
        location: MCoordinates | None = None

    class MSite(msgspec.Struct, kw_only=True, tag_field="kind", forbid_unknown_fields=True):
        id: str
        name: str
        division: str
        established: dt.date | None = None
        head: str | None = None
        six_haves: list[str] | None = None

    class MCentre(MSite, tag="centre", gc=False):
        pass

    class MInstitute(MSite, tag="institute", gc=False):
        parent: str

    class MStation(MSite, tag="station", gc=False):
        parent: str

    class MPoint(MSite, tag="point", gc=False):
        parent: str
        host: str = "other"

    class MVenue(msgspec.Struct, forbid_unknown_fields=True):
        id: str
        kind: str
        name: str | None = None
        floor_area: float | None = None
        owner: str | None = None
        sites: list[str] = []

    class MDoc(msgspec.Struct, forbid_unknown_fields=True):
        format: str
        version: int
        name: str = ""
        description: str = ""
        divisions: list[MDivision] = []
        sites: list[MCentre | MInstitute | MStation | MPoint] = []
        venues: list[MVenue] = []

    class MRawDoc(msgspec.Struct, forbid_unknown_fields=True):
        """The document with each site left as raw JSON (decoded per kind later)."""

        format: str
        version: int
        name: str = ""
        description: str = ""
        divisions: list[MDivision] = []
        sites: list[msgspec.Raw] = []
        venues: list[MVenue] = []

    class MKind(msgspec.Struct):
        """Reads only a site's ``kind`` (other keys are skipped)."""

        kind: str


def _need_msgspec() -> Any:
    if msgspec is None:
        raise SystemExit("msgspec is not installed: pip install -e '.[bench]'")
    return msgspec


def _wenming_records(name: str, description: str, divisions: Any, sites: Any, venues: Any) -> Any:
    from wenming import NetworkRecords

    return NetworkRecords(
        name=name, description=description, divisions=divisions, sites=sites, venues=venues
    )


def _division_from_struct() -> Callable[[Any], Any]:
    from wenming import Coordinates, Division

    def division(d: Any) -> Any:
        loc = d.location
        return Division(
            code=d.code,
            name=d.name,
            level=d.level,
            urban_rural=d.urban_rural,
            population=d.population,
            location=None if loc is None else Coordinates(lon=loc.lon, lat=loc.lat),
        )

    return division


def _venue_from_struct(v: Any) -> Any:
    from wenming import Venue

    return Venue(
        id=v.id, kind=v.kind, name=v.name, floor_area=v.floor_area, owner=v.owner, sites=v.sites
    )


def msgspec_attrs_init() -> Callable[[bytes], Any]:
    """msgspec into the Struct mirrors (sites a tagged union on ``kind``), then the
    wenming attrs records built through their ``__init__``: every attrs converter and
    validator runs, as in ``wenming.load``."""
    ms = _need_msgspec()
    from wenming import Centre, Institute, Point, Station

    decoder = ms.json.Decoder(MDoc)
    division = _division_from_struct()

    def site(s: Any) -> Any:
        t = type(s)
        if t is MStation:
            return Station(
                id=s.id,
                name=s.name,
                division=s.division,
                established=s.established,
                head=s.head,
                six_haves=s.six_haves,
                parent=s.parent,
            )
        if t is MPoint:
            return Point(
                id=s.id,
                name=s.name,
                division=s.division,
                established=s.established,
                head=s.head,
                six_haves=s.six_haves,
                parent=s.parent,
                host=s.host,
            )
        if t is MInstitute:
            return Institute(
                id=s.id,
                name=s.name,
                division=s.division,
                established=s.established,
                head=s.head,
                six_haves=s.six_haves,
                parent=s.parent,
            )
        return Centre(
            id=s.id,
            name=s.name,
            division=s.division,
            established=s.established,
            head=s.head,
            six_haves=s.six_haves,
        )

    def decode(raw: bytes) -> Any:
        doc = decoder.decode(raw)
        return _wenming_records(
            doc.name,
            doc.description,
            tuple(map(division, doc.divisions)),
            tuple(map(site, doc.sites)),
            tuple(map(_venue_from_struct, doc.venues)),
        )

    return decode


def msgspec_attrs_direct() -> Callable[[bytes], Any]:
    """msgspec decoding each site straight into its wenming attrs class.

    msgspec decodes attrs classes natively (it type-checks every field, runs the attrs
    validators, but not the converters), yet refuses a union of several attrs
    classes, so the sites list is decoded as raw JSON slices and each slice by the
    decoder of its ``kind``. Division codes go through ``DivisionCode.parse`` (a
    ``dec_hook``); enums, dates and the six-haves sets are typed by msgspec.
    Divisions cannot be decoded directly (their derived ``level`` attribute and the
    ``level`` alias confuse msgspec), so they go through the Struct mirror and
    ``Division.__init__``.
    """
    ms = _need_msgspec()
    from wenming import Centre, DivisionCode, Institute, Point, Station

    def dec_hook(type_: type, value: Any) -> Any:
        if type_ is DivisionCode:
            return DivisionCode.parse(value)
        raise NotImplementedError(type_)

    decoder = ms.json.Decoder(MRawDoc)
    kind_of = ms.json.Decoder(MKind).decode
    by_kind = {
        kind: ms.json.Decoder(cls, dec_hook=dec_hook).decode
        for kind, cls in (
            ("centre", Centre),
            ("institute", Institute),
            ("station", Station),
            ("point", Point),
        )
    }
    division = _division_from_struct()

    def decode(raw: bytes) -> Any:
        doc = decoder.decode(raw)
        return _wenming_records(
            doc.name,
            doc.description,
            tuple(map(division, doc.divisions)),
            tuple(by_kind[kind_of(s).kind](s) for s in doc.sites),
            tuple(map(_venue_from_struct, doc.venues)),
        )

    return decode


# ---------------------------------------------------------------- tasks (child side)


def _task_decode(path: Path, meter: Meter, name: str) -> None:
    import wenming

    if name == "json":
        with meter.step(name):
            result: Any = json.loads(path.read_bytes())
    elif name == "orjson":
        import orjson

        with meter.step(name):
            result = orjson.loads(path.read_bytes())
    elif name == "msgspec-structs":
        decoder = _need_msgspec().json.Decoder(MDoc)
        with meter.step(name):
            result = decoder.decode(path.read_bytes())
    elif name in ("msgspec-attrs-init", "msgspec-attrs-direct"):
        decode = msgspec_attrs_init() if name == "msgspec-attrs-init" else msgspec_attrs_direct()
        with meter.step(name):
            result = decode(path.read_bytes())
    elif name == "wenming-records":
        with meter.step(name):
            result = wenming.load_records(path)
    elif name == "wenming-load":
        with meter.step(name):
            result = wenming.load(path)
    else:
        raise SystemExit(f"unknown task {name}")
    del result


def _task_phases(path: Path, meter: Meter) -> None:
    """``wenming.load`` step by step, as ``load``/``loads`` do them."""
    from wenming import Network
    from wenming.serialization import records_from_dict

    with meter.step("read"):
        raw = path.read_bytes()
    with meter.step("parse"):
        data = json.loads(raw.decode("utf-8-sig"))
    del raw  # load() drops the bytes here too (its loads() frame ends with them)
    with meter.step("structure"):
        records = records_from_dict(data, source=str(path))
    del data
    with meter.step("network"):
        net = Network.from_records(records)
    with meter.step("indexes"):
        net.build_indexes()


def _task_index(path: Path, meter: Meter, name: str) -> None:
    import wenming
    from wenming import Network

    records = wenming.load_records(path)  # untimed setup
    sites = records.sites
    if name == "index-dict":
        with meter.step(name):
            result: Any = {s.id: s.parent for s in sites}
    elif name == "index-network":
        with meter.step(name):
            result = Network.from_records(records)
    elif name == "index-network+lazy":
        with meter.step(name):
            result = Network.from_records(records)
            result.build_indexes()
    elif name == "index-network-unchecked":
        # No public API builds a Network from trusted records; take the sites
        # section's fused add-time check out, in this process only, to see what
        # the checks cost.
        from wenming.sections import SECTIONS_BY_NAME

        object.__setattr__(SECTIONS_BY_NAME["sites"], "check", None)
        with meter.step(name):
            result = Network.from_records(records)
    elif name == "index-parts":
        result = _index_parts(records, meter)
    else:
        raise SystemExit(f"unknown task {name}")
    del result


def _index_parts(records: Any, meter: Meter) -> Any:
    """``Network.from_records`` taken apart (private internals: may need updating)."""
    from wenming import Network

    net = Network(name=records.name, description=records.description)
    with meter.step("part: divisions"):
        net.add_divisions(records.divisions)
    new = list(records.sites)
    with meter.step("part: id index"):
        by_id = dict(zip(map(attrgetter("id"), new), new, strict=True))
    from wenming.sections import SECTIONS_BY_NAME

    check = SECTIONS_BY_NAME["sites"].check
    assert check is not None
    with meter.step("part: hierarchy checks"):
        check(net._tables, new, by_id)
    with meter.step("part: store"):
        net._sites.update(by_id)
    with meter.step("part: children index"):
        net._children_index()
    with meter.step("part: division index"):
        net._division_index()
    with meter.step("part: venue index"):
        net._venue_index()
    return net


def _task_verify(path: Path) -> dict[str, Any]:
    """Check the typed baselines build records equal to ``wenming.load_records``."""
    import wenming

    expected = wenming.load_records(path)
    out: dict[str, Any] = {}
    for name, make in (
        ("msgspec-attrs-init", msgspec_attrs_init),
        ("msgspec-attrs-direct", msgspec_attrs_direct),
    ):
        if msgspec is None:
            out[name] = "skipped (no msgspec)"
            continue
        got = make()(path.read_bytes())
        out[name] = "equal" if got == expected else "DIFFERENT"
        del got
    return out


def _task_info(path: Path) -> dict[str, Any]:
    raw = path.read_bytes()
    kinds = {k: raw.count(b'{"kind":"%s"' % k.encode()) for k in SITE_KINDS}
    return {
        "bytes": len(raw),
        "sites": sum(kinds.values()),
        "kinds": kinds,
        "divisions": raw.count(b'{"code":'),
    }


SITE_KINDS = ("centre", "institute", "station", "point")

# name → (section, what is timed)
TASKS: dict[str, tuple[str, str]] = {
    "json": ("decode", "json.loads of the file into plain dicts: the plain decode"),
    "orjson": ("decode", "orjson.loads into plain dicts (reference)"),
    "msgspec-structs": ("decode", "msgspec into Struct mirrors (typed, not wenming's classes)"),
    "msgspec-attrs-init": ("decode", "msgspec Structs, then wenming records via __init__"),
    "msgspec-attrs-direct": ("decode", "msgspec straight into wenming's attrs site classes"),
    "wenming-records": ("decode", "wenming.load_records: parse + structure, no Network"),
    "wenming-load": ("decode", "wenming.load: parse + structure + checked Network"),
    "load-phases": ("phases", "wenming.load step by step in one process"),
    "index-dict": ("index", "{s.id: s.parent for s in records.sites}: the dict-of-parents"),
    "index-network": ("index", "Network.from_records: divisions, id index, fused checks"),
    "index-network-unchecked": ("index", "the same with the sites' add-time check taken out"),
    "index-network+lazy": ("index", "Network.from_records + build_indexes()"),
    "index-parts": ("index", "from_records taken apart (one process, private internals)"),
}
TYPED = ("msgspec-attrs-init", "msgspec-attrs-direct")


def run_task(task: str, path: Path, *, trace: bool = False) -> dict[str, Any]:
    gc.collect()
    gc.disable()
    if task == "info":
        return _task_info(path)
    if task == "verify":
        return _task_verify(path)
    meter = Meter(trace=trace)
    section = TASKS[task][0]
    if section == "decode":
        _task_decode(path, meter, task)
    elif section == "phases":
        _task_phases(path, meter)
    else:
        _task_index(path, meter, task)
    return {"steps": meter.steps, "memory": meter.method}


# ---------------------------------------------------------------- the file


def generator_revision() -> str:
    """A digest of the code that writes the cached files: a change to it makes new ones.

    (A file cached by an older generator or format may no longer load, or no longer
    measure what the code does now.)
    """
    import hashlib

    import wenming.serialization
    import wenming.testing.factories

    digest = hashlib.sha256()
    for module in (wenming.testing.factories, wenming.serialization):
        digest.update(Path(module.__file__ or "").read_bytes())
    return digest.hexdigest()[:8]


def data_file(args: argparse.Namespace) -> Path:
    spec = SCALES[args.scale]
    lo, hi = spec["villages"]
    where = {"county": spec.get("counties", [""])[0], "province": args.province}.get(
        args.scale, "all"
    )
    return DATA / (
        f"network-{args.scale}-{where}-{EDITION}-seed{SEED}-v{lo}-{hi}-p{spec['points']}"
        f"-{generator_revision()}.json"
    )


def make_file(args: argparse.Namespace, path: Path) -> None:
    """Generate the benchmark file (runs in a child: it needs a few GiB)."""
    import wenming
    from wenming import DivisionTable
    from wenming.testing.factories import synthetic_records

    spec = SCALES[args.scale]
    tables = args.tables
    if not (tables / "streets.csv").exists():
        raise SystemExit(f"no division tables in {tables} (use --tables)")
    counties = spec.get("counties")
    if args.scale == "province":
        every = DivisionTable.read_csv_dir(tables, edition=EDITION)
        counties = [
            c.county
            for c, d in every.items()
            if d.level.label == "county" and c.startswith(args.province)
        ]
        if not counties:
            raise SystemExit(f"no counties in province {args.province}")
    table = DivisionTable.read_csv_dir(tables, edition=EDITION, counties=counties)
    start = time.perf_counter()
    records = synthetic_records(
        seed=SEED,
        counties=None,
        table=table,
        villages_per_town=spec["villages"],
        points_per_station=spec["points"],
    )
    made = time.perf_counter() - start
    DATA.mkdir(parents=True, exist_ok=True)
    wenming.dump(records, path, indent=None)
    stem = path.name.rsplit("-", 1)[0]  # the same scale and options, another generator
    for stale in DATA.glob(f"{stem}*.json"):
        if stale != path:
            stale.unlink()
    print(
        f"generated {len(records.sites):,} sites in {made:.1f} s; wrote {path.name} "
        f"in {time.perf_counter() - start - made:.1f} s",
        flush=True,
    )


# ---------------------------------------------------------------- driver


def _child(args: list[str]) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        return {"error": (out.stderr.strip().splitlines() or ["(no output)"])[-1]}
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(tasks: list[str], path: Path, repeat: int, *, trace: bool) -> dict[str, Any]:
    """Run every task ``repeat`` times, round-robin, each run in a fresh process.

    Rounds interleave the tasks so that a slow spell of a shared machine hits the
    baselines and wenming alike; per step, the fastest run is kept. Then one traced
    run per task adds the tracemalloc peaks.
    """
    results: dict[str, dict[str, Any]] = {
        t: {"steps": {}, "runs": {}, "memory": ""} for t in tasks
    }
    for round_ in range(1, repeat + 1):
        print(f"  round {round_}/{repeat}:", end="", flush=True)
        for task in tasks:
            r = results[task]
            if "error" in r:
                continue
            out = _child(["--task", task, "--file", str(path)])
            if "error" in out:
                results[task] = out
                print(f" {task} FAILED ({out['error']})", end="", flush=True)
                continue
            r["memory"] = out["memory"]
            for step, m in out["steps"].items():
                r["runs"].setdefault(step, []).append(m["seconds"])
                if step not in r["steps"] or m["seconds"] < r["steps"][step]["seconds"]:
                    r["steps"][step] = dict(m)
            main = out["steps"].get(task) or {
                "seconds": sum(m["seconds"] for m in out["steps"].values())
            }
            print(f" {task} {main['seconds']:.2f}", end="", flush=True)
        print(flush=True)
    if trace:
        print("  traced run (tracemalloc):", end="", flush=True)
        for task in tasks:
            if "error" in results[task]:
                continue
            traced = _child(["--task", task, "--file", str(path), "--trace"])
            for step, m in traced.get("steps", {}).items():
                results[task]["steps"][step]["traced_mib"] = m["traced_mib"]
            print(f" {task}", end="", flush=True)
        print(flush=True)
    return results


def _git() -> str:
    def git(*a: str) -> str:
        out = subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True, check=False)
        return out.stdout.strip()

    rev = git("rev-parse", "--short", "HEAD") or "?"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "src")
    return rev + (" + uncommitted changes in src/" if dirty else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--scale", choices=list(SCALES), default="nation")
    parser.add_argument("--province", default="61", help="province code for --scale province")
    parser.add_argument(
        "--tables", type=Path, default=TABLES, help="folder of the 2023 division CSV tables"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per task (best is kept)")
    parser.add_argument(
        "--tasks", help="comma-separated subset of: " + ", ".join(TASKS), default=None
    )
    parser.add_argument("--regenerate", action="store_true", help="rebuild the cached file")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--no-trace", action="store_true", help="skip the extra tracemalloc run per task"
    )
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--task", help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.tables = args.tables.resolve()

    if args.task == "make":
        make_file(args, args.file)
        return
    if args.task:
        print(json.dumps(run_task(args.task, args.file, trace=args.trace)))
        return

    # Generation and every measurement run in children; the driver stays small.
    path = data_file(args)
    if args.regenerate or not path.exists():
        make = [
            "--task", "make", "--file", str(path), "--scale", args.scale,
            "--province", args.province, "--tables", str(args.tables),
        ]  # fmt: skip
        subprocess.run([sys.executable, __file__, *make], check=True)
    else:
        print(f"reusing {path.relative_to(ROOT)} (--regenerate to rebuild)")
    info = _child(["--task", "info", "--file", str(path)])
    tasks = list(TASKS) if args.tasks is None else args.tasks.split(",")
    unknown = [t for t in tasks if t not in TASKS]
    if unknown:
        raise SystemExit(f"unknown tasks: {', '.join(unknown)}")

    kinds = ", ".join(f"{n:,} {k}s" for k, n in info["kinds"].items())
    print(
        f"\n{args.scale}: {path.name}\n  {info['bytes'] / 1e6:,.0f} MB, {info['sites']:,} sites "
        f"({kinds}), {info['divisions']:,} divisions\n"
        f"  wenming @ {_git()}, Python {platform.python_version()}, "
        f"best of {args.repeat}, fresh process per run, cyclic GC disabled"
    )
    verified = (
        _child(["--task", "verify", "--file", str(path)]) if any(t in TYPED for t in tasks) else {}
    )
    if verified:
        print("  typed baselines vs wenming.load_records: " + json.dumps(verified))

    results = measure(tasks, path, args.repeat, trace=not args.no_trace)

    report = build_report(results, verified)
    print_report(report, results)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "scale": args.scale,
                    "file": path.name,
                    "file_info": info,
                    "wenming": _git(),
                    "python": platform.python_version(),
                    "repeat": args.repeat,
                    "verified": verified,
                    "results": results,
                    "report": report,
                },
                indent=2,
                ensure_ascii=False,
            )
            + "\n"
        )
        print(f"\nwrote {args.json}")


def _step(results: dict[str, dict[str, Any]], task: str, step: str | None = None) -> Any:
    r = results.get(task)
    if not r or "error" in r:
        return None
    return r["steps"].get(step or task)


def build_report(results: dict[str, dict[str, Any]], verified: dict[str, Any]) -> dict[str, Any]:
    """The ratios and verdicts (a plain dict, for the table and for --json)."""
    typed = [
        (t, s)
        for t in TYPED
        if (s := _step(results, t)) is not None and verified.get(t, "equal") == "equal"
    ]
    fastest = min(typed, key=lambda ts: ts[1]["seconds"]) if typed else None
    json_ = _step(results, "json")
    dict_ = _step(results, "index-dict")
    load = _step(results, "wenming-load")

    def ratio(a: Any, b: Any, key: str = "seconds") -> float | None:
        if a is None or b is None or key not in a or b.get(key, 0) <= 0:
            return None
        return float(a[key] / b[key])

    rows: list[dict[str, Any]] = []

    def row(name: str, value: float | None, target: float | None = None) -> None:
        verdict = None
        if target is not None and value is not None:
            verdict = "PASS" if value <= target else "MISS"
        rows.append({"ratio": name, "value": value, "target": target, "verdict": verdict})

    typed_name = fastest[0] if fastest else "fastest typed decode"
    typed_step = fastest[1] if fastest else None
    row(f"load time / typed decode ({typed_name})", ratio(load, typed_step), 3.0)
    row("load time / plain json decode", ratio(load, json_))
    row(f"load peak RSS / typed decode ({typed_name})", ratio(load, typed_step, "peak_mib"))
    row("load peak RSS / plain json decode", ratio(load, json_, "peak_mib"))
    row(f"load traced peak / typed decode ({typed_name})", ratio(load, typed_step, "traced_mib"))
    row("load traced peak / plain json decode", ratio(load, json_, "traced_mib"))
    row("load time / msgspec-structs (no attrs)", ratio(load, _step(results, "msgspec-structs")))
    row(
        "index: from_records / dict-of-parents", ratio(_step(results, "index-network"), dict_), 2.0
    )
    row(
        "index: from_records + build_indexes / dict",
        ratio(_step(results, "index-network+lazy"), dict_),
        2.0,
    )
    row(
        "index: from_records unchecked / dict",
        ratio(_step(results, "index-network-unchecked"), dict_),
    )
    return {
        "fastest_typed": typed_name,
        "typed_seconds": None if typed_step is None else typed_step["seconds"],
        "json_seconds": None if json_ is None else json_["seconds"],
        "dict_seconds": None if dict_ is None else dict_["seconds"],
        "ratios": rows,
    }


def print_report(report: dict[str, Any], results: dict[str, dict[str, Any]]) -> None:
    bases = {
        "x json": report["json_seconds"],
        "x typed": report["typed_seconds"],
        "x dict": report["dict_seconds"],
    }

    def mib(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}"

    memory = sorted({r["memory"] for r in results.values() if "memory" in r})
    print(
        "\nseconds = fastest run; spread = slowest / fastest - 1\n"
        f"RSS MiB = growth of the peak RSS during the step ({', '.join(memory)})\n"
        "traced MiB = tracemalloc peak of the step (one extra run)"
    )
    sections = (
        ("decode: file -> objects", "decode", ("x json", "x typed")),
        ("wenming.load by phase (one process)", "phases", ("x json", "x typed")),
        ("index build: records already loaded", "index", ("x dict",)),
    )
    for title, section, columns in sections:
        rows = [
            (step, {**r, "runs": result["runs"].get(step, [])})
            for task, result in results.items()
            if TASKS[task][0] == section and "error" not in result
            for step, r in result["steps"].items()
        ]
        if not rows:
            continue
        if section == "phases":
            total = sum(r["seconds"] for _, r in rows)
            rows.append(("(sum of phases)", {"seconds": total}))
        print(f"\n{title}")
        print(
            f"  {'task / step':<28} {'seconds':>8} {'spread':>7} {'RSS MiB':>9} {'traced MiB':>10}"
            + "".join(f" {c:>8}" for c in columns)
        )
        for step, r in rows:
            s = r["seconds"]
            ratios = "".join(
                f" {'' if bases[c] is None else f'{s / bases[c]:.2f}x':>8}" for c in columns
            )
            runs = r.get("runs") or []
            spread = f"{max(runs) / min(runs) - 1:.0%}" if len(runs) > 1 and min(runs) else ""
            print(
                f"  {step:<28} {s:8.3f} {spread:>7} {mib(r.get('peak_mib')):>9} "
                f"{mib(r.get('traced_mib')):>10}{ratios}"
            )

    print("\nratios (targets from the issue)")
    for r in report["ratios"]:
        value = "n/a" if r["value"] is None else f"{r['value']:.2f}x"
        target = "" if r["target"] is None else f"<= {r['target']:g}x"
        print(f"  {r['ratio']:<56} {value:>7}  {target:<7} {r['verdict'] or ''}".rstrip())


if __name__ == "__main__":
    main()
