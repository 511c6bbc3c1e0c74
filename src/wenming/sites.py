"""Practice sites (阵地): the Centre, Institute, Station and Point, and shared venues.

=========  ============================  ===================  ==============================
level      zh                            sits on division     parent
=========  ============================  ===================  ==============================
Centre     新时代文明实践中心             county               —
Institute  新时代文明实践所               town/township/street a Centre
Station    新时代文明实践站               village/community    an Institute
Point      新时代文明实践点               any level            a Centre, Institute or Station
=========  ============================  ===================  ==============================

Each kind is its own frozen class; :data:`Site` is their union. The hierarchy
rules live here once, as small functions that return a message or ``None``;
:class:`wenming.Network` raises them and :func:`wenming.validate` collects them.

Examples
--------
>>> centre = Centre(id="zy", name="紫阳县新时代文明实践中心", division="610924")
>>> inst = Institute(
...     id="zy-101", name="蒿坪镇新时代文明实践所", division="610924101", parent="zy"
... )
>>> inst.kind.value, inst.division.short, inst.parent
('institute', '610924101', 'zy')
>>> print(parent_kind_problem(inst, centre))
None
>>> station = Station(id="s", name="双星社区实践站", division="610924101001", parent="zy")
>>> print(parent_kind_problem(station, centre))
the parent of Station 's' must be an Institute; 'zy' is a Centre
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping, Sequence
from operator import attrgetter
from typing import Any, ClassVar, NoReturn, TypeAlias

import attrs

from wenming._fields import (
    check_identifier,
    optional_date,
    optional_text,
    text,
    to_enum,
    to_frozenset,
    to_real,
)
from wenming._plain import to_plain
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import HierarchyError, InvariantError, Issue, Severity, UnknownIdError, quote
from wenming.ids import PostId, SiteId, VenueId
from wenming.section import Index, OnRemove, Ref, Section, ValidationContext, error

__all__ = [
    "ALLOWED_PARENTS",
    "PARENT_PREFIX",
    "SITES",
    "SITE_CLASSES",
    "SITE_DIVISION_LEVELS",
    "VENUES",
    "Centre",
    "Have",
    "HostKind",
    "Institute",
    "Point",
    "Site",
    "SiteKind",
    "Station",
    "Venue",
    "VenueKind",
    "division_level_problem",
    "parent_kind_problem",
    "placement_problem",
]


class SiteKind(enum.StrEnum):
    """The four levels of practice site; the value is the ``kind`` tag in files."""

    CENTRE = "centre"
    INSTITUTE = "institute"
    STATION = "station"
    POINT = "point"

    @property
    def label(self) -> str:
        """The capitalised English name used in messages (``"Institute"``)."""
        return self.value.capitalize()


class HostKind(enum.StrEnum):
    """Where a practice Point is hosted."""

    SCHOOL = "school"
    ENTERPRISE = "enterprise"
    SCENIC_SPOT = "scenic_spot"
    HOSPITAL = "hospital"
    SQUARE = "square"
    HOUSEHOLD = "household"
    OTHER = "other"


class VenueKind(enum.StrEnum):
    """Kinds of shared venue (场所共用)."""

    CULTURE_STATION = "culture_station"  # 文化站
    ACTIVITY_ROOM = "activity_room"  # 文化活动室
    READING_ROOM = "reading_room"  # 图书阅览室
    CULTURE_SQUARE = "culture_square"  # 文化活动广场
    WOMEN_CHILDREN_ROOM = "women_children_room"  # 妇女儿童活动室
    MORAL_LECTURE_HALL = "moral_lecture_hall"  # 道德讲堂
    OUTDOOR_LED_SCREEN = "outdoor_led_screen"  # 户外LED屏
    OTHER = "other"


class Have(enum.StrEnum):
    """One of the "six haves" (六有) a site is held to."""

    PLACE = "place"  # 有场所
    ORGANISATION = "organisation"  # 有队伍 / 组织
    PROJECTS = "projects"  # 有项目
    FACILITIES = "facilities"  # 有设施
    RULES = "rules"  # 有制度
    SIGNAGE = "signage"  # 有标识


def _division(value: str) -> DivisionCode:
    try:
        return DivisionCode(value)
    except InvariantError as exc:
        exc.field = "division"
        raise


def _after_established(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    established = instance.established
    if value is not None and established is not None and value <= established:
        raise InvariantError(
            f"closed {value} must come after established {established}",
            field="closed",
            value=value,
        )


def _have(value: object) -> Have:
    return to_enum(Have, "six_haves", value)


_HAVES_SEEN: dict[tuple[object, ...] | frozenset[object], frozenset[Have]] = {}


def _haves(value: Iterable[str] | None) -> frozenset[Have] | None:
    if value is None:
        return None
    if isinstance(value, list | tuple | frozenset):
        # At most 64 distinct sets: share them (fast loads and generation, less memory).
        key = value if type(value) is frozenset else tuple(value)
        try:
            return _HAVES_SEEN[key]
        except (KeyError, TypeError):
            pass
        haves = to_frozenset(_have, "six_haves", value)
        if len(_HAVES_SEEN) < 4096:
            _HAVES_SEEN[key] = haves
        return haves
    return to_frozenset(_have, "six_haves", value)


def _host(value: object) -> HostKind:
    return to_enum(HostKind, "host", value)


def _venue_kind(value: object) -> VenueKind:
    return to_enum(VenueKind, "kind", value)


def _floor_area(value: object) -> float | None:
    if value is None:
        return None
    return to_real("floor_area", value, low=0, high=1e7, low_open=True)


# Converters take plain ``str`` (so callers need no ``SiteId(...)``) and give typed ids.
def _site_id(value: str) -> SiteId:
    return SiteId(check_identifier("id", value))


def _parent_id(value: str) -> SiteId:
    return SiteId(check_identifier("parent", value))


def _head(value: str | None) -> PostId | None:
    return None if value is None else PostId(check_identifier("head", value))


def _venue_id(value: str) -> VenueId:
    return VenueId(check_identifier("id", value))


def _site_ids(value: Iterable[str]) -> frozenset[SiteId]:
    return to_frozenset(_member_site_id, "sites", value)


def _member_site_id(value: str) -> SiteId:
    return SiteId(check_identifier("sites", value))


@attrs.frozen(kw_only=True)
class _SiteFields:
    id: SiteId = attrs.field(converter=_site_id)
    name: str = attrs.field(validator=text)
    division: DivisionCode = attrs.field(converter=_division)
    established: dt.date | None = attrs.field(default=None, validator=optional_date)
    head: PostId | None = attrs.field(default=None, converter=_head)
    six_haves: frozenset[Have] | None = attrs.field(default=None, converter=_haves)
    closed: dt.date | None = attrs.field(
        default=None, validator=[optional_date, _after_established]
    )

    def exists_on(self, day: dt.date | None) -> bool:
        """True if the site exists on ``day`` (``None`` means "ignore dates").

        A site exists from its ``established`` date (always, when unset) up to the
        day before its ``closed`` date (for ever, when unset).
        """
        if day is None:
            return True
        established = self.established
        if established is not None and day < established:
            return False
        closed = self.closed
        return closed is None or day < closed

    def to_dict(self) -> dict[str, Any]:
        """Return the site as the file format writes it (``kind`` first, unset fields left out).

        Examples
        --------
        >>> Centre(id="zy", name="中心", division="610924").to_dict()
        {'kind': 'centre', 'id': 'zy', 'name': '中心', 'division': '610924000000'}
        """
        return to_plain(self)

    @property
    def missing_haves(self) -> frozenset[Have] | None:
        """The "six haves" the site lacks, or ``None`` if it was never assessed."""
        if self.six_haves is None:
            return None
        return frozenset(Have) - self.six_haves


@attrs.frozen(kw_only=True)
class Centre(_SiteFields):
    """A county's New Era Civilization Practice Centre (实践中心); it has no parent.

    Parameters
    ----------
    id : SiteId
        Unique among sites.
    name : str
        The site's name.
    division : DivisionCode
        The county the Centre serves.
    established : datetime.date, optional
        When the site opened; queries with ``as_of`` before it do not see it.
    head : PostId, optional
        The post whose holder heads the site (the county party secretary).
    six_haves : frozenset of Have, optional
        The "six haves" the site meets; ``None`` if not assessed.
    closed : datetime.date, optional
        When the site closed (after ``established``); from that day on, queries
        with ``as_of`` do not see it or anything under it.

    Examples
    --------
    >>> Centre(id="zy", name="紫阳县新时代文明实践中心", division="610924").parent is None
    True
    >>> Centre(id="zy", name=" ", division="610924")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: name must not be blank
    """

    kind: ClassVar[SiteKind] = SiteKind.CENTRE
    parent: ClassVar[None] = None


@attrs.frozen(kw_only=True)
class Institute(_SiteFields):
    """A town's practice Institute (实践所); its parent is the county's Centre.

    Takes the fields of :class:`Centre` plus ``parent``, the id of the Centre.
    """

    kind: ClassVar[SiteKind] = SiteKind.INSTITUTE
    parent: SiteId = attrs.field(converter=_parent_id)


@attrs.frozen(kw_only=True)
class Station(_SiteFields):
    """A village's or community's practice Station (实践站); its parent is an Institute.

    Takes the fields of :class:`Centre` plus ``parent``, the id of the Institute.
    """

    kind: ClassVar[SiteKind] = SiteKind.STATION
    parent: SiteId = attrs.field(converter=_parent_id)


@attrs.frozen(kw_only=True)
class Point(_SiteFields):
    """A practice Point (实践点): extra reach at a school, firm, square, household….

    Takes the fields of :class:`Centre` plus ``parent`` (a Station, Institute or
    Centre) and ``host``, the kind of place that hosts it.

    Examples
    --------
    >>> Point(id="p", name="红椿镇中心小学实践点", division="610924110", parent="i",
    ...       host="school").host
    <HostKind.SCHOOL: 'school'>
    """

    kind: ClassVar[SiteKind] = SiteKind.POINT
    parent: SiteId = attrs.field(converter=_parent_id)
    host: HostKind = attrs.field(default=HostKind.OTHER, converter=_host)


Site: TypeAlias = Centre | Institute | Station | Point
"""Any practice site."""

SITE_CLASSES: Mapping[SiteKind, type[Site]] = {
    SiteKind.CENTRE: Centre,
    SiteKind.INSTITUTE: Institute,
    SiteKind.STATION: Station,
    SiteKind.POINT: Point,
}
"""The class for each kind, in hierarchy order."""

ALLOWED_PARENTS: Mapping[SiteKind, frozenset[SiteKind]] = {
    SiteKind.CENTRE: frozenset(),
    SiteKind.INSTITUTE: frozenset({SiteKind.CENTRE}),
    SiteKind.STATION: frozenset({SiteKind.INSTITUTE}),
    SiteKind.POINT: frozenset({SiteKind.CENTRE, SiteKind.INSTITUTE, SiteKind.STATION}),
}
"""Which kinds of site each kind may hang off."""

SITE_DIVISION_LEVELS: Mapping[SiteKind, frozenset[DivisionLevel]] = {
    SiteKind.CENTRE: frozenset({DivisionLevel.COUNTY}),
    SiteKind.INSTITUTE: frozenset({DivisionLevel.TOWN}),
    SiteKind.STATION: frozenset({DivisionLevel.VILLAGE}),
    SiteKind.POINT: frozenset({DivisionLevel.COUNTY, DivisionLevel.TOWN, DivisionLevel.VILLAGE}),
}
"""Which division levels each kind of site may sit on."""

PARENT_PREFIX: Mapping[SiteKind, int] = {
    SiteKind.CENTRE: 6,
    SiteKind.INSTITUTE: 9,
    SiteKind.STATION: 12,
}
"""How many leading code digits a child shares with a parent of each kind (its area)."""

_LEVEL_WORDS = {
    DivisionLevel.PROVINCE: "a province",
    DivisionLevel.PREFECTURE: "a prefecture",
    DivisionLevel.COUNTY: "a county",
    DivisionLevel.TOWN: "a town/township/street",
    DivisionLevel.VILLAGE: "a village/community",
}


def _article(kind: SiteKind) -> str:
    return f"an {kind.label}" if kind.label[0] in "AEIOU" else f"a {kind.label}"


def division_level_problem(site: Site, level: DivisionLevel) -> str | None:
    """Say what is wrong if ``site`` may not sit on a division of ``level``.

    Examples
    --------
    >>> s = Station(id="s", name="站", division="610924", parent="i")
    >>> division_level_problem(s, DivisionLevel.COUNTY)
    "Station 's' must sit on a village/community division; 610924 is a county"
    """
    allowed = SITE_DIVISION_LEVELS[site.kind]
    if level in allowed:
        return None
    words = " or ".join(_LEVEL_WORDS[lv].split(" ", 1)[1] for lv in sorted(allowed))
    return (
        f"{site.kind.label} {quote(site.id)} must sit on a {words} division; "
        f"{site.division.short} is {_LEVEL_WORDS[level]}"
    )


def parent_kind_problem(site: Site, parent: Site) -> str | None:
    """Say what is wrong if ``parent``'s kind may not be the parent of ``site``."""
    allowed = ALLOWED_PARENTS[site.kind]
    if parent.kind in allowed:
        return None
    if not allowed:
        return f"{_article(site.kind)} has no parent"
    words = " or ".join(_article(k) for k in sorted(allowed, key=list(SiteKind).index))
    return (
        f"the parent of {site.kind.label} {quote(site.id)} must be {words}; "
        f"{quote(parent.id)} is {_article(parent.kind)}"
    )


