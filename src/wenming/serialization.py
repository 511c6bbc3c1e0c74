r"""The JSON file format: ``dump``/``load``, ``dumps``/``loads``.

A file is one JSON object, one record per line::

    {
    "format": "wenming.network",
    "version": 2,
    "name": "紫阳县",
    "description": "...",
    "division_edition": "NBS-2023",
    "divisions": [
    {"code": "610924000000", "name": "紫阳县"},
    ...
    ],
    "sites": [
    {"kind": "centre", "id": "zy", "name": "...", "division": "610924000000"},
    ...
    ]
    }

- Every section (:data:`wenming.sections.SECTIONS`) is a top-level key holding a
  list of records; an empty section is left out.
- Equal networks give byte-identical files: records in canonical order, sets as
  sorted lists, optional fields omitted when unset.
- Duplicate keys in an object, and strings holding a lone surrogate (``"\\ud800"``),
  are refused with their path: nothing is silently dropped.
- Unknown keys, wrong types and malformed values are refused with the JSON path
  and the reason (``$.sites[3].division: division code '61092' has 5 digits; …``).
- A file of an older format version is upgraded on load; a newer one is refused
  with :class:`~wenming.errors.VersionError`.
- Fields marked sensitive (ID numbers, phones: ``wenming._plain.SENSITIVE``) are
  left out unless the caller passes ``sensitive=True``; such a file's header
  says ``"sensitive": true``, and loading it needs ``sensitive=True`` too.
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
>>> wenming.loads('{"format": "wenming.network", "version": 2, "sites": 3}')
Traceback (most recent call last):
...
wenming.errors.FormatError: $.sites: expected a list, not int
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import json
import os
import re
from collections.abc import Callable, Iterable
from contextlib import suppress
from itertools import chain, groupby, islice, repeat
from typing import Any, BinaryIO, Final, Union

import attrs
import cattrs
from cattrs.cols import homogenous_tuple_structure_factory
from cattrs.errors import ClassValidationError, ForbiddenExtraKeysError, IterableValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from wenming._atomic import atomic_write, read_input
from wenming._fields import to_enum
from wenming._gc import paused_gc
from wenming._plain import PlainShapeError, plan_of, to_plain
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import (
    FormatError,
    Issue,
    Severity,
    VersionError,
    WenmingError,
    quote,
    raise_for_issues,
)
from wenming.network import Network, NetworkRecords
from wenming.section import Section
from wenming.sections import SECTIONS, SECTIONS_BY_NAME
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
    "validate_file",
    "validate_text",
]

FORMAT: Final = "wenming.network"
"""The ``format`` name every network file carries."""

VERSION: Final = 2
"""The format version this wenming writes (and the newest it reads)."""


_V1_HEAD_KINDS: Final = {
    3: ("county_secretary", "县委书记"),
    4: ("town_secretary", "党委书记"),
    5: ("village_secretary", "党组织书记"),
}


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 → 2.

    Version 2 adds ``division_edition``, ``closed`` and new sections, all
    optional. One thing changes meaning: a site's ``head`` was an unchecked
    label in version 1 and is a reference to a post in version 2. Each head a
    version-1 file names becomes a post of the first-in-command kind (the party
    secretary of the county, town or village the site sits on), so the file
    loads with the same heads and nothing is lost.
    """
    out = {**data, "version": 2}
    sites = data.get("sites")
    if not isinstance(sites, list) or "posts" in data:
        return out
    names: dict[str, str] = {}
    divisions = data.get("divisions")
    for division in divisions if isinstance(divisions, list) else ():  # else: reported later
        if isinstance(division, dict) and isinstance(division.get("code"), str):
            names[division["code"].ljust(12, "0")] = str(division.get("name", ""))
    posts: dict[str, dict[str, Any]] = {}
    for site in sites:
        if not isinstance(site, dict):
            continue
        head, code = site.get("head"), site.get("division")
        if not isinstance(head, str) or not head.strip() or head in posts:
            continue
        if not isinstance(code, str) or not code.isdigit() or len(code) not in (6, 9, 12):
            continue  # left as it is: the loader reports the bad code
        full = code.ljust(12, "0")
        level = 5 if not full.endswith("000") else 4 if not full.endswith("000000") else 3
        kind, title = _V1_HEAD_KINDS[level]
        place = names.get(full, "").strip()
        posts[head] = {
            "id": head,
            "name": f"{place}{title}" if place else f"{title} ({head})",
            "kind": kind,
            "division": full,
        }
    if posts:
        out["posts"] = list(posts.values())
    return out


UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}
"""Version ``n`` → function turning a version-``n`` document into version ``n + 1``."""

_HEADER: Final = ("format", "version", "sensitive", "name", "description", "division_edition")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


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
    if type(value) is dt.date:  # read already, by the fast pass that failed
        return value
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


def _structure_bool(value: object, _: object) -> bool:
    _expect(value, bool, "true or false")
    return value  # type: ignore[return-value]


def _structure_datetime(value: object, _: object) -> dt.datetime:
    _expect(value, str, "a date and time string (YYYY-MM-DDTHH:MM:SS)")
    try:
        return dt.datetime.fromisoformat(value)  # type: ignore[arg-type]
    except ValueError:
        raise _ShapeError(
            f"expected a date and time as YYYY-MM-DDTHH:MM:SS, not {quote(value)}"
        ) from None


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
    # bool is an int and datetime a date to singledispatch: give each its own hook.
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(dt.datetime, _structure_datetime)
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

    # Every record class of every section, and the attrs classes nested in them.
    seen: set[type[Any]] = set()

    def register(cls: type[Any], *, tagged: bool) -> None:
        if cls in seen:
            return
        seen.add(cls)
        attrs.resolve_types(cls)
        for a in attrs.fields(cls):
            inner = _optional_inner(a.type)
            if isinstance(inner, type) and attrs.has(inner):
                register(inner, tagged=False)
        renames: dict[str, Any] = {
            a.name: override(rename=a.alias)
            for a in attrs.fields(cls)
            if a.init and a.alias and a.alias != a.name
        }
        # A union member's hook leaves the key check to the union hook ("kind" included).
        plain(cls, forbid_extra_keys=not tagged, **renames)

    for section in SECTIONS:
        tagged = len(section.types) > 1
        for cls in section.types:
            register(cls, tagged=tagged)
        if tagged:
            _register_union(conv, section)
    return conv


def _optional_inner(tp: Any) -> Any:
    args = getattr(tp, "__args__", None)
    if args and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1:
            return rest[0]
    return tp


def _union_of(section: Section[Any, Any]) -> Any:
    return section.types[0] if len(section.types) == 1 else Union[section.types]  # noqa: UP007


def _register_union(conv: cattrs.Converter, section: Section[Any, Any]) -> None:
    """A union of record classes tagged by ``kind`` (the sites: centre, institute, …)."""
    union = _union_of(section)
    by_tag = section.by_tag
    kinds = ", ".join(by_tag)
    hooks = {tag: conv.get_structure_hook(cls) for tag, cls in by_tag.items()}
    keys = {tag: plan_of(cls).keys for tag, cls in by_tag.items()}
    unstructure = {cls: conv.get_unstructure_hook(cls) for cls in section.types}

    def structure(value: Any, _: object) -> Any:
        _expect(value, dict, f"a {section.noun} object")
        kind = value.get("kind")
        if kind is None:
            raise _ShapeError(f"a {section.noun} needs a 'kind' ({kinds})")
        hook = hooks.get(kind) if isinstance(kind, str) else None
        if hook is None:
            raise _ShapeError(
                f"unknown {section.noun} kind {quote(kind)}; expected one of {kinds}"
            )
        if not value.keys() <= keys[kind]:
            raise ForbiddenExtraKeysError("", by_tag[kind], set(value) - keys[kind])
        return hook(value, by_tag[kind])

    def unstructure_one(record: Any) -> dict[str, Any]:
        return {"kind": type(record).kind.value, **unstructure[type(record)](record)}

    conv.register_structure_hook_func(lambda t: t == union, structure)
    conv.register_unstructure_hook_func(lambda t: t == union, unstructure_one)
    for cls in section.types:
        conv.register_unstructure_hook(cls, unstructure_one)


def _list_as_tuple_factory(type_: Any, conv: cattrs.Converter) -> Callable[[Any, Any], Any]:
    inner = homogenous_tuple_structure_factory(type_, conv)

    def structure(value: Any, t: Any) -> Any:
        _expect(value, list, "a list")
        return inner(value, t)

    return structure


def _checked_list(value: object) -> list[Any]:
    _expect(value, list, "a list")
    return value  # type: ignore[return-value]


_DETAILED: cattrs.Converter | None = None


def _detailed() -> cattrs.Converter:
    global _DETAILED
    if _DETAILED is None:
        _DETAILED = make_converter(detailed_validation=True)
    return _DETAILED


