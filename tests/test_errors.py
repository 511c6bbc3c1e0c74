"""Tests for wenming.errors: the error hierarchy, Issue records and raise_for_issues."""

from __future__ import annotations

import copy
import pickle
from collections.abc import Callable

import attrs
import pytest

from wenming.errors import (
    DivisionCodeError,
    DuplicateIdError,
    FileAccessError,
    FormatError,
    HierarchyError,
    InvariantError,
    Issue,
    IssueError,
    NetworkInvalidError,
    Severity,
    UnknownIdError,
    VersionError,
    WenmingError,
    raise_for_issues,
)


def _issue(code: str, severity: str = "error", subject: str = "", path: str = "") -> Issue:
    return Issue(
        code=code, severity=severity, message=f"{code} happened", subject=subject, path=path
    )


# ---------------------------------------------------------------- the hierarchy


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (UnknownIdError, LookupError),
        (InvariantError, ValueError),
        (DivisionCodeError, ValueError),
        (DuplicateIdError, ValueError),
        (HierarchyError, ValueError),
        (FormatError, ValueError),
        (VersionError, ValueError),
        (IssueError, ValueError),
        (FileAccessError, OSError),
        (NetworkInvalidError, ExceptionGroup),
    ],
)
def test_hierarchy(error: type[Exception], builtin: type[Exception]) -> None:
    assert issubclass(error, WenmingError)
    assert issubclass(error, builtin)
    assert issubclass(WenmingError, Exception)


def test_specialisations() -> None:
    assert issubclass(DivisionCodeError, InvariantError)
    assert issubclass(VersionError, FormatError)
    assert not issubclass(UnknownIdError, ValueError)
    assert not issubclass(InvariantError, LookupError)


def test_unknown_id_error() -> None:
    err = UnknownIdError("site", "zy-101")
    assert str(err) == "unknown site 'zy-101'"  # no extra quotes, unlike KeyError
    assert err.kind == "site"
    assert err.id == "zy-101"
    custom = UnknownIdError("division", "610924", "Institute 'x': unknown division 610924")
    assert str(custom) == "Institute 'x': unknown division 610924"
    assert custom.id == "610924"
    with pytest.raises(LookupError, match=r"^unknown venue 'v9'$"):
        raise UnknownIdError("venue", "v9")


def test_invariant_error_attributes() -> None:
    err = InvariantError("name must not be blank", field="name", value=" ")
    assert str(err) == "name must not be blank"
    assert (err.field, err.value) == ("name", " ")
    bare = InvariantError("something is wrong")
    assert (bare.field, bare.value) == (None, None)
    code = DivisionCodeError("division code '6' has 1 digits", value="6")
    assert (code.field, code.value) == ("code", "6")


def test_duplicate_id_error() -> None:
    err = DuplicateIdError("site", "zy")
    assert (err.kind, err.id) == ("site", "zy")
    assert str(err) == "duplicate site id 'zy': another site already has it"


def test_hierarchy_error() -> None:
    err = HierarchyError("a Centre has no parent", site="zy", rule="parent-kind")
    assert str(err) == "a Centre has no parent"
    assert (err.site, err.rule) == ("zy", "parent-kind")


def test_format_error_messages() -> None:
    one = FormatError(["$.sites[3].name: name must not be blank"])
    assert str(one) == "$.sites[3].name: name must not be blank"
    assert one.errors == ("$.sites[3].name: name must not be blank",)
    assert one.source is None

    many = FormatError(["$.a: first", "$.b: second", "$.c: third"], source="ziyang.json")
    assert str(many) == "ziyang.json: $.a: first (and 2 more)"
    assert many.errors == ("$.a: first", "$.b: second", "$.c: third")
    assert many.source == "ziyang.json"

    two = FormatError(("$.a: first", "$.b: second"))
    assert str(two) == "$.a: first (and 1 more)"

    empty = FormatError([], source="x.json")
    assert str(empty) == "x.json: invalid document"
    assert empty.errors == ()

    version = VersionError(["format version 9 is newer than this wenming reads"], source="f")
    assert isinstance(version, FormatError)
    assert str(version) == "f: format version 9 is newer than this wenming reads"


