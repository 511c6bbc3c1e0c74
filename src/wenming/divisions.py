"""Administrative divisions (行政区划) and their statistical codes.

A :class:`DivisionCode` is the 12-digit statistical division code: province (2),
prefecture (2), county (2, the last digits of the GB/T 2260 code), township (3)
and village (3). Shorter codes are accepted and padded with zeros, so the county
code ``"610924"`` and ``"610924000000"`` are the same code. Codes are checked for
structure, not membership: a code the library has never seen is accepted.

A :class:`Division` is a named division: code, name, level and the optional
urban-rural class, population and location. A :class:`DivisionTable` is a
versioned set of divisions (an edition of the official tables).

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
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import attrs

from wenming._fields import text, to_enum, to_real
from wenming.errors import DivisionCodeError, DuplicateIdError, FormatError, InvariantError

__all__ = [
    "Coordinates",
    "Division",
    "DivisionCode",
    "DivisionLevel",
    "DivisionTable",
    "TownshipType",
    "UrbanRuralClass",
    "VillageType",
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
                f"unknown division level {label!r}; expected one of {names}",
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
            f"division code {code!r} must contain only the digits 0-9", value=code
        )
    if len(code) not in _LENGTHS:
        raise DivisionCodeError(
            f"division code {code!r} has {len(code)} digits; expected 2, 4, 6, 9 or 12",
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
        if not self.endswith("000"):
            return DivisionLevel.VILLAGE
        if not self.endswith("000000"):
            return DivisionLevel.TOWN
        if not self.endswith("00000000"):
            return DivisionLevel.COUNTY
        if not self.endswith("0000000000"):
            return DivisionLevel.PREFECTURE
        return DivisionLevel.PROVINCE

    @property
    def short(self) -> str:
        """The code without its zero padding: 2, 4, 6, 9 or 12 digits.

        Examples
        --------
        >>> DivisionCode.parse("610924100000").short
        '610924100'
        """
        return str(self)[: _LEVEL_DIGITS[self.level]]

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


def _kept(code: DivisionCode, level: DivisionLevel, keep: set[str]) -> bool:
    if level >= DivisionLevel.COUNTY:
        return code.county in keep
    return any(k.startswith(code.short) for k in keep)


def _longitude(value: object) -> float:
    return to_real("longitude", value, low=-180, high=180)


def _latitude(value: object) -> float:
    return to_real("latitude", value, low=-90, high=90)


def _urban_rural(value: object) -> UrbanRuralClass | None:
    return None if value is None else to_enum(UrbanRuralClass, "urban_rural", value)


def _division_code(value: str) -> DivisionCode:
    return DivisionCode.parse(value)


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


@attrs.frozen(kw_only=True)
class DivisionTable(Mapping[DivisionCode, Division]):
    """A versioned edition of the division tables: code → :class:`Division`.

    Parameters
    ----------
    edition : str
        The edition the codes belong to (``"2023"``): codes change over the years.
    divisions : iterable of Division
        The rows; codes must be unique.

    Examples
    --------
    >>> table = DivisionTable.of("2023", [Division(code="610924", name="紫阳县")])
    >>> table["610924"].name, len(table)
    ('紫阳县', 1)
    """

    edition: str
    by_code: Mapping[DivisionCode, Division]

    @classmethod
    def of(cls, edition: str, divisions: Iterable[Division]) -> DivisionTable:
        """Build a table from division records, refusing duplicate codes."""
        by_code: dict[DivisionCode, Division] = {}
        for d in divisions:
            if d.code in by_code:
                raise DuplicateIdError("division", d.code)
            by_code[d.code] = d
        return cls(edition=edition, by_code=by_code)

    @classmethod
    def read_csv_dir(
        cls,
        path: str | Path,
        *,
        edition: str,
        counties: Iterable[str] | None = None,
    ) -> DivisionTable:
        """Read the province-to-township CSV tables of the 2023 statistical edition.

        The folder holds ``provinces.csv``, ``cities.csv``, ``areas.csv`` and
        ``streets.csv`` with ``code`` and ``name`` columns (the layout of the public
        compilation of the National Bureau of Statistics' codes). The township row
        ``350527000`` that stands for a whole county is skipped, and a
        prefecture-level city listed again as a county (东莞 441900) is kept once,
        as a county-level division.

        Parameters
        ----------
        path : str or Path
            The folder.
        edition : str
            The edition name to record (``"2023"``).
        counties : iterable of str, optional
            Keep only these counties (6-digit codes), their towns and the
            province and prefecture above them.
        """
        folder = Path(path)
        keep = None if counties is None else {DivisionCode.parse(c).county for c in counties}
        rows: dict[DivisionCode, Division] = {}
        levels = (
            ("provinces.csv", DivisionLevel.PROVINCE),
            ("cities.csv", DivisionLevel.PREFECTURE),
            ("areas.csv", DivisionLevel.COUNTY),
            ("streets.csv", DivisionLevel.TOWN),
        )
        for name, level in levels:
            file = folder / name
            try:
                handle = file.open(encoding="utf-8", newline="")
            except OSError as exc:
                raise FormatError(
                    [f"cannot read division table: {exc}"], source=str(file)
                ) from exc
            seen: dict[DivisionCode, int] = {}
            with handle:
                for line, row in enumerate(csv.DictReader(handle), start=2):
                    try:
                        code = DivisionCode.parse(row["code"])
                        if keep is not None and not _kept(code, level, keep):
                            continue
                        if level is DivisionLevel.TOWN and code.level is not level:
                            continue
                        explicit = None if code.level is level else level
                        division = Division(code=code, name=row["name"], level=explicit)
                        # A prefecture-level city without counties (东莞 4419) is listed
                        # again as a county (441900): one code, kept as the county.
                        if code in seen:
                            raise FormatError(
                                [f"line {line}: code {code.short} repeats line {seen[code]}"],
                                source=str(file),
                            )
                        seen[code] = line
                        rows[code] = division
                    except KeyError as exc:
                        raise FormatError(
                            [f"line {line}: no column {exc}"], source=str(file)
                        ) from None
                    except InvariantError as exc:
                        raise FormatError([f"line {line}: {exc}"], source=str(file)) from None
        return cls.of(edition, rows.values())

    def __getitem__(self, code: str) -> Division:
        try:
            return self.by_code[DivisionCode.parse(code)]
        except DivisionCodeError:
            raise KeyError(code) from None  # a malformed code is simply not in the table

    def __iter__(self) -> Iterator[DivisionCode]:
        return iter(self.by_code)

    def __len__(self) -> int:
        return len(self.by_code)