# ---------------------------------------------------------------------------- writing


def records_to_dict(records: NetworkRecords, *, sensitive: bool = False) -> dict[str, Any]:
    """Return the document for ``records`` as plain JSON-ready data (header first).

    Every record is written as its ``to_dict()``; empty sections are left out.
    With ``sensitive=True`` the sensitive fields are written too and the header
    says ``"sensitive": true``.

    Examples
    --------
    >>> from wenming import NetworkRecords
    >>> records_to_dict(NetworkRecords(name="x"))
    {'format': 'wenming.network', 'version': 2, 'name': 'x', 'description': ''}
    """
    data: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        **({"sensitive": True} if sensitive else {}),
        "name": records.name,
        "description": records.description,
    }
    if records.division_edition is not None:
        data["division_edition"] = records.division_edition
    for name, items in records.sections.items():
        if items:
            data[name] = [to_plain(r, sensitive=sensitive) for r in items]
    return data


def _encode(data: dict[str, Any], indent: int | None) -> str:
    """JSON text: compact with ``indent=None``, else one record per line.

    Both layouts go through the standard library's C encoder (``indent`` would
    make it fall back to the pure-Python one, which is why records are encoded
    one line each instead).
    """
    if indent is None:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    encode = json.JSONEncoder(
        ensure_ascii=False, separators=(", ", ": "), check_circular=False
    ).encode
    pad = " " * indent
    lines = ["{"]
    items = list(data.items())
    for n, (key, value) in enumerate(items):
        comma = "," if n < len(items) - 1 else ""
        head = f"{pad}{encode(key)}: "
        if isinstance(value, list) and value:
            lines.append(head + "[")
            lines.append(pad + pad + f",\n{pad}{pad}".join(map(encode, value)))
            lines.append(f"{pad}]{comma}")
        else:
            lines.append(f"{head}{encode(value)}{comma}")
    lines.append("}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------- reading


def _message(exc: BaseException) -> str:
    if isinstance(exc, WenmingError):
        return str(exc)
    if isinstance(exc, ForbiddenExtraKeysError):
        return f"unknown keys: {', '.join(_key(k) for k in sorted(map(str, exc.extra_fields)))}"
    if isinstance(exc, KeyError):
        return "required field missing"
    if isinstance(exc, AttributeError | TypeError) and "items" in str(exc):
        return "expected an object"
    return f"{type(exc).__name__}: {quote(str(exc), 200)}"


def _key(key: str) -> str:
    """A JSON key in a message: as it is when it is a plain name, else quoted and cut."""
    return key if key.isidentifier() and key.isascii() and len(key) <= 40 else quote(key)


_RENAMED: Final = {
    a.name: a.alias
    for section in SECTIONS
    for cls in section.types
    for a in attrs.fields(cls)
    if a.alias and a.alias != a.name
}


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
            [
                f"$.format: not a wenming network document (format is {quote(fmt)}, "
                f"expected {FORMAT!r})"
            ],
            source=source,
        )
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise FormatError(
            [f"$.version: expected a format version number >= 1, not {quote(version)}"],
            source=source,
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


def _header(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Check the header and the top-level keys; return the header fields and errors."""
    problems: list[str] = []
    unknown = sorted(set(data) - set(_HEADER) - SECTIONS_BY_NAME.keys())
    if unknown:
        # Short whatever the number of sections: the close names, else the first few.
        names = list(SECTIONS_BY_NAME)
        close = difflib.get_close_matches(unknown[0][:100], names, n=3)
        if close:
            known = f"did you mean {', '.join(close)}?"
        else:
            more = f" and {len(names) - 6} more" if len(names) > 6 else ""
            known = f"the sections are: {', '.join(names[:6])}{more}"
        problems.append(f"$: unknown keys: {', '.join(_key(k) for k in unknown[:10])} ({known})")
    header: dict[str, Any] = {}
    for key in ("name", "description"):
        value = data.get(key, "")
        if not isinstance(value, str):
            problems.append(f"$.{key}: expected a string, not {_json_type(value)}")
        else:
            header[key] = value
    edition = data.get("division_edition")
    if edition is not None and not isinstance(edition, str):
        problems.append(f"$.division_edition: expected a string, not {_json_type(edition)}")
    else:
        header["division_edition"] = edition
    return header, problems


def _decode_section(
    section: Section[Any, Any],
    items: list[Any],
    canonical: dict[str, dict[Any, Any]],
    dates: dict[str, dt.date],
) -> list[Any]:
    """The fast path for one section: the records' own converters check every value.

    References are replaced by the object already used as the key of the record
    they name (a site's ``division`` is its Division's code object, its
    ``parent`` the parent's id string), and equal dates by one object: a loaded
    national network holds each value once.
    """
    by_tag = section.by_tag
    single = None if by_tag else section.types[0]
    shared = [
        (ref.field, canonical.get(ref.target, {}))
        for ref in section.refs
        if not ref.many and ref.item is None
    ]
    plans = {cls: plan_of(cls) for cls in section.types}
    out: list[Any] = []
    append = out.append
    for item in items:
        if type(item) is not dict:
            raise PlainShapeError("not an object")
        cls = single if single is not None else by_tag.get(item.get("kind"))  # type: ignore[arg-type]
        if cls is None:
            raise PlainShapeError("unknown kind")
        plan = plans[cls]
        if not item.keys() <= plan.keys:
            raise PlainShapeError("unknown keys")
        if plan.tag is not None:
            item = dict(item)
            del item["kind"]
        for field, table in shared:
            raw = item.get(field)
            if raw is not None:
                item[field] = table.get(raw, raw)
        for key, _optional in plan.dates:
            raw = item.get(key)
            if raw is not None:
                day = dates.get(raw)
                if day is None:
                    day = dates[raw] = _read_date(raw)
                item[key] = day
        for key, nested in plan.nested:
            raw = item.get(key)
            if raw is not None:
                if type(raw) is not dict:
                    raise PlainShapeError("not an object")
                item[key] = nested(**raw)
        append(cls(**item))
    return out


def _read_date(raw: Any) -> dt.date:
    if type(raw) is str and len(raw) == 10 and raw[4] == "-" and raw[7] == "-":
        return dt.date.fromisoformat(raw)
    if type(raw) is dt.date:  # read already, by a fast pass that failed further on
        return raw
    raise PlainShapeError("not a date")


def _record_errors(section: Section[Any, Any], item: Any, path: str) -> list[str]:
    """Every problem of one record, with its path (the slow, detailed path)."""
    try:
        _detailed().structure(item, _union_of(section))
    except Exception as exc:
        return _errors(exc, path)
    return []


def _read_sections(
    data: dict[str, Any],
) -> tuple[dict[str, list[Any]], dict[str, list[int]], list[str]]:
    """Structure every section; return records, their document positions and problems.

    Fast path first: the whole section at once. When it fails, each record is
    structured on its own so that every problem is named with its path, and
    the records that could be read are kept.
    """
    records: dict[str, list[Any]] = {}
    positions: dict[str, list[int]] = {}
    problems: list[str] = []
    canonical: dict[str, dict[Any, Any]] = {}
    dates: dict[str, dt.date] = {}
    for section in SECTIONS:
        items = data.get(section.name, [])
        if type(items) is not list:
            problems.append(f"$.{section.name}: expected a list, not {_json_type(items)}")
            records[section.name], positions[section.name] = [], []
            continue
        field = section.key_field
        canonical[section.name] = {
            item[field]: item[field]
            for item in items
            if type(item) is dict and type(item.get(field)) is str
        }
        try:
            decoded = _decode_section(section, items, canonical, dates)
            where = list(range(len(items)))
        except Exception:
            decoded, where = [], []
            for i, item in enumerate(items):
                path = f"$.{section.name}[{i}]"
                try:
                    decoded += _decode_section(section, [item], canonical, dates)
                except Exception as exc:
                    lines = _record_errors(section, item, path)
                    problems.extend(lines or [f"{path}: {_message(exc)}"])
                    continue
                where.append(i)
        records[section.name] = decoded
        positions[section.name] = where
        key = section.key
        canonical[section.name] = {key(r): key(r) for r in decoded}
    return records, positions, problems


def _sensitive_problems(data: dict[str, Any], sensitive: bool) -> list[str]:
    """Refuse sensitive data the caller did not ask for (see the module docs)."""
    flag = data.get("sensitive", False)
    if type(flag) is not bool:
        return [f"$.sensitive: expected true or false, not {_json_type(flag)}"]
    if sensitive:
        return []
    if flag:
        return [
            "$.sensitive: the file holds sensitive personal data (ID numbers, phones) and "
            "is read only when the caller asks for it: pass sensitive=True to load it"
        ]
    problems: list[str] = []
    for section in SECTIONS:
        keys = {cls: plan_of(cls).sensitive for cls in section.types}
        items = data.get(section.name)
        if not any(keys.values()) or type(items) is not list:
            continue
        one = section.types[0] if len(section.types) == 1 else None
        for i, item in enumerate(items):
            if type(item) is not dict:
                continue
            cls = one or section.by_tag.get(item.get("kind"))  # type: ignore[arg-type]
            for key in sorted(keys.get(cls, ()) & item.keys()):  # type: ignore[arg-type]
                problems.append(
                    f"$.{section.name}[{i}].{key}: sensitive personal data in a file whose "
                    'header does not say "sensitive": true; pass sensitive=True to load it'
                )
    return problems


def _read_document(
    data: Any, *, source: str | None, sensitive: bool = False
) -> tuple[NetworkRecords, dict[str, list[int]], list[str]]:
    if not isinstance(data, dict):
        raise FormatError([f"$: expected an object, not {_json_type(data)}"], source=source)
    data = _upgrade(data, source)
    refused = _sensitive_problems(data, sensitive)
    if refused:
        raise FormatError(refused, source=source)
    header, problems = _header(data)
    sections, positions, section_problems = _read_sections(data)
    problems += section_problems
    try:
        records = NetworkRecords(**header, **sections)  # type: ignore[arg-type]
    except WenmingError as exc:
        field = getattr(exc, "field", None)
        problems.append(f"$.{field}: {exc}" if field else f"$: {exc}")
        records = NetworkRecords(**sections)  # type: ignore[arg-type]
    return records, positions, problems


def records_from_dict(
    data: Any, *, source: str | None = None, sensitive: bool = False
) -> NetworkRecords:
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
    records, _positions, problems = _read_document(data, source=source, sensitive=sensitive)
    if problems:
        raise FormatError(problems, source=source)
    return records


class _DuplicateKeys(dict[str, Any]):
    """An object that had a key twice (marked while parsing, reported with its path)."""

    duplicates: tuple[str, ...] = ()


def _find(value: Any, path: str, test: Callable[[Any], str | None], out: list[str]) -> None:
    """Walk parsed JSON depth first; ``test`` says what is wrong with a value (or None)."""
    stack = [(value, path)]
    while stack and len(out) < 100:
        node, at = stack.pop()
        problem = test(node)
        if problem is not None:
            out.append(f"{at}: {problem}")
        if isinstance(node, dict):
            for k, v in reversed(node.items()):
                if test(k) is not None:
                    out.append(f"{at}: a key {test(k)}")
                step = f"{at}.{k}" if k.isidentifier() else f"{at}[{quote(k)}]"
                stack.append((v, step))
        elif isinstance(node, list):
            stack.extend((v, f"{at}[{i}]") for i, v in reversed(list(enumerate(node))))


def _duplicate_problem(node: Any) -> str | None:
    if isinstance(node, _DuplicateKeys):
        keys = ", ".join(quote(k) for k in node.duplicates)
        return f"duplicate keys in one object: {keys} (each key may appear once)"
    return None


def _surrogate_problem(node: Any) -> str | None:
    if isinstance(node, str):
        try:
            node.encode("utf-8")
        except UnicodeEncodeError:
            return "holds a lone surrogate (\\ud800-\\udfff), which is not text"
    return None


def _parse(text: str | bytes, source: str | None) -> Any:
    duplicates = False

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates
        result = dict(pairs)
        if len(result) != len(pairs):
            duplicates = True
            marked = _DuplicateKeys(result)
            counts: dict[str, int] = {}
            for k, _ in pairs:
                counts[k] = counts.get(k, 0) + 1
            marked.duplicates = tuple(k for k, n in counts.items() if n > 1)
            return marked
        return result

    raw = text if isinstance(text, bytes) else None
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        data = json.loads(text, object_pairs_hook=pairs_hook)
    except UnicodeDecodeError as exc:
        raise FormatError(
            [f"$: the file is not UTF-8 text ({exc.reason} at byte {exc.start})"], source=source
        ) from None
    except json.JSONDecodeError as exc:
        raise FormatError(
            [f"$: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"], source=source
        ) from None
    except RecursionError:
        raise FormatError(["$: the JSON is nested too deeply"], source=source) from None
    except ValueError as exc:  # e.g. a number with more digits than Python converts
        raise FormatError(
            [f"$: unreadable JSON value: {quote(str(exc), 200)}"], source=source
        ) from None
    problems: list[str] = []
    if duplicates:
        _find(data, "$", _duplicate_problem, problems)
    # Lone surrogates come only from \uD800-style escapes (UTF-8 bytes cannot
    # hold them) or from a str given to loads(): look for them only then.
    escaped = raw if raw is not None else text.encode("utf-8", "replace")
    if _SURROGATE_ESCAPE.search(escaped) or (raw is None and not _encodes(text)):
        _find(data, "$", _surrogate_problem, problems)
    if problems:
        raise FormatError(problems, source=source)
    return data


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def loads_records(
    text: str | bytes, *, source: str | None = None, sensitive: bool = False
) -> NetworkRecords:
    """Parse a document's text into records without building a network.

    The records can then be checked with :func:`wenming.validate`, which reports
    every cross-record problem at once (or use :func:`validate_text`, which also
    reports shape errors and checks every record it could read).

    Raises
    ------
    FormatError
        Invalid JSON, or a document of the wrong shape (see :func:`records_from_dict`).
    """
    with paused_gc():
        return records_from_dict(_parse(text, source), source=source, sensitive=sensitive)


def load_records(
    path: str | os.PathLike[str], *, source: str | None = None, sensitive: bool = False
) -> NetworkRecords:
    """Read a file's records without building a network (see :func:`loads_records`)."""
    return loads_records(_read(path), source=source or str(path), sensitive=sensitive)


def validate_text(
    text: str | bytes, *, source: str | None = None, sensitive: bool = False
) -> tuple[Issue, ...]:
    """Every problem in a document, at once: shape errors and cross-record issues.

    Records with a shape error are reported with their paths (code ``format``);
    every other record still goes through the cross-record rules, so one bad
    code does not hide a duplicate id elsewhere. Text that is not JSON is one
    ``format`` issue.

    Raises
    ------
    VersionError
        The document is of a newer format version (it cannot be checked).

    Examples
    --------
    >>> doc = (
    ...     '{"format": "wenming.network", "version": 2, "divisions": ['
    ...     '{"code": "61092", "name": "?"}, {"code": "610924", "name": "紫阳县"}], "sites": ['
    ...     '{"kind": "centre", "id": "c", "name": "中心", "division": "610924"},'
    ...     '{"kind": "centre", "id": "c", "name": "中心", "division": "610924"}]}'
    ... )
    >>> for issue in validate_text(doc):
    ...     print(issue.code, issue.path)
    format $.divisions[0].code
    duplicate-id $.sites[1].id
    """
    try:
        with paused_gc():
            records, positions, problems = _read_document(
                _parse(text, source), source=source, sensitive=sensitive
            )
    except VersionError:
        raise
    except FormatError as exc:
        return tuple(_format_issue(line) for line in exc.errors)
    issues = [_format_issue(line) for line in problems]
    issues += validate(records, positions=positions)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    rest = [i for i in issues if i.severity is not Severity.ERROR]
    return tuple(errors + rest)


def validate_file(path: str | os.PathLike[str], *, sensitive: bool = False) -> tuple[Issue, ...]:
    """Every problem in a network file (see :func:`validate_text`).

    Raises
    ------
    FileAccessError
        The file cannot be read.
    VersionError
        The file is of a newer format version.
    """
    return validate_text(_read(path), source=str(path), sensitive=sensitive)


def _format_issue(line: str) -> Issue:
    path, sep, message = line.partition(": ")
    if not (sep and path.startswith("$")):
        path, message = "", line
    return Issue(code="format", severity=Severity.ERROR, message=message, path=path)


def loads(text: str | bytes, *, source: str | None = None, sensitive: bool = False) -> Network:
    """Parse a document's text into a :class:`~wenming.Network`.

    Loading refuses what a network cannot hold: shape errors, duplicate keys,
    references to unknown records and breaks of the site hierarchy. Rules that
    a network can hold and still break (two Institutes on one town) are for
    :func:`wenming.validate`.

    Parameters
    ----------
    text : str or bytes
        The JSON document (bytes must be UTF-8).
    source : str, optional
        A name to put in error messages (the file name).
    sensitive : bool
        Accept sensitive personal data (ID numbers, phones). Without it, a file
        whose header says ``"sensitive": true`` (or that holds such fields) is
        refused with a :class:`~wenming.errors.FormatError` saying why.

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
        records = loads_records(text, source=source, sensitive=sensitive)
        try:
            return Network.from_records(records)
        except WenmingError:
            raise_for_issues(validate(records), source=source)
            raise


def load(path: str | os.PathLike[str], *, sensitive: bool = False) -> Network:
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
    return loads(_read(path), source=str(path), sensitive=sensitive)


def _read(path: str | os.PathLike[str]) -> bytes:
    return read_input(path)


def dumps(
    network: Network | NetworkRecords, *, indent: int | None = 2, sensitive: bool = False
) -> str:
    """Return the JSON document for a network; equal networks give equal text.

    Parameters
    ----------
    network : Network or NetworkRecords
        What to write. A network is written in canonical order; records are
        written in their own order.
    indent : int or None
        With a number (the default), one record per line, indented: readable
        and diffable. ``None`` writes one compact line.
    sensitive : bool
        Write the fields marked sensitive (ID numbers, phones) too; the header
        then says ``"sensitive": true`` and loading needs ``sensitive=True``.
        By default they are left out of the text.

    Examples
    --------
    >>> from wenming import Division, NetworkRecords
    >>> print(dumps(NetworkRecords(name="x", divisions=[Division(code="61", name="陕西省")])))
    {
      "format": "wenming.network",
      "version": 2,
      "name": "x",
      "description": "",
      "divisions": [
        {"code": "610000000000", "name": "陕西省"}
      ]
    }
    <BLANKLINE>
    """
    with paused_gc():
        records = network.records() if isinstance(network, Network) else network
        return _write_document(records, indent, sensitive)


def dump(
    network: Network | NetworkRecords,
    path: str | os.PathLike[str],
    *,
    indent: int | None = 2,
    sensitive: bool = False,
) -> None:
    """Write a network file atomically.

    The text is built first, written to a temporary file in the same folder,
    flushed to disk and renamed over ``path``: readers see the old file or the
    new one, never a half-written one, and a failure leaves ``path`` untouched.
    Temporary files left by earlier dumps to ``path`` whose process was killed
    are removed.

    Raises
    ------
    FileAccessError
        If the folder cannot be written (an ``OSError`` too).
    """
    text = dumps(network, indent=indent, sensitive=sensitive).encode("utf-8")

    def write(handle: BinaryIO) -> None:
        handle.write(text)

    atomic_write(path, write)


# ---------------------------------------------------------------------------- fast writer

# The escaper json.dumps uses with ensure_ascii=False (its C version when built).
_escape: Callable[[str], str] = json.encoder.encode_basestring

_WRITERS: dict[tuple[type[Any], bool, bool], Callable[[Any], str]] = {}


def _value_expression(tp: Any, var: str, ns: dict[str, Any]) -> str:
    """Python source turning the field value ``var`` into its JSON text."""
    supertype = getattr(tp, "__supertype__", None)  # a NewType over str
    if tp is str or supertype is str or (isinstance(tp, type) and issubclass(tp, str)):
        return f"_esc({var})"  # a StrEnum is written as its value, which is its text
    if tp is dt.date:
        # ~2,400 distinct dates in a national network: each written once.
        return f"(_dates.get({var}) or _date_text({var}))"
    if isinstance(tp, type) and issubclass(tp, enum.IntEnum):
        return f"_esc({var}.name.lower())"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return f"_esc({var}.value)"
    if tp is float:
        return f"float.__repr__({var})"
    if tp is int:
        return f"int.__repr__({var})"
    return f"_generic({var})"


def _set_memo(cache: dict[Any, str], item_sep: str) -> Callable[[Any], str]:
    def text(value: Any) -> str:
        out = "[" + item_sep.join(map(_escape, sorted(value))) + "]"
        if len(value) <= 8 and len(cache) < 4096:
            cache[value] = out
        return out

    return text


def _stringlike(tp: Any) -> bool:
    """Values written as their own text: str, a NewType over str, a StrEnum."""
    return (
        tp is str
        or getattr(tp, "__supertype__", None) is str
        or (isinstance(tp, type) and issubclass(tp, str))
    )


def _record_writer(cls: type[Any], compact: bool, sensitive: bool = False) -> Callable[[Any], str]:
    """Compile a function writing one record as JSON text, as ``json.dumps(to_plain(r))``.

    One line of Python per field, no intermediate dict: this is what makes
    ``dumps`` as fast as ``json.dumps`` of ready-made dicts.
    """
    writer = _WRITERS.get((cls, compact, sensitive))
    if writer is not None:
        return writer
    plan = plan_of(cls)
    item_sep, key_sep = (",", ":") if compact else (", ", ": ")
    dates: dict[dt.date, str] = {}

    def date_text(day: dt.date) -> str:
        text = '"' + day.isoformat() + '"'
        if len(dates) < 100_000:
            dates[day] = text
        return text

    ns: dict[str, Any] = {
        "_dates": dates,
        "_date_text": date_text,
        "_esc": _escape,
        "_generic": lambda value: _generic_json(value, compact),
        "NOTHING": attrs.NOTHING,
    }
    # One expression: the record's text, concatenated from a piece per field.
    pieces: list[str] = []
    if plan.tag is not None:
        pieces.append(repr(_escape(plan.tag[0]) + key_sep + _escape(plan.tag[1])))
    optional_first = False
    for n, ((name, key, default, _w), tp) in enumerate(zip(plan.fields, plan.types, strict=True)):
        if key in plan.sensitive and not sensitive:
            continue  # personal data: written only when asked for
        var = f"r.{name}"
        if getattr(tp, "__origin__", None) is frozenset and _stringlike(tp.__args__[0]):
            # Small sets recur (the six-haves sets are shared): remember their text.
            cache: dict[Any, str] = {}
            ns[f"s{n}"] = cache
            ns[f"m{n}"] = _set_memo(cache, item_sep)
            expression = f"(s{n}.get({var}) or m{n}({var}))"
        elif attrs.has(tp) or (getattr(tp, "__origin__", None) is frozenset) or tp is frozenset:
            expression = f"_generic({var})"
        else:
            expression = _value_expression(tp, var, ns)
        label = _escape(key) + key_sep
        if default is attrs.NOTHING:
            lead = item_sep if pieces else ""
            pieces.append(f"{lead + label!r} + {expression}")
            continue
        if not pieces:
            optional_first = True  # a record whose first field may be left out
        ns[f"d{n}"] = default
        test = f"{var} is not None" if default is None else f"{var} != d{n}"
        pieces.append(f"({item_sep + label!r} + {expression} if {test} else '')")
    if optional_first:
        # Rare (no tag, no required field first): strip the leading separator.
        body = " + ".join(pieces) or "''"
        strip = f"text[{len(item_sep)}:] if text.startswith({item_sep!r}) else text"
        lines = [f"def write(r):\n    text = {body}\n    return '{{' + ({strip}) + '}}'"]
    else:
        lines = [f"def write(r):\n    return '{{' + {' + '.join(pieces)} + '}}'"]
    exec("\n".join(lines), ns)  # code built from the record's own attrs fields
    writer = ns["write"]
    _WRITERS[(cls, compact, sensitive)] = writer
    return writer  # type: ignore[no-any-return]


def _generic_json(value: Any, compact: bool) -> str:
    separators = (",", ":") if compact else (", ", ": ")
    plain = to_plain(value) if attrs.has(type(value)) else _plain_value(value)
    return json.dumps(plain, ensure_ascii=False, separators=separators, allow_nan=False)


def _plain_value(value: Any) -> Any:
    from wenming._plain import _write_value

    return _write_value(value)


def _write_document(records: NetworkRecords, indent: int | None, sensitive: bool = False) -> str:
    """The whole file: header, each non-empty section one record per line, a final newline."""
    compact = indent is None
    key_sep = ":" if compact else ": "
    header: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        **({"sensitive": True} if sensitive else {}),
        "name": records.name,
        "description": records.description,
    }
    if records.division_edition is not None:
        header["division_edition"] = records.division_edition
    pad = "" if compact else " " * (indent or 0)
    newline = "" if compact else "\n"
    header_lines = [
        f"{pad}{_escape(k)}{key_sep}{_escape(v) if isinstance(v, str) else json.dumps(v)}"
        for k, v in header.items()
    ]
    # One flat list of pieces and one join at the end: at national scale the text
    # is ~450 MB, and every intermediate copy of it costs a second or more.
    pieces = ["{", newline, f",{newline}".join(header_lines)]
    joiner = f",{newline}{pad}{pad}"
    for name, items in records.sections.items():
        if not items:
            continue
        pieces.append(f",{newline}{pad}{_escape(name)}{key_sep}[{newline}{pad}{pad}")
        lines: list[str] = []
        # Records of one class come in runs (the canonical order sorts by kind).
        for cls, run in groupby(items, type):
            lines += map(_record_writer(cls, compact, sensitive), run)
        pieces.append(lines[0])
        pieces += chain.from_iterable(zip(repeat(joiner), islice(lines, 1, None)))
        pieces.append(f"{newline}{pad}]")
    pieces += (newline, "}\n")
    return "".join(pieces)