def placement_problem(site: Site, parent: Site) -> str | None:
    """Say what is wrong if ``site``'s division lies outside ``parent``'s division.

    Examples
    --------
    >>> i = Institute(id="i", name="所", division="610924101", parent="c")
    >>> s = Station(id="s", name="站", division="610924102201", parent="i")
    >>> placement_problem(s, i)
    "Station 's' sits on 610924102201, outside its parent Institute 'i' (610924101)"
    """
    n = PARENT_PREFIX.get(parent.kind, 12)
    if site.division[:n] == parent.division[:n]:
        return None
    return (
        f"{site.kind.label} {quote(site.id)} sits on {site.division.short}, outside its parent "
        f"{parent.kind.label} {quote(parent.id)} ({parent.division.short})"
    )


@attrs.frozen(kw_only=True)
class Venue:
    """A place that one or more sites use (场所共用).

    Parameters
    ----------
    id : VenueId
        Unique among venues.
    kind : VenueKind
        What the venue is (a culture station, a reading room, …).
    name : str, optional
        Its name, if it has one of its own.
    floor_area : float, optional
        Floor area in square metres.
    owner : str, optional
        Who owns or runs the venue (``"县融媒体中心"``).
    sites : frozenset of SiteId
        The sites that share it. The venue is the one record of this link;
        :meth:`wenming.Network.venues_of` gives a site's venues.

    Examples
    --------
    >>> v = Venue(id="v1", kind="other", floor_area=240, owner="县融媒体中心", sites={"zy"})
    >>> v.kind, sorted(v.sites)
    (<VenueKind.OTHER: 'other'>, ['zy'])
    """

    id: VenueId = attrs.field(converter=_venue_id)
    kind: VenueKind = attrs.field(converter=_venue_kind)
    name: str | None = attrs.field(default=None, validator=optional_text)
    floor_area: float | None = attrs.field(
        default=None,
        converter=_floor_area,
    )
    owner: str | None = attrs.field(default=None, validator=optional_text)
    sites: frozenset[SiteId] = attrs.field(factory=frozenset, converter=_site_ids)

    def to_dict(self) -> dict[str, Any]:
        """Return the venue as the file format writes it (sites sorted)."""
        return to_plain(self)


