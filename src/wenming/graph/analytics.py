"""Responsibility analytics: span of control, overload, single points of failure, components.

The counts are single passes over the network's own indexes; networkx is used
where it is good at something (connected components, a chain as a small graph
for drawing).

Examples
--------
>>> from wenming.datasets import ziyang
>>> net = ziyang()
>>> top = span_of_control(net, as_of="2023-08-01")[0]
>>> top.subject, top.headed, top.supervised > 0
('post', 0, True)
>>> g = chain_graph(net, "institute-610924101", as_of="2023-08-01")
>>> sorted({d["type"] for _, d in g.nodes(data=True)})
['person', 'post', 'site']
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs
import networkx as nx

from wenming._fields import DateLike, as_date
from wenming.divisions import DivisionCode
from wenming.errors import InvariantError
from wenming.graph._core import to_networkx
from wenming.links import Area, Link
from wenming.network import Network
from wenming.people import LinkKind, Person, Post, Tenure, post_kinds
from wenming.responsibility import responsibility_chain
from wenming.sites import Site, SiteKind

__all__ = [
    "SinglePoint",
    "Span",
    "chain_graph",
    "overloaded_posts",
    "responsibility_components",
    "responsibility_graph",
    "single_points_of_failure",
    "span_of_control",
]


@attrs.frozen(kw_only=True)
class Span:
    """How many sites a post or a person answers for directly.

    Attributes
    ----------
    subject : {"post", "person"}
        What is counted.
    id, name : str
        The post's or person's id and name.
    headed : int
        Sites it heads (一把手).
    supervised : int
        Sites its links reach: the site of a 包村/挂点 link, the Institutes of a
        包镇 town or of a 联片 area's towns (each site once).
    stations : int
        Of those, Stations (what a post kind's ``span`` limits).
    """

    subject: str
    id: str
    name: str
    headed: int
    supervised: int
    stations: int

    @property
    def total(self) -> int:
        """Headed plus supervised."""
        return self.headed + self.supervised

    def to_dict(self) -> dict[str, Any]:
        """Return plain data (for a DataFrame)."""
        return {**attrs.asdict(self), "total": self.total}


def _day(as_of: DateLike) -> dt.date:
    return as_date(as_of) or dt.date.today()


class _Reach:
    """Per post: the sites it heads and the sites its live links reach (one pass each)."""

    def __init__(self, network: Network, day: dt.date) -> None:
        self.day = day
        alive = network._alive_on(day)
        sites: Mapping[Any, Site] = network.table("sites")
        self.sites = sites
        self.posts: Mapping[Any, Post] = network.table("posts")
        self.headed: dict[str, set[str]] = {}
        self.reached: dict[str, set[str]] = {}
        institutes: dict[DivisionCode, list[str]] = {}
        for site in sites.values():
            if not alive(site):
                continue
            if site.head is not None:
                self.headed.setdefault(site.head, set()).add(site.id)
            if site.kind is SiteKind.INSTITUTE:
                institutes.setdefault(site.division, []).append(site.id)
        areas: Mapping[Any, Area] = network.table("areas")
        posts = self.posts
        links: Mapping[Any, Link] = network.table("links")
        for link in links.values():
            post = posts.get(link.post)
            if post is None or not link.exists_on(day) or not post.exists_on(day):
                continue
            into = self.reached.setdefault(link.post, set())
            if link.kind is LinkKind.AREA and link.area is not None:
                for town in areas[link.area].towns:
                    into.update(institutes.get(town, ()))
            elif link.kind is LinkKind.TOWN and link.town is not None:
                into.update(institutes.get(link.town, ()))
            elif link.site is not None:
                site = sites[link.site]
                if alive(site):
                    into.add(site.id)

    def span(self, subject: str, id_: str, name: str, posts: list[str]) -> Span:
        headed: set[str] = set()
        reached: set[str] = set()
        for p in posts:
            headed |= self.headed.get(p, set())
            reached |= self.reached.get(p, set())
        stations = sum(1 for s in reached if self.sites[s].kind is SiteKind.STATION)
        return Span(
            subject=subject,
            id=id_,
            name=name,
            headed=len(headed),
            supervised=len(reached),
            stations=stations,
        )


def span_of_control(
    network: Network, *, as_of: DateLike = None, by: str = "post"
) -> tuple[Span, ...]:
    """Return the span of control of every post (or person), largest first.

    Parameters
    ----------
    network : Network
        Sites, posts, people, tenures, areas and links.
    as_of : date, ISO string or datetime, optional
        The day (today by default): sites, posts and links existing then, and
        for ``by="person"`` the posts each person holds then.
    by : {"post", "person"}
        Count per post, or per person over the posts they hold.

    Raises
    ------
    InvariantError
        ``by`` is neither ``"post"`` nor ``"person"``.
    """
    if by not in ("post", "person"):
        raise InvariantError(
            f"span of control by {by!r}: expected 'post' or 'person'", field="by", value=by
        )
    day = _day(as_of)
    reach = _Reach(network, day)
    out: list[Span] = []
    if by == "post":
        for post in reach.posts.values():
            if post.exists_on(day):
                out.append(reach.span("post", post.id, post.name, [post.id]))
    else:
        held: dict[str, list[str]] = {}
        tenures: Mapping[Any, Tenure] = network.table("tenures")
        for t in tenures.values():
            if t.covers(day) and reach.posts[t.post].exists_on(day):
                held.setdefault(t.person, []).append(t.post)
        people: Mapping[Any, Person] = network.table("people")
        for pid, posts in held.items():
            out.append(reach.span("person", pid, people[pid].name, posts))
    out.sort(key=lambda s: (-s.total, -s.supervised, s.id))
    return tuple(out)


def overloaded_posts(
    network: Network, threshold: int | None = None, *, as_of: DateLike = None
) -> tuple[Span, ...]:
    """Return the posts supervising more Stations than a threshold, largest first.

    Parameters
    ----------
    threshold : int, optional
        The most Stations a post should supervise; by default each post's
        kind's ``span`` (town leaders: 3), and posts of a kind without one are
        not checked.

    Raises
    ------
    InvariantError
        A negative threshold.
    """
    if threshold is not None and (isinstance(threshold, bool) or threshold < 0):
        raise InvariantError(
            f"threshold must be a whole number >= 0, not {threshold!r}",
            field="threshold",
            value=threshold,
        )
    kinds = post_kinds(network)
    posts: Mapping[Any, Post] = network.table("posts")
    out = []
    for span in span_of_control(network, as_of=as_of):
        limit = threshold
        if limit is None:
            kind = kinds.get(posts[span.id].kind)
            limit = None if kind is None else kind.span
        if limit is not None and span.stations > limit:
            out.append(span)
    out.sort(key=lambda s: (-s.stations, s.id))
    return tuple(out)


@attrs.frozen(kw_only=True)
class SinglePoint:
    """A post that is the only supervision link of some sites.

    Attributes
    ----------
    post, name : str
        The post.
    sites : tuple of str
        The Stations and Institutes whose only link it is, sorted.
    """

    post: str
    name: str
    sites: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return plain data."""
        return {"post": self.post, "name": self.name, "sites": list(self.sites)}


def single_points_of_failure(
    network: Network, *, min_sites: int = 2, as_of: DateLike = None
) -> tuple[SinglePoint, ...]:
    """Return the posts that are the only supervision link of at least ``min_sites`` sites.

    A Station's links are its 包村 and 挂点 links; an Institute's its town's 包镇
    links and its 挂点 links. Should such a post fall vacant, every one of
    those sites is left without a supervisor. Largest first.

    Raises
    ------
    InvariantError
        ``min_sites`` below 1.
    """
    if isinstance(min_sites, bool) or not isinstance(min_sites, int) or min_sites < 1:
        raise InvariantError(
            f"min_sites must be a whole number >= 1, not {min_sites!r}",
            field="min_sites",
            value=min_sites,
        )
    day = _day(as_of)
    alive = network._alive_on(day)
    posts: Mapping[Any, Post] = network.table("posts")
    by_site: dict[str, set[str]] = {}
    by_town: dict[DivisionCode, set[str]] = {}
    links: Mapping[Any, Link] = network.table("links")
    for link in links.values():
        post = posts.get(link.post)
        if post is None or not link.exists_on(day) or not post.exists_on(day):
            continue
        if link.kind is LinkKind.TOWN and link.town is not None:
            by_town.setdefault(link.town, set()).add(link.post)
        elif link.site is not None and link.kind in (LinkKind.VILLAGE, LinkKind.ATTACHED):
            by_site.setdefault(link.site, set()).add(link.post)
    sole: dict[str, list[str]] = {}
    sites: Mapping[Any, Site] = network.table("sites")
    for site in sites.values():
        if site.kind not in (SiteKind.STATION, SiteKind.INSTITUTE) or not alive(site):
            continue
        who = set(by_site.get(site.id, ()))
        if site.kind is SiteKind.INSTITUTE:
            who |= by_town.get(site.division, set())
        if len(who) == 1:
            sole.setdefault(next(iter(who)), []).append(site.id)
    out = [
        SinglePoint(post=p, name=posts[p].name, sites=tuple(sorted(s)))
        for p, s in sole.items()
        if len(s) >= min_sites
    ]
    out.sort(key=lambda sp: (-len(sp.sites), sp.post))
    return tuple(out)


_RESPONSIBILITY_RELATIONS = frozenset({"heads", "holds", "supervises", "includes"})


def responsibility_graph(network: Network, *, as_of: DateLike = None) -> nx.MultiDiGraph[str]:
    """The graph of who answers for what: posts, people, areas and the sites and towns they reach.

    Only ``heads``, ``holds``, ``supervises`` and ``includes`` edges (no site
    tree), and only nodes touched by one of them.
    """
    full = to_networkx(
        network, layers=["divisions", "sites", "responsibility"], as_of=as_of_or_today(as_of)
    )
    keep = [
        (u, v, k, d)
        for u, v, k, d in full.edges(keys=True, data=True)
        if d["relation"] in _RESPONSIBILITY_RELATIONS
    ]
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(**full.graph)
    touched = {n for u, v, *_ in keep for n in (u, v)}
    graph.add_nodes_from((n, full.nodes[n]) for n in full if n in touched or _is_person(full, n))
    graph.add_edges_from(keep)  # type: ignore[arg-type]  # (u, v, key, data)
    return graph


def _is_person(graph: nx.MultiDiGraph[str], node: str) -> bool:
    return bool(graph.nodes[node].get("type") in ("post", "person"))


def as_of_or_today(as_of: DateLike) -> dt.date:
    """``as_of`` as a date, today when omitted."""
    return _day(as_of)


def responsibility_components(
    network: Network, *, as_of: DateLike = None
) -> tuple[frozenset[str], ...]:
    """The connected parts of the responsibility graph, largest first.

    Two posts are in one part when one person holds both, or their links reach
    the same site, town or area. Each part is a set of node keys.
    """
    graph = responsibility_graph(network, as_of=as_of)
    parts = [frozenset(c) for c in nx.weakly_connected_components(graph)]
    parts.sort(key=lambda c: (-len(c), min(c)))
    return tuple(parts)


def chain_graph(network: Network, site: str, *, as_of: DateLike = None) -> nx.MultiDiGraph[str]:
    """A responsibility chain (:func:`wenming.responsibility_chain`) as a small graph to draw.

    Nodes: the sites of the chain (``site:…``), the posts (``post:…``), their
    holders (``person:…``) and one ``gap:N`` node per gap (with ``gap``, the
    reason). Edges: ``parent-of`` between the sites, ``holds`` from a person
    to a post, and from each post (or gap) to its site an edge whose
    ``relation`` is the chain entry's (``head``, ``village``, ``town``,
    ``area``, ``attached``). Every node has ``order``: its first position in
    the chain (sites: their depth from the chain's site).

    Raises
    ------
    UnknownIdError
        No such site, or it does not exist on the date.
    """
    chain = responsibility_chain(network, site, as_of=as_of)
    sites: Mapping[Any, Site] = network.table("sites")
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(
        name=f"chain of {chain.site}", site=chain.site, as_of=chain.as_of.isoformat()
    )
    node = sites[chain.site]
    depth = 0
    below: str | None = None
    while True:
        key = f"site:{node.id}"
        graph.add_node(
            key, type="site", ref=node.id, label=node.name, kind=node.kind.value, order=depth
        )
        if below is not None:
            graph.add_edge(key, below, key="parent-of", relation="parent-of")
        if node.parent is None:
            break
        below = key
        node = sites[node.parent]
        depth += 1
    for i, entry in enumerate(chain.entries):
        target = f"site:{entry.site}"
        relation = entry.relation.value
        attrs_: dict[str, Any] = {
            "relation": relation,
            "zh": entry.relation.zh,
            "through": entry.through,
        }
        if entry.post is None:
            gap = f"gap:{i}"
            graph.add_node(
                gap,
                type="gap",
                ref=str(i),
                label=entry.gap.text if entry.gap else "",
                gap=str(entry.gap),
                order=i,
            )
            graph.add_edge(gap, target, key=relation, **attrs_)
            continue
        post = f"post:{entry.post}"
        if post not in graph:
            graph.add_node(
                post, type="post", ref=entry.post, label=entry.post_name or entry.post, order=i
            )
        if entry.gap is not None:
            graph.nodes[post]["gap"] = entry.gap.value
        graph.add_edge(post, target, key=f"{relation}:{entry.through}", **attrs_)
        if entry.person is not None:
            person = f"person:{entry.person}"
            if person not in graph:
                graph.add_node(
                    person,
                    type="person",
                    ref=entry.person,
                    label=entry.person_name or entry.person,
                    order=i,
                )
            if not graph.has_edge(person, post, "holds"):
                graph.add_edge(person, post, key="holds", relation="holds")
    return graph
