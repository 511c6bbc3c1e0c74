"""People and posts (职务): who holds which office, when.

=================  ==========================================================
record             what it is
=================  ==========================================================
:class:`PostKind`  a kind of post (县委书记, 镇领导 …): its level, whether it is
                   the first-in-command (一把手) of its level, the supervision
                   links it may make. The vocabulary is **data**: the shipped
                   :data:`DEFAULT_POST_KINDS` are always known, and a network's
                   ``post_kinds`` section adds kinds or overrides a default.
:class:`Post`      an office at a division (紫阳县委书记 at 610924). Supervision
                   links attach to posts, so a successor inherits them.
:class:`Person`    somebody who holds posts: an id and a name. Personal data
                   beyond a name stays out of this record.
:class:`Tenure`    a person holding a post from ``start`` up to the day before
                   ``end`` (or still). Tenures of a single-holder post must not
                   overlap; a successor's starts the day the predecessor's ends.
=================  ==========================================================

:func:`holder` resolves a post to its holder on a date; a post nobody holds on
that date is a gap (``None``), not an error.

Examples
--------
>>> import datetime as dt
>>> from wenming import Centre, Division, Network
>>> net = Network()
>>> net.add_all([
...     Division(code="610924", name="紫阳县"),
...     Post(id="zy-secretary", name="紫阳县委书记", kind="county_secretary", division="610924"),
...     Person(id="p1", name="张三", synthetic=True),
...     Person(id="p2", name="李四", synthetic=True),
...     Tenure(id="t1", post="zy-secretary", person="p1", start="2019-01-01", end="2022-06-01"),
...     Tenure(id="t2", post="zy-secretary", person="p2", start="2022-06-01"),
...     Centre(id="zy", name="中心", division="610924", head="zy-secretary"),
... ])
>>> holder(net, "zy-secretary", as_of="2021-05-01").name
'张三'
>>> holder(net, "zy-secretary", as_of="2022-06-01").name
'李四'
>>> print(holder(net, "zy-secretary", as_of="2018-05-01"))
None
>>> post_kind(net, "county_secretary").first_in_command
True
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from wenming import _converters as conv
from wenming._fields import (
    DateLike,
    as_date,
    check_identifier,
    optional_date,
    optional_text,
    text,
    to_enum,
    to_frozenset,
)
from wenming._plain import to_plain
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import InvariantError, Issue, Severity, UnknownIdError
from wenming.ids import PersonId, PostId, PostKindId, TenureId
from wenming.section import Index, Ref, Section, ValidationContext, error

if TYPE_CHECKING:
    from wenming.network import Network

__all__ = [
    "DEFAULT_POST_KINDS",
    "FIRST_IN_COMMAND_LEVELS",
    "PEOPLE",
    "POSTS",
    "POST_KINDS",
    "TENURES",
    "LinkKind",
    "Person",
    "Post",
    "PostKind",
    "Tenure",
    "holder",
    "holders",
    "post_kind",
    "post_kinds",
    "tenures_of",
]


class LinkKind(enum.StrEnum):
    """The kinds of supervision link (see :mod:`wenming.links`); the value is used in files."""

    AREA = "area"
    """联片: a county leader is linked to an area (a group of towns)."""
    TOWN = "town"
    """包镇: a propaganda-department leader is responsible for a town."""
    VILLAGE = "village"
    """包村: a town leader is responsible for a village Station."""
    ATTACHED = "attached"
    """挂点: a generic link from a post to any site, which a county may use instead."""

    @property
    def zh(self) -> str:
        """The Chinese name (``"包村"``)."""
        return _LINK_ZH[self]


_LINK_ZH = {
    LinkKind.AREA: "联片",
    LinkKind.TOWN: "包镇",
    LinkKind.VILLAGE: "包村",
    LinkKind.ATTACHED: "挂点",
}

# The levels at which a first-in-command heads a site (Centre, Institute, Station).
FIRST_IN_COMMAND_LEVELS = (DivisionLevel.COUNTY, DivisionLevel.TOWN, DivisionLevel.VILLAGE)
"""The division levels whose party secretary heads the site at that level."""


# ---------------------------------------------------------------------------- converters


def _level(value: object) -> DivisionLevel:
    if isinstance(value, DivisionLevel):
        return value
    if not isinstance(value, str):
        raise InvariantError(
            f"level must be a division level name, not {type(value).__name__}",
            field="level",
            value=value,
        )
    return DivisionLevel.from_label(value)


def _span(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 1:
        raise InvariantError(
            f"span must be a whole number of at least 1, not {value!r}", field="span", value=value
        )
    return value


def _link_kinds(value: object) -> frozenset[LinkKind]:
    return to_frozenset(lambda v: to_enum(LinkKind, "links", v), "links", value)


def _exists(record: Any, day: dt.date) -> bool:
    established = record.established
    if established is not None and day < established:
        return False
    closed = record.closed
    return closed is None or day < closed


# Named converters (the attrs mypy plugin needs named functions).
def _kind_key(value: str) -> PostKindId:
    return PostKindId(check_identifier("id", value))


def _post_key(value: str) -> PostId:
    return PostId(check_identifier("id", value))


def _person_key(value: str) -> PersonId:
    return PersonId(check_identifier("id", value))


def _tenure_key(value: str) -> TenureId:
    return TenureId(check_identifier("id", value))


def _post_kind_ref(value: str) -> PostKindId:
    return PostKindId(check_identifier("kind", value))


def _post_ref(value: str) -> PostId:
    return PostId(check_identifier("post", value))


def _person_ref(value: str) -> PersonId:
    return PersonId(check_identifier("person", value))


def _post_division(value: str) -> DivisionCode:
    return conv.to_required_division(value, "division")


def _established(value: object) -> dt.date | None:
    return conv.to_date(value, "established")


def _closed(value: object) -> dt.date | None:
    return conv.to_date(value, "closed")


def _start(value: object) -> dt.date:
    return conv.to_required_date(value, "start")


def _end(value: object) -> dt.date | None:
    return conv.to_date(value, "end")


# ---------------------------------------------------------------------------- records


@attrs.frozen(kw_only=True)
class PostKind:
    """A kind of post: a word of the post vocabulary, which is data.

    Parameters
    ----------
    id : PostKindId
        The kind's id, used by :attr:`Post.kind` (``"town_secretary"``).
    name : str
        Its Chinese name (``"镇党委书记"``).
    label : str, optional
        Its English name (``"town party secretary"``).
    level : DivisionLevel
        The level of division its posts sit at (``"county"``, ``"town"``, ``"village"`` …).
    first_in_command : bool
        Its posts are the party secretary (一把手) of their division: they head
        the Centre, Institute or Station there.
    links : frozenset of LinkKind
        The supervision links its posts may make.
    span : int, optional
        The most Stations one post of this kind should supervise (包村 and 挂点
        links to Stations); more is reported by ``validate`` as ``span``.
    single_holder : bool
        One person at a time holds a post of this kind: tenures must not overlap.

    Examples
    --------
    >>> kind = PostKind(id="school_head", name="校长", level="village")
    >>> kind.level, kind.first_in_command, kind.links
    (<DivisionLevel.VILLAGE: 5>, False, frozenset())
    """

    id: PostKindId = attrs.field(converter=_kind_key)
    name: str = attrs.field(validator=text)
    label: str | None = attrs.field(default=None, validator=optional_text)
    level: DivisionLevel = attrs.field(converter=_level)
    first_in_command: bool = attrs.field(default=False, validator=conv.flag)
    links: frozenset[LinkKind] = attrs.field(factory=frozenset, converter=_link_kinds)
    span: int | None = attrs.field(default=None, converter=_span)
    single_holder: bool = attrs.field(default=True, validator=conv.flag)

    def to_dict(self) -> dict[str, Any]:
        """Return the kind as the file format writes it."""
        return to_plain(self)


_COUNTY = DivisionLevel.COUNTY
_TOWN = DivisionLevel.TOWN
_VILLAGE = DivisionLevel.VILLAGE

DEFAULT_POST_KINDS: Mapping[str, PostKind] = {
    k.id: k
    for k in (
        PostKind(
            id="county_secretary",
            name="县委书记",
            label="county party secretary",
            level=_COUNTY,
            first_in_command=True,
            links={LinkKind.ATTACHED},
        ),
        PostKind(
            id="county_leader",
            name="县级领导",
            label="county leader",
            level=_COUNTY,
            links={LinkKind.AREA, LinkKind.ATTACHED},
        ),
        PostKind(
            id="propaganda_head",
            name="宣传部部长",
            label="propaganda department head",
            level=_COUNTY,
            links={LinkKind.AREA, LinkKind.TOWN, LinkKind.ATTACHED},
        ),
        PostKind(
            id="propaganda_leader",
            name="宣传部领导",
            label="propaganda department leader",
            level=_COUNTY,
            links={LinkKind.TOWN, LinkKind.ATTACHED},
        ),
        PostKind(
            id="town_secretary",
            name="镇党委书记",
            label="town party secretary",
            level=_TOWN,
            first_in_command=True,
            links={LinkKind.ATTACHED},
        ),
        PostKind(
            id="town_leader",
            name="镇领导",
            label="town leader",
            level=_TOWN,
            links={LinkKind.VILLAGE, LinkKind.ATTACHED},
            span=3,
        ),
        PostKind(
            id="village_secretary",
            name="村(社区)党组织书记",
            label="village (community) party secretary",
            level=_VILLAGE,
            first_in_command=True,
        ),
    )
}
"""The shipped post vocabulary, always known: kind id → :class:`PostKind`.

