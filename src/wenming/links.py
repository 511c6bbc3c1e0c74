"""Supervision links (联片, 包镇, 包村, 挂点) and areas (片区).

A :class:`Link` ties a **post** — not a person — to what it supervises, so the
successor in a post inherits its links:

==========  ======  ================================  ===============================
kind        zh      from a post of kind (defaults)    to
==========  ======  ================================  ===============================
``area``    联片    county leader, propaganda head     an :class:`Area` (a group of towns)
``town``    包镇    propaganda-department leader/head  a town (a town-level division)
``village`` 包村    town leader                        a village Station
``attached``挂点    any post whose kind allows it      any site
==========  ======  ================================  ===============================

Which kinds of post may make which links is data: :attr:`PostKind.links
<wenming.people.PostKind.links>`.

Validation (``wenming.validate``) reports a link from a post of the wrong kind
(``link-post-kind``) or to a target of the wrong level (``link-target``), a
target outside the post's own division (``link-outside``, a warning), a town in
two areas (``town-in-two-areas``), and — in a network that records any link at
all — towns with an Institute but no 包镇 link (``town-without-link``) and
Stations with no 包村 link (``station-without-link``; a 挂点 link to the
Institute or Station counts instead), and posts supervising more Stations than
their kind's ``span`` (``span``; town leaders: 3 by default). A network with no
links at all is taken not to record supervision, and gets none of these warnings.

Examples
--------
>>> link = Link(id="l1", post="gp-leader-1", kind="village", site="s-shuangxing")
>>> link.kind.zh, link.target
('包村', 's-shuangxing')
>>> Link(id="l2", post="p", kind="town", site="s-shuangxing")
Traceback (most recent call last):
...
wenming.errors.InvariantError: a town (包镇) link names a town, not a site
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from operator import attrgetter
from typing import Any

import attrs

from wenming import _converters as conv
from wenming._fields import (
    check_identifier,
    optional_date,
    optional_text,
    text,
    to_enum,
    to_frozenset,
)
from wenming._plain import to_plain
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import InvariantError, Issue, Severity
from wenming.ids import AreaId, LinkId, PostId, SiteId
from wenming.people import LinkKind, _exists, kind_in
from wenming.section import Index, OnRemove, Ref, Section, ValidationContext, error

__all__ = ["AREAS", "LINKS", "LINK_TARGET_FIELD", "Area", "Link", "LinkKind"]


def _towns(value: Iterable[str]) -> frozenset[DivisionCode]:
    return to_frozenset(conv.required_division("towns"), "towns", value)


def _area_key(value: str) -> AreaId:
    return AreaId(check_identifier("id", value))


def _link_key(value: str) -> LinkId:
    return LinkId(check_identifier("id", value))


def _link_post(value: str) -> PostId:
    return PostId(check_identifier("post", value))


def _area_ref(value: str | None) -> AreaId | None:
    return None if value is None else AreaId(check_identifier("area", value))


def _site_ref(value: str | None) -> SiteId | None:
    return None if value is None else SiteId(check_identifier("site", value))


def _link_established(value: object) -> dt.date | None:
    return conv.to_date(value, "established")


def _link_closed(value: object) -> dt.date | None:
    return conv.to_date(value, "closed")


@attrs.frozen(kw_only=True)
class Area:
    """An area (片区): a named group of towns of a county, which a county leader is linked to.

    Parameters
    ----------
    id : AreaId
        Unique among areas.
    name : str
        Its name (``"城关片区"``).
    towns : frozenset of DivisionCode
        The town-level divisions it groups; a town belongs to one area.

    Examples
    --------
    >>> sorted(t.short for t in Area(id="a1", name="北片", towns={"610924101", "610924102"}).towns)
    ['610924101', '610924102']
    """

    id: AreaId = attrs.field(converter=_area_key)
    name: str = attrs.field(validator=text)
    towns: frozenset[DivisionCode] = attrs.field(factory=frozenset, converter=_towns)

    def to_dict(self) -> dict[str, Any]:
        """Return the area as the file format writes it."""
        return to_plain(self)


def _link_kind(value: object) -> LinkKind:
    return to_enum(LinkKind, "kind", value)


def _optional_division(value: str | None) -> DivisionCode | None:
    return conv.to_division(value, "town")


LINK_TARGET_FIELD = {
    LinkKind.AREA: "area",
    LinkKind.TOWN: "town",
    LinkKind.VILLAGE: "site",
    LinkKind.ATTACHED: "site",
}
"""Link kind → the field of :class:`Link` that names its target."""

_TARGET_WORDS = {"area": "an area", "town": "a town", "site": "a site"}


@attrs.frozen(kw_only=True)
class Link:
    """A supervision link from a post to an area, a town or a site.

    Exactly one of ``area``, ``town`` and ``site`` is set: the one its kind
    names (:data:`LINK_TARGET_FIELD`).

    Parameters
    ----------
    id : LinkId
        Unique among links.
    post : PostId
        The post that supervises; whoever holds it answers.
    kind : LinkKind
        ``"area"`` (联片), ``"town"`` (包镇), ``"village"`` (包村) or ``"attached"`` (挂点).
    area : AreaId, optional
        The area of an ``area`` link.
    town : DivisionCode, optional
        The town of a ``town`` link.
    site : SiteId, optional
        The Station of a ``village`` link, the site of an ``attached`` one.
    established, closed : datetime.date, optional
        When the link was made and the first day it no longer holds.
    note : str, optional
        Free text.
    """

    id: LinkId = attrs.field(converter=_link_key)
    post: PostId = attrs.field(converter=_link_post)
    kind: LinkKind = attrs.field(converter=_link_kind)
    area: AreaId | None = attrs.field(default=None, converter=_area_ref)
    town: DivisionCode | None = attrs.field(default=None, converter=_optional_division)
    site: SiteId | None = attrs.field(default=None, converter=_site_ref)
    established: dt.date | None = attrs.field(
        default=None, converter=_link_established, validator=optional_date
    )
    closed: dt.date | None = attrs.field(
        default=None, converter=_link_closed, validator=[optional_date, conv.after("established")]
    )
    note: str | None = attrs.field(default=None, validator=optional_text)

    def __attrs_post_init__(self) -> None:
        wanted = LINK_TARGET_FIELD[self.kind]
        article = "an" if self.kind.value[0] in "aeiou" else "a"
        words = f"{article} {self.kind.value} ({self.kind.zh}) link"
        if getattr(self, wanted) is None:
            given = next(
                (n for n in ("area", "town", "site") if getattr(self, n) is not None), None
            )
            if given is None:
                raise InvariantError(f"{words} needs {wanted}", field=wanted)
        for name in ("area", "town", "site"):
            value = getattr(self, name)
            if name != wanted and value is not None:
                raise InvariantError(
                    f"{words} names {_TARGET_WORDS[wanted]}, not {_TARGET_WORDS[name]}",
                    field=name,
                    value=value,
                )

    @property
    def target(self) -> str:
        """The id of what the link runs to (an area id, a town code, a site id)."""
        value = getattr(self, LINK_TARGET_FIELD[self.kind])
        return value.short if isinstance(value, DivisionCode) else str(value)

    def exists_on(self, day: dt.date) -> bool:
        """True if the link holds on ``day`` (from ``established`` to before ``closed``)."""
        return _exists(self, day)

    def to_dict(self) -> dict[str, Any]:
        """Return the link as the file format writes it."""
        return to_plain(self)


# ---------------------------------------------------------------------------- validation


def _rule_area_towns(ctx: ValidationContext) -> Iterator[Issue]:
    seen: dict[DivisionCode, tuple[int, Area]] = {}
    for i, area in enumerate(ctx.records.of("areas")):
        for town in sorted(area.towns):
            level = ctx.division_level(town)
            if level is not DivisionLevel.TOWN:
                yield error(
                    "area-town-level",
                    f"area '{area.id}' groups {town.short}, a {level.label}; an area groups towns",
                    area.id,
                    ctx.path("areas", i, "towns"),
                )
                continue
            if town in seen and seen[town][1].id != area.id:
                j, other = seen[town]
                yield error(
                    "town-in-two-areas",
                    f"town {town.short} is in areas '{other.id}' ({ctx.path('areas', j)}) and "
                    f"'{area.id}'; a town belongs to one area",
                    area.id,
                    ctx.path("areas", i, "towns"),
                )
            else:
                seen.setdefault(town, (i, area))


def _rule_link_kind(ctx: ValidationContext) -> Iterator[Issue]:
    for i, link in enumerate(ctx.records.of("links")):
        post = ctx.get("posts", link.post)
        if post is None:
            continue
        kind = kind_in(ctx, post.kind)
        if kind is not None and link.kind not in kind.links:
            allowed = ", ".join(f"{k.value} ({k.zh})" for k in sorted(kind.links)) or "none"
            yield error(
                "link-post-kind",
                f"link '{link.id}': post '{post.id}' is a {kind.label or kind.name}, which "
                f"may not make {link.kind.value} ({link.kind.zh}) links (it may make: {allowed})",
                link.id,
                ctx.path("links", i, "post"),
            )
        where = LINK_TARGET_FIELD[link.kind]
        target_division: DivisionCode | None = None
        if link.kind is LinkKind.TOWN:
            assert link.town is not None
            level = ctx.division_level(link.town)
            target_division = link.town
            if level is not DivisionLevel.TOWN:
                yield error(
                    "link-target",
                    f"link '{link.id}' is a town (包镇) link to {link.town.short}, a "
                    f"{level.label}; it must name a town",
                    link.id,
                    ctx.path("links", i, where),
                )
                continue
        elif link.site is not None:
            site = ctx.get("sites", link.site)
            if site is None:
                continue
            target_division = site.division
            if link.kind is LinkKind.VILLAGE and site.kind.value != "station":
                yield error(
                    "link-target",
                    f"link '{link.id}' is a village (包村) link to {site.kind.label} "
                    f"'{site.id}'; it must name a Station",
                    link.id,
                    ctx.path("links", i, where),
                )
                continue
        if post is not None and target_division is not None:
            n = {DivisionLevel.COUNTY: 6, DivisionLevel.TOWN: 9}.get(
                ctx.division_level(post.division), 12
            )
            if target_division[:n] != post.division[:n]:
                yield Issue(
                    code="link-outside",
                    severity=Severity.WARNING,
                    message=(
                        f"link '{link.id}' runs from post '{post.id}' at {post.division.short} "
                        f"to {link.target}, outside the post's division"
                    ),
                    subject=link.id,
                    path=ctx.path("links", i, where),
                )


def _rule_coverage(ctx: ValidationContext) -> Iterator[Issue]:
    links = ctx.records.of("links")
    if not links:
        return
    towns: set[DivisionCode] = set()
    sites: set[SiteId] = set()
    for link in links:
        if link.kind is LinkKind.TOWN and link.town is not None:
            towns.add(link.town)
        elif link.site is not None:
            sites.add(link.site)
    for i, site in enumerate(ctx.records.of("sites")):
        kind = site.kind.value
        if kind == "institute" and site.division not in towns and site.id not in sites:
            yield Issue(
                code="town-without-link",
                severity=Severity.WARNING,
                message=(
                    f"town {site.division.short} (Institute '{site.id}') has no town (包镇) "
                    "link: no propaganda-department leader answers for it"
                ),
                subject=site.id,
                path=ctx.path("sites", i, "division"),
            )
        elif kind == "station" and site.id not in sites:
            yield Issue(
                code="station-without-link",
                severity=Severity.WARNING,
                message=(
                    f"Station '{site.id}' has no village (包村) link: "
                    "no town leader answers for it"
                ),
                subject=site.id,
                path=ctx.path("sites", i, "id"),
            )


def _rule_span(ctx: ValidationContext) -> Iterator[Issue]:
    counts: dict[str, list[int]] = {}
    for i, link in enumerate(ctx.records.of("links")):
        if link.site is None:
            continue
        site = ctx.get("sites", link.site)
        if site is None or site.kind.value != "station":
            continue
        counts.setdefault(link.post, []).append(i)
    for post_id, where in counts.items():
        post = ctx.get("posts", post_id)
        kind = None if post is None else kind_in(ctx, post.kind)
        if kind is None or kind.span is None or len(set(where)) <= kind.span:
            continue
        stations = {ctx.records.of("links")[i].site for i in where}
        if len(stations) <= kind.span:
            continue
        yield Issue(
            code="span",
            severity=Severity.WARNING,
            message=(
                f"post '{post_id}' supervises {len(stations)} Stations; a "
                f"{kind.label or kind.name} should look after at most {kind.span} "
                "(the span is the post kind's `span`)"
            ),
            subject=post_id,
            path=ctx.path("links", where[kind.span], "post"),
        )


# ---------------------------------------------------------------------------- sections


def _parse(kind: Any) -> Any:
    return lambda value: kind(check_identifier("id", value))


def _link_exists(link: Link, day: dt.date) -> bool:
    return _exists(link, day)


AREAS: Section[AreaId, Area] = Section(
    name="areas",
    noun="area",
    types=(Area,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(AreaId),
    order=attrgetter("id"),
    refs=(
        Ref(
            field="towns",
            target="divisions",
            many=True,
            code="unknown-area-town",
            on_remove=OnRemove.DETACH,
            index="by_town",
        ),
    ),
    indexes=(Index(name="by_town", key=attrgetter("towns"), many=True),),
    rules=(("area-towns", _rule_area_towns),),
    repr_empty=False,
)
"""The ``areas`` section: groups of towns (片区)."""

LINKS: Section[LinkId, Link] = Section(
    name="links",
    noun="link",
    types=(Link,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(LinkId),
    order=attrgetter("post", "id"),
    refs=(
        Ref(field="post", target="posts", code="unknown-link-post", index="by_post"),
        Ref(field="area", target="areas", code="unknown-link-area", index="by_area"),
        Ref(field="town", target="divisions", code="unknown-link-town", index="by_town"),
        Ref(field="site", target="sites", code="unknown-link-site", index="by_site"),
    ),
    indexes=(
        Index(name="by_post", key=attrgetter("post")),
        Index(name="by_area", key=attrgetter("area")),
        Index(name="by_town", key=attrgetter("town")),
        Index(name="by_site", key=attrgetter("site")),
    ),
    rules=(
        ("link-kind", _rule_link_kind),
        ("link-coverage", _rule_coverage),
        ("span", _rule_span),
    ),
    exists_on=_link_exists,
    repr_empty=False,
)
"""The ``links`` section: supervision links from posts."""
