"""The ``wenming`` command line.

``wenming summary [FILE]``
    Site counts per level and the coverage of counties, towns and villages.
    Without FILE it reads the embedded Ziyang County network.
``wenming validate FILE [--tables DIR]``
    Every problem in a network file, one per line.
``wenming chain SITE [FILE] [--as-of DATE] [--json]``
    Who answers for a site, up to the county, with the gaps.
``wenming export [FILE] --to graphml|gexf|json|dot -o OUT``
    The network as a graph file (see ``wenming.graph``).
``wenming plot coverage|time|tree|chain … -o FILE.png|.svg``
    Pictures of coverage, the site tree and a responsibility chain (extra ``plot``).
``wenming activities [FILE] [--by town|month|category] [--from DATE --to DATE]``
    Activity counts; ``wenming taxonomy [FILE] [--lang zh|en]`` prints the scheme.
``wenming generate --scale county|province|nation [--seed N] [--tables DIR] -o FILE``
    Generate a valid synthetic network and write it atomically (progress on a terminal).
``wenming teams [FILE]``
    The volunteer-team profile report against "1+8+N".
``wenming scorecard [FILE] [--as-of DATE] [--json]``
    One row per town: Station coverage, 包村 links, heads in post, six haves, score.
``wenming ledger init|post|balance|history|verify FILE …``
    A points ledger in a SQLite file (see ``wenming ledger --help``).

Exit status: 0 when all is well; 1 when ``validate`` finds an error in the
document (text that is not UTF-8 or not JSON, and wrong shapes, are listed as
``format`` issues, with the same words ``wenming.loads`` uses); 2 for a usage
error or a file that cannot be read at all (missing, a newer format version),
and for ``summary`` of a file that does not load, with a one-line message on
stderr and never a traceback. ``--json`` gives
machine-readable output on stdout.

Nothing imports this module; it is a face over the library.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from wenming import (
    __version__,
    _cli_activities,
    _cli_divisions,
    _cli_generate,
    _cli_graph,
    _cli_people,
    _cli_volunteers,
)
from wenming._atomic import read_input
from wenming._cli_common import date_arg
from wenming.coverage import coverage
from wenming.datasets import ZIYANG_FILE, ziyang
from wenming.datasets.figures import figures
from wenming.errors import Issue, Severity, WenmingError
from wenming.network import Network
from wenming.points.cli import add_ledger_parser, run_ledger
from wenming.serialization import loads, loads_records, validate_text
from wenming.sites import SiteKind
from wenming.validation import validate

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageError(f"{message} (see '{self.prog} --help')")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="wenming",
        description="Inspect New Era Civilization Practice (新时代文明实践) networks.",
    )
    parser.add_argument("--version", action="version", version=f"wenming {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True

    summary = commands.add_parser(
        "summary",
        help="site counts per level and coverage of towns and villages",
        description="Print site counts per level and the coverage of counties, towns "
        "and villages. Without FILE, the embedded Ziyang County network.",
    )
    summary.add_argument("file", nargs="?", type=Path, metavar="FILE", help="a network file")
    summary.add_argument("--as-of", type=date_arg, metavar="DATE", help="count sites as of DATE")
    summary.add_argument("--json", action="store_true", help="print JSON")

    check = commands.add_parser(
        "validate",
        help="list every problem in a network file",
        description="List every problem in a network file; exit 1 if any is an error.",
    )
    check.add_argument("file", type=Path, metavar="FILE", help="a network file")
    check.add_argument("--json", action="store_true", help="print JSON")
    check.add_argument(
        "--tables",
        type=Path,
        nargs="?",
        const=True,
        metavar="DIR",
        help="also warn of county and township codes the official division tables in DIR "
        "do not know (provinces.csv, cities.csv, areas.csv, streets.csv), with the "
        "nearest real codes; without DIR, the tables national_table() reads "
        "($WENMING_DIVISIONS, else the copy 'wenming divisions fetch' made)",
    )
    add_ledger_parser(commands)
    _cli_volunteers.add_parsers(commands)
    _cli_people.add_parsers(commands)
    _cli_activities.add_parsers(commands)
    _cli_graph.add_parsers(commands)
    _cli_generate.add_parsers(commands)
    _cli_divisions.add_parsers(commands)
    return parser


def _read(path: Path) -> bytes:
    return read_input(path)  # FileAccessError names the file and why


def _summary(args: argparse.Namespace) -> int:
    if args.file is None:
        network: Network = ziyang()
        source = f"embedded dataset {ZIYANG_FILE}"
    else:
        network = loads(_read(args.file), source=str(args.file))
        source = str(args.file)
    counts = network.counts(as_of=args.as_of)
    cov = coverage(network, as_of=args.as_of)
    # The same rules as `wenming validate`: a file that loads can still break
    # rules a network can hold (two Institutes on one town); say so here too.
    issues = validate(network)
    people = _cli_people.people_counts(network)
    activities = _cli_activities.summary_counts(network)
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = sum(1 for i in issues if i.severity is Severity.WARNING)
    if args.json:
        data: dict[str, Any] = {
            "source": source,
            "name": network.name,
            "as_of": None if args.as_of is None else args.as_of.isoformat(),
            "sites": {kind.value: n for kind, n in counts.items()},
            "coverage": cov.to_dict(),
            "people": people,
            "activities": activities,
            "validation": {"errors": errors, "warnings": warnings},
        }
        if network.table("volunteers") or network.table("teams"):
            data["volunteers"] = _cli_volunteers.volunteer_counts(network, as_of=args.as_of)
        if args.file is None:
            data["figures"] = figures(network).to_dict()
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return EXIT_OK
    title = network.name or "(unnamed network)"
    when = "" if args.as_of is None else f", as of {args.as_of.isoformat()}"
    print(f"{title} — {source}{when}")
    print()
    print(f"{'site':<10} {'count':>7}")
    for kind in SiteKind:
        print(f"{kind.label:<10} {counts[kind]:>7}")
    print()
    for name, n in people.items():
        print(f"{name:<10} {n:>7}")
    print()
    if any(activities.values()):
        for name, n in activities.items():
            print(f"{name:<22} {n:>7}")
        print()
    print(cov)
    if args.file is None:
        print()
        print("reported (2023-08) and counted from the records:")
        print(figures(network))
    lines = _cli_volunteers.summary_lines(network, as_of=args.as_of)
    if lines:
        print()
        print("\n".join(lines))
    if errors or warnings:
        target = "FILE" if args.file is None else str(args.file)
        print()
        print(
            f"validation: {errors} error(s), {warnings} warning(s) — "
            f"run 'wenming validate {target}' for the list"
        )
    return EXIT_OK


def _membership(data: bytes, tables: Path | bool, source: str) -> tuple[Issue, ...]:
    """The opt-in membership rule (``--tables [DIR]``) on a file's divisions.

    Read from the records that load; a file with shape errors has them listed
    already, and the rule then looks at nothing. ``True`` (no DIR) reads the
    tables :func:`~wenming.divisions.national_table` finds by itself.
    """
    from wenming.datasets.national import check_membership, national_table

    # a bad folder: FileAccessError / FormatError; no tables at all: UnknownIdError; exit 2
    table = national_table(tables if isinstance(tables, Path) else None)
    try:
        records = loads_records(data, source=source)
    except WenmingError:
        return ()
    return check_membership(records, table)


def _validate(args: argparse.Namespace) -> int:
    source = str(args.file)
    data = _read(args.file)
    # Every problem at once: records with a shape error are listed with their
    # paths and every other record still goes through the cross-record rules.
    # Text that is not UTF-8 or not JSON is one `format` issue (as loads says).
    issues = validate_text(data, source=source)
    if args.tables is not None:
        issues = (*issues, *_membership(data, args.tables, source))
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = sum(1 for i in issues if i.severity is Severity.WARNING)
    if args.json:
        print(
            json.dumps(
                {
                    "source": source,
                    "errors": errors,
                    "warnings": warnings,
                    "issues": [i.to_dict() for i in issues],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for issue in issues:
            print(f"{issue.severity.value:<8} {issue.code:<26} {issue}")
        print(f"{source}: {errors} error(s), {warnings} warning(s)")
    return EXIT_INVALID if errors else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Examples
    --------
    >>> main(["summary", "--json"])  # doctest: +ELLIPSIS
    {
      "source": "embedded dataset ziyang.json",
      ...
    0
    """
    for stream in (sys.stdout, sys.stderr):
        # Names are Chinese: on a console that cannot show them, escape, never crash.
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        args = _parser().parse_args(argv)
        if args.command in _cli_volunteers.COMMANDS:
            status = _cli_volunteers.run(args)
        elif args.command == "ledger":
            status = run_ledger(args)
        elif args.command in _cli_people.COMMANDS:
            status = _cli_people.run(args)
        elif args.command in _cli_activities.COMMANDS:
            status = _cli_activities.run(args)
        elif args.command in _cli_graph.COMMANDS:
            status = _cli_graph.run(args)
        elif args.command in _cli_generate.COMMANDS:
            status = _cli_generate.run(args)
        elif args.command in _cli_divisions.COMMANDS:
            status = _cli_divisions.run(args)
        else:
            status = _summary(args) if args.command == "summary" else _validate(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the handlers below
        return status
    except _UsageError as exc:
        print(f"wenming: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except WenmingError as exc:
        message = " ".join(str(exc).split())
        print(f"wenming: error: {message}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("wenming: interrupted", file=sys.stderr)
        return 130
    except MemoryError:
        # e.g. ``wenming summary /dev/zero``, or a file larger than this machine holds;
        # the buffers are gone by now, so the message can be printed
        print(
            "wenming: error: out of memory: the input is too large for this machine "
            "(or is not a file: a device or a stream without end)",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (``wenming summary | head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_INVALID
