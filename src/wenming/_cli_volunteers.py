"""The ``wenming teams`` command and the volunteer lines of ``summary`` (private).

``wenming teams [FILE] [--as-of DATE] [--json]``
    The team-profile report ("1+8+N"): what the profile expects, what exists,
    each shortfall. Without FILE it reads the embedded Ziyang County network.

The command line reads files without sensitive data (a file written with
``sensitive=True`` is refused with a message saying why), so nothing it prints
can hold an ID number or a phone. The command-line module wires
:func:`add_parsers`, :func:`run` and :func:`summary_lines` in; nothing else
imports this module.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from wenming._cli_common import date_arg, network_arg
from wenming._fields import DateLike, as_date
from wenming.network import Network
from wenming.service import hours, minutes_by_volunteer
from wenming.teams import check_profile, team_counts, team_levels
from wenming.volunteers import registered_volunteers

__all__ = ["COMMANDS", "add_parsers", "run", "summary_lines", "volunteer_counts"]

COMMANDS = frozenset({"teams"})
"""The commands this module handles (``args.command`` values)."""


def add_parsers(subparsers: Any) -> None:
    """Add the ``teams`` command to an argparse ``subparsers``."""
    teams = subparsers.add_parser(
        "teams",
        help='the volunteer-team profile report ("1+8+N")',
        description=(
            'Measure the volunteer teams against the "1+8+N" profile: one corps at the '
            "Centre, 8 standing brigades, N sector brigades, a brigade per Institute and "
            "at least one squad per Station; print each shortfall."
        ),
    )
    teams.add_argument(
        "file", nargs="?", type=Path, metavar="FILE", help="a network file (default: Ziyang)"
    )
    teams.add_argument("--as-of", type=date_arg, metavar="DATE", help="the day (default: today)")
    teams.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    """Run a command of :data:`COMMANDS`; return the exit status (0).

    Raises
    ------
    WenmingError
        A file that does not load (or holds sensitive data): the caller prints it (exit 2).
    """
    network, source = network_arg(args.file)
    report = check_profile(network, as_of=args.as_of)
    if args.json:
        print(json.dumps({"source": source, **report.to_dict()}, ensure_ascii=False, indent=2))
    else:
        print(f"{network.name or '(unnamed network)'} — {source}")
        print(report)
    return 0


def volunteer_counts(network: Network, as_of: DateLike = None) -> dict[str, Any]:
    """The ``summary`` figures: volunteers registered, teams per level, hours recorded.

    Hours are counted with corrections applied, as recorded by ``as_of`` (all by
    default), as a decimal string.

    Examples
    --------
    >>> from wenming.testing.volunteers import volunteer_county
    >>> volunteer_counts(volunteer_county(), as_of="2024-01-01")
    {'volunteers': 6, 'teams': {'corps': 1, 'brigade': 11, 'squad': 4}, 'hours': '47.75'}
    """
    day = as_date(as_of)
    totals = minutes_by_volunteer(network, as_of=day)
    return {
        "volunteers": len(registered_volunteers(network, as_of=day)),
        "teams": team_counts(network, as_of=day),
        "hours": str(hours(sum(totals.values()))),
    }


def summary_lines(network: Network, as_of: DateLike = None) -> list[str]:
    r"""The volunteer lines ``wenming summary`` prints.

    None for a network without volunteers or teams.

    Examples
    --------
    >>> from wenming.testing.volunteers import volunteer_county
    >>> print("\n".join(summary_lines(volunteer_county(), as_of="2024-01-01")))
    volunteers        6
    teams            16  (corps 1, brigade 11, squad 4)
    service hours 47.75
    """
    if not network.table("volunteers") and not network.table("teams"):
        return []
    counts = volunteer_counts(network, as_of)
    levels = team_levels(network)
    by_level = ", ".join(
        f"{levels[k].label or levels[k].name if k in levels else k} {n}"
        for k, n in counts["teams"].items()
    )
    return [
        f"volunteers    {counts['volunteers']:>5}",
        f"teams         {sum(counts['teams'].values()):>5}  ({by_level})",
        f"service hours {counts['hours']}",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run ``teams`` on its own (``python -m wenming._cli_volunteers teams FILE``).

    For tests and for trying the command before it is wired into ``wenming``;
    errors are one line on stderr and exit status 2, as ``wenming`` does.
    """
    import sys

    from wenming.errors import WenmingError

    parser = argparse.ArgumentParser(prog="wenming")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        return run(args)
    except WenmingError as exc:
        print(f"wenming: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
