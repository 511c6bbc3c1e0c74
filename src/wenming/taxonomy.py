"""The activity taxonomy as data: categories, service themes and formats (活动分类).

A :class:`Taxonomy` is a named, versioned tree of :class:`Category` records. Each
category has a stable ``code`` (what records and files hold), a Chinese and an
English label, the ``group`` it belongs to (its parent in the tree) and optional
aliases. The roots are the *facets* an activity is classified by:

=========  =====================  ==============================================
root       zh                     below it
=========  =====================  ==============================================
content    六传六讲六帮           the groups 六传 / 六讲 / 六帮, six categories each
theme      服务主题               the six service themes (理论政策宣传宣讲 …)
format     活动形式               the formats seen in practice (理论宣讲, 义诊 …)
=========  =====================  ==============================================

The shipped default (:func:`default_taxonomy`, ``wenming-default`` 2023.1) holds
them as package data. A county keeps its own scheme *beside* it in a JSON or
TOML file — ``extends = "wenming-default"`` starts from the default and adds or
overrides categories — and nothing in the library is edited. A network records
the taxonomy its activities use in its ``taxonomy`` section (one
:class:`TaxonomyUse` record: name, version and, for a scheme that is not
shipped, its categories, so the file checks anywhere).

Examples
--------
>>> tax = default_taxonomy()
>>> tax.name, tax.version, len(tax.leaves("content"))
('wenming-default', '2023.1', 18)
>>> tax["filial_piety"].zh, tax.find("讲孝道").code, tax.find("Filial Piety").code
('讲孝道', 'filial_piety', 'filial_piety')
>>> tax.find("义剪").code  # an alias
'free_haircut'
>>> [c.code for c in tax.children("help")][:3]
['urgent_hardship', 'sick_disabled', 'elderly_frail']
>>> tax["filial_pity"]
Traceback (most recent call last):
...
wenming.taxonomy.UnknownCategoryError: unknown category 'filial_pity' ...; nearest: 'filial_piety'
"""

from __future__ import annotations

import difflib
import json
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib.resources import files
from operator import attrgetter
from pathlib import Path
from typing import Any, BinaryIO, Final

import attrs

from wenming._atomic import atomic_write, read_input
from wenming._fields import check_identifier, optional_text, text, to_frozenset
from wenming._plain import to_plain
from wenming.errors import FormatError, InvariantError, UnknownIdError, quote
from wenming.section import Section, ValidationContext, error

__all__ = [
    "DEFAULT_TAXONOMY_FILE",
    "FACETS",
    "TAXONOMY",
    "TAXONOMY_FORMAT",
    "Category",
    "Taxonomy",
    "TaxonomyUse",
    "UnknownCategoryError",
    "default_taxonomy",
    "shipped_taxonomy",
    "taxonomy_of",
]

TAXONOMY_FORMAT: Final = "wenming.taxonomy"
"""The ``format`` name a taxonomy file carries."""

_FORMAT_VERSION: Final = 1

DEFAULT_TAXONOMY_FILE: Final = "taxonomy-default.json"
"""The file name of the shipped default taxonomy inside ``wenming.datasets``."""

FACETS: Mapping[str, str] = {"categories": "content", "themes": "theme", "formats": "format"}
"""Activity field → the root of the taxonomy its codes must sit under."""


class UnknownCategoryError(UnknownIdError):
    """A code (or label) the taxonomy does not hold; the message names the nearest ones.

    Attributes
    ----------
    nearest : tuple of str
        The closest known codes, best first (may be empty).
    """

    def __init__(self, term: str, message: str, nearest: tuple[str, ...] = ()) -> None:
        super().__init__("category", term, message)
        self.nearest = nearest


# ---------------------------------------------------------------------------- records


def _code(value: object) -> str:
    return check_identifier("code", value)


def _group(value: object) -> str | None:
    return None if value is None else check_identifier("group", value)


def _alias(value: object) -> str:
    return check_identifier("aliases", value)


