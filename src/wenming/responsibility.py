"""The responsibility chain (责任链): who answers for a site, and where the chain breaks.

:func:`responsibility_chain` answers, for any site, who heads it, who
supervises it, and so on up to the county. For a Station:

1. its head, the village party secretary (一把手);
2. the town leader linked to it (包村) — or a 挂点 link;
3. the town party secretary heading its Institute;
4. the propaganda-department leader responsible for its town (包镇);
5. the county leader linked to the town's area (联片);
6. the county party secretary heading the Centre.

An Institute's chain is steps 3–6, a Centre's step 6; a Point's is its own head
and 挂点 links (if any) followed by its parent's chain. 挂点 links to a site
appear right after its head. Each entry names the post, the person holding it on
the date, the kind of relation and what it runs through. A missing head, an
empty post, a missing link or a town in no area is a **gap** entry, never
skipped.

:func:`responsibilities_of` is the reverse view: every site a person or post
answers for — the sites it heads or is linked to, and the sites under them — so
that an entry of one is an entry of the other.

Examples
--------
>>> from wenming.datasets import ziyang
>>> chain = responsibility_chain(ziyang(), "institute-610924101", as_of="2023-08-01")
>>> [(e.relation.value, e.post) for e in chain][:2]
[('head', 'post-610924101-secretary'), ('town', 'post-610924-propaganda-1')]
>>> chain.complete
True
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from wenming._fields import DateLike, as_date
from wenming._gc import paused_gc
from wenming._plain import to_plain
from wenming.divisions import DivisionCode
from wenming.errors import UnknownIdError
from wenming.ids import PersonId, PostId, SiteId
from wenming.people import LinkKind, Person, Post, Tenure
from wenming.sites import Site, SiteKind

if TYPE_CHECKING:
    from wenming.links import Area, Link
    from wenming.network import Network

__all__ = [
    "ChainEntry",
    "Gap",
    "Relation",
    "Responsibility",
    "ResponsibilityChain",
    "responsibilities_of",
    "responsibility_chain",
    "responsibility_chains",
]


class Relation(enum.StrEnum):
    """How a post answers for a site: it heads it, or one of the link kinds."""

    HEAD = "head"
    """一把手: the post heads the site."""
    AREA = "area"
    """联片: linked to the area of the site's town."""
    TOWN = "town"
    """包镇: responsible for the site's town."""
    VILLAGE = "village"
    """包村: responsible for the Station."""
    ATTACHED = "attached"
    """挂点: attached to the site."""

    @property
    def zh(self) -> str:
        """The Chinese name (``"一把手"``, ``"包村"`` …)."""
        return "一把手" if self is Relation.HEAD else LinkKind(self.value).zh


class Gap(enum.StrEnum):
    """Why a chain entry has nobody in it."""

    NO_HEAD = "no-head"
    """The site names no head post."""
    POST_CLOSED = "post-closed"
    """The head post does not exist on the date (not yet created, or abolished)."""
    VACANT = "vacant"
    """The post exists but nobody holds it on the date."""
    NO_LINK = "no-link"
    """No link of the kind runs to the site, town or area."""
    NO_AREA = "no-area"
    """The town belongs to no area, so no county leader is linked to it."""

    @property
    def text(self) -> str:
        """A few words for tables."""
        return _GAP_TEXT[self]


_GAP_TEXT = {
    Gap.NO_HEAD: "no head post",
    Gap.POST_CLOSED: "post does not exist on this date",
    Gap.VACANT: "post vacant",
    Gap.NO_LINK: "no link",
    Gap.NO_AREA: "town in no area",
}


