"""Cross-record validation: every problem in a network or document, at once.

:func:`validate` runs a registry of small rules, each a function from a
:class:`ValidationContext` to :class:`~wenming.errors.Issue` records, and returns
all the issues. It accepts a :class:`~wenming.Network` (always buildable, so the
rules find semantic problems such as two Stations claiming one village) or a
:class:`~wenming.NetworkRecords` (what a file holds, which may also have
duplicate ids, unknown parents and cycles). Issue paths point into the document:
``$.sites[17].parent``.

Two rules hold for every section (:data:`wenming.sections.SECTIONS`): duplicate
keys, and references to keys the target section does not hold. Each section
brings its own rules in its declaration; register more with :func:`register_rule`.

Examples
--------
>>> from wenming import NetworkRecords, Centre, Division, Station, validate
>>> records = NetworkRecords(
...     divisions=[Division(code="610924", name="紫阳县")],
...     sites=[
...         Centre(id="zy", name="中心", division="610924"),
...         Station(id="s1", name="站", division="610924", parent="nowhere"),
...     ],
... )
>>> for issue in validate(records):
...     print(issue.path, issue.code)
$.sites[1].parent unknown-parent
$.sites[1].division division-level
>>> print(validate(records)[0])
$.sites[1].parent: unknown site 'nowhere' (not in $.sites)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any

from wenming._fields import DateLike, as_date
from wenming.errors import InvariantError, Issue, Severity, UnknownIdError, quote, raise_for_issues
from wenming.network import Network, NetworkRecords
from wenming.section import OnRemove, Rule, ValidationContext, document_position, error
from wenming.sections import SECTIONS

__all__ = [
    "RULES",
    "Rule",
    "ValidationContext",
    "check",
    "register_rule",
    "validate",
]

RULES: dict[str, Rule] = {}
"""The registry: rule name → rule. :func:`validate` runs them in this order."""


def register_rule(name: str) -> Callable[[Rule], Rule]:
    """Register a rule under ``name`` (a decorator); a name can be registered once.

    Examples
    --------
    >>> @register_rule("doc-example-no-description")
    ... def _no_description(ctx):
    ...     if not ctx.records.description:
    ...         yield Issue(code="no-description", severity="info",
    ...                     message="the network has no description", path="$.description")
    >>> [i.code for i in validate(NetworkRecords()) if i.code == "no-description"]
    ['no-description']
    >>> del RULES["doc-example-no-description"]
    """

    def decorate(rule: Rule) -> Rule:
        if name in RULES:
            raise ValueError(f"a validation rule named {name!r} is already registered")
        RULES[name] = rule
        return rule

    return decorate


@register_rule("duplicate-id")
def _duplicate_keys(ctx: ValidationContext) -> Iterator[Issue]:
    for section in SECTIONS:
        first: dict[Any, int] = {}
        key = section.key
        for i, record in enumerate(ctx.records.of(section.name)):
            value = key(record)
            if value in first:
                yield error(
                    "duplicate-id",
                    f"duplicate {section.noun} {section.key_field} {section.show_key(value)} "
                    f"(first at {ctx.path(section.name, first[value])})",
                    str(value),
                    ctx.path(section.name, i, section.key_field),
                )
            else:
                first[value] = i


@register_rule("unknown-reference")
def _unknown_references(ctx: ValidationContext) -> Iterator[Issue]:
    by_name = {s.name: s for s in SECTIONS}
    for section in SECTIONS:
        records = ctx.records.of(section.name)
        for ref in section.refs:
            if ref.item is not None:
                continue  # nested references: the section's own rule names the nested path
            target = by_name[ref.target]
            known = ctx.index(ref.target)
            if not ref.many:
                # The common case, one key per record: find the misses in one pass.
                values = map(attrgetter(ref.field), records)
                missing = [
                    i
                    for i, k in enumerate(values)
                    if k is not None and k not in known and k not in target.defaults
                ]
            else:
                missing = [
                    i
                    for i, record in enumerate(records)
                    if any(k not in known and k not in target.defaults for k in ref.keys(record))
                ]
            for i in missing:
                record = records[i]
                for k in ref.keys(record):
                    if k not in known and k not in target.defaults:
                        yield error(
                            ref.code,
                            f"unknown {target.noun} {target.show_key(k)} (not in $.{ref.target})",
                            str(section.key(record)),
                            ctx.path(section.name, i, ref.field),
                        )


for _section in SECTIONS:
    for _name, _rule in _section.rules:
        register_rule(_name)(_rule)


def _as_of(records: NetworkRecords, day: dt.date) -> tuple[NetworkRecords, dict[str, list[int]]]:
    """Keep the records that exist on ``day``, with each kept record's position.

    A record exists when its own dates say so and every record it refers to
    with a cascading reference (its parent, …) exists too; references to
    records that do not exist are dropped from those that merely list them.
    """
    by_name = {s.name: s for s in SECTIONS}
    firsts: dict[str, dict[Any, Any]] = {}
    for section in SECTIONS:
        first: dict[Any, Any] = {}
        for record in records.of(section.name):
            first.setdefault(section.key(record), record)
        firsts[section.name] = first
    memo: dict[tuple[str, Any], bool] = {}

    def alive(section_name: str, record: Any, depth: int = 0) -> bool:
        section = by_name[section_name]
        if section.exists_on is not None and not section.exists_on(record, day):
            return False
        if depth > 16:  # a cycle: reported by its own rule
            return True
        for ref in section.refs:
            if ref.on_remove is not OnRemove.CASCADE:
                continue
            for k in ref.keys(record):
                target = firsts[ref.target].get(k)
                if target is None:
                    continue
                slot = (ref.target, k)
                known = memo.get(slot)
                if known is None:
                    known = memo[slot] = alive(ref.target, target, depth + 1)
                if not known:
                    return False
        return True

    kept: dict[str, list[Any]] = {}
    positions: dict[str, list[int]] = {}
    gone: dict[str, set[Any]] = {}
    for section in SECTIONS:
        keep: list[Any] = []
        where: list[int] = []
        lost: set[Any] = set()
        for i, record in enumerate(records.of(section.name)):
            if alive(section.name, record):
                keep.append(record)
                where.append(i)
            else:
                lost.add(section.key(record))
        kept[section.name], positions[section.name], gone[section.name] = keep, where, lost
    for section in SECTIONS:
        for ref in section.refs:
            if ref.on_remove is OnRemove.CASCADE or not gone[ref.target]:
                continue
            lost = gone[ref.target]
            kept[section.name] = [
                _without(r, ref.field, lost, many=ref.many) for r in kept[section.name]
            ]
    return records.replace(**kept), positions


def _without(record: Any, field: str, lost: set[Any], *, many: bool) -> Any:
    import attrs

    value = getattr(record, field)
    if value is None:
        return record
    if many:
        if value.isdisjoint(lost):
            return record
        return attrs.evolve(record, **{field: value - lost})
    return attrs.evolve(record, **{field: None}) if value in lost else record


def validate(
    target: Network | NetworkRecords,
    *,
    rules: Iterable[str] | None = None,
    as_of: DateLike = None,
    positions: Mapping[str, Sequence[int]] | None = None,
) -> tuple[Issue, ...]:
    """Run the validation rules and return every issue found.

    Parameters
    ----------
    target : Network or NetworkRecords
        A network, or a document's records (which may hold what a network
        refuses). To check a file, use :func:`wenming.validate_file`.
    rules : iterable of str, optional
        Names from :data:`RULES` to run; all of them by default.
    as_of : date, ISO string or datetime, optional
        Check only the records that exist on this date.
    positions : mapping, optional
        Section name → the document index of each record, when ``target`` holds
        only some of a document's records (paths then point into the document).

    Returns
    -------
    tuple of Issue
        Errors first, then warnings, then information; in document order within each.

    Raises
    ------
    InvariantError
        ``target`` is not a network (a file name, say).
    UnknownIdError
        ``rules`` names a rule that is not registered (also a ``LookupError``).

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> validate(ziyang())
    ()
    >>> validate("ziyang.json")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: validate() takes a Network or NetworkRecords, not str; \