# ---------------------------------------------------------------------------- sections

_KIND_RANK = {kind: rank for rank, kind in enumerate(SiteKind)}


def _site_order(site: Site) -> tuple[int, str]:
    return (_KIND_RANK[site.kind], site.id)


def _check_sites(
    tables: Mapping[str, Mapping[Any, Any]], new: Sequence[Site], by_id: Mapping[Any, Site]
) -> None:
    # One fused pass: the hot path of loading a national file. Siblings share a
    # parent, so what the check needs of a parent (its kind and the code prefix
    # its children must share) is looked up once per parent. Any failure goes to
    # _raise_site_problem, whose messages come from the rule functions above.
    divisions = tables["divisions"]
    existing = tables["sites"]
    posts = tables["posts"]
    levels = SITE_DIVISION_LEVELS
    allowed = ALLOWED_PARENTS
    prefix = PARENT_PREFIX
    parents: dict[Any, tuple[SiteKind, str]] = {}
    get_division = divisions.get
    get_parent_info = parents.get
    for site in new:
        kind = site.kind
        code = site.division
        division = get_division(code)
        if division is None or division.level not in levels[kind]:
            _raise_site_problem(site, tables, by_id)
        head = site.head
        if head is not None and head not in posts:
            _raise_site_problem(site, tables, by_id)
        parent_id = site.parent
        if parent_id is None:
            continue
        info = get_parent_info(parent_id)
        if info is None:
            parent = by_id.get(parent_id) or existing.get(parent_id)
            if parent is None:
                _raise_site_problem(site, tables, by_id)
            pkind = parent.kind
            info = parents[parent_id] = (pkind, parent.division[: prefix.get(pkind, 12)])
        if info[0] not in allowed[kind] or not code.startswith(info[1]):
            _raise_site_problem(site, tables, by_id)


