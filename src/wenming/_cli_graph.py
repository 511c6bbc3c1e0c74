"""The ``export`` and ``plot`` commands (private).

``wenming export [FILE] --to FORMAT [--root SITE] [--layers L,…] [--as-of DATE] -o OUT``
    The network (or the subtree of SITE) as a graph file, written atomically.
``wenming plot coverage|tree|chain [FILE] [--site SITE] [--within CODE] [--as-of DATE] -o OUT``
    A picture (PNG or SVG by the suffix of OUT; needs the ``plot`` extra).

Without FILE both read the embedded Ziyang County network. The command-line
module wires :func:`add_parsers` and :func:`run` in; nothing else imports this.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from wenming._cli_common import date_arg, network_arg
from wenming.errors import InvariantError

__all__ = ["COMMANDS", "add_parsers", "run"]

COMMANDS = frozenset({"export", "plot"})
"""The commands this module handles (``args.command`` values)."""


FORMATS = ("graphml", "gexf", "json", "dot")
"""The export formats, as ``wenming.graph.FORMATS`` (a test pins them equal).

Spelled out here so that building the command line does not import the graph
package, and with it networkx, for every ``wenming`` command."""


def add_parsers(subparsers: Any) -> None:
    """Add the ``export`` and ``plot`` commands to an argparse ``subparsers``."""
    export = subparsers.add_parser(
        "export",
        help="the network as GraphML, GEXF, node-link JSON or DOT",
        description="Write the network (or a subtree) as a graph file, atomically.",
    )
    export.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="a network file (default: Ziyang)"
    )
    export.add_argument("--to", choices=FORMATS, help="the format (default: from OUT's suffix)")
    export.add_argument("--root", metavar="SITE", help="only the subtree of this site")
    export.add_argument(
        "--layers",
        metavar="LAYERS",
        help=(
            "comma-separated layers (default: the default layers; an unknown name "
            "lists them all, and wenming.graph.layer_names() gives them too)"
        ),
    )
    export.add_argument("--as-of", type=date_arg, metavar="DATE", help="only what exists that day")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")
    picture = subparsers.add_parser(
        "plot",
        help="a picture: coverage per town, coverage over time, the site tree, a chain",
        description="Draw a picture (needs matplotlib: pip install 'wenming[plot]').",
    )
    picture.add_argument("what", choices=("coverage", "time", "tree", "chain"))
    picture.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="a network file (default: Ziyang)"
    )
    picture.add_argument("--site", metavar="SITE", help="the root (tree) or the site (chain)")
    picture.add_argument("--within", metavar="CODE", help="only inside this division (coverage)")
    picture.add_argument("--as-of", type=date_arg, metavar="DATE", help="the day")
    picture.add_argument(
        "--dates", metavar="D1,D2,…", help="the dates of a coverage-over-time picture"
    )
    picture.add_argument("-o", "--output", type=Path, required=True, metavar="OUT")


def run(args: argparse.Namespace) -> int:
    """Run ``export`` or ``plot``; print the file written; return 0.

    Raises
    ------
    WenmingError
        An unknown layer, root or format, a missing extra, a file that does not
        load or cannot be written: the caller prints it.
    """
    network = network_arg(args.file)[0]
    if args.command == "export":
        from wenming.graph import export

        out = export(
            network,
            args.output,
            to=args.to,
            layers=args.layers,
            as_of=args.as_of,
            root=args.root,
        )
        print(out)
        return 0
    from wenming import plot

    if args.what == "coverage":
        fig = plot.coverage_bars(network, within=args.within, as_of=args.as_of)
    elif args.what == "time":
        if not args.dates:
            raise InvariantError("plot time needs --dates D1,D2,…", field="dates")
        fig = plot.coverage_over_time(network, args.dates.split(","), within=args.within)
    else:
        site = args.site
        if site is None:
            if args.what == "chain":
                raise InvariantError(f"plot {args.what} needs --site SITE", field="site")
            site = next(network.iter_sites("centre")).id
        if args.what == "tree":
            fig = plot.site_tree(network, site, as_of=args.as_of)
        else:
            fig = plot.chain_diagram(network, site, as_of=args.as_of)
    print(plot.save(fig, args.output))
    return 0