@attrs.frozen(kw_only=True)
class ChainEntry:
    """One link of a responsibility chain.

    Attributes
    ----------
    relation : Relation
        Head of, or which kind of link.
    through : str
        What the entry runs through: the site id (heads, 包村, 挂点), the town code
        (包镇) or the area id (联片).
    site : SiteId
        The site of the chain the entry belongs to (the site itself or one above it).
    post : PostId or None
        The post; ``None`` in a gap with no post.
    post_name : str or None
        Its name.
    person : PersonId or None
        Who holds the post on the date.
    person_name : str or None
        Their name.
    gap : Gap or None
        Why nobody answers here; ``None`` when somebody does.
    """

    relation: Relation
    through: str
    site: SiteId
    post: PostId | None = None
    post_name: str | None = None
    person: PersonId | None = None
    person_name: str | None = None
    gap: Gap | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as plain data (unset fields left out)."""
        return to_plain(self)


@attrs.frozen(kw_only=True)
class ResponsibilityChain:
    """The ordered chain of who answers for a site on a date.

    Iterating yields the :class:`ChainEntry` records, nearest first.
    """

    site: SiteId
    kind: SiteKind
    as_of: dt.date
    entries: tuple[ChainEntry, ...]

    def __iter__(self) -> Iterator[ChainEntry]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    @property
    def gaps(self) -> tuple[ChainEntry, ...]:
        """The entries where nobody answers."""
        return tuple(e for e in self.entries if e.gap is not None)

    @property
    def complete(self) -> bool:
        """True if the chain has no gap."""
        return all(e.gap is None for e in self.entries)

    def to_dict(self) -> dict[str, Any]:
        """Return the chain as plain data for a notebook (``pandas.DataFrame(d["entries"])``)."""
        return {
            "site": self.site,
            "kind": self.kind.value,
            "as_of": self.as_of.isoformat(),
            "entries": [e.to_dict() for e in self.entries],
        }

    def __str__(self) -> str:
        rows: list[tuple[str, ...]] = [("relation", "through", "post", "holder")]
        for e in self.entries:
            post = "—" if e.post is None else f"{e.post_name} ({e.post})"
            who = f"({e.gap.text})" if e.gap is not None else f"{e.person_name} ({e.person})"
            rows.append((f"{e.relation.zh} {e.relation.value}", e.through, post, who))
        return (
            f"responsibility chain of {self.kind.label} '{self.site}' as of "
            f"{self.as_of.isoformat()}"
            + ("" if self.complete else f" — {len(self.gaps)} gap(s)")
            + "\n"
            + _table(rows)
        )


def _width(text: str) -> int:
    # East Asian wide characters take two columns in a terminal.
    return sum(2 if ch >= "\u1100" and ch not in "—…" else 1 for ch in text)


def _table(rows: Sequence[tuple[str, ...]]) -> str:
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [c + " " * (w - _width(c)) for c, w in zip(row, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


# ---------------------------------------------------------------------------- engine


def _positional(cls: type[Any]) -> Callable[..., Any]:
    """A positional constructor of a frozen, slotted attrs class (private; the bulk path).

    ``ChainEntry(relation=..., ...)`` costs about 1.5 µs, most of it the keyword
    call and attrs' frozen ``__setattr__`` dance; setting the slots through
    their descriptors halves it. Only for classes with no converter, validator
    or ``__attrs_post_init__``, where ``__init__`` does nothing else (a test
    checks the two give equal records); anything else gets its ``__init__``.
    """
    fields = attrs.fields(cls)
    names = [f.name for f in fields]
    plain = (
        "__slots__" in cls.__dict__
        and all(f.init and f.converter is None and f.validator is None for f in fields)
        and not hasattr(cls, "__attrs_post_init__")
    )
    if not plain:

        def make(*values: Any) -> Any:
            return cls(**dict(zip(names, values, strict=True)))

        return make
    ns: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    lines = []
    for i, name in enumerate(names):
        ns[f"_set{i}"] = getattr(cls, name).__set__
        lines.append(f"    set{i}(e, v{i})")
    # The helpers are bound as defaults: local look-ups, the fastest there are.
    args = ", ".join(f"v{i}" for i in range(len(names)))
    bound = ", ".join(["new=_new", "cls=_cls", *(f"set{i}=_set{i}" for i in range(len(names)))])
    body = "\n".join(["    e = new(cls)", *lines, "    return e"])
    code = f"def make({args}, *, {bound}):\n{body}"
    exec(code, ns)  # built from the class's own attrs fields
    return ns["make"]  # type: ignore[no-any-return]


_new_entry = _positional(ChainEntry)
"""(relation, through, site, post, post_name, person, person_name, gap) → ChainEntry."""
_new_chain = _positional(ResponsibilityChain)
"""(site, kind, as_of, entries) → ResponsibilityChain."""

_PostInfo: TypeAlias = tuple[str, "PersonId | None", "str | None", "Gap | None"]


class _Chains:
    """Look-ups built once per query; chains of Centres and Institutes memoised."""

    def __init__(self, network: Network, day: dt.date) -> None:
        self.day = day
        self.sites: Mapping[SiteId, Site] = network.table("sites")
        self.posts: Mapping[PostId, Post] = network.table("posts")
        self.people: Mapping[PersonId, Person] = network.table("people")
        self.tenures: Mapping[str, Tenure] = network.table("tenures")
        self.links: Mapping[str, Link] = network.table("links")
        self.tenures_by_post = network._index("tenures", "by_post")
        self.links_by_site = network._index("links", "by_site")
        self.links_by_town = network._index("links", "by_town")
        self.links_by_area = network._index("links", "by_area")
        self.area_of_town = network._index("areas", "by_town")
        self.holder_memo: dict[PostId, tuple[Person | None, bool]] = {}
        self.info_memo: dict[PostId, _PostInfo] = {}
        self.memo: dict[SiteId, tuple[ChainEntry, ...]] = {}
        # Filled by resolve_all (the bulk path): site → its live links, sorted.
        self.live_on_site: dict[SiteId, list[Link]] | None = None

    def resolve_all(self) -> None:
        """Resolve every post's holder in one pass over the tenures (for bulk queries)."""
        day = self.day
        best: dict[PostId, Tenure] = {}
        for tenure in self.tenures.values():
            end = tenure.end
            if tenure.start <= day and (end is None or day < end):
                other = best.get(tenure.post)
                if other is None or (tenure.start, tenure.id) < (other.start, other.id):
                    best[tenure.post] = tenure
        people = self.people
        info = self.info_memo
        vacant, closed_gap = Gap.VACANT, Gap.POST_CLOSED
        for post_id, post in self.posts.items():
            established, closed = post.established, post.closed
            if (established is not None and day < established) or (
                closed is not None and day >= closed
            ):
                info[post_id] = (post.name, None, None, closed_gap)
                continue
            held = best.get(post_id)
            if held is None:
                info[post_id] = (post.name, None, None, vacant)
            else:
                person = people[held.person]
                info[post_id] = (post.name, person.id, person.name, None)
        # Every live link to a site, once: what live_links would find, site by site.
        live: dict[SiteId, list[Link]] = {}
        several: list[list[Link]] = []
        for link in self.links.values():
            site = link.site
            if site is None:
                continue
            established, closed = link.established, link.closed
            if (established is not None and day < established) or (
                closed is not None and day >= closed
            ):
                continue
            if info[link.post][3] is closed_gap:
                continue
            found = live.get(site)
            if found is None:
                live[site] = [link]
            else:
                found.append(link)
                if len(found) == 2:
                    several.append(found)
        for found in several:
            found.sort(key=_link_order)
        self.live_on_site = live

    def holder(self, post_id: PostId) -> tuple[Person | None, bool]:
        """(holder or None, whether the post exists on the day)."""
        known = self.holder_memo.get(post_id)
        if known is not None:
            return known
        post = self.posts[post_id]
        day = self.day
        found: Person | None = None
        alive = post.exists_on(day)
        if alive:
            best: Tenure | None = None
            for t in self.tenures_by_post.get(post_id, ()):
                tenure = self.tenures[t]
                if tenure.covers(day) and (
                    best is None or (tenure.start, tenure.id) < (best.start, best.id)
                ):
                    best = tenure
            if best is not None:
                found = self.people[best.person]
        result = self.holder_memo[post_id] = (found, alive)
        return result

    def info(self, post_id: PostId) -> _PostInfo:
        """(post name, holder id, holder name, gap) of a post on the day (memoised)."""
        known = self.info_memo.get(post_id)
        if known is not None:
            return known
        name = self.posts[post_id].name
        person, alive = self.holder(post_id)
        found: _PostInfo = (
            (name, None, None, Gap.VACANT if alive else Gap.POST_CLOSED)
            if person is None
            else (name, person.id, person.name, None)
        )
        self.info_memo[post_id] = found
        return found

    def entry(self, relation: Relation, through: str, site: SiteId, post_id: PostId) -> ChainEntry:
        info = self.info_memo.get(post_id) or self.info(post_id)
        return _new_entry(relation, through, site, post_id, *info)  # type: ignore[no-any-return]

    def post_alive(self, post_id: PostId) -> bool:
        """Whether a post exists on the day (from the entry data when it is known)."""
        info = self.info_memo.get(post_id)
        if info is not None:
            return info[3] is not Gap.POST_CLOSED
        return self.holder(post_id)[1]

    def live_links(self, keys: Iterable[str], kinds: tuple[LinkKind, ...]) -> list[Link]:
        day = self.day
        out = []
        for k in keys:
            link = self.links[k]
            if link.kind in kinds and link.exists_on(day) and self.post_alive(link.post):
                out.append(link)
        if len(out) > 1:
            out.sort(key=_link_order)
        return out

    def head(self, site: Site) -> ChainEntry | None:
        if site.head is None:
            if site.kind is SiteKind.POINT:
                return None
            return ChainEntry(
                relation=Relation.HEAD, through=site.id, site=site.id, gap=Gap.NO_HEAD
            )
        return self.entry(Relation.HEAD, site.id, site.id, site.head)

    def own(self, site: Site) -> list[ChainEntry]:
        """The entries of the site itself (before its parent's)."""
        out: list[ChainEntry] = []
        head = self.head(site)
        if head is not None:
            out.append(head)
        sid = site.id
        kind = site.kind
        on_site = self.links_by_site.get(sid, ())
        if kind is SiteKind.STATION:
            links = self.live_links(on_site, (LinkKind.VILLAGE, LinkKind.ATTACHED))
            if not links:
                out.append(
                    ChainEntry(relation=Relation.VILLAGE, through=sid, site=sid, gap=Gap.NO_LINK)
                )
        else:
            links = self.live_links(on_site, (LinkKind.ATTACHED,)) if on_site else []
        for link in links:
            out.append(self.entry(_RELATION[link.kind], sid, sid, link.post))
        if kind is SiteKind.INSTITUTE:
            out += self.town(site, bool(links))
        return out

    def town(self, site: Site, attached: bool) -> list[ChainEntry]:
        out: list[ChainEntry] = []
        sid = site.id
        town: DivisionCode = site.division
        shown = town.short
        links = self.live_links(self.links_by_town.get(town, ()), (LinkKind.TOWN,))
        if not links and not attached:
            out.append(
                ChainEntry(relation=Relation.TOWN, through=shown, site=sid, gap=Gap.NO_LINK)
            )
        for link in links:
            out.append(self.entry(Relation.TOWN, shown, sid, link.post))
        areas = self.area_of_town.get(town, ())
        if not areas:
            out.append(
                ChainEntry(relation=Relation.AREA, through=shown, site=sid, gap=Gap.NO_AREA)
            )
            return out
        for area in sorted(areas):
            area_links = self.live_links(self.links_by_area.get(area, ()), (LinkKind.AREA,))
            if not area_links:
                out.append(
                    ChainEntry(relation=Relation.AREA, through=area, site=sid, gap=Gap.NO_LINK)
                )
            for link in area_links:
                out.append(self.entry(Relation.AREA, area, sid, link.post))
        return out

    def chain(self, site: Site) -> tuple[ChainEntry, ...]:
        memo = self.memo
        known = memo.get(site.id)
        if known is not None:
            return known
        parent = site.parent
        own = tuple(self.own(site))
        entries = own if parent is None else own + self.chain(self.sites[parent])
        if site.kind is not SiteKind.STATION and site.kind is not SiteKind.POINT:
            memo[site.id] = entries
        return entries