def _raise_site_problem(
    site: Site, tables: Mapping[str, Mapping[Any, Any]], by_id: Mapping[Any, Site]
) -> NoReturn:
    """Raise the error for the first rule ``site`` breaks (the slow path of the check)."""
    kind = site.kind
    code = site.division
    division = tables["divisions"].get(code)
    if division is None:
        raise UnknownIdError(
            "division",
            code,
            f"{kind.label} {quote(site.id)}: unknown division {code.short} "
            "(add the Division first)",
        )
    head = site.head
    if head is not None and head not in tables["posts"]:
        raise UnknownIdError(
            "post",
            head,
            f"{kind.label} {quote(site.id)}: unknown head post {quote(head)} (add the Post first)",
        )
    level = division.level
    if level not in SITE_DIVISION_LEVELS[kind]:
        raise HierarchyError(
            division_level_problem(site, level) or "", site=site.id, rule="division-level"
        )
    parent_id = site.parent
    parent = by_id.get(parent_id) or tables["sites"].get(parent_id)
    if parent is None:
        raise UnknownIdError(
            "site",
            str(parent_id),
            f"{kind.label} {quote(site.id)}: unknown parent site {quote(parent_id)}",
        )
    if parent.kind not in ALLOWED_PARENTS[kind]:
        raise HierarchyError(
            parent_kind_problem(site, parent) or "", site=site.id, rule="parent-kind"
        )
    raise HierarchyError(
        placement_problem(site, parent) or "", site=site.id, rule="outside-parent"
    )


