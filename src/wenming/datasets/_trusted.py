"""A fast reader for the files this package ships (private).

The embedded datasets are written by the package's own build scripts and a test
pins them to those scripts, so every value in them has already passed the
records' checks once. Reading them again through :func:`wenming.loads_records`
runs every converter and validator of every record: for the Ziyang network
(about 50,000 records) that is most of a second. This reader builds the same
records in a fraction of the time:

- each record is made with ``object.__new__`` and its fields set directly;
- each field's own converter still runs, but once per distinct raw value (a
  memo per field): dates, division codes, team ids and code sets repeat;
- validators, which only check and never change a value, do not run;
- ``init=False`` fields get their defaults and ``__attrs_post_init__`` runs,
  as in ``__init__``; a class whose derived fields take ``self`` in their
  factory is read by the standard fast path (:func:`wenming._plain.from_plain`).

A test asserts that this reader and :func:`wenming.loads_records` give equal
records for every shipped file. Never use it for files from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import json
import typing
from collections.abc import Callable
from typing import Any

import attrs

from wenming._plain import from_plain, plan_of
from wenming.network import NetworkRecords
from wenming.section import Section
from wenming.sections import SECTIONS
from wenming.serialization import FORMAT, VERSION, loads_records

__all__ = ["trusted_records"]

_MISSING: Any = object()
_Build = Callable[[dict[str, Any]], Any]


def _nested_item_type(tp: Any) -> type[Any] | None:
    """``X`` for a field typed ``tuple[X, ...]`` where ``X`` is an attrs class."""
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis and attrs.has(args[0]):
            item: type[Any] = args[0]
            return item
    return None


def _factory(default: Any) -> Callable[[], Any] | None:
    """The factory of an ``attrs.Factory`` default (``None`` for a plain default)."""
    return getattr(default, "factory", None) if type(default).__name__ == "Factory" else None


def _constant(value: Any) -> Callable[[], Any]:
    return lambda: value


def _simple(cls: type[Any]) -> bool:
    """True if ``object.__new__``, the fields and the post-init hook reproduce ``cls(**kw)``."""
    return not any(
        _factory(a.default) is not None and a.default.takes_self for a in attrs.fields(cls)
    )


def _builder(cls: type[Any], builders: dict[type[Any], _Build]) -> _Build:
    found = builders.get(cls)
    if found is not None:
        return found
    if not _simple(cls):

        def standard(item: dict[str, Any]) -> Any:
            return from_plain(cls, item)

        builders[cls] = standard
        return standard
    plan = plan_of(cls)
    hints = typing.get_type_hints(cls)
    by_name = {a.name: a for a in attrs.fields(cls)}
    # Fields a record leaves out get their default (factories that make immutable
    # values are called once); required fields must be present.
    defaults: list[tuple[str, Any]] = []
    fresh: list[tuple[str, Callable[[], Any], Any]] = []
    required: set[str] = set()
    # key in files -> (attribute name, converter, memo, how to read the raw value)
    specs: dict[str, tuple[str, Any, dict[Any, Any] | None, Callable[[Any], Any] | None]] = {}
    dates = {key for key, _ in plan.dates}
    nested = dict(plan.nested)
    for name, key, _default, _writer in plan.fields:
        a = by_name[name]
        converter = a.converter
        default = a.default
        if default is attrs.NOTHING:
            required.add(key)
        elif (factory := _factory(default)) is not None:
            made = factory()
            if type(made) in (frozenset, tuple, str, int, type(None)):
                defaults.append((name, made if converter is None else converter(made)))
            else:
                fresh.append((name, factory, converter))
        else:
            defaults.append((name, default))
        read: Callable[[Any], Any] | None = None
        memo: dict[Any, Any] | None = {}
        item_cls = _nested_item_type(hints.get(name))
        if key in dates:
            read = _date
        elif key in nested:
            read, memo = _builder(nested[key], builders), None
        elif item_cls is not None:
            read, memo = _items(_builder(item_cls, builders)), None
        specs[key] = (name, converter, memo, read)
    for a in attrs.fields(cls):
        if not a.init and a.default is not attrs.NOTHING:
            d = a.default
            fresh.append((a.name, _factory(d) or _constant(d), None))
    post_init = getattr(cls, "__attrs_post_init__", None)
    tag = plan.tag[0] if plan.tag is not None else None
    new = object.__new__
    setattr_ = object.__setattr__

    def build(item: dict[str, Any]) -> Any:
        if tag is not None:
            item = dict(item)
            del item[tag]
        if not required <= item.keys():
            return from_plain(cls, item)  # the standard path names what is missing
        obj = new(cls)
        for name, value in defaults:
            setattr_(obj, name, value)
        for name, make, converter in fresh:
            value = make()
            setattr_(obj, name, value if converter is None else converter(value))
        for key, raw in item.items():
            spec = specs.get(key)
            if spec is None:
                return from_plain(cls, item)  # an unknown key: let it name the problem
            name, converter, memo, read = spec
            if memo is None:
                value = read(raw) if read is not None else raw
                if converter is not None:
                    value = converter(value)
            else:
                mkey = tuple(raw) if type(raw) is list else raw
                value = memo.get(mkey, _MISSING)
                if value is _MISSING:
                    value = raw if read is None else read(raw)
                    if converter is not None:
                        value = converter(value)
                    memo[mkey] = value
            setattr_(obj, name, value)
        if post_init is not None:
            post_init(obj)
        return obj

    builders[cls] = build
    return build


def _date(raw: Any) -> Any:
    return dt.date.fromisoformat(raw) if type(raw) is str else raw


def _items(build: _Build) -> Callable[[Any], Any]:
    def read(raw: Any) -> Any:
        if type(raw) is not list:
            return raw
        return [build(x) if type(x) is dict else x for x in raw]

    return read


def _section_builder(section: Section[Any, Any], builders: dict[type[Any], _Build]) -> _Build:
    if not section.by_tag:
        return _builder(section.types[0], builders)
    by_tag = {tag: _builder(cls, builders) for tag, cls in section.by_tag.items()}

    def build(item: dict[str, Any]) -> Any:
        return by_tag[item["kind"]](item)

    return build


def trusted_records(text: str, *, source: str) -> NetworkRecords:
    """Read a network document written by this package's own build scripts.

    Falls back to :func:`wenming.loads_records` for anything but a current,
    non-sensitive ``wenming.network`` document.
    """
    data = json.loads(text)
    if (
        type(data) is not dict
        or data.get("format") != FORMAT
        or data.get("version") != VERSION
        or data.get("sensitive")
    ):
        return loads_records(text, source=source)
    builders: dict[type[Any], _Build] = {}
    sections: dict[str, list[Any]] = {}
    for section in SECTIONS:
        items = data.get(section.name)
        if items:
            build = _section_builder(section, builders)
            sections[section.name] = [build(item) for item in items]
    return NetworkRecords(
        name=data.get("name", ""),
        description=data.get("description", ""),
        division_edition=data.get("division_edition"),
        **sections,
    )
