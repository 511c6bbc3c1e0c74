"""Errors raised by wenming and the :class:`Issue` record that validation collects.

Every error wenming raises derives from :class:`WenmingError`; concrete errors
also derive from the builtin they mean, so ``except LookupError`` and
``except ValueError`` keep working for callers who do not know wenming.

Single-record rules raise at construction (:class:`InvariantError`);
cross-record consistency is collected as :class:`Issue` records by
:func:`wenming.validate`, and :func:`raise_for_issues` turns the errors among them
into one :class:`NetworkInvalidError` (an :class:`ExceptionGroup`).

Examples
--------
>>> from wenming.errors import Issue, Severity, raise_for_issues
>>> issue = Issue(
...     code="unknown-parent",
...     severity=Severity.ERROR,
...     message="unknown site 'x'",
...     subject="inst-1",
...     path="$.sites[3].parent",
... )
>>> str(issue)
"$.sites[3].parent: unknown site 'x'"
>>> try:
...     raise_for_issues([issue])
... except WenmingError as err:
...     print(err.issues[0].code)
unknown-parent
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

__all__ = [
    "DivisionCodeError",
    "DuplicateIdError",
    "FileAccessError",
    "FormatError",
    "HierarchyError",
    "InUseError",
    "InvariantError",
    "Issue",
    "IssueError",
    "NetworkInvalidError",
    "Severity",
    "UnknownIdError",
    "VersionError",
    "WenmingError",
    "raise_for_issues",
]


def quote(value: object, limit: int = 60) -> str:
    r"""Quote a value for a message: its repr, escaped, cut to about ``limit`` characters.

    Messages quote what the user gave; a 500 MB bad value must not make a
    500 MB message.

    Examples
    --------
    >>> quote("abc")
    "'abc'"
    >>> quote("x" * 100)
    "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'… (100 characters)"
    >>> print(quote("\\ud800"))
    '\\ud800'
    """
    if isinstance(value, str):
        # repr() escapes what cannot be shown, lone surrogates included.
        if len(value) > limit:
            return f"{value[: limit - 3]!r}… ({len(value)} characters)"
        return repr(value)
    if isinstance(value, bytes | bytearray) and len(value) > limit:
        return f"{bytes(value[: limit - 3])!r}… ({len(value)} bytes)"
    if isinstance(value, list | tuple | set | frozenset | dict) and len(value) > 20:
        return f"<{type(value).__name__} of {len(value)} items>"
    try:
        text = repr(value)
    except Exception:
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        return f"{text[: limit - 3]}… ({type(value).__name__})"
    return text


class WenmingError(Exception):
    """Root of every error wenming raises.

    Errors pickle and copy with their attributes (they cross process boundaries
    in multiprocessing and ``concurrent.futures``).
    """

    def __reduce__(self) -> tuple[Any, ...]:
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _restore(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class InvariantError(WenmingError, ValueError):
    """A single record breaks one of its own rules (raised at construction).

    Attributes
    ----------
    field : str | None
        The offending field, when one is to blame.
    value : object
        The offending value.
    """

    def __init__(self, message: str, *, field: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.field = field
        self.value = value


class DivisionCodeError(InvariantError):
    """A division code is malformed; the message says which digits are wrong."""

    def __init__(self, message: str, *, value: object = None) -> None:
        super().__init__(message, field="code", value=value)


class UnknownIdError(WenmingError, LookupError):
    """A record refers to, or a query asks for, an id the network does not hold.

    Attributes
    ----------
    kind : str
        What was looked up: ``"site"``, ``"division"``, ``"venue"``.
    id : str
        The id that is not known.
    """

    def __init__(self, kind: str, id: str, message: str | None = None) -> None:
        super().__init__(message or f"unknown {kind} {quote(id)}")
        self.kind = kind
        self.id = id

    def __str__(self) -> str:
        # LookupError/KeyError would repr() the message; keep it readable.
        return str(self.args[0])


class DuplicateIdError(WenmingError, ValueError):
    """A record's id is already taken by another record of the same kind."""

    def __init__(self, kind: str, id: str) -> None:
        super().__init__(f"duplicate {kind} id {quote(id)}: another {kind} already has it")
        self.kind = kind
        self.id = id