def _aliases(value: object) -> frozenset[str]:
    return to_frozenset(_alias, "aliases", value)


@attrs.frozen(kw_only=True)
class Category:
    """One node of a taxonomy: a category, a group of categories, or a facet's root.

    Parameters
    ----------
    code : str
        The stable code records hold (``"filial_piety"``); unique in its taxonomy.
    zh : str
        The Chinese label (``"讲孝道"``).
    en : str
        The English label (``"filial piety"``).
    group : str, optional
        The code of the category it belongs to; ``None`` for a root (a facet).
    aliases : frozenset of str
        Other names it is found by (``"义剪"`` for a free haircut).

    Examples
    --------
    >>> Category(code="tea", zh="传茶文化", en="tea culture", group="transmit").to_dict()
    {'code': 'tea', 'zh': '传茶文化', 'en': 'tea culture', 'group': 'transmit'}
    >>> Category(code="tea", zh=" ", en="tea culture")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: zh must not be blank
    """

    code: str = attrs.field(converter=_code)
    zh: str = attrs.field(validator=text)
    en: str = attrs.field(validator=text)
    group: str | None = attrs.field(default=None, converter=_group)
    aliases: frozenset[str] = attrs.field(factory=frozenset, converter=_aliases)

    def label(self, lang: str = "zh") -> str:
        """The label in ``lang`` (``"zh"`` or ``"en"``)."""
        if lang == "zh":
            return self.zh
        if lang == "en":
            return self.en
        raise InvariantError(f"lang {quote(lang)} is not one of: zh, en", field="lang", value=lang)

    def to_dict(self) -> dict[str, Any]:
        """Return the category as files hold it."""
        return to_plain(self)


def _category(value: object) -> Category:
    if isinstance(value, Category):
        return value
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"code", "zh", "en", "group", "aliases"})
        if unknown:
            shown = ", ".join(map(quote, unknown))
            raise InvariantError(
                f"unknown keys in a category: {shown} (expected code, zh, en, group, aliases)",
                field="categories",
            )
        try:
            return Category(**value)
        except TypeError:
            missing = sorted({"code", "zh", "en"} - set(value))
            code = value.get("code")
            raise InvariantError(
                f"category {quote(code)} needs {', '.join(missing)}", field="categories"
            ) from None
    raise InvariantError(
        f"categories must hold category records or objects, not {type(value).__name__}",
        field="categories",
        value=value,
    )


