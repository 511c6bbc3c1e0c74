"""The ``wenming activities`` and ``wenming taxonomy`` commands and summary counts (private).

``wenming activities [FILE] [--by town|month|category] [--from DATE] [--to DATE] [--json]``
    Count a network's activities per town (the default), month or category, in
    one pass; ``--from``/``--to`` bound the period (both days included).
    Without FILE it reads the embedded Ziyang County network.

``wenming taxonomy [FILE] [--lang zh|en] [--json]``
    Print the activity taxonomy: the one a network file uses, or the shipped
    default; ``FILE`` may also be a taxonomy file (``.toml`` or ``.json``).

The command-line module wires :func:`add_parsers` and :func:`run` in; nothing else
imports this module.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path
from typing import Any

from wenming._atomic import read_input
from wenming._cli_common import date_arg, network_arg
from wenming.activity_queries import activity_counts
from wenming.network import Network
from wenming.requests import requests_by_state
from wenming.serialization import loads
from wenming.taxonomy import Taxonomy, default_taxonomy, taxonomy_of

__all__ = ["COMMANDS", "add_parsers", "run", "summary_counts"]

COMMANDS = frozenset({"activities", "taxonomy"})
"""The commands this module handles (``args.command`` values)."""


def add_parsers(subparsers: Any) -> None:
    """Add the ``activities`` and ``taxonomy`` commands to an argparse ``subparsers``."""
    acts = subparsers.add_parser(
        "activities",
        help="count activities per town, month or category (活动)",
        description=(
            "Count a network's activities per town, month or category in one pass. "
            "An activity of several categories counts once under each."
        ),
    )
    acts.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="a network file (default: Ziyang)"
    )
    acts.add_argument(
        "--by", choices=("town", "month", "category"), default="town", help="default: town"
    )
    acts.add_argument("--from", dest="start", type=date_arg, metavar="DATE", help="first day")
    acts.add_argument(
        "--to", dest="end", type=date_arg, metavar="DATE", help="last day (included)"
    )
    acts.add_argument("--json", action="store_true", help="print JSON")

    tax = subparsers.add_parser(
        "taxonomy",
        help="print the activity taxonomy (六传六讲六帮, themes, formats)",
        description=(
            "Print the activity taxonomy a network file uses, a taxonomy file "
            "(.toml/.json), or the shipped default."
        ),
    )
    tax.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="a network or taxonomy file"
    )
    tax.add_argument("--lang", choices=("zh", "en"), help="labels in one language (default: both)")
    tax.add_argument("--json", action="store_true", help="print JSON")


def _read(file: Path) -> bytes:
    return read_input(file)


def _taxonomy(file: Path | None) -> tuple[Taxonomy, str]:
    if file is None:
        return default_taxonomy(), "shipped default"
    if file.suffix.lower() == ".toml":
        return Taxonomy.load(file), str(file)
    data = _read(file)
    try:
        head = json.loads(data)
    except (ValueError, RecursionError):  # loads() below says what is wrong
        head = None
    if isinstance(head, dict) and head.get("format") == "wenming.taxonomy":
        return Taxonomy.from_dict(head, source=str(file)), str(file)
    network = loads(data, source=str(file))
    return taxonomy_of(network), str(file)


def run(args: argparse.Namespace) -> int:
    """Run a command of :data:`COMMANDS`; return the exit status (0).

    Raises
    ------
    WenmingError
        A file that does not load, a period that ends before it starts: the
        caller prints it (exit 2).
    """
    if args.command == "taxonomy":
        taxonomy, source = _taxonomy(args.file)
        if args.json:
            print(
                json.dumps({"source": source, **taxonomy.to_dict()}, ensure_ascii=False, indent=2)
            )
        else:
            print(taxonomy.render(args.lang or "both"))
        return 0
    network, source = network_arg(args.file)
    # ``--to`` is inclusive, ``end`` exclusive; the last day a date can hold has no day after
    end = None if args.end in (None, dt.date.max) else args.end + dt.timedelta(days=1)
    table = activity_counts(network, by=(args.by,), start=args.start, end=end)
    if args.json:
        print(
            json.dumps(
                {"source": source, "by": args.by, "rows": table.to_dict()},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        print(f"{source}")
        print(table)
        print(f"total: {len(network.table('activities'))} activities in the network")
    return 0


def summary_counts(network: Network) -> dict[str, int]:
    """The ``summary`` counts: activities, brand projects, experiences, requests by state.

    Examples
    --------
    >>> summary_counts(Network())
    {'activities': 0, 'brand_projects': 0, 'experiences': 0, 'requests': 0}
    """
    counts = {
        "activities": len(network.table("activities")),
        "brand_projects": len(network.table("brand_projects")),
        "experiences": len(network.table("experiences")),
        "requests": len(network.table("requests")),
    }
    for state, n in requests_by_state(network).items():
        if n:
            counts[f"requests_{state.value}"] = n
    return counts