to check a file, use wenming.validate_file('ziyang.json')
    """
    if isinstance(target, Network):
        records = target.records()
    elif isinstance(target, NetworkRecords):
        records = target
    else:
        hint = ""
        if isinstance(target, str) or hasattr(target, "__fspath__"):
            hint = f"; to check a file, use wenming.validate_file({str(target)!r})"
        raise InvariantError(
            f"validate() takes a Network or NetworkRecords, not {type(target).__name__}{hint}",
            value=type(target).__name__,
        )
    names = list(RULES) if rules is None else list(rules)
    unknown = [n for n in names if n not in RULES]
    if unknown:
        raise UnknownIdError(
            "validation rule",
            unknown[0],
            f"unknown validation rule {quote(unknown[0])}; the rules are: {', '.join(RULES)}",
        )
    day = as_date(as_of)
    if day is not None:
        records, kept = _as_of(records, day)
        base = dict(positions or {})
        positions = {
            name: [base[name][i] if name in base else i for i in where]
            for name, where in kept.items()
        }
    ctx = ValidationContext(records, positions)
    issues: list[Issue] = []
    for name in names:
        issues.extend(RULES[name](ctx))
    return _ordered(issues)


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
_SECTION_RANK = {s.name: i for i, s in enumerate(SECTIONS)}


def _ordered(issues: Iterable[Issue]) -> tuple[Issue, ...]:
    """Errors, then warnings, then information; each in document order (stable)."""
    return tuple(
        sorted(
            issues,
            key=lambda issue: (
                _SEVERITY_ORDER[issue.severity],
                document_position(issue, _SECTION_RANK),
            ),
        )
    )


def check(target: Network | NetworkRecords, *, source: str | None = None) -> None:
    """Validate and raise if any issue is an error (``validate`` + ``raise_for_issues``).

    Raises
    ------
    NetworkInvalidError
        An :class:`ExceptionGroup` with one :class:`~wenming.errors.IssueError` per error.
    """
    raise_for_issues(validate(target), source=source)
