"""The built-in layers: divisions, sites, venues and responsibility.

Each is a :class:`~wenming.graph.Layer` registered by name. A family that lands
later (teams, volunteers, activities) adds its own layer the same way, from its
own module, with :func:`~wenming.graph.register_layer`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from wenming._flat import Scalar
from wenming.divisions import Division, DivisionCode
from wenming.graph._core import Attributes, EdgeTuple, GraphContext, Layer, register_layer
from wenming.links import Area, Link
from wenming.people import Person, Post, Tenure, post_kinds
from wenming.sites import Point, Site, SiteKind, Venue

__all__ = ["site_attributes"]

PARENT_OF = "parent-of"
LOCATED_IN = "located-in"
USES = "uses"
HEADS = "heads"
HOLDS = "holds"
SUPERVISES = "supervises"
INCLUDES = "includes"


# ---------------------------------------------------------------------------- divisions


def _divisions_in_scope(ctx: GraphContext) -> list[Division]:
    net = ctx.network
    if ctx.root is None:
        return list(net.table("divisions").values())
    sites: Mapping[Any, Site] = net.table("sites")
    top = sites[ctx.root]
    if top.kind is SiteKind.POINT:
        divisions: Mapping[DivisionCode, Division] = net.table("divisions")
        found = divisions.get(top.division)
        return [] if found is None else [found]
    return net.divisions_within(top.division.short)


def _division_nodes(ctx: GraphContext) -> None:
    ctx.add_records(
        "division",
        _divisions_in_scope(ctx),
        lambda d: d.code.short,
        exclude=("code", "explicit_level"),
    )


def _division_edges(ctx: GraphContext) -> None:
    table: Mapping[DivisionCode, Division] = ctx.network.table("divisions")

    def edges() -> Iterator[EdgeTuple]:
        for division in _divisions_in_scope(ctx):
            for above in division.code.ancestors():
                if above in table:
                    yield (
                        f"division:{above.short}",
                        f"division:{division.code.short}",
                        PARENT_OF,
                        {"relation": PARENT_OF},
                    )
                    break

    ctx.add_edges(edges())


register_layer(
    Layer(
        name="divisions",
        nodes=_division_nodes,
        edges=_division_edges,
        description="divisions (province … village), parent-of between them",
    )
)


# ---------------------------------------------------------------------------- sites


def site_attributes(site: Site) -> Attributes:
    """The attributes of a site's node (built directly: this is the hot path).

    Examples
    --------
    >>> from wenming import Centre
    >>> site_attributes(Centre(id="zy", name="中心", division="610924"))
    {'type': 'site', 'ref': 'zy', 'label': '中心', 'kind': 'centre', 'name': '中心',
     'division': '610924'}
    """
    name = site.name
    data: dict[str, Scalar] = {
        "type": "site",
        "ref": site.id,
        "label": name,
        "kind": site.kind.value,
        "name": name,
        "division": site.division.short,
    }
    if site.established is not None:
        data["established"] = site.established.isoformat()
    if site.head is not None:
        data["head"] = str(site.head)
    if site.six_haves is not None:
        data["six_haves"] = ",".join(sorted(site.six_haves))
    if site.closed is not None:
        data["closed"] = site.closed.isoformat()
    host = getattr(site, "host", None)
    if host is not None:
        data["host"] = host.value
    return data


def _site_nodes(ctx: GraphContext) -> None:
    """Add the site nodes and the parent-of edges between them, in one pass.

    The hot path of a national graph. Each node's attributes equal
    ``site_attributes(s)`` (a test holds them together); they and the edges are
    written straight into the graph's dicts (:meth:`GraphContext.dicts`)
    without a call per site, and the values many sites share (kinds, dates,
    "six haves" sets) are formatted once and reused. Parent-of edges join two
    sites of this layer, so they need no other layer's nodes and go in here.
    """
    root = ctx.root
    node, succ, pred = ctx.dicts()
    kinds: dict[type[Any], str] = {}
    days: dict[Any, str] = {}
    haves: dict[frozenset[Any], str] = {}
    early = False
    for site in ctx.sites():
        cls = type(site)
        kind = kinds.get(cls)
        if kind is None:
            kind = kinds[cls] = cls.kind.value
        name = site.name
        ref = site.id
        key = "site:" + ref
        data: Attributes = {
            "type": "site",
            "ref": ref,
            "label": name,
            "kind": kind,
            "name": name,
            "division": site.division.short,
        }
        node[key] = data
        if key not in succ:  # a child listed first made it already
            succ[key] = {}
        parent = site.parent
        if parent is None or ref == root:
            pred[key] = {}
        else:
            above = "site:" + parent
            edge = {PARENT_OF: {"relation": PARENT_OF}}
            pred[key] = {above: edge}
            children = succ.get(above)
            if children is None:  # a child listed before its parent
                children = succ[above] = {}
                early = True
            children[key] = edge
        when = site.established
        if when is not None:
            text = days.get(when)
            if text is None:
                text = days[when] = when.isoformat()
            data["established"] = text
        head = site.head
        if head is not None:
            data["head"] = str(head)
        six = site.six_haves
        if six is not None:
            joined = haves.get(six)
            if joined is None:
                joined = haves[six] = ",".join(sorted(six))
            data["six_haves"] = joined
        when = site.closed
        if when is not None:
            text = days.get(when)
            if text is None:
                text = days[when] = when.isoformat()
            data["closed"] = text
        if isinstance(site, Point):
            data["host"] = site.host.value
    if len(succ) != len(node):  # a parent not in the graph on ``as_of``: a bare node
        for key in [k for k in succ if k not in node]:
            node[key], pred[key] = {}, {}
    if early:  # keep the adjacency in node order, as networkx's own calls would
        ordered = [(key, succ[key]) for key in node]
        succ.clear()
        succ.update(ordered)


def _site_edges(ctx: GraphContext) -> None:
    if ctx.has("divisions"):
        keys = ctx.site_keys()
        ctx.add_edges(
            (keys[s.id], f"division:{s.division.short}", LOCATED_IN, {"relation": LOCATED_IN})
            for s in ctx.sites()
        )


register_layer(
    Layer(
        name="sites",
        nodes=_site_nodes,
        edges=_site_edges,
        description="practice sites, parent-of down the tree, located-in their division",
    )
)


# ---------------------------------------------------------------------------- venues


def _venue_nodes(ctx: GraphContext) -> None:
    venues: Mapping[Any, Venue] = ctx.network.table("venues")
    ctx.add_records("venue", venues.values(), lambda v: str(v.id), exclude=("sites",))


def _venue_edges(ctx: GraphContext) -> None:
    venues: Mapping[Any, Venue] = ctx.network.table("venues")
    ctx.add_edges(
        (f"site:{s}", f"venue:{v.id}", USES, {"relation": USES})
        for v in venues.values()
        for s in sorted(v.sites)
    )


register_layer(
    Layer(
        name="venues",
        nodes=_venue_nodes,
        edges=_venue_edges,
        description="shared venues (场所共用), uses from each site sharing one",
    )
)


# ---------------------------------------------------------------------------- responsibility


def _live_tenures(ctx: GraphContext) -> list[Tenure]:
    tenures: Mapping[Any, Tenure] = ctx.network.table("tenures")
    posts: Mapping[Any, Post] = ctx.network.table("posts")
    day = ctx.as_of
    if day is None:
        return list(tenures.values())
    return [t for t in tenures.values() if t.covers(day) and posts[t.post].exists_on(day)]


def _responsibility_nodes(ctx: GraphContext) -> None:
    net = ctx.network
    posts: Mapping[Any, Post] = net.table("posts")
    kinds = post_kinds(net)

    def post_extra(post: Post) -> Attributes:
        kind = kinds.get(post.kind)
        return {} if kind is None else {"first_in_command": kind.first_in_command}

    ctx.add_records(
        "post",
        (p for p in posts.values() if ctx.exists(p)),
        lambda p: str(p.id),
        extra=post_extra,
    )
    people: Mapping[Any, Person] = net.table("people")
    holders: Iterable[Person]
    if ctx.as_of is None:
        holders = people.values()
    else:
        wanted = {t.person for t in _live_tenures(ctx)}
        holders = [p for k, p in people.items() if k in wanted]
    ctx.add_records("person", holders, lambda p: str(p.id))
    ctx.add_records("area", net.table("areas").values(), lambda a: str(a.id), exclude=("towns",))


def _responsibility_edges(ctx: GraphContext) -> None:
    net = ctx.network
    posts: Mapping[Any, Post] = net.table("posts")
    ctx.add_edges(
        (f"post:{s.head}", f"site:{s.id}", HEADS, {"relation": HEADS})
        for s in ctx.sites()
        if s.head is not None
    )

    def holds() -> Iterator[EdgeTuple]:
        for t in _live_tenures(ctx):
            data: Attributes = {
                "relation": HOLDS,
                "tenure": str(t.id),
                "since": t.start.isoformat(),
            }
            if t.end is not None:
                data["until"] = t.end.isoformat()
            yield f"person:{t.person}", f"post:{t.post}", f"{HOLDS}:{t.id}", data

    ctx.add_edges(holds())

    def supervises() -> Iterator[EdgeTuple]:
        links: Mapping[Any, Link] = net.table("links")
        for link in links.values():
            if not ctx.exists(link):
                continue
            if link.area is not None:
                target = f"area:{link.area}"
            elif link.town is not None:
                target = f"division:{link.town.short}"
            else:
                target = f"site:{link.site}"
            data: Attributes = {
                "relation": SUPERVISES,
                "link": str(link.id),
                "link_kind": link.kind.value,
                "zh": link.kind.zh,
            }
            yield f"post:{link.post}", target, f"{SUPERVISES}:{link.id}", data

    ctx.add_edges(supervises())
    if ctx.has("divisions"):
        areas: Mapping[Any, Area] = net.table("areas")
        ctx.add_edges(
            (f"area:{a.id}", f"division:{t.short}", INCLUDES, {"relation": INCLUDES})
            for a in areas.values()
            for t in sorted(a.towns)
        )
        ctx.add_edges(
            (f"post:{p.id}", f"division:{p.division.short}", LOCATED_IN, {"relation": LOCATED_IN})
            for p in posts.values()
        )


register_layer(
    Layer(
        name="responsibility",
        nodes=_responsibility_nodes,
        edges=_responsibility_edges,
        description="posts, people (name only), areas; heads, holds, supervises, includes",
    )
)