def _categories(value: object) -> tuple[Category, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvariantError(
            f"categories must be a list, not {type(value).__name__}", field="categories"
        )
    return tuple(map(_category, value))


def _norm(term: str) -> str:
    """A look-up form of a label: NFKC, case-folded, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", term).casefold().split())


def _nearest(term: str, candidates: Iterable[str], n: int = 3) -> tuple[str, ...]:
    return tuple(difflib.get_close_matches(term, list(candidates), n=n, cutoff=0.6))


@attrs.frozen(kw_only=True)
class Taxonomy:
    """A named, versioned tree of categories (see the module docs).

    Parameters
    ----------
    name : str
        The scheme's name (``"wenming-default"``, ``"ziyang-local"``).
    version : str
        Its version (``"2023.1"``): a network pins name and version.
    categories : tuple of Category
        Every node, parents before or after their children, in display order.
    description : str, optional
        What the scheme is.

    Raises
    ------
    InvariantError
        Two categories share a code, a group names no category, the groups form
        a cycle, or one label or alias names two categories.

    Examples
    --------
    >>> tax = Taxonomy(name="mini", version="1", categories=[
    ...     {"code": "content", "zh": "内容", "en": "content"},
    ...     {"code": "tea", "zh": "传茶文化", "en": "tea culture", "group": "contnet"},
    ... ])
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: category 'tea': its group 'contnet' ...; nearest: 'content'
    """

    name: str = attrs.field(validator=text)
    version: str = attrs.field(validator=text)
    categories: tuple[Category, ...] = attrs.field(converter=_categories)
    description: str | None = attrs.field(default=None, validator=optional_text)
    _by_code: dict[str, Category] = attrs.field(init=False, repr=False, eq=False)
    _by_term: dict[str, str] = attrs.field(init=False, repr=False, eq=False)
    _children: dict[str | None, list[str]] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        by_code: dict[str, Category] = {}
        for c in self.categories:
            if c.code in by_code:
                raise InvariantError(
                    f"two categories of {self.title} have the code {quote(c.code)}",
                    field="categories",
                    value=c.code,
                )
            by_code[c.code] = c
        children: dict[str | None, list[str]] = {}
        for c in self.categories:
            if c.group is not None and c.group not in by_code:
                near = _nearest(c.group, by_code)
                hint = f"; nearest: {', '.join(map(quote, near))}" if near else ""
                raise InvariantError(
                    f"category {quote(c.code)}: its group {quote(c.group)} is not a category "
                    f"of {self.title}{hint}",
                    field="categories",
                    value=c.group,
                )
            children.setdefault(c.group, []).append(c.code)
        for c in self.categories:  # every chain of groups must reach a root
            seen = {c.code}
            up = c.group
            while up is not None:
                if up in seen:
                    raise InvariantError(
                        f"category {quote(c.code)}: its groups form a cycle through {quote(up)}",
                        field="categories",
                        value=c.code,
                    )
                seen.add(up)
                up = by_code[up].group
        terms: dict[str, str] = {}
        for c in self.categories:
            for term in (c.zh, c.en, *sorted(c.aliases)):
                key = _norm(term)
                other = terms.setdefault(key, c.code)
                if other != c.code:
                    raise InvariantError(
                        f"{quote(term)} names two categories of {self.title}: "
                        f"{quote(other)} and {quote(c.code)}",
                        field="categories",
                        value=term,
                    )
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_by_term", terms)
        object.__setattr__(self, "_children", children)

    # ------------------------------------------------------------------ look-up

    @property
    def title(self) -> str:
        """``"wenming-default 2023.1"``: the scheme in messages."""
        return f"{self.name} {self.version}"

    def __len__(self) -> int:
        return len(self.categories)

    def __iter__(self) -> Iterator[Category]:
        return iter(self.categories)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Category:
        """The category with this code.

        Raises
        ------
        UnknownCategoryError
            No such code; the message names the nearest known codes.
        """
        found = self._by_code.get(code)
        if found is None:
            raise self.unknown(code)
        return found

    def get(self, code: str) -> Category | None:
        """The category with this code, or ``None``."""
        return self._by_code.get(code)

    @property
    def codes(self) -> frozenset[str]:
        """Every code."""
        return frozenset(self._by_code)

    def nearest(self, term: str, *, under: str | None = None, n: int = 3) -> tuple[str, ...]:
        """The known codes closest to ``term`` (by code, label or alias), best first.

        Parameters
        ----------
        term : str
            What was given.
        under : str, optional
            Only codes at or below this one.
        n : int
            At most this many.
        """
        allowed = None if under is None else {c.code for c in self.subtree(under)} - {under}
        hits = [
            match
            for match in _nearest(term, self._by_code, n * 2)
            if allowed is None or match in allowed
        ]
        if not hits:  # no code is close: try the labels and aliases
            for match in _nearest(_norm(term), self._by_term, n * 2):
                code = self._by_term[match]
                if code not in hits and (allowed is None or code in allowed):
                    hits.append(code)
        return tuple(hits[:n])

    def unknown(self, term: str, *, under: str | None = None) -> UnknownCategoryError:
        """The error for a code the taxonomy does not hold (naming the nearest ones)."""
        near = self.nearest(term, under=under)
        where = (
            f"in taxonomy {self.title}"
            if under is None
            else f"under {quote(under)} in {self.title}"
        )
        hint = f"; nearest: {', '.join(map(quote, near))}" if near else ""
        return UnknownCategoryError(term, f"unknown category {quote(term)} {where}{hint}", near)

    def find(self, term: str) -> Category:
        """The category with this code, Chinese or English label, or alias.

        Labels and aliases match whatever their case, width and spacing.

        Raises
        ------
        UnknownCategoryError
            Nothing matches; the message names the nearest codes.
        """
        found = self._by_code.get(term)
        if found is not None:
            return found
        code = self._by_term.get(_norm(term)) if isinstance(term, str) else None
        if code is None:
            raise self.unknown(term)
        return self._by_code[code]

    def check(self, code: str, *, under: str | None = None) -> Category:
        """The category ``code``, which must sit below ``under`` (a facet's root).

        Raises
        ------
        UnknownCategoryError
            No such code, or not under ``under``.
        """
        found = self._by_code.get(code)
        if found is None or (
            under is not None and (code == under or under not in self.path_codes(code))
        ):
            raise self.unknown(code, under=under)
        return found

    # ------------------------------------------------------------------ the tree

    def roots(self) -> tuple[Category, ...]:
        """The categories without a group: the facets."""
        return self.children(None)

    def children(self, code: str | None) -> tuple[Category, ...]:
        """The categories directly in group ``code`` (``None``: the roots), in order."""
        if code is not None:
            self[code]
        return tuple(self._by_code[c] for c in self._children.get(code, ()))

    def subtree(self, code: str) -> tuple[Category, ...]:
        """The category ``code`` and everything below it, depth first, in order."""
        out: list[Category] = []
        stack = [code]
        self[code]
        while stack:
            current = stack.pop()
            out.append(self._by_code[current])
            stack.extend(reversed(self._children.get(current, ())))
        return tuple(out)

    def leaves(self, code: str | None = None) -> tuple[Category, ...]:
        """The categories with nothing below them, under ``code`` (or anywhere)."""
        nodes = self.categories if code is None else self.subtree(code)
        return tuple(c for c in nodes if not self._children.get(c.code))

    def path_codes(self, code: str) -> tuple[str, ...]:
        """The codes from the root down to ``code``."""
        out: list[str] = []
        current: str | None = self[code].code
        while current is not None:
            out.append(current)
            current = self._by_code[current].group
        return tuple(reversed(out))

    def root_of(self, code: str) -> Category:
        """The root (the facet) ``code`` sits under."""
        return self._by_code[self.path_codes(code)[0]]

    # ------------------------------------------------------------------ building

    def extend(
        self,
        categories: Iterable[Category | Mapping[str, Any]],
        *,
        name: str,
        version: str,
        description: str | None = None,
    ) -> Taxonomy:
        """A new taxonomy: these categories added, or replacing those with the same code.

        Examples
        --------
        >>> local = default_taxonomy().extend(
        ...     [{"code": "tea", "zh": "传茶文化", "en": "tea culture", "group": "transmit"}],
        ...     name="ziyang-local", version="2024.1",
        ... )
        >>> len(local.children("transmit")), local.title
        (7, 'ziyang-local 2024.1')
        """
        new = _categories(categories)
        replaced = {c.code: c for c in new}
        kept = [replaced.pop(c.code, c) for c in self.categories]
        return Taxonomy(
            name=name,
            version=version,
            categories=(*kept, *(c for c in new if c.code in replaced)),
            description=description,
        )

    def use(self) -> TaxonomyUse:
        """The record a network holds to say its activities use this taxonomy.

        A shipped taxonomy is named only; any other carries its categories.
        """
        shipped = _SHIPPED.get((self.name, self.version))
        if shipped is not None and shipped() == self:
            return TaxonomyUse(name=self.name, version=self.version)
        return TaxonomyUse(
            name=self.name,
            version=self.version,
            categories=self.categories,
            description=self.description,
        )

    # ------------------------------------------------------------------ data

    def to_dict(self) -> dict[str, Any]:
        """The taxonomy as a file holds it (every category, no ``extends``)."""
        out: dict[str, Any] = {
            "format": TAXONOMY_FORMAT,
            "format_version": _FORMAT_VERSION,
            "name": self.name,
            "version": self.version,
        }
        if self.description is not None:
            out["description"] = self.description
        out["categories"] = [c.to_dict() for c in self.categories]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str | None = None) -> Taxonomy:
        """Build a taxonomy from a file's data (JSON or TOML), resolving ``extends``.

        Keys: ``name``, ``version``, optional ``description``, optional
        ``extends`` (a shipped taxonomy: ``"wenming-default"`` or
        ``"wenming-default@2023.1"``), ``categories`` (a list of objects with
        ``code``, ``zh``, ``en``, optional ``group`` and ``aliases``); optional
        ``format = "wenming.taxonomy"`` and ``format_version = 1``.

        Raises
        ------
        FormatError
            A problem with the data, with its path (``$.categories[3]: …``).
        """
        if not isinstance(data, Mapping):
            raise FormatError([f"$: expected an object, not {type(data).__name__}"], source=source)
        problems: list[str] = []
        known = {"format", "format_version", "name", "version", "description", "extends"}
        unknown = sorted(set(data) - known - {"categories"})
        if unknown:
            problems.append(f"$: unknown keys: {', '.join(map(quote, unknown))}")
        fmt = data.get("format", TAXONOMY_FORMAT)
        if fmt != TAXONOMY_FORMAT:
            problems.append(f"$.format: {quote(fmt)} is not a taxonomy ({TAXONOMY_FORMAT!r})")
        version = data.get("format_version", _FORMAT_VERSION)
        if type(version) is not int or version > _FORMAT_VERSION or version < 1:
            problems.append(
                f"$.format_version: {quote(version)}; this wenming reads taxonomy files of "
                f"version {_FORMAT_VERSION}"
            )
        for key in ("name", "version"):
            if not isinstance(data.get(key), str):
                problems.append(f"$.{key}: required, a string")
        raw = data.get("categories", [])
        categories: list[Category] = []
        if not isinstance(raw, list):
            problems.append(f"$.categories: expected a list, not {type(raw).__name__}")
        else:
            for i, item in enumerate(raw):
                try:
                    categories.append(_category(item))
                except InvariantError as exc:
                    field = exc.field if exc.field not in (None, "categories") else None
                    where = f"$.categories[{i}]" + (f".{field}" if field else "")
                    problems.append(f"{where}: {exc}")
        base: Taxonomy | None = None
        extends = data.get("extends")
        if extends is not None:
            try:
                base = _extends(extends)
            except (UnknownIdError, InvariantError) as exc:
                problems.append(f"$.extends: {exc}")
        if problems:
            raise FormatError(problems, source=source)
        description = data.get("description")
        try:
            if base is not None:
                return base.extend(
                    categories, name=data["name"], version=data["version"], description=description
                )
            return cls(
                name=data["name"],
                version=data["version"],
                categories=categories,
                description=description,
            )
        except InvariantError as exc:
            raise FormatError([f"$.{exc.field or 'categories'}: {exc}"], source=source) from None

    def dumps(self) -> str:
        """The taxonomy as JSON text (one category per line; byte-stable)."""
        data = self.to_dict()
        head = {k: v for k, v in data.items() if k != "categories"}
        lines = ["{"]
        lines += [
            f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()
        ]
        lines.append('"categories": [')
        lines.append(",\n".join(json.dumps(c, ensure_ascii=False) for c in data["categories"]))
        lines += ["]", "}"]
        return "\n".join(lines) + "\n"

    @classmethod
    def loads(cls, text: str | bytes, *, source: str | None = None) -> Taxonomy:
        """Read a taxonomy from JSON text.

        Raises
        ------
        FormatError
            The text is not JSON, or not a taxonomy (the message gives the path).
        """
        try:
            data = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FormatError([f"$: not JSON: {exc}"], source=source) from None
        except RecursionError:
            raise FormatError(["$: the JSON is nested too deeply"], source=source) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def from_toml(cls, text: str, *, source: str | None = None) -> Taxonomy:
        """Read a taxonomy from TOML text (``[[categories]]`` tables).

        Raises
        ------
        FormatError
            The text is not TOML, or not a taxonomy.
        """
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise FormatError([f"$: not TOML: {exc}"], source=source) from None
        except RecursionError:
            raise FormatError(["$: the TOML is nested too deeply"], source=source) from None
        return cls.from_dict(data, source=source)

    @classmethod
    def load(cls, path: str | Path) -> Taxonomy:
        """Read a taxonomy file: TOML if it ends in ``.toml``, JSON otherwise.

        Raises
        ------
        FileAccessError
            The file cannot be read.
        FormatError
            It is not a taxonomy.
        """
        path = Path(path)
        raw = read_input(path)
        if path.suffix.lower() == ".toml":
            try:
                decoded = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise FormatError([f"$: not UTF-8: {exc}"], source=str(path)) from None
            return cls.from_toml(decoded, source=str(path))
        return cls.loads(raw, source=str(path))

    def save(self, path: str | Path) -> None:
        """Write the taxonomy as JSON (every category; ``extends`` is resolved).

        The file is written whole or not at all (a temporary file renamed into
        place), as network files are.

        Raises
        ------
        FileAccessError
            The file cannot be written.
        """
        data = self.dumps().encode("utf-8")

        def write(handle: BinaryIO) -> None:
            handle.write(data)

        atomic_write(path, write)

    def __str__(self) -> str:
        """The tree, one category per line: code, zh and en labels, indented by depth."""
        return self.render("both")

    def render(self, lang: str = "both") -> str:
        """The tree as text, labels in ``"zh"``, ``"en"`` or ``"both"``."""
        if lang not in ("zh", "en", "both"):
            raise InvariantError(
                f"lang {quote(lang)} is not one of: zh, en, both", field="lang", value=lang
            )
        lines = [self.title + (f" — {self.description}" if self.description else "")]
        for root in self.roots():
            for c in self.subtree(root.code):
                depth = len(self.path_codes(c.code)) - 1
                label = {"zh": c.zh, "en": c.en, "both": f"{c.zh}  {c.en}"}[lang]
                lines.append(f"{'  ' * depth}{c.code:<{26 - 2 * depth}} {label}")
        return "\n".join(lines)


def _extends(value: object) -> Taxonomy:
    if not isinstance(value, str):
        raise InvariantError(f"extends must be a string, not {type(value).__name__}")
    name, _, version = value.partition("@")
    return shipped_taxonomy(name, version or None)


# ---------------------------------------------------------------------------- shipped


@cache
def default_taxonomy() -> Taxonomy:
    """The shipped default: 六传六讲六帮, the service themes, the activity formats."""
    text = files("wenming.datasets").joinpath(DEFAULT_TAXONOMY_FILE).read_text(encoding="utf-8")
    return Taxonomy.loads(text, source=f"wenming.datasets/{DEFAULT_TAXONOMY_FILE}")


_SHIPPED: dict[tuple[str, str], Any] = {("wenming-default", "2023.1"): default_taxonomy}


def shipped_taxonomy(name: str, version: str | None = None) -> Taxonomy:
    """A taxonomy shipped with wenming, by name (and version; the newest by default).

    Raises
    ------
    UnknownIdError
        None by that name and version; the message lists the shipped ones.
    """
    matches = sorted(v for n, v in _SHIPPED if n == name and (version is None or v == version))
    if not matches:
        shipped = ", ".join(f"{n}@{v}" for n, v in sorted(_SHIPPED))
        wanted = name if version is None else f"{name}@{version}"
        raise UnknownIdError(
            "taxonomy", wanted, f"no shipped taxonomy {quote(wanted)}; shipped: {shipped}"
        )
    return _SHIPPED[(name, matches[-1])]()  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------- the section


def _use_name(value: object) -> str:
    return check_identifier("name", value)


def _use_version(value: object) -> str:
    return check_identifier("version", value)


@attrs.frozen(kw_only=True)
class TaxonomyUse:
    """Which taxonomy a network's activities use (the ``taxonomy`` section).

    A network holds at most one. Without it, activities are checked against
    :func:`default_taxonomy`.

    Parameters
    ----------
    name, version : str
        The taxonomy's name and version.
    categories : tuple of Category
        Its categories, for a scheme that is not shipped with wenming (a
        county's own); empty for a shipped one, found by name and version.

    Examples
    --------
    >>> default_taxonomy().use()
    TaxonomyUse(name='wenming-default', version='2023.1', categories=())
    >>> TaxonomyUse(name="local", version="1", categories=[
    ...     {"code": "a", "zh": "甲", "en": "a"}, {"code": "a", "zh": "乙", "en": "b"}])
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: two categories of local 1 have the code 'a'
    """

    name: str = attrs.field(converter=_use_name)
    version: str = attrs.field(converter=_use_version)
    categories: tuple[Category, ...] = attrs.field(default=(), converter=_categories)
    description: str | None = attrs.field(default=None, validator=optional_text, repr=False)

    def __attrs_post_init__(self) -> None:
        if self.categories:
            self.taxonomy()

    def taxonomy(self) -> Taxonomy:
        """The taxonomy this record names.

        Raises
        ------
        UnknownIdError
            It names a taxonomy that is not shipped and carries no categories.
        """
        if self.categories:
            return _embedded(self.name, self.version, self.categories, self.description)
        return shipped_taxonomy(self.name, self.version)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as the file format writes it."""
        return to_plain(self)


@cache
def _embedded(
    name: str, version: str, categories: tuple[Category, ...], description: str | None
) -> Taxonomy:
    return Taxonomy(name=name, version=version, categories=categories, description=description)


def taxonomy_of(records: Any) -> Taxonomy:
    """The taxonomy a network's (or a document's) activities use.

    Parameters
    ----------
    records : Network or NetworkRecords
        Its ``taxonomy`` section names the taxonomy; empty means the default.

    Raises
    ------
    UnknownIdError
        The section names a taxonomy that is neither shipped nor embedded.
    """
    of = getattr(records, "of", None)
    uses = of("taxonomy") if of is not None else tuple(records.table("taxonomy").values())
    if not uses:
        return default_taxonomy()
    return uses[0].taxonomy()  # type: ignore[no-any-return]


def context_taxonomy(ctx: ValidationContext) -> Taxonomy | None:
    """The taxonomy a validation rule checks codes against (``None``: it cannot be found)."""
    try:
        return taxonomy_of(ctx.records)
    except UnknownIdError:
        return None


def _rule_taxonomy(ctx: ValidationContext) -> Iterator[Any]:
    uses = ctx.records.of("taxonomy")
    for i, use in enumerate(uses):
        if i > 0:
            yield error(
                "taxonomy-count",
                f"a network's activities use one taxonomy; this one names {len(uses)} "
                f"({', '.join(quote(u.name) for u in uses)})",
                use.name,
                ctx.path("taxonomy", i),
            )
        elif not use.categories:
            try:
                use.taxonomy()
            except UnknownIdError as exc:
                yield error(
                    "unknown-taxonomy",
                    f"{exc}; a county's own scheme is embedded with its categories "
                    "(Taxonomy.use())",
                    use.name,
                    ctx.path("taxonomy", i, "name"),
                )


def _taxonomy_key(value: object) -> str:
    return check_identifier("name", value)


TAXONOMY: Section[str, TaxonomyUse] = Section(
    name="taxonomy",
    noun="taxonomy",
    types=(TaxonomyUse,),
    key=attrgetter("name"),
    key_field="name",
    parse_key=_taxonomy_key,
    order=attrgetter("name"),
    rules=(("taxonomy", _rule_taxonomy),),
    repr_empty=False,
)
"""The ``taxonomy`` section: the taxonomy a network's activities use (at most one record)."""