def test_file_access_error() -> None:
    err = FileAccessError(2, "cannot read the file: No such file or directory", "x.json")
    assert str(err) == "x.json: cannot read the file: No such file or directory"
    assert (err.errno, err.filename) == (2, "x.json")
    assert str(FileAccessError(13, "permission denied")) == "permission denied"


# ---------------------------------------------------------------- Issue


def test_issue_str_and_to_dict() -> None:
    issue = Issue(
        code="unknown-parent",
        severity=Severity.ERROR,
        message="unknown site 'x'",
        subject="inst-1",
        path="$.sites[3].parent",
    )
    assert str(issue) == "$.sites[3].parent: unknown site 'x'"
    assert issue.to_dict() == {
        "code": "unknown-parent",
        "severity": "error",
        "message": "unknown site 'x'",
        "subject": "inst-1",
        "path": "$.sites[3].parent",
    }
    # Without a path, the subject names the record.
    by_subject = Issue(code="c", severity="warning", message="m", subject="zy-101")
    assert str(by_subject) == "zy-101: m"
    assert by_subject.to_dict() == {
        "code": "c",
        "severity": "warning",
        "message": "m",
        "subject": "zy-101",
        "path": "",
    }


def test_issue_severity_conversion() -> None:
    for raw, member in [("error", Severity.ERROR), ("warning", Severity.WARNING)]:
        assert Issue(code="c", severity=raw, message="m").severity is member
    assert Issue(code="c", severity=Severity.INFO, message="m").severity is Severity.INFO
    with pytest.raises(ValueError, match="fatal"):
        Issue(code="c", severity="fatal", message="m")


def test_issue_is_frozen_and_hashable() -> None:
    a = _issue("x", subject="s")
    b = _issue("x", subject="s")
    assert a == b
    assert hash(a) == hash(b)
    assert len({a, b, _issue("y")}) == 2
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        a.code = "z"  # type: ignore[misc]


# ---------------------------------------------------------------- raise_for_issues


def test_no_issues_no_error() -> None:
    raise_for_issues([])
    raise_for_issues(())
    raise_for_issues(iter([]))


def test_warnings_and_info_do_not_raise() -> None:
    raise_for_issues([_issue("w", "warning"), _issue("i", "info")])


def test_errors_raise_a_group() -> None:
    issues = [
        _issue("only-a-warning", "warning", path="$.sites[0]"),
        _issue("first", "error", path="$.sites[1].parent"),
        _issue("info", "info"),
        _issue("second", "error", subject="s2"),
        _issue("third", "error", subject="s3"),
    ]
    with pytest.raises(NetworkInvalidError) as info:
        raise_for_issues(issues)
    err = info.value
    assert isinstance(err, WenmingError)
    assert isinstance(err, ExceptionGroup)
    # Only the error-severity issues, in order.
    assert err.issues == (issues[1], issues[3], issues[4])
    assert [type(e) for e in err.exceptions] == [IssueError, IssueError, IssueError]
    members = [e.issue for e in err.exceptions if isinstance(e, IssueError)]
    assert members == [issues[1], issues[3], issues[4]]
    assert str(err.exceptions[0]) == "$.sites[1].parent: first happened"
    assert str(err) == "$.sites[1].parent: first happened (and 2 more errors)"
    assert err.message == str(err)


def test_one_error_names_only_it() -> None:
    issue = _issue("lonely", "error", subject="zy")
    with pytest.raises(NetworkInvalidError) as info:
        raise_for_issues([_issue("w", "warning"), issue])
    assert str(info.value) == "zy: lonely happened"
    assert "more" not in str(info.value)
    assert info.value.issues == (issue,)


def test_source_goes_in_front() -> None:
    with pytest.raises(NetworkInvalidError) as info:
        raise_for_issues(
            [_issue("a", subject="s1"), _issue("b", subject="s2"), _issue("c", subject="s3")],
            source="ziyang.json",
        )
    assert str(info.value) == "ziyang.json: s1: a happened (and 2 more errors)"


