"""The JSON file format: ``dump``/``load``, ``dumps``/``loads``.

A file is one JSON object::

    {
      "format": "wenming.network",
      "version": 1,
      "name": "紫阳县",
      "description": "...",
      "divisions": [{"code": "610924000000", "name": "紫阳县"}, ...],
      "sites": [{"kind": "centre", "id": "zy", "name": "...", "division": "610924000000"}, ...],
      "venues": [{"id": "v1", "kind": "other", "floor_area": 240.0, "sites": ["zy"]}, ...]
    }

- Equal networks give byte-identical files: records in canonical order, sets as
  sorted lists, optional fields omitted when unset.
- Unknown keys, wrong types and malformed values are refused with the JSON path
  and the reason (``$.sites[3].division: division code '61092' has 5 digits; …``).
- A file of an older format version is upgraded on load; a newer one is refused
  with :class:`~wenming.errors.VersionError`.
- :func:`dump` writes to a temporary file in the same folder, syncs it and renames
  it into place, so a failed or interrupted dump never leaves a half-written file.

This is the only module that imports cattrs. :func:`make_converter` builds the
private converter (never cattrs' global one).

Examples
--------
>>> import wenming
>>> from wenming.datasets import ziyang
>>> text = wenming.dumps(ziyang())
>>> wenming.loads(text) == ziyang()
True
>>> wenming.loads('{"format": "wenming.network", "version": 1, "sites": 3}')
Traceback (most recent call last):
...
wenming.errors.FormatError: $.sites: expected a list, not int
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from contextlib import suppress
from pathlib import Path
from typing import Any, Final

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from wenming._fields import to_enum
from wenming._gc import paused_gc
from wenming.divisions import Coordinates, Division, DivisionCode, DivisionLevel
from wenming.errors import (
    FileAccessError,
    FormatError,
    VersionError,
    WenmingError,
    raise_for_issues,
)
from wenming.network import Network, NetworkRecords
from wenming.sites import SITE_CLASSES, Site, SiteKind, Venue
from wenming.validation import validate

__all__ = [
    "FORMAT",
    "VERSION",
    "dump",
    "dumps",
    "load",
    "load_records",
    "loads",
    "loads_records",
    "make_converter",
    "records_from_dict",
    "records_to_dict",
]

FORMAT: Final = "wenming.network"
"""The ``format`` name every network file carries."""

VERSION: Final = 1
"""The format version this wenming writes (and the newest it reads)."""

UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
"""Version ``n`` → function turning a version-``n`` document into version ``n + 1``."""

_SECTIONS: Final = ("divisions", "sites", "venues")
_RENAMED: Final = {"explicit_level": "level"}  # attribute name → key in files
_HEADER: Final = ("format", "version", "name", "description")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _ShapeError(WenmingError, TypeError):
    """A value of the wrong JSON type (a string where a list is due, …)."""


def _json_type(value: object) -> str:
    return {
        dict: "object",
        list: "list",
        str: "string",
        bool: "boolean",
        type(None): "null",
    }.get(type(value), type(value).__name__)


def _expect(value: object, kind: type | tuple[type, ...], words: str) -> None:
    if not isinstance(value, kind) or (isinstance(value, bool) and bool not in _as_tuple(kind)):
        raise _ShapeError(f"expected {words}, not {_json_type(value)}")


def _as_tuple(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def _passthrough(value: Any, _: object) -> Any:
    return value


def _structure_str(value: object, _: object) -> str:
    _expect(value, str, "a string")
    return value  # type: ignore[return-value]


def _structure_int(value: object, _: object) -> int:
    _expect(value, int, "a whole number")
    return value  # type: ignore[return-value]


def _structure_float(value: object, _: object) -> float:
    _expect(value, (int, float), "a number")
    return value  # type: ignore[return-value]  # the record's converter makes it a float


def _structure_date(value: object, _: object) -> dt.date:
    if type(value) is str and len(value) == 10 and value[4] == "-" and value[7] == "-":
        with suppress(ValueError):
            return dt.date.fromisoformat(value)
    _expect(value, str, "a date string (YYYY-MM-DD)")
    assert isinstance(value, str)
    if not _DATE.fullmatch(value):
        raise _ShapeError(f"expected a date as YYYY-MM-DD, not {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise _ShapeError(f"{value!r} is not a valid date: {exc}") from None


def _structure_optional_date(value: object, _: object) -> dt.date | None:
    return None if value is None else _structure_date(value, _)


def _structure_code(value: object, _: object) -> DivisionCode:
    _expect(value, str, "a division code string")
    return DivisionCode.parse(value)  # type: ignore[arg-type]


def _structure_level(value: object, _: object) -> DivisionLevel:
    _expect(value, str, "a division level name")
    return DivisionLevel.from_label(value)  # type: ignore[arg-type]


def _unstructure_sorted(value: Iterable[Any]) -> list[Any]:
    return sorted(value)


def make_converter(*, detailed_validation: bool = False) -> cattrs.Converter:
    """Build wenming's private cattrs converter for network records.

    Parameters
    ----------
    detailed_validation : bool
        Collect every error with its path (slower); the loaders use the fast
        converter first and re-run with this one only when the fast one fails.

    Returns
    -------
    cattrs.Converter
        It structures and unstructures :class:`~wenming.Division`, every site
        class (tagged by ``kind``), :class:`~wenming.Venue` and
        :class:`~wenming.NetworkRecords`.

    Examples
    --------
    >>> conv = make_converter()
    >>> from wenming import Centre
    >>> conv.unstructure(Centre(id="zy", name="中心", division="610924"))
    {'kind': 'centre', 'id': 'zy', 'name': '中心', 'division': '610924000000'}
    """
    conv = cattrs.Converter(
        forbid_extra_keys=True,
        detailed_validation=detailed_validation,
        # Fields with an attrs converter get the raw JSON value: the converter
        # validates it (with wenming's messages) once, instead of cattrs and then attrs.
        prefer_attrib_converters=True,
    )
    # The detailed converter checks every field itself so that one bad value does
    # not hide the next; the fast one leaves checks to the records' own validators.
    conv.register_structure_hook(str, _structure_str if detailed_validation else _passthrough)
    conv.register_structure_hook(int, _structure_int)
    conv.register_structure_hook(float, _structure_float)
    conv.register_structure_hook(dt.date, _structure_date)
    conv.register_structure_hook_func(lambda t: t == (dt.date | None), _structure_optional_date)
    conv.register_unstructure_hook(dt.date, dt.date.isoformat)
    conv.register_structure_hook(DivisionCode, _structure_code)
    conv.register_unstructure_hook(DivisionCode, str)
    conv.register_structure_hook(DivisionLevel, _structure_level)
    conv.register_unstructure_hook(DivisionLevel, lambda level: level.label)
    conv.register_unstructure_hook(frozenset, _unstructure_sorted)
    conv.register_unstructure_hook_func(
        lambda t: getattr(t, "__origin__", None) is frozenset, _unstructure_sorted
    )
    conv.register_structure_hook_func(
        lambda t: getattr(t, "__origin__", None) is frozenset,
        lambda v, t: frozenset(conv.structure(x, t.__args__[0]) for x in _checked_list(v)),
    )
    conv.register_structure_hook_factory(
        lambda t: getattr(t, "__origin__", None) is tuple, _list_as_tuple_factory
    )
    conv.register_structure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum),
        lambda v, t: to_enum(t, "value", _structure_str(v, t)),
    )
    conv.register_unstructure_hook_func(
        lambda t: isinstance(t, type) and issubclass(t, enum.Enum), lambda v: v.value
    )

    def plain(
        cls: type[Any],
        *,
        forbid_extra_keys: bool = True,
        prefer_attrib_converters: bool = not detailed_validation,
        **overrides: Any,
    ) -> None:
        conv.register_unstructure_hook(
            cls, make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=True, **overrides)
        )
        conv.register_structure_hook(
            cls,
            make_dict_structure_fn(
                cls,
                conv,
                _cattrs_forbid_extra_keys=forbid_extra_keys,
                _cattrs_prefer_attrib_converters=prefer_attrib_converters,
                **overrides,
            ),
        )

    plain(Coordinates)
    plain(Division, explicit_level=override(rename="level"))
    plain(Venue)
    for cls in SITE_CLASSES.values():
        # The site hook below checks the keys itself, "kind" included.
        plain(cls, forbid_extra_keys=False)

    structure_by_kind = {
        kind.value: conv.get_structure_hook(cls) for kind, cls in SITE_CLASSES.items()
    }
    keys_by_kind = {
        kind.value: frozenset(a.name for a in attrs.fields(cls)) | {"kind"}
        for kind, cls in SITE_CLASSES.items()
    }
    unstructure_by_class = {cls: conv.get_unstructure_hook(cls) for cls in SITE_CLASSES.values()}
    kinds = ", ".join(k.value for k in SiteKind)
    class_by_kind = {kind.value: cls for kind, cls in SITE_CLASSES.items()}

    def structure_site(value: Any, _: object) -> Site:
        _expect(value, dict, "a site object")
        kind = value.get("kind")
        if kind is None:
            raise _ShapeError(f"a site needs a 'kind' ({kinds})")
        hook = structure_by_kind.get(kind) if isinstance(kind, str) else None
        if hook is None:
            raise _ShapeError(f"unknown site kind {kind!r}; expected one of {kinds}")
        allowed = keys_by_kind[kind]
        if not value.keys() <= allowed:
            extra = set(value) - allowed
            raise ForbiddenExtraKeysError("", class_by_kind[kind], extra)
        site: Site = hook(value, class_by_kind[kind])
        return site

    def unstructure_site(site: Site) -> dict[str, Any]:
        return {"kind": site.kind.value, **unstructure_by_class[type(site)](site)}

    conv.register_structure_hook_func(lambda t: t == Site, structure_site)
    conv.register_unstructure_hook_func(lambda t: t == Site, unstructure_site)
    for cls in SITE_CLASSES.values():
        conv.register_unstructure_hook(cls, unstructure_site)
    # Its tuple converters do not validate: cattrs structures the sections.
    plain(NetworkRecords, prefer_attrib_converters=False)
    return conv


def _list_as_tuple_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = homogenous_tuple_structure_factory(type_, conv)

    def structure(value: Any, t: Any) -> Any:
        _expect(value, list, "a list")
        return inner(value, t)

    return structure


def _checked_list(value: object) -> list[Any]:
    _expect(value, list, "a list")
    return value  # type: ignore[return-value]


_FAST = make_converter()
_DETAILED: cattrs.Converter | None = None


def _detailed() -> cattrs.Converter:
    global _DETAILED
    if _DETAILED is None:
        _DETAILED = make_converter(detailed_validation=True)
    return _DETAILED


def records_to_dict(records: NetworkRecords) -> dict[str, Any]:
    """Return the document for ``records`` as plain JSON-ready data (header first).

    Examples
    --------
    >>> from wenming import NetworkRecords
    >>> records_to_dict(NetworkRecords(name="x"))
    {'format': 'wenming.network', 'version': 1, 'name': 'x', 'description': '', \
'divisions': [], 'sites': [], 'venues': []}
    """
    division = _FAST.get_unstructure_hook(Division)
    venue = _FAST.get_unstructure_hook(Venue)
    site = _FAST.get_unstructure_hook(Site)
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": records.name,
        "description": records.description,
        "divisions": [division(d) for d in records.divisions],
        "sites": [site(s) for s in records.sites],
        "venues": [venue(v) for v in records.venues],
    }


def _message(exc: BaseException) -> str:
    if isinstance(exc, WenmingError):
        return str(exc)
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown keys: {', '.join(sorted(exc.extra_fields))}"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, AttributeError | TypeError) and "items" in str(exc):
        return "expected an object"
    return f"{type(exc).__name__}: {exc}"


def _errors(exc: BaseException, path: str) -> list[str]:
    """Flatten a cattrs validation error into ``"path: message"`` lines."""
    if isinstance(exc, IterableValidationError):
        with_notes, without = exc.group_exceptions()
        out = [
            line for sub, note in with_notes for line in _errors(sub, f"{path}[{note.index!r}]")
        ]
        return out + [f"{path}: {_message(sub)}" for sub in without]
    if isinstance(exc, ClassValidationError):
        with_notes_c, without = exc.group_exceptions()
        out = [
            line
            for sub, note in with_notes_c
            for line in _errors(sub, f"{path}.{_RENAMED.get(note.name, note.name)}")
        ]
        return out + [line for sub in without for line in _errors(sub, path)]
    field = getattr(exc, "field", None)
    at_record = path == "$" or path.endswith("]")
    if field and at_record and isinstance(exc, WenmingError):
        path = f"{path}.{field}"
    return [f"{path}: {_message(exc)}"]


def _upgrade(data: dict[str, Any], source: str | None) -> dict[str, Any]:
    fmt = data.get("format")
    if fmt != FORMAT:
        raise FormatError(
            [f"$.format: not a wenming network document (format is {fmt!r}, expected {FORMAT!r})"],
            source=source,
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormatError(
            [f"$.version: expected a format version number >= 1, not {version!r}"], source=source
        )
    if version > VERSION:
        raise VersionError(
            [
                f"$.version: the file is format version {version}, this wenming reads "
                f"versions up to {VERSION}; upgrade wenming to read it"
            ],
            source=source,
        )
    while version < VERSION:
        data = UPGRADES[version](data)
        version += 1
    return data


def records_from_dict(data: Any, *, source: str | None = None) -> NetworkRecords:
    """Turn a parsed document into :class:`~wenming.NetworkRecords`.

    The records may still hold cross-record problems (use :func:`wenming.validate`);
    every problem with the document's shape is reported with its JSON path.

    Raises
    ------
    FormatError
        Wrong types, unknown keys, missing fields or malformed values, one line each.
    VersionError
        The document is of a newer format version.
    """
    if not isinstance(data, dict):
        raise FormatError([f"$: expected an object, not {_json_type(data)}"], source=source)
    data = _upgrade(data, source)
    unknown = sorted(set(data) - set(_HEADER) - set(_SECTIONS))
    if unknown:
        raise FormatError([f"$: unknown keys: {', '.join(unknown)}"], source=source)
    body = {k: v for k, v in data.items() if k not in ("format", "version")}
    try:
        return _fast_records(body)
    except Exception as fast_error:
        try:
            _detailed().structure(body, NetworkRecords)
        except Exception as exc:
            raise FormatError(_errors(exc, "$"), source=source) from None
        raise FormatError([f"$: {_message(fast_error)}"], source=source) from None


_SITE_SHAPES: Final = {
    kind.value: (cls, frozenset(a.name for a in attrs.fields(cls)) | {"kind"})
    for kind, cls in SITE_CLASSES.items()
}
_DIVISION_KEYS: Final = frozenset(
    {"code", "name", "level", "urban_rural", "population", "location"}
)


def _fast_site(value: dict[str, Any]) -> Site:
    cls, keys = _SITE_SHAPES[value["kind"]]
    if not value.keys() <= keys:
        raise _ShapeError("unknown keys")
    kwargs = {k: v for k, v in value.items() if k != "kind"}
    established = kwargs.get("established")
    if established is not None:
        kwargs["established"] = _structure_date(established, None)
    return cls(**kwargs)


def _fast_division(value: dict[str, Any]) -> Division:
    if not value.keys() <= _DIVISION_KEYS:
        raise _ShapeError("unknown keys")
    location = value.get("location")
    if location is None:
        return Division(**value)
    return Division(**{**value, "location": Coordinates(**location)})


def _fast_records(body: dict[str, Any]) -> NetworkRecords:
    """Structure a document without cattrs (the fast path).

    The records' own converters and validators check every value. Any failure
    sends the caller to the detailed cattrs path, which names every problem
    with its JSON path.
    """
    sections = [body.get(name, []) for name in _SECTIONS]
    if not all(type(section) is list for section in sections):
        raise _ShapeError("a section is not a list")
    divisions, sites, venues = sections
    return NetworkRecords(
        name=body.get("name", ""),
        description=body.get("description", ""),
        divisions=tuple(map(_fast_division, divisions)),
        sites=tuple(map(_fast_site, sites)),
        venues=tuple(Venue(**v) for v in venues),
    )


def _parse(text: str | bytes, source: str | None) -> Any:
    try:
        return json.loads(text.decode("utf-8-sig") if isinstance(text, bytes) else text)
    except UnicodeDecodeError as exc:
        raise FormatError(
            [f"$: the file is not UTF-8 text ({exc.reason})"], source=source
        ) from None
    except json.JSONDecodeError as exc:
        raise FormatError(
            [f"$: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"], source=source
        ) from None
    except RecursionError:
        raise FormatError(["$: the JSON is nested too deeply"], source=source) from None
    except ValueError as exc:  # e.g. a number with more digits than Python converts
        raise FormatError([f"$: unreadable JSON value: {exc}"], source=source) from None


def loads_records(text: str | bytes, *, source: str | None = None) -> NetworkRecords:
    """Parse a document's text into records without building a network.

    This is what ``wenming validate`` uses: the records can then be checked with
    :func:`wenming.validate`, which reports every cross-record problem at once.

    Raises
    ------
    FormatError
        Invalid JSON, or a document of the wrong shape (see :func:`records_from_dict`).
    """
    with paused_gc():
        return records_from_dict(_parse(text, source), source=source)


def load_records(path: str | os.PathLike[str], *, source: str | None = None) -> NetworkRecords:
    """Read a file's records without building a network (see :func:`loads_records`)."""
    return loads_records(_read(path), source=source or str(path))


