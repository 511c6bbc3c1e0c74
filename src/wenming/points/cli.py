"""``wenming ledger``: keep a points ledger file from the command line.

``wenming ledger init FILE --scheme NAME_OR_JSON``
    Create a ledger file for a shipped scheme (``conduct-card``,
    ``volunteer-hours``) or a scheme JSON file.
``wenming ledger post FILE KIND ACCOUNT --key KEY --operator WHO [...]``
    Post one entry: ``open``, ``earn``, ``deduct``, ``redeem``, ``adjust`` or
    ``reverse``; or ``--batch FILE.jsonl`` posts one entry per line, all or none.
``wenming ledger balance FILE [ACCOUNT]``
    Balance and spendable points of one account, or of every account.
``wenming ledger history FILE ACCOUNT``
    An account's entries with the running balance.
``wenming ledger verify FILE``
    Recompute balances and the hash chain; exit 1 if anything is wrong.

Errors are one line on stderr and exit status 2 (the ``wenming`` command's
handler prints them). Output names accounts and keys only: no personal data.

Examples
--------
>>> import tempfile, pathlib
>>> path = str(pathlib.Path(tempfile.mkdtemp()) / "v.ledger")
>>> main(["init", path, "--scheme", "conduct-card"])  # doctest: +ELLIPSIS
created .../v.ledger for scheme '文明积分卡 (household conduct card)'
0
>>> main(["post", path, "open", "hh-1", "--key", "o1", "--operator", "clerk",
...       "--at", "2024-03-01T09:00+08:00"])
opened account hh-1 (balance 100)
0
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from wenming._atomic import read_input
from wenming.errors import FormatError, WenmingError, quote
from wenming.points.entries import (
    Adjust,
    Deduct,
    Earn,
    Entry,
    Redeem,
    Reverse,
    entry_from_dict,
    entry_to_dict,
)
from wenming.points.ledger import Ledger
from wenming.points.schemes import SCHEMES, PointsScheme

__all__ = ["LedgerUsageError", "add_ledger_parser", "main", "run_ledger"]

EXIT_OK = 0
EXIT_ISSUES = 1
EXIT_ERROR = 2

KINDS = ("open", "earn", "deduct", "redeem", "adjust", "reverse")


class LedgerUsageError(WenmingError, ValueError):
    """A ``wenming ledger`` command was given options that do not fit together."""


def _moment(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a date and time (YYYY-MM-DDTHH:MM+08:00): {text!r}"
        ) from None
    return moment if moment.utcoffset() is not None else moment.astimezone()


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def add_ledger_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``ledger`` command and its subcommands to an argparse ``subparsers``.

    The subcommands use the parser class of the ``ledger`` parser, so a custom
    error behaviour of the main parser carries over. Returns the ``ledger`` parser.
    """
    ledger: argparse.ArgumentParser = subparsers.add_parser(
        "ledger",
        help="keep a points ledger file (积分台账)",
        description="Create, post to, query and verify a points ledger file.",
    )
    commands = ledger.add_subparsers(
        dest="ledger_command", metavar="COMMAND", parser_class=type(ledger)
    )
    commands.required = True

    init = commands.add_parser("init", help="create a ledger file for a scheme")
    init.add_argument("file", type=Path, metavar="FILE")
    init.add_argument(
        "--scheme",
        required=True,
        metavar="NAME_OR_JSON",
        help=f"a shipped scheme ({', '.join(SCHEMES)}) or a scheme JSON file",
    )

    post = commands.add_parser(
        "post",
        help="post an entry (or a batch of entries)",
        description="Post one entry, or with --batch a JSON-lines file of entries "
        "(all of them or none). Posting the same entry again changes nothing.",
    )
    post.add_argument("file", type=Path, metavar="FILE")
    post.add_argument("kind", nargs="?", choices=KINDS, metavar="KIND", help=" | ".join(KINDS))
    post.add_argument("account", nargs="?", metavar="ACCOUNT")
    post.add_argument("--key", help="the idempotency key (a receipt or form number)")
    post.add_argument("--operator", help="who posts it")
    post.add_argument(
        "--at", type=_moment, help="when (ISO date and time; now by default, local zone)"
    )
    post.add_argument("--rule", help="rule code (earn, deduct)")
    post.add_argument("--quantity", type=int, default=1, help="times or items (default 1)")
    post.add_argument("--record", help="service record id (earn from service time)")
    post.add_argument("--minutes", type=int, help="service minutes of that record")
    post.add_argument("--item", help="points-store item code (redeem)")
    post.add_argument("--points", type=int, help="signed points (adjust)")
    post.add_argument("--reason", help="why (adjust, reverse)")
    post.add_argument("--reverses", metavar="KEY", help="the key of the entry to reverse")
    post.add_argument("--batch", type=Path, metavar="JSONL", help="entries, one JSON a line")

    balance = commands.add_parser("balance", help="balances and spendable points")
    balance.add_argument("file", type=Path, metavar="FILE")
    balance.add_argument("account", nargs="?", metavar="ACCOUNT")
    balance.add_argument("--as-of", type=_day, metavar="DATE", help="balance as of DATE")
    balance.add_argument("--json", action="store_true", help="print JSON")

    history = commands.add_parser("history", help="an account's entries")
    history.add_argument("file", type=Path, metavar="FILE")
    history.add_argument("account", metavar="ACCOUNT")
    history.add_argument("--json", action="store_true", help="print JSON")

    verify = commands.add_parser(
        "verify",
        help="check balances and the hash chain; exit 1 on any issue",
    )
    verify.add_argument("file", type=Path, metavar="FILE")
    verify.add_argument("--json", action="store_true", help="print JSON")
    return ledger