_RELATION = {kind: Relation(kind.value) for kind in LinkKind}
_HEAD, _VILLAGE = Relation.HEAD, Relation.VILLAGE
_NO_HEAD, _NO_LINK = Gap.NO_HEAD, Gap.NO_LINK


def _link_order(link: Link) -> tuple[str, str]:
    return (link.post, link.id)


def _day(as_of: DateLike) -> dt.date:
    return as_date(as_of) or dt.date.today()


def _site(network: Network, site: Site | str, day: dt.date) -> Site:
    found: Site = network.site(site.id if not isinstance(site, str) else site)
    if not network.exists(found.id, day):
        raise UnknownIdError(
            "site",
            found.id,
            f"{found.kind.label} '{found.id}' does not exist on {day.isoformat()} "
            "(it, or a site above it, was not established yet or had closed)",
        )
    return found


def responsibility_chain(
    network: Network, site: Site | str, as_of: DateLike = None
) -> ResponsibilityChain:
    """Return who answers for a site on a date, nearest first, with explicit gaps.

    Parameters
    ----------
    network : Network
        Sites, posts, people, tenures, areas and links.
    site : Site or str
        The site or its id; any kind.
    as_of : date, ISO string or datetime, optional
        The day; today by default. Holders are those whose tenure covers the
        day; posts and links count from their ``established`` day up to the day
        before they close.

    Returns
    -------
    ResponsibilityChain
        Frozen; ``str()`` is a table, ``to_dict()`` plain data.

    Raises
    ------
    UnknownIdError
        No such site, or it does not exist on the date.
    """
    day = _day(as_of)
    found = _site(network, site, day)
    engine = _Chains(network, day)
    return ResponsibilityChain(
        site=found.id, kind=found.kind, as_of=day, entries=engine.chain(found)
    )