def loads(text: str | bytes, *, source: str | None = None) -> Network:
    """Parse a document's text into a :class:`~wenming.Network`.

    Parameters
    ----------
    text : str or bytes
        The JSON document (bytes must be UTF-8).
    source : str, optional
        A name to put in error messages (the file name).

    Raises
    ------
    FormatError
        The text is not a valid document (JSON path and reason in the message).
    VersionError
        The document was written in a newer format version.
    NetworkInvalidError
        The records do not form a network (unknown parents, wrong kinds,
        duplicate ids …): every error, each with its JSON path.
    """
    with paused_gc():
        records = loads_records(text, source=source)
        try:
            return Network.from_records(records)
        except WenmingError:
            raise_for_issues(validate(records), source=source)
            raise


def load(path: str | os.PathLike[str]) -> Network:
    """Read a network file (see :func:`loads` for what can go wrong).

    Examples
    --------
    >>> import tempfile, pathlib, wenming
    >>> from wenming.datasets import ziyang
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> wenming.dump(ziyang(), folder / "ziyang.json")
    >>> wenming.load(folder / "ziyang.json") == ziyang()
    True
    """
    return loads(_read(path), source=str(path))


def _read(path: str | os.PathLike[str]) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise FileAccessError(
            exc.errno, f"cannot read the file: {exc.strerror or exc}", str(path)
        ) from None