A network's ``post_kinds`` section adds kinds, or replaces one of these by
holding a kind with the same id (a county whose town leaders each look after
four villages holds ``town_leader`` with ``span=4``).
"""


@attrs.frozen(kw_only=True)
class Post:
    """An office at a division: supervision links attach to it, people hold it.

    Parameters
    ----------
    id : PostId
        Unique among posts.
    name : str
        The office (``"蒿坪镇党委书记"``).
    kind : PostKindId
        A kind of :data:`DEFAULT_POST_KINDS` or of the network's ``post_kinds``.
    division : DivisionCode
        Where the post sits (its level should be its kind's level).
    established : datetime.date, optional
        When the post was created.
    closed : datetime.date, optional
        When it was abolished (after ``established``): from that day it has no
        holder and its links no longer count.

    Examples
    --------
    >>> Post(id="x", name="书记", kind="town_secretary", division="610924101").division.short
    '610924101'
    >>> Post(id="x", name="书记", kind="", division="610924101")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: kind '' must be non-empty, without surrounding spaces
    """

    id: PostId = attrs.field(converter=_post_key)
    name: str = attrs.field(validator=text)
    kind: PostKindId = attrs.field(converter=_post_kind_ref)
    division: DivisionCode = attrs.field(converter=_post_division)
    established: dt.date | None = attrs.field(
        default=None, converter=_established, validator=optional_date
    )
    closed: dt.date | None = attrs.field(
        default=None, converter=_closed, validator=[optional_date, conv.after("established")]
    )

    def exists_on(self, day: dt.date) -> bool:
        """True if the post exists on ``day`` (from ``established`` to before ``closed``)."""
        return _exists(self, day)

    def to_dict(self) -> dict[str, Any]:
        """Return the post as the file format writes it."""
        return to_plain(self)


@attrs.frozen(kw_only=True)
class Person:
    """Somebody who holds posts.

    Parameters
    ----------
    id : PersonId
        A surrogate id (never an ID-card number).
    name : str
        The person's name.
    synthetic : bool
        The person is made up (a reference dataset's placeholder holder).
    note : str, optional
        Free text; kept out of the record's repr.

    Examples
    --------
    >>> Person(id="p1", name="王五", note="联系电话 …")
    Person(id='p1', name='王五', synthetic=False)
    """

    id: PersonId = attrs.field(converter=_person_key)
    name: str = attrs.field(validator=text)
    synthetic: bool = attrs.field(default=False, validator=conv.flag)
    note: str | None = attrs.field(default=None, validator=optional_text, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the person as the file format writes it."""
        return to_plain(self)


@attrs.frozen(kw_only=True)
class Tenure:
    """A person holding a post from ``start`` up to the day before ``end`` (or still).

    ``end`` is the first day the person no longer holds the post, as a site's
    ``closed`` date is the first day it is gone: a successor's tenure starts on
    the predecessor's ``end``, and the two do not overlap.

    Parameters
    ----------
    id : TenureId
        Unique among tenures.
    post : PostId
        The post held.
    person : PersonId
        Who holds it.
    start : datetime.date
        The first day in post (a date or an ISO string).
    end : datetime.date, optional
        The first day out of post; ``None`` while the person still holds it.

    Examples
    --------
    >>> Tenure(id="t", post="p", person="x", start="2021-01-01", end="2020-12-31")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: end 2020-12-31 must come after start 2021-01-01
    """

    id: TenureId = attrs.field(converter=_tenure_key)
    post: PostId = attrs.field(converter=_post_ref)
    person: PersonId = attrs.field(converter=_person_ref)
    start: dt.date = attrs.field(converter=_start, validator=optional_date)
    end: dt.date | None = attrs.field(
        default=None, converter=_end, validator=[optional_date, conv.after("start")]
    )

    def covers(self, day: dt.date) -> bool:
        """True if the person holds the post on ``day``."""
        end = self.end
        return self.start <= day and (end is None or day < end)

    def overlaps(self, other: Tenure) -> bool:
        """True if the two tenures share a day."""
        return (other.end is None or self.start < other.end) and (
            self.end is None or other.start < self.end
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the tenure as the file format writes it."""
        return to_plain(self)


# ---------------------------------------------------------------------------- queries


def post_kinds(network: Network) -> Mapping[str, PostKind]:
    """Every post kind a network knows: the defaults, with its own added or overriding."""
    return network.vocabulary("post_kinds")


def post_kind(network: Network, kind: str) -> PostKind:
    """Return the post kind ``kind`` (the network's own, else the shipped default).

    Raises
    ------
    UnknownIdError
        Neither the network nor the defaults know it.
    """
    found = post_kinds(network).get(kind)
    if found is None:
        known = ", ".join(sorted(post_kinds(network)))
        raise UnknownIdError("post kind", kind, f"unknown post kind {kind!r}; known: {known}")
    return found


def _post_id(post: Post | str) -> PostId:
    return post.id if isinstance(post, Post) else PostId(post)


def tenures_of(network: Network, post: Post | str) -> tuple[Tenure, ...]:
    """Return the tenures of a post, by start date.

    Raises
    ------
    UnknownIdError
        The network holds no such post.
    """
    post_id = _post_id(post)
    network.get("posts", post_id)
    tenures: Mapping[str, Tenure] = network.table("tenures")
    keys = network._index("tenures", "by_post").get(post_id, ())
    return tuple(sorted((tenures[k] for k in keys), key=attrgetter("start", "id")))


def holders(network: Network, post: Post | str, as_of: DateLike = None) -> tuple[Any, ...]:
    """Return the people holding a post on a date (``as_of=None``: today), by tenure start.

    A post that does not exist on that date (not yet established, or closed)
    has no holders.
    """
    day = as_date(as_of) or dt.date.today()
    record: Post = network.get("posts", _post_id(post))
    if not record.exists_on(day):
        return ()
    people: Mapping[str, Person] = network.table("people")
    return tuple(people[t.person] for t in tenures_of(network, record) if t.covers(day))


def holder(network: Network, post: Post | str, as_of: DateLike = None) -> Person | None:
    """Return who holds a post on a date (``as_of=None``: today), or ``None`` — a gap.

    For a post of a kind with several holders at once, the one whose tenure
    started first.

    Parameters
    ----------
    network : Network
        Where the post, its tenures and the people are.
    post : Post or str
        The post or its id.
    as_of : date, ISO string or datetime, optional
        The day; today by default.

    Raises
    ------
    UnknownIdError
        The network holds no such post.
    """
    found = holders(network, post, as_of)
    return found[0] if found else None


# ---------------------------------------------------------------------------- validation


def kind_in(ctx: ValidationContext, kind: str) -> PostKind | None:
    """The post kind ``kind`` as the records being validated know it (or ``None``)."""
    found = ctx.get("post_kinds", kind)
    return found if found is not None else DEFAULT_POST_KINDS.get(kind)


def _rule_post_level(ctx: ValidationContext) -> Iterator[Issue]:
    for i, post in enumerate(ctx.records.of("posts")):
        kind = kind_in(ctx, post.kind)
        if kind is None:
            continue  # the generic unknown-reference rule reports it
        level = ctx.division_level(post.division)
        if level is not kind.level:
            yield error(
                "post-level",
                f"post '{post.id}' is a {kind.label or kind.name}, a {kind.level.label} post, "
                f"but sits on {post.division.short}, a {level.label}",
                post.id,
                ctx.path("posts", i, "division"),
            )


_HEADED_LEVELS = {"centre": _COUNTY, "institute": _TOWN, "station": _VILLAGE}


def _rule_heads(ctx: ValidationContext) -> Iterator[Issue]:
    """一把手: a Centre / Institute / Station is headed by the party secretary of its division."""
    for i, site in enumerate(ctx.records.of("sites")):
        level = _HEADED_LEVELS.get(site.kind.value)
        if site.head is None or level is None:
            continue
        post = ctx.get("posts", site.head)
        if post is None:
            continue  # unknown-head, from the generic rule
        kind = kind_in(ctx, post.kind)
        label = site.kind.label
        if kind is None or not kind.first_in_command or kind.level is not level:
            shown = post.kind if kind is None else (kind.label or kind.name)
            yield error(
                "head-not-first-in-command",
                f"{label} '{site.id}' is headed by post '{post.id}', a {shown}; the head "
                f"(一把手) of {'an' if label[0] in 'AEIOU' else 'a'} {label} is the party "
                f"secretary of its {level.label}",
                site.id,
                ctx.path("sites", i, "head"),
            )
        elif post.division != site.division:
            yield error(
                "head-division",
                f"{label} '{site.id}' sits on {site.division.short} but its head post "
                f"'{post.id}' is at {post.division.short}",
                site.id,
                ctx.path("sites", i, "head"),
            )


def _rule_tenure_overlap(ctx: ValidationContext) -> Iterator[Issue]:
    by_post: dict[str, list[tuple[int, Tenure]]] = {}
    for i, tenure in enumerate(ctx.records.of("tenures")):
        by_post.setdefault(tenure.post, []).append((i, tenure))
    for post_id, tenures in by_post.items():
        if len(tenures) < 2:
            continue
        post = ctx.get("posts", post_id)
        kind = None if post is None else kind_in(ctx, post.kind)
        if kind is not None and not kind.single_holder:
            continue
        tenures.sort(key=lambda it: (it[1].start, it[0]))
        # Sweep by start: each tenure against the latest-ending one before it.
        (j, latest) = tenures[0]
        for i, tenure in tenures[1:]:
            if tenure.overlaps(latest):
                yield error(
                    "tenure-overlap",
                    f"tenures '{latest.id}' ({ctx.path('tenures', j)}) and '{tenure.id}' "
                    f"both hold post '{post_id}' on {tenure.start}: one person at a time "
                    "(end the first on the day the second starts)",
                    tenure.id,
                    ctx.path("tenures", i, "start"),
                )
            if latest.end is not None and (tenure.end is None or tenure.end > latest.end):
                j, latest = i, tenure


def _rule_tenure_in_post(ctx: ValidationContext) -> Iterator[Issue]:
    for i, tenure in enumerate(ctx.records.of("tenures")):
        post = ctx.get("posts", tenure.post)
        if post is None:
            continue
        if post.closed is not None and tenure.start >= post.closed:
            yield Issue(
                code="tenure-after-closed",
                severity=Severity.WARNING,
                message=(
                    f"tenure '{tenure.id}' starts {tenure.start}, after post '{post.id}' "
                    f"was abolished ({post.closed})"
                ),
                subject=tenure.id,
                path=ctx.path("tenures", i, "start"),
            )


# ---------------------------------------------------------------------------- sections


def _parse(kind: Any) -> Any:
    return lambda value: kind(check_identifier("id", value))


def _post_exists(post: Post, day: dt.date) -> bool:
    return _exists(post, day)


POST_KINDS: Section[PostKindId, PostKind] = Section(
    name="post_kinds",
    noun="post kind",
    types=(PostKind,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(PostKindId),
    order=attrgetter("id"),
    defaults=DEFAULT_POST_KINDS,
    repr_empty=False,
)
"""The ``post_kinds`` section: a network's own post kinds (beside :data:`DEFAULT_POST_KINDS`)."""

POSTS: Section[PostId, Post] = Section(
    name="posts",
    noun="post",
    types=(Post,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(PostId),
    order=attrgetter("id"),
    refs=(
        Ref(
            field="division",
            target="divisions",
            code="unknown-post-division",
            index="by_division",
        ),
        Ref(
            field="kind",
            target="post_kinds",
            code="unknown-post-kind",
            index="by_kind",
        ),
    ),
    indexes=(
        Index(name="by_division", key=attrgetter("division")),
        Index(name="by_kind", key=attrgetter("kind")),
    ),
    rules=(
        ("post-level", _rule_post_level),
        ("head", _rule_heads),
    ),
    exists_on=_post_exists,
    repr_empty=False,
)
"""The ``posts`` section: offices at divisions, of a kind from the post vocabulary."""

PEOPLE: Section[PersonId, Person] = Section(
    name="people",
    noun="person",
    types=(Person,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(PersonId),
    order=attrgetter("id"),
    repr_empty=False,
)
"""The ``people`` section: the holders of posts."""

TENURES: Section[TenureId, Tenure] = Section(
    name="tenures",
    noun="tenure",
    types=(Tenure,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(TenureId),
    order=attrgetter("post", "start", "id"),
    refs=(
        Ref(field="post", target="posts", code="unknown-tenure-post", index="by_post"),
        Ref(field="person", target="people", code="unknown-tenure-person", index="by_person"),
    ),
    indexes=(
        Index(name="by_post", key=attrgetter("post")),
        Index(name="by_person", key=attrgetter("person")),
    ),
    rules=(
        ("tenure-overlap", _rule_tenure_overlap),
        ("tenure-after-closed", _rule_tenure_in_post),
    ),
    repr_empty=False,
)
"""The ``tenures`` section: who held which post, when."""


def iter_tenures(network: Network, person: str) -> Iterable[Tenure]:
    """The tenures of a person, by start date."""
    tenures: Mapping[str, Tenure] = network.table("tenures")
    keys = network._index("tenures", "by_person").get(person, ())
    return sorted((tenures[k] for k in keys), key=attrgetter("start", "id"))