def responsibility_chains(
    network: Network, sites: Iterable[Site | str] | None = None, as_of: DateLike = None
) -> Iterator[ResponsibilityChain]:
    """Chains of many sites at once: the look-ups are built once (all sites by default).

    Equal to :func:`responsibility_chain` site by site; Stations take a fast
    path, and the entries above a Station (its Institute's chain) are shared
    between the Stations of a town: chains are frozen, so sharing is safe.

    Yields
    ------
    ResponsibilityChain
        One per site, in the order given (insertion order by default); sites that
        do not exist on the date are skipped.
    """
    day = _day(as_of)
    with paused_gc():
        engine = _Chains(network, day)
        engine.resolve_all()
    chains = _bulk(network, engine, sites)
    # Chains are built a batch at a time with the cyclic collector paused (they
    # make no cycles; a full collection would walk the whole network again and
    # again), and handed out with it running, so the caller's code never runs
    # with the collector off.
    while True:
        with paused_gc():
            batch = list(islice(chains, _BATCH))
        if not batch:
            return
        yield from batch


_BATCH = 4096


def _bulk(
    network: Network, engine: _Chains, sites: Iterable[Site | str] | None
) -> Iterator[ResponsibilityChain]:
    """The chains of the bulk path (after ``engine.resolve_all()``), one by one.

    A Station (nine sites in ten) takes the fast path, inlined here: its head
    entry, its live links (precomputed) or a no-link gap, then its Institute's
    memoised entries, shared with every Station of the town. The result equals
    ``engine.chain(station)`` (a test compares them on generated networks).
    """
    day = engine.day
    table: Mapping[SiteId, Site] = network.table("sites")
    alive = network._alive_on(day)
    chain = engine.chain
    info = engine.info_memo
    live = engine.live_on_site
    assert live is not None
    new = _new_entry
    make = _new_chain
    relation = _RELATION
    head_, village, no_head, no_link = _HEAD, _VILLAGE, _NO_HEAD, _NO_LINK
    todo: Iterable[Site] = (
        table.values() if sites is None else (table[s] if isinstance(s, str) else s for s in sites)  # type: ignore[index]
    )
    # Whether a Station exists on the day: its own dates, and its parent's
    # existence. Parent → its chain, or () when it does not exist on the day.
    above_of: dict[SiteId, tuple[ChainEntry, ...]] = {}
    is_station = SiteKind.STATION
    for s in todo:
        kind = s.kind
        if kind is not is_station:
            if alive(s):
                yield make(s.id, kind, day, chain(s))
            continue
        established, closed = s.established, s.closed
        if (established is not None and day < established) or (
            closed is not None and day >= closed
        ):
            continue
        parent: SiteId = s.parent  # type: ignore[assignment]  # a Station's is set
        above = above_of.get(parent)
        if above is None:
            up = table[parent]
            above = above_of[parent] = chain(up) if alive(up) else ()
        if not above:
            continue  # its Institute does not exist on the day
        sid = s.id
        head = s.head
        if head is None:
            first = new(head_, sid, sid, None, None, None, None, no_head)
        else:
            first = new(head_, sid, sid, head, *info[head])
        links = live.get(sid)
        if links is None:
            entries = (first, new(village, sid, sid, None, None, None, None, no_link), *above)
        elif len(links) == 1:
            link = links[0]
            post = link.post
            entries = (first, new(relation[link.kind], sid, sid, post, *info[post]), *above)
        else:
            linked = [new(relation[k.kind], sid, sid, k.post, *info[k.post]) for k in links]
            entries = (first, *linked, *above)
        yield make(sid, kind, day, entries)