def _rule_division_level(ctx: ValidationContext) -> Iterator[Issue]:
    get_division = ctx.by_key("divisions").get
    for i, site in enumerate(ctx.records.of("sites")):
        code = site.division
        division = get_division(code)
        level = code.level if division is None else division.level
        if level not in SITE_DIVISION_LEVELS[site.kind]:
            yield error(
                "division-level",
                division_level_problem(site, level) or "",
                site.id,
                ctx.path("sites", i, "division"),
            )


def _rule_parent(ctx: ValidationContext) -> Iterator[Issue]:
    get_site = ctx.by_key("sites").get
    for i, site in enumerate(ctx.records.of("sites")):
        if site.parent is None:
            continue
        parent = get_site(site.parent)
        if parent is None:
            continue  # reported by the generic unknown-reference rule
        if parent.kind not in ALLOWED_PARENTS[site.kind]:
            yield error(
                "parent-kind",
                parent_kind_problem(site, parent) or "",
                site.id,
                ctx.path("sites", i, "parent"),
            )
        elif (problem := placement_problem(site, parent)) is not None:
            yield error("outside-parent", problem, site.id, ctx.path("sites", i, "division"))


def _rule_cycle(ctx: ValidationContext) -> Iterator[Issue]:
    sites = ctx.records.of("sites")
    index = ctx.index("sites")
    get_site = ctx.by_key("sites").get
    state: dict[SiteId, int] = {}  # 1: on the current chain, 2: done
    for site in sites:
        chain: list[SiteId] = []
        current: Site | None = site
        while current is not None:
            seen = state.get(current.id)
            if seen == 2:
                break
            if seen == 1:
                loop = [*chain[chain.index(current.id) :], current.id]
                shown = " → ".join(quote(s) for s in loop)
                yield error(
                    "cycle",
                    f"sites form a cycle: {shown}",
                    current.id,
                    ctx.path("sites", index[current.id], "parent"),
                )
                break
            state[current.id] = 1
            chain.append(current.id)
            parent = current.parent
            current = None if parent is None else get_site(parent)
        for s in chain:
            state[s] = 2


