"""Griffe extension for the API pages: attrs signatures and Sphinx roles.

1. Griffe reads the source statically and does not know that ``@attrs.frozen``
   writes an ``__init__``; without one, the numpy "Parameters" sections of the
   record classes match no signature. This extension imports each attrs class,
   reads ``attrs.fields()`` (aliases, defaults, factories, keyword-only) and adds
   the ``__init__`` that attrs generates, keeping the static annotations.
2. A Hypothesis ``@composite`` strategy is called without its ``draw`` argument
   and returns a ``SearchStrategy``; its signature is shown that way.
3. The docstrings use Sphinx roles (``:class:`Network```), which Markdown would
   show literally; they are rendered as inline code instead.

It is loaded by ``mkdocs.yml`` and is not part of the package.
"""

from __future__ import annotations

import importlib
import re
from typing import Any

import attrs
import griffe

_ROLE = re.compile(r":(?:py:)?[a-z]+:`(~?)([^`]+)`")


def _role(match: re.Match[str]) -> str:
    target = match.group(2)
    if match.group(1):
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def _runtime_class(cls: griffe.Class) -> type | None:
    try:
        module = importlib.import_module(cls.module.path)
    except ImportError:
        return None
    obj: Any = module
    for part in cls.path[len(cls.module.path) + 1 :].split("."):
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, type) and attrs.has(obj) else None


def _default(field: attrs.Attribute[Any]) -> str | None:
    default: Any = field.default
    if default is attrs.NOTHING:
        return None
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        return f"{default.factory.__name__}()"
    return repr(default)


def _add_init(cls: griffe.Class) -> None:
    runtime = _runtime_class(cls)
    if runtime is None or "__init__" in cls.members:
        return
    members = cls.all_members
    parameters = [griffe.Parameter("self", kind=griffe.ParameterKind.positional_or_keyword)]
    for field in attrs.fields(runtime):
        if not field.init:
            continue
        member = members.get(field.name)
        annotation = getattr(member, "annotation", None) or field.type
        kind = (
            griffe.ParameterKind.keyword_only
            if field.kw_only
            else griffe.ParameterKind.positional_or_keyword
        )
        parameters.append(
            griffe.Parameter(
                field.alias or field.name,
                annotation=annotation,
                kind=kind,
                default=_default(field),
            )
        )
    init = griffe.Function(
        "__init__",
        lineno=0,
        endlineno=0,
        parent=cls,
        parameters=griffe.Parameters(*parameters),
        returns="None",
    )
    cls.set_member("__init__", init)


def _fix_composite(func: griffe.Function) -> None:
    if not any(str(d.value).endswith("composite") for d in func.decorators):
        return
    params = list(func.parameters)
    if params and params[0].name == "draw":
        func.parameters = griffe.Parameters(*params[1:])
        func.returns = f"SearchStrategy[{func.returns}]"


def _walk(obj: griffe.Module | griffe.Class, seen: set[str]) -> None:
    if obj.path in seen:
        return
    seen.add(obj.path)
    if isinstance(obj, griffe.Class):
        _add_init(obj)
    for member in [obj, *obj.members.values()]:
        if member.is_alias:
            continue
        if member.docstring is not None:
            member.docstring.value = _ROLE.sub(_role, member.docstring.value)
        if isinstance(member, griffe.Function):
            _fix_composite(member)
        if member is not obj and (member.is_module or member.is_class):
            _walk(member, seen)  # type: ignore[arg-type]


class AttrsInit(griffe.Extension):
    """Add the attrs-generated ``__init__`` to every attrs class of a package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Walk the loaded package once it is complete."""
        _walk(pkg, set())