# ---------------------------------------------------------------------------- reverse view


@attrs.frozen(kw_only=True)
class Responsibility:
    """A site a post answers for, and how (an entry of :func:`responsibilities_of`).

    Attributes
    ----------
    site : SiteId
        The site answered for.
    relation : Relation
        Heads it, or the kind of link.
    through : str
        The site, town code or area id the relation runs through (as in the
        chain entry).
    direct : bool
        True if the relation names this very site (its head, a link to it);
        False for a site under it, or in the town or area linked.
    post : PostId
        The post.
    person : PersonId or None
        Who holds the post on the date.
    """

    site: SiteId
    relation: Relation
    through: str
    direct: bool
    post: PostId
    person: PersonId | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as plain data."""
        return to_plain(self)


def responsibilities_of(
    network: Network, person_or_post: Person | Post | str, as_of: DateLike = None
) -> tuple[Responsibility, ...]:
    """Return every site a person or post answers for on a date, with the relation.

    For a post: the sites it heads, the sites its links run to (the Station of a
    包村 link, the Institute of a 包镇 town, the Institutes of a 联片 area's towns,
    a 挂点 site), and every site under those. For a person: the same for every
    post they hold on the date. Each entry is an entry of the chain of the site
    it names, and the other way round.

    Parameters
    ----------
    person_or_post : Person, Post or str
        A post id or person id (a post id is tried first), or the record.
    as_of : date, ISO string or datetime, optional
        The day; today by default.

    Raises
    ------
    UnknownIdError
        Neither a post nor a person of the network.
    """
    day = _day(as_of)
    posts: Mapping[PostId, Post] = network.table("posts")
    if isinstance(person_or_post, Post):
        post_ids = [person_or_post.id]
    elif isinstance(person_or_post, Person) or (
        isinstance(person_or_post, str) and person_or_post not in posts
    ):
        pid = person_or_post.id if isinstance(person_or_post, Person) else person_or_post
        if pid not in network.table("people"):
            raise UnknownIdError("post or person", pid, f"no post or person {pid!r}")
        tenures: Mapping[str, Tenure] = network.table("tenures")
        held = (tenures[t] for t in network._index("tenures", "by_person").get(pid, ()))
        post_ids = sorted({t.post for t in held if t.covers(day) and posts[t.post].exists_on(day)})
    else:
        post_ids = [PostId(person_or_post)]
    engine = _Chains(network, day)
    sites = engine.sites
    alive = network._alive_on(day)
    children = network._index("sites", "children")
    by_division = network._index("sites", "by_division")
    out: list[Responsibility] = []

    def under(root: SiteId) -> Iterator[tuple[SiteId, bool]]:
        if not alive(sites[root]):
            return
        yield root, True
        stack = list(reversed(children.get(root, ())))
        while stack:
            s = stack.pop()
            if not sites[s].exists_on(day):
                continue
            yield s, False
            stack.extend(reversed(children.get(s, ())))

    def institutes(town: DivisionCode) -> list[SiteId]:
        return [s for s in by_division.get(town, ()) if sites[s].kind is SiteKind.INSTITUTE]

    for post_id in post_ids:
        post = posts[post_id]
        if not post.exists_on(day):
            continue
        person, _alive = engine.holder(post_id)
        who = None if person is None else person.id

        def add(
            root: SiteId,
            relation: Relation,
            through: str,
            direct_root: bool,
            post_id: PostId = post_id,
            who: PersonId | None = who,
        ) -> None:
            for s, is_root in under(root):
                out.append(
                    Responsibility(
                        site=s,
                        relation=relation,
                        through=through,
                        direct=is_root and direct_root,
                        post=post_id,
                        person=who,
                    )
                )

        for s in network._index("sites", "by_head").get(post_id, ()):
            add(s, Relation.HEAD, s, True)
        links = engine.live_links(
            network._index("links", "by_post").get(post_id, ()), tuple(LinkKind)
        )
        for link in links:
            if link.kind is LinkKind.AREA:
                assert link.area is not None
                areas: Mapping[str, Area] = network.table("areas")
                area = areas[link.area]
                for town in sorted(area.towns):
                    for inst in institutes(town):
                        add(inst, Relation.AREA, link.area, False)
            elif link.kind is LinkKind.TOWN:
                assert link.town is not None
                for inst in institutes(link.town):
                    add(inst, Relation.TOWN, link.town.short, False)
            else:
                assert link.site is not None
                if link.kind is LinkKind.VILLAGE and sites[link.site].kind is not SiteKind.STATION:
                    continue  # a link to the wrong level: validation reports it
                add(link.site, Relation(link.kind.value), link.site, True)
    # One entry per (site, relation, through, post): a post linked twice counts once.
    unique = dict.fromkeys(out)
    return tuple(unique)