_CLAIM_WORDS = {
    SiteKind.CENTRE: "county",
    SiteKind.INSTITUTE: "town",
    SiteKind.STATION: "village",
}


def _rule_duplicate_claim(ctx: ValidationContext) -> Iterator[Issue]:
    claimed: dict[tuple[SiteKind, DivisionCode], tuple[int, Site]] = {}
    for i, site in enumerate(ctx.records.of("sites")):
        if site.kind not in _CLAIM_WORDS:
            continue
        key = (site.kind, site.division)
        if key in claimed:
            j, other = claimed[key]
            if other.id == site.id:
                continue
            yield error(
                "duplicate-claim",
                f"{site.kind.label}s {quote(other.id)} ({ctx.path('sites', j)}) and "
                f"{quote(site.id)} both claim {_CLAIM_WORDS[site.kind]} {site.division.short}",
                site.id,
                ctx.path("sites", i, "division"),
            )
        else:
            claimed[key] = (i, site)


def _rule_established_order(ctx: ValidationContext) -> Iterator[Issue]:
    get_site = ctx.by_key("sites").get
    for i, site in enumerate(ctx.records.of("sites")):
        if site.parent is None or site.established is None:
            continue
        parent = get_site(site.parent)
        if parent is None or parent.established is None:
            continue
        if site.established < parent.established:
            yield Issue(
                code="established-before-parent",
                severity=Severity.WARNING,
                message=(
                    f"{site.kind.label} {quote(site.id)} was established {site.established}, "
                    f"before its parent {quote(parent.id)} ({parent.established})"
                ),
                subject=site.id,
                path=ctx.path("sites", i, "established"),
            )


def _rule_closed_after_parent(ctx: ValidationContext) -> Iterator[Issue]:
    get_site = ctx.by_key("sites").get
    for i, site in enumerate(ctx.records.of("sites")):
        if site.parent is None:
            continue
        parent = get_site(site.parent)
        if parent is None or parent.closed is None:
            continue
        if site.closed is None or site.closed > parent.closed:
            yield Issue(
                code="open-under-closed-parent",
                severity=Severity.WARNING,
                message=(
                    f"{site.kind.label} {quote(site.id)} "
                    + ("has no closed date" if site.closed is None else f"closes {site.closed}")
                    + f" but its parent {quote(parent.id)} closed {parent.closed}; "
                    "from then on it does not count"
                ),
                subject=site.id,
                path=ctx.path("sites", i, "closed"),
            )


def _site_key(value: Any) -> SiteId:
    return _site_id(value)


def _site_exists(site: Site, day: dt.date) -> bool:
    return site.exists_on(day)


SITES: Section[SiteId, Site] = Section(
    name="sites",
    noun="site",
    types=(Centre, Institute, Station, Point),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_site_key,
    order=_site_order,
    refs=(
        Ref(field="division", target="divisions", code="unknown-division", index="by_division"),
        Ref(field="parent", target="sites", code="unknown-parent", index="children"),
        Ref(
            field="head",
            target="posts",
            code="unknown-head",
            on_remove=OnRemove.DETACH,
            index="by_head",
        ),
    ),
    indexes=(
        Index(name="children", key=attrgetter("parent")),
        Index(name="by_division", key=attrgetter("division")),
        Index(name="by_head", key=attrgetter("head")),
    ),
    check=_check_sites,
    rules=(
        ("division-level", _rule_division_level),
        ("parent", _rule_parent),
        ("cycle", _rule_cycle),
        ("duplicate-claim", _rule_duplicate_claim),
        ("established-before-parent", _rule_established_order),
        ("open-under-closed-parent", _rule_closed_after_parent),
    ),
    exists_on=_site_exists,
)
"""The ``sites`` section: Centres, Institutes, Stations and Points, tagged by ``kind``."""


def _venue_key(value: Any) -> VenueId:
    return _venue_id(value)


VENUES: Section[VenueId, Venue] = Section(
    name="venues",
    noun="venue",
    types=(Venue,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_venue_key,
    order=attrgetter("id"),
    refs=(
        Ref(
            field="sites",
            target="sites",
            many=True,
            code="unknown-venue-site",
            on_remove=OnRemove.DETACH,
            index="venues_of",
        ),
    ),
    indexes=(Index(name="venues_of", key=attrgetter("sites"), many=True),),
)
"""The ``venues`` section: shared venues, each naming the sites that use it."""