def dumps(network: Network | NetworkRecords, *, indent: int | None = 2) -> str:
    """Return the JSON document for a network; equal networks give equal text.

    Parameters
    ----------
    network : Network or NetworkRecords
        What to write. A network is written in canonical order; records are
        written in their own order.
    indent : int or None
        Spaces per level; ``None`` writes one compact line.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    with paused_gc():
        records = network.records() if isinstance(network, Network) else network
        data = records_to_dict(records)
        return json.dumps(data, ensure_ascii=False, indent=indent, separators=separators) + "\n"


def dump(
    network: Network | NetworkRecords,
    path: str | os.PathLike[str],
    *,
    indent: int | None = 2,
) -> None:
    """Write a network file atomically.

    The text is built first, written to a temporary file in the same folder,
    flushed to disk and renamed over ``path``: readers see the old file or the
    new one, never a half-written one, and a failure leaves ``path`` untouched.

    Raises
    ------
    FileAccessError
        If the folder cannot be written (an ``OSError`` too).
    """
    text = dumps(network, indent=indent).encode("utf-8")
    target = Path(path)
    try:
        mode = target.stat().st_mode & 0o777
    except OSError:
        mode = 0o644
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, mode)
        os.replace(tmp_name, target)
        tmp_name = None
        _sync_folder(target.parent)
    except OSError as exc:
        raise FileAccessError(
            exc.errno, f"cannot write the file: {exc.strerror or exc}", str(path)
        ) from None
    finally:
        if tmp_name is not None:
            with suppress(OSError):
                os.unlink(tmp_name)


def _sync_folder(folder: Path) -> None:
    with suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
