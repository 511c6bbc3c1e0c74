"""The ``chain`` and ``scorecard`` commands, and the people counts of ``summary`` (private).

``wenming chain SITE [FILE] [--as-of DATE] [--json]``
    Who answers for a site, nearest first, with the gaps. Without FILE it reads
    the embedded Ziyang County network.
``wenming scorecard [FILE] [--as-of DATE] [--json]``
    One row per town (督查考核): Station coverage, 包村 links, heads in post,
    six haves and the weighted score. Without FILE, the embedded Ziyang network.

The command-line module wires :func:`add_parsers` and :func:`run` in; nothing else
imports this module.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from wenming._cli_common import date_arg, network_arg
from wenming.governance import scorecard
from wenming.network import Network
from wenming.responsibility import responsibility_chain

__all__ = ["COMMANDS", "add_parsers", "people_counts", "run"]

COMMANDS = frozenset({"chain", "scorecard"})
"""The commands this module handles (``args.command`` values)."""


def add_parsers(subparsers: Any) -> None:
    """Add the ``chain`` and ``scorecard`` commands to an argparse ``subparsers``."""
    chain = subparsers.add_parser(
        "chain",
        help="who answers for a site (责任链), with the gaps",
        description=(
            "Print the responsibility chain of a site: its head, the posts linked to it, "
            "and so on up to the county, with the holder of each post on the date."
        ),
    )
    chain.add_argument("site", metavar="SITE", help="a site id")
    chain.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="a network file (default: Ziyang)"
    )
    chain.add_argument("--as-of", type=date_arg, metavar="DATE", help="the day (default: today)")
    chain.add_argument("--json", action="store_true", help="print JSON")
    card = subparsers.add_parser(
        "scorecard",
        help="one row per town: coverage, links, heads in post, six haves, score (督查考核)",
        description=(
            "Print the town scorecard: for each town, the share of villages with a Station, "
            "of Stations with a 包村 link, of sites whose head is in post and of sites "
            "meeting the six haves, and the weighted score (default weights)."
        ),
    )
    card.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="a network file (default: Ziyang)"
    )
    card.add_argument("--as-of", type=date_arg, metavar="DATE", help="the day (default: today)")
    card.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    """Run a command of :data:`COMMANDS`; return the exit status (0).

    Raises
    ------
    WenmingError
        An unknown site, a file that does not load: the caller prints it (exit 2).
    """
    network, source = network_arg(args.file)
    if args.command == "scorecard":
        card = scorecard(network, as_of=args.as_of)
        if args.json:
            print(json.dumps({"source": source, **card.to_dict()}, ensure_ascii=False, indent=2))
        else:
            print(card)
        return 0
    chain = responsibility_chain(network, args.site, as_of=args.as_of)
    if args.json:
        print(json.dumps({"source": source, **chain.to_dict()}, ensure_ascii=False, indent=2))
    else:
        print(chain)
    return 0


def people_counts(network: Network) -> dict[str, int]:
    """The ``summary`` counts: posts, people and supervision links (and areas, tenures).

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> people_counts(ziyang())
    {'posts': 311, 'people': 312, 'tenures': 312, 'areas': 4, 'links': 228}
    """
    return {
        name: len(network.table(name)) for name in ("posts", "people", "tenures", "areas", "links")
    }