def run_ledger(args: argparse.Namespace) -> int:
    """Run a parsed ``wenming ledger`` command; return the exit status.

    Raises
    ------
    WenmingError
        For anything the user can fix (the caller prints it on one line, exit 2).
    """
    handler = {
        "init": _init,
        "post": _post,
        "balance": _balance,
        "history": _history,
        "verify": _verify,
    }[args.ledger_command]
    return handler(args)


def _scheme(value: str) -> PointsScheme:
    if value in SCHEMES:
        return SCHEMES[value]
    path = Path(value)
    try:
        is_file = path.is_file()
    except OSError:  # a name too long for the system, and the like: not a file
        is_file = False
    if not is_file:
        known = ", ".join(SCHEMES)
        raise LedgerUsageError(f"no scheme named {quote(value)} ({known}) and no such scheme file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise FormatError([f"cannot read the scheme: {exc}"], source=value) from None
    except RecursionError:
        raise FormatError(["cannot read the scheme: nested too deeply"], source=value) from None
    if not isinstance(data, dict):
        raise FormatError(["a scheme file holds one JSON object"], source=value)
    return PointsScheme.from_dict(data, source=value)


def _init(args: argparse.Namespace) -> int:
    scheme = _scheme(args.scheme)
    Ledger.create(args.file, scheme).close()
    print(f"created {args.file} for scheme '{scheme.name}'")
    return EXIT_OK


def _need(args: argparse.Namespace, *names: str) -> None:
    missing = [f"--{n.replace('_', '-')}" for n in names if getattr(args, n) is None]
    if missing:
        what = args.kind or "a batch"
        raise LedgerUsageError(f"posting {what} needs {', '.join(missing)}")


def _entry(args: argparse.Namespace, ledger: Ledger, at: dt.datetime) -> Entry:
    kind = args.kind
    common: dict[str, Any] = {
        "key": args.key,
        "account": args.account,
        "at": at,
        "operator": args.operator,
    }
    if kind == "earn" and args.record is not None:
        _need(args, "minutes")
        conversion = ledger.scheme.conversion
        if conversion is None:
            raise LedgerUsageError("this ledger's scheme does not turn service time into points")
        return Earn(
            points=conversion.points(args.minutes),
            service_record=args.record,
            minutes=args.minutes,
            **common,
        )
    if kind in ("earn", "deduct"):
        _need(args, "rule")
        points = ledger.scheme.rule(args.rule).points * args.quantity
        cls = Earn if kind == "earn" else Deduct
        return cls(points=points, rule=args.rule, quantity=args.quantity, **common)
    if kind == "redeem":
        _need(args, "item")
        line = next((s for s in ledger.items() if s.item.code == args.item), None)
        price = line.item.price if line is not None else 1  # an unknown item is refused below
        return Redeem(
            points=-price * args.quantity, item=args.item, quantity=args.quantity, **common
        )
    if kind == "adjust":
        _need(args, "points", "reason")
        return Adjust(points=args.points, reason=args.reason, **common)
    _need(args, "reverses")
    target = next((e for e in ledger.entries() if e.key == args.reverses), None)
    if target is None:
        raise LedgerUsageError(f"no entry '{args.reverses}' to reverse")
    return Reverse(points=-target.points, reverses=args.reverses, reason=args.reason, **common)


def _post(args: argparse.Namespace) -> int:
    with Ledger.open(args.file) as ledger:
        if args.batch is not None:
            if args.kind is not None:
                raise LedgerUsageError("give either KIND ACCOUNT or --batch, not both")
            entries = _read_batch(args.batch)
            posted = ledger.append_all(entries)
            print(f"posted a batch of {len(posted)} entries; the ledger holds {len(ledger)}")
            return EXIT_OK
        if args.kind is None or args.account is None:
            raise LedgerUsageError("post needs KIND and ACCOUNT, or --batch FILE")
        _need(args, "key", "operator")
        at = args.at or dt.datetime.now().astimezone()
        if args.kind == "open":
            ledger.open_account(args.account, at=at, operator=args.operator)
            print(f"opened account {args.account} (balance {ledger.balance(args.account)})")
            return EXIT_OK
        entry = ledger.append(_entry(args, ledger, at))
        print(
            f"posted {entry.kind} '{entry.key}' to {entry.account}: {entry.points:+d} points, "
            f"balance {ledger.balance(entry.account)}"
        )
        return EXIT_OK


def _read_batch(path: Path) -> list[Entry]:
    try:  # a device (/dev/zero) is refused, as everywhere
        lines = read_input(path).decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise LedgerUsageError(f"cannot read {path}: {exc}") from None
    entries: list[Entry] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            entries.append(entry_from_dict(data))
        except FormatError as exc:
            raise FormatError([f"line {number}: {exc}"], source=str(path)) from None
        except ValueError as exc:
            raise FormatError([f"line {number}: {exc}"], source=str(path)) from None
        except RecursionError:
            raise FormatError([f"line {number}: nested too deeply"], source=str(path)) from None
    return entries


def _balance(args: argparse.Namespace) -> int:
    with Ledger.open(args.file) as ledger:
        floor = ledger.scheme.floor
        ids = [args.account] if args.account else [a.id for a in ledger.accounts()]
        rows = []
        for account in ids:
            balance = ledger.balance(account, as_of=args.as_of)
            spendable = ledger.spendable(account, on=args.as_of) if args.as_of is None else None
            rows.append(
                {
                    "account": account,
                    "balance": balance,
                    "spendable": spendable,
                    "below_floor": floor is not None and balance < floor,
                }
            )
    if args.json:
        print(
            json.dumps(
                {
                    "as_of": None if args.as_of is None else args.as_of.isoformat(),
                    "accounts": rows,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return EXIT_OK
    print(f"{'account':<20} {'balance':>9} {'spendable':>9}")
    for row in rows:
        spend = "" if row["spendable"] is None else str(row["spendable"])
        mark = f"  below the floor of {floor}: benefits suspended" if row["below_floor"] else ""
        print(f"{row['account']:<20} {row['balance']:>9} {spend:>9}{mark}")
    return EXIT_OK


def _history(args: argparse.Namespace) -> int:
    with Ledger.open(args.file) as ledger:
        entries = ledger.history(args.account)
    running = 0
    rows = []
    for entry in entries:
        running += entry.points
        rows.append({**entry_to_dict(entry), "at": entry.at.isoformat(), "balance": running})
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return EXIT_OK
    for row in rows:
        what = (
            row.get("rule")
            or row.get("service_record")
            or row.get("item")
            or row.get("reverses")
            or row.get("reason", "")
        )
        print(
            f"{row['at']:<25} {row['kind']:<8} {row['points']:>+6} {row['balance']:>7}  "
            f"{row['key']}  {what}"
        )
    return EXIT_OK


def _verify(args: argparse.Namespace) -> int:
    with Ledger.open(args.file) as ledger:
        issues = ledger.verify()
        count, head = ledger.head()
    if args.json:
        print(
            json.dumps(
                {
                    "file": str(args.file),
                    "entries": count,
                    "head": head,
                    "issues": [i.to_dict() for i in issues],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        for issue in issues:
            print(f"{issue.code:<18} {issue}")
        print(f"{args.file}: {count} entries, head {head[:16]}, {len(issues)} issue(s)")
    return EXIT_ISSUES if issues else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``wenming ledger`` on its own (``python -m wenming.points.cli …``)."""
    parser = argparse.ArgumentParser(prog="wenming")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_ledger_parser(subparsers)
    args = parser.parse_args(["ledger", *(sys.argv[1:] if argv is None else argv)])
    try:
        return run_ledger(args)
    except WenmingError as exc:
        print(f"wenming: error: {' '.join(str(exc).split())}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