def test_catch_as_wenming_error() -> None:
    issues = [_issue("a", subject="s1"), _issue("b", subject="s2")]
    with pytest.raises(WenmingError) as info:
        raise_for_issues(issues)
    assert isinstance(info.value, NetworkInvalidError)


def test_except_star_issue_error() -> None:
    issues = [_issue("a", subject="s1"), _issue("w", "warning"), _issue("b", subject="s2")]
    caught: list[IssueError] = []
    group: BaseExceptionGroup[IssueError] | None = None
    try:
        raise_for_issues(issues)
    except* IssueError as eg:
        group = eg
        caught.extend(e for e in eg.exceptions if isinstance(e, IssueError))
    assert [e.issue for e in caught] == [issues[0], issues[2]]
    assert isinstance(group, NetworkInvalidError)
    # The group handed to ``except*`` keeps the issues and the message.
    assert group.issues == (issues[0], issues[2])
    assert str(group) == "s1: a happened (and 1 more error)"


def test_except_star_value_error() -> None:
    # Each member is a ValueError too, for callers who do not know wenming.
    seen = 0
    try:
        raise_for_issues([_issue("a", subject="s1")])
    except* ValueError as eg:
        seen = len(eg.exceptions)
    assert seen == 1


def test_split_and_subgroup_keep_the_type() -> None:
    issues = [_issue("a", subject="s1"), _issue("b", subject="s2")]
    with pytest.raises(NetworkInvalidError) as info:
        raise_for_issues(issues)
    err = info.value
    sub = err.subgroup(lambda e: isinstance(e, IssueError) and e.issue.code == "b")
    assert isinstance(sub, NetworkInvalidError)
    assert sub.issues == (issues[1],)
    match, rest = err.split(lambda e: isinstance(e, IssueError) and e.issue.code == "a")
    assert isinstance(match, NetworkInvalidError)
    assert isinstance(rest, NetworkInvalidError)
    assert match.issues == (issues[0],)
    assert rest.issues == (issues[1],)


# ---------------------------------------------------------------- pickling
#
# Errors cross process boundaries (multiprocessing, concurrent.futures) and are
# copied by copy.copy: both go through BaseException.__reduce__, which rebuilds the
# error as ``type(err)(*err.args)`` and then restores ``__dict__``.


def _network_invalid() -> NetworkInvalidError:
    try:
        raise_for_issues([_issue("a", subject="s1"), _issue("b", subject="s2")])
    except NetworkInvalidError as err:
        return err
    raise AssertionError("raise_for_issues did not raise")


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda: InvariantError("name must not be blank", field="name", value=" "),
            id="InvariantError",
        ),
        pytest.param(
            lambda: DivisionCodeError("division code '6' has 1 digits", value="6"),
            id="DivisionCodeError",
        ),
        pytest.param(lambda: IssueError(_issue("a", subject="s1")), id="IssueError"),
        pytest.param(
            lambda: FileAccessError(2, "cannot read the file", "x.json"), id="FileAccessError"
        ),
        pytest.param(_network_invalid, id="NetworkInvalidError"),
        pytest.param(lambda: UnknownIdError("site", "zy-101"), id="UnknownIdError"),
        pytest.param(lambda: DuplicateIdError("site", "zy"), id="DuplicateIdError"),
        pytest.param(
            lambda: HierarchyError("a Centre has no parent", site="zy", rule="parent-kind"),
            id="HierarchyError",
        ),
        pytest.param(
            lambda: FormatError(["$.a: first", "$.b: second"], source="f.json"), id="FormatError"
        ),
    ],
)
def test_errors_survive_pickle_and_copy(make: Callable[[], Exception]) -> None:
    err = make()
    for clone in (pickle.loads(pickle.dumps(err)), copy.copy(err)):
        assert type(clone) is type(err)
        assert str(clone) == str(err)
        assert vars(clone) == vars(err)