class InUseError(WenmingError, ValueError):
    """A record cannot be removed: other records refer to it.

    Attributes
    ----------
    kind : str
        What was to be removed (``"site"``).
    id : str
        Its key.
    referrers : tuple of (str, str)
        (section, key) of every record that refers to it.
    """

    def __init__(
        self, message: str, *, kind: str, id: str, referrers: tuple[tuple[str, str], ...] = ()
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.id = id
        self.referrers = referrers


class HierarchyError(WenmingError, ValueError):
    """A site breaks the Centre → Institute → Station → Point hierarchy.

    Attributes
    ----------
    site : str
        The id of the site that does not fit.
    rule : str
        The issue code of the broken rule (``"parent-kind"``, ``"division-level"``, …).
    """

    def __init__(self, message: str, *, site: str, rule: str) -> None:
        super().__init__(message)
        self.site = site
        self.rule = rule


class FormatError(WenmingError, ValueError):
    """A file or document is not a valid wenming document.

    Attributes
    ----------
    errors : tuple[str, ...]
        One line per problem, each starting with the JSON path (``$.sites[3].name: ...``).
    source : str | None
        The file the document came from, when there is one.
    """

    def __init__(self, errors: Sequence[str], *, source: str | None = None) -> None:
        self.errors = tuple(errors)
        self.source = source
        head = f"{source}: " if source else ""
        more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
        first = self.errors[0] if self.errors else "invalid document"
        super().__init__(f"{head}{first}{more}")


class FileAccessError(WenmingError, OSError):
    """A file cannot be read or written (missing, no permission, disk full).

    It is an :class:`OSError` too, with ``errno``, ``strerror`` and ``filename``.

    Examples
    --------
    >>> str(FileAccessError(2, "cannot read the file: No such file or directory", "x.json"))
    'x.json: cannot read the file: No such file or directory'
    """

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}" if self.filename else str(self.strerror)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errno, self.strerror, self.filename))


class VersionError(FormatError):
    """A document was written by a newer wenming, in a format version this one cannot read."""


class Severity(enum.StrEnum):
    """How serious an :class:`Issue` is. Only errors make :func:`raise_for_issues` raise."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@attrs.frozen(kw_only=True)
class Issue:
    """One problem found by validation.

    Parameters
    ----------
    code : str
        A stable, kebab-case rule name (``"unknown-parent"``), fit for filtering.
    severity : Severity
        Whether the problem is an error, a warning or information.
    message : str
        What is wrong, in words a county clerk can act on.
    subject : str
        The id of the record the issue is about (a site id, a division code).
    path : str
        Where the record sits in the document (``"$.sites[3].parent"``).
    """

    code: str
    severity: Severity = attrs.field(converter=Severity)
    message: str
    subject: str = ""
    path: str = ""

    def __str__(self) -> str:
        where = self.path or self.subject
        return f"{where}: {self.message}" if where else self.message

    def to_dict(self) -> dict[str, str]:
        """Return the issue as a plain dict (for JSON output and DataFrames).

        Examples
        --------
        >>> Issue(code="c", severity="warning", message="m").to_dict()["severity"]
        'warning'
        """
        return {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "subject": self.subject,
            "path": self.path,
        }


class IssueError(WenmingError, ValueError):
    """One error-severity :class:`Issue`, as an exception (a member of a group)."""

    def __init__(self, issue: Issue) -> None:
        super().__init__(str(issue))
        self.issue = issue


class NetworkInvalidError(WenmingError, ExceptionGroup):
    """Validation found errors: one :class:`IssueError` per error-severity issue.

    It is an :class:`ExceptionGroup`, so ``except* IssueError`` works, and a
    :class:`WenmingError`, so ``except WenmingError`` does too. ``str()`` names the
    first issue and how many more there are.
    """

    issues: tuple[Issue, ...]

    def __new__(cls, message: str, exceptions: Sequence[Any]) -> NetworkInvalidError:
        """Create the group and collect the member issues."""
        self = super().__new__(cls, message, exceptions)
        self.issues = tuple(e.issue for e in exceptions if isinstance(e, IssueError))
        return self

    def __init__(self, message: str, exceptions: Sequence[Any]) -> None:
        super().__init__(message, exceptions)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, list(self.exceptions)))

    def derive(self, excs: Sequence[Any]) -> NetworkInvalidError:  # type: ignore[override]
        """Build a group of the same type around a subset (used by ``except*``)."""
        return NetworkInvalidError(self.message, excs)

    def __str__(self) -> str:
        return self.message


def raise_for_issues(issues: Iterable[Issue], *, source: str | None = None) -> None:
    """Raise :class:`NetworkInvalidError` if any issue is an error; otherwise return.

    Parameters
    ----------
    issues : iterable of Issue
        What :func:`wenming.validate` returned.
    source : str, optional
        A file name to put in front of the message.

    Raises
    ------
    NetworkInvalidError
        One member :class:`IssueError` per error-severity issue.

    Examples
    --------
    >>> raise_for_issues([Issue(code="w", severity="warning", message="only a warning")])
    """
    errors = [IssueError(i) for i in issues if i.severity is Severity.ERROR]
    if not errors:
        return
    head = f"{source}: " if source else ""
    rest = len(errors) - 1
    more = f" (and {rest} more error{'s' if rest > 1 else ''})" if rest else ""
    raise NetworkInvalidError(f"{head}{errors[0]}{more}", errors)
