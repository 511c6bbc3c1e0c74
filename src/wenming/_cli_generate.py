"""The ``generate`` command (private).

``wenming generate --scale S [--seed N] [--tables DIR | --made-up-codes] -o FILE``
    Generate a valid synthetic network (:func:`wenming.testing.generate`) and
    write it atomically to FILE. ``--tables`` (or the ``WENMING_DIVISIONS``
    environment variable) names a folder of official division tables to build
    on; else the copy ``wenming divisions fetch`` made, if there is one;
    made-up codes otherwise, or always with ``--made-up-codes`` (the line printed
    says which). Progress goes to
    stderr, and only when stderr is a terminal; stdout gets one line saying what
    was written.

The command-line module wires :func:`add_parsers` and :func:`run` in; nothing else
imports this module.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any, TextIO

__all__ = ["COMMANDS", "add_parsers", "run"]

COMMANDS = frozenset({"generate"})
"""The commands this module handles (``args.command`` values)."""


def add_parsers(subparsers: Any) -> None:
    """Add the ``generate`` command to an argparse ``subparsers``."""
    gen = subparsers.add_parser(
        "generate",
        help="generate a synthetic network of a county, a province or the nation",
        description=(
            "Generate a valid synthetic network (every name synthetic; villages always) "
            "and write it atomically. The same seed gives the same file."
        ),
    )
    gen.add_argument(
        "--scale",
        choices=("county", "province", "nation"),
        default="county",
        help="what to generate (default: county)",
    )
    gen.add_argument("--seed", type=int, default=0, help="the random seed (default 0)")
    codes = gen.add_mutually_exclusive_group()
    codes.add_argument(
        "--tables",
        type=Path,
        metavar="DIR",
        help="a folder of official division tables (default: $WENMING_DIVISIONS, else the "
        "copy 'wenming divisions fetch' made, else made-up codes)",
    )
    codes.add_argument(
        "--made-up-codes",
        action="store_true",
        help="build on made-up division codes even where official tables are at hand "
        "(the same file on every machine)",
    )
    gen.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")


class _Progress:
    """Steps and elapsed time on a terminal; nothing otherwise."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.on = bool(getattr(stream, "isatty", lambda: False)())
        self.start = time.perf_counter()

    def __call__(self, step: str) -> None:
        if self.on:
            elapsed = time.perf_counter() - self.start
            self.stream.write(f"\r\033[Kwenming generate: {step} … {elapsed:5.1f} s")
            self.stream.flush()

    def done(self) -> None:
        if self.on:
            self.stream.write("\r\033[K")
            self.stream.flush()


def run(args: argparse.Namespace) -> int:
    """Run ``generate``; return the exit status."""
    from wenming.divisions import DIVISIONS_ENV, fetched_present, national_table
    from wenming.serialization import dump
    from wenming.testing.generators import generate_records

    folder = args.tables or os.environ.get(DIVISIONS_ENV) or None
    progress = _Progress(sys.stderr)
    try:
        table = None
        if not args.made_up_codes and (folder is not None or fetched_present()):
            progress("reading the division tables")
            table = national_table(folder)
        records = generate_records(args.scale, seed=args.seed, table=table, progress=progress)
        progress("writing")
        dump(records, args.output)
    finally:
        progress.done()
    sites = len(records.of("sites"))
    codes = "made-up division codes" if table is None else f"the {table.edition} division tables"
    print(f"wrote {args.output}: {args.scale}, seed {args.seed}, {sites:,} sites, on {codes}")
    return 0
