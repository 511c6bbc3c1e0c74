"""The graph core: layers, the build context and :func:`to_networkx`.

A :class:`Layer` is how a family of records puts itself into the graph: it adds
its nodes, then its edges, through a :class:`GraphContext`. Layers are
registered by name (:func:`register_layer`); the core names no family. The
built-in layers (``divisions``, ``sites``, ``venues``, ``responsibility``) live
in :mod:`wenming.graph._layers`; the later families (``teams``, ``volunteers``,
``activities``) register theirs from :mod:`wenming.graph._families`, without
editing this one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import networkx as nx

from wenming._fields import DateLike, as_date
from wenming._flat import Scalar, flat_attributes
from wenming._gc import paused_gc
from wenming.errors import InvariantError, UnknownIdError, quote
from wenming.ids import SiteId

if TYPE_CHECKING:
    from wenming.network import Network
    from wenming.sites import Site

__all__ = [
    "GraphContext",
    "Layer",
    "layer_names",
    "node_key",
    "register_layer",
    "to_networkx",
]

Attributes = dict[str, Scalar]
EdgeTuple = tuple[str, str, str, Attributes]
"""(source node, target node, edge key, attributes)."""


def node_key(type_: str, ref: str) -> str:
    """The namespaced key of a node: ``node_key("site", "zy-101") == "site:zy-101"``."""
    return f"{type_}:{ref}"


@attrs.frozen(kw_only=True)
class Layer:
    """A family's part of the graph.

    Parameters
    ----------
    name : str
        What ``to_networkx(layers=[...])`` calls it (``"sites"``).
    nodes : callable
        ``nodes(ctx)`` adds the layer's nodes (``ctx.add_nodes``).
    edges : callable
        ``edges(ctx)`` adds its edges once every selected layer has added its
        nodes; an edge whose other end belongs to a layer that was not selected
        is left out (``ctx.add_edges`` checks; ``check=False`` skips the check
        for edges inside the layer).
    description : str
        One line for the docs and ``wenming export --help``.
    default : bool
        Part of the default selection.
    """

    name: str
    nodes: Callable[[GraphContext], None]
    edges: Callable[[GraphContext], None]
    description: str = ""
    default: bool = True


_LAYERS: dict[str, Layer] = {}


def register_layer(layer: Layer) -> Layer:
    """Register a layer (a family's module calls this once, at import).

    Registering a layer under a name already taken replaces it.
    """
    _LAYERS[layer.name] = layer
    return layer


def layer_names(*, default_only: bool = False) -> tuple[str, ...]:
    """The registered layers, in registration order.

    Examples
    --------
    >>> layer_names()[:4]
    ('divisions', 'sites', 'venues', 'responsibility')
    """
    return tuple(n for n, layer in _LAYERS.items() if layer.default or not default_only)


def _resolve_layers(layers: Iterable[str] | str | None) -> tuple[Layer, ...]:
    if layers is None:
        return tuple(layer for layer in _LAYERS.values() if layer.default)
    if isinstance(layers, str):
        layers = [part.strip() for part in layers.split(",") if part.strip()]
    wanted = set()
    for name in layers:
        if name not in _LAYERS:
            raise InvariantError(
                f"unknown layer {quote(name)}; the layers are: {', '.join(_LAYERS)}",
                field="layers",
                value=name,
            )
        wanted.add(name)
    if not wanted:
        raise InvariantError(
            f"no layer selected; the layers are: {', '.join(_LAYERS)}", field="layers", value=()
        )
    return tuple(layer for name, layer in _LAYERS.items() if name in wanted)


class GraphContext:
    """What a layer sees while the graph is built.

    Attributes
    ----------
    network : Network
        The source of truth (read only).
    as_of : datetime.date or None
        The day, or ``None`` for "ignore dates".
    graph : networkx.MultiDiGraph
        The graph under construction.
    layers : frozenset of str
        The selected layers' names.
    root : SiteId or None
        The root of the subtree asked for, if any.
    """

    def __init__(
        self,
        network: Network,
        as_of: dt.date | None,
        graph: nx.MultiDiGraph[str],
        layers: frozenset[str],
        root: SiteId | None,
    ) -> None:
        self.network = network
        self.as_of = as_of
        self.graph = graph
        self.layers = layers
        self.root = root
        self._sites: list[Site] | None = None
        self._site_keys: dict[str, str] | None = None

    def has(self, layer: str) -> bool:
        """True if the layer is selected."""
        return layer in self.layers

    def sites(self) -> Sequence[Site]:
        """The sites in the graph: those existing on ``as_of``, under ``root`` if given."""
        if self._sites is None:
            net = self.network
            if self.root is not None:
                top = net.site(self.root)
                self._sites = [top, *net.descendants(self.root, as_of=self.as_of)]
            elif self.as_of is None:
                self._sites = list(net.table("sites").values())
            else:
                alive = net._alive_on(self.as_of)
                table: Mapping[Any, Site] = net.table("sites")
                self._sites = [s for s in table.values() if alive(s)]
        return self._sites

    def site_keys(self) -> Mapping[str, str]:
        """Site id → its node key (``"site:<id>"``) for the sites in the graph.

        Built once per graph: the layers share these key strings instead of
        formatting a new one per edge.
        """
        if self._site_keys is None:
            self._site_keys = {s.id: "site:" + s.id for s in self.sites()}
        return self._site_keys

    def exists(self, record: Any) -> bool:
        """True if a dated record (``exists_on``) exists on ``as_of`` (always without one)."""
        day = self.as_of
        return day is None or record.exists_on(day)

    def dicts(self) -> tuple[dict[str, Attributes], dict[str, Any], dict[str, Any]]:
        """The graph's own node, successor and predecessor dicts, for a bulk fill.

        networkx keeps a :class:`~networkx.MultiDiGraph` as plain dicts: node →
        attributes, and ``succ[u][v] is pred[v][u]``, a dict edge key → edge
        attributes. Filling them directly skips a method call and two
        membership tests per edge — the difference that keeps a national site
        graph near networkx's own cheapest build (``benchmarks/bench_graph.py``).
        A layer that writes here keeps networkx's invariants: every node is a
        key of all three dicts, and each edge's key dict is shared by ``succ``
        and ``pred``. The site layer does; the others use the public calls.
        """
        graph: Any = self.graph
        return graph._node, graph._succ, graph._pred

    def add_nodes(self, nodes: Iterable[tuple[str, Attributes]]) -> None:
        """Add nodes: (namespaced key, attributes)."""
        self.graph.add_nodes_from(nodes)

    def add_records(
        self,
        type_: str,
        records: Iterable[Any],
        key: Callable[[Any], str],
        *,
        exclude: Iterable[str] = (),
        extra: Callable[[Any], Attributes] | None = None,
    ) -> None:
        """Add one node per record with its flat, non-sensitive attributes.

        Each node gets ``type`` (``type_``), ``ref`` (the record's key as
        shown, ``key(record)``) and ``label`` (its ``name``, else the key),
        then the record's fields (see :func:`wenming._flat.flat_attributes`)
        minus ``exclude`` and the key field ``id``.
        """
        skip = ("id", *exclude)

        def rows() -> Iterator[tuple[str, Attributes]]:
            for record in records:
                ref = key(record)
                data: Attributes = {"type": type_, "ref": ref}
                flat = flat_attributes(record, exclude=skip)
                data["label"] = flat.get("name", ref)
                data.update(flat)
                if extra is not None:
                    data.update(extra(record))
                yield node_key(type_, ref), data

        self.graph.add_nodes_from(rows())

    def add_edges(self, edges: Iterable[EdgeTuple], *, check: bool = True) -> None:
        """Add edges (source, target, key, attributes); with ``check``, only between nodes present.

        Every edge carries a ``relation`` attribute (``"parent-of"``); give it
        in the attributes.
        """
        # One public ``add_edge`` per edge: ``MultiDiGraph.add_edges_from`` adds
        # each edge with ``add_edge`` too, then looks it up again through two
        # graph views to copy the data in, which costs more than the add.
        add = self.graph.add_edge
        if check:
            nodes = self.graph.nodes
            for u, v, key, data in edges:
                if u in nodes and v in nodes:
                    add(u, v, key, **data)
        else:
            for u, v, key, data in edges:
                add(u, v, key, **data)


def to_networkx(
    network: Network,
    layers: Iterable[str] | str | None = None,
    as_of: DateLike = None,
    *,
    root: str | None = None,
) -> nx.MultiDiGraph[str]:
    """Return the network as a :class:`networkx.MultiDiGraph` — a derived view.

    Nodes are keyed ``"<type>:<key>"`` (``"site:zy-101"``, ``"division:610924101"``,
    ``"post:…"``, ``"person:…"``, ``"venue:…"``, ``"area:…"``, ``"team:…"``,
    ``"volunteer:…"``, ``"activity:…"``) and carry
    ``type``, ``ref`` (the record's key), ``label`` and the record's fields as
    JSON-safe scalars; ``None`` fields are left out, and sensitive personal
    fields (ID numbers, phones, free-text notes) never appear. Edges carry a
    ``relation``:

    ==================  ======================  ====================================
    relation            from → to               layer(s)
    ==================  ======================  ====================================
    ``parent-of``       parent → child          sites; divisions; teams
    ``located-in``      site/post → division    sites/responsibility + divisions
    ``uses``            site → venue            venues (+ sites)
    ``heads``           post → site/team        responsibility (+ sites, teams)
    ``holds``           person → post           responsibility
    ``supervises``      post → site/town/area   responsibility (+ sites, divisions)
    ``includes``        area → town             responsibility + divisions
    ``hosted-by``       team/activity → site    teams/activities (+ sites)
    ``member-of``       volunteer → team        volunteers + teams
    ``organised-by``    activity → team         activities + teams
    ``took-part-in``    volunteer → activity    volunteers + activities
    ==================  ======================  ====================================

    The ``teams``, ``volunteers`` and ``activities`` layers are not in the
    default selection: name them. Volunteers go in without their ID numbers,
    phones or birth dates.

    Changing the graph never changes the network; there is no ``from_networkx``
    (the network is the source of truth).

    Parameters
    ----------
    network : Network
        The records.
    layers : iterable of str or str, optional
        Which layers go in (:func:`layer_names`; a comma-separated string is
        accepted); all default layers when omitted. ``["sites"]`` gives the
        site tree alone, without people.
    as_of : date, ISO string or datetime, optional
        Only what exists on that day: sites (and everything above them),
        posts, tenures covering the day, links.
    root : str, optional
        Only the subtree of this site, with the divisions inside its division
        and the records within two edges of those.

    Raises
    ------
    InvariantError
        An unknown layer (the message lists the known ones) or a bad ``as_of``.
    UnknownIdError
        ``root`` is not a site of the network (or does not exist on ``as_of``).

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> net = ziyang()
    >>> g = to_networkx(net, layers=["sites"])
    >>> g.nodes["site:institute-610924101"]["kind"], g.number_of_edges() == len(net.sites) - 1
    ('institute', True)
    >>> to_networkx(ziyang(), layers=["teams?"])
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: unknown layer 'teams?'; the layers are: divisions, sites, ...
    """
    from wenming.graph import _families, _layers  # noqa: F401  (register the layers)

    chosen = _resolve_layers(layers)
    day = as_date(as_of)
    root_id: SiteId | None = None
    if root is not None:
        if root not in network.table("sites"):
            raise UnknownIdError(
                "site", str(root), f"root {quote(root)}: the network holds no such site"
            )
        if not network.exists(root, day):
            raise UnknownIdError(
                "site",
                str(root),
                f"root {quote(root)} does not exist on {day}",
            )
        root_id = SiteId(root)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    graph.graph["name"] = network.name
    graph.graph["layers"] = ",".join(layer.name for layer in chosen)
    if day is not None:
        graph.graph["as_of"] = day.isoformat()
    if root_id is not None:
        graph.graph["root"] = root_id
    ctx = GraphContext(network, day, graph, frozenset(layer.name for layer in chosen), root_id)
    # A bulk build creates no reference cycles: with the collector paused, a
    # national graph is not walked again at every generation threshold.
    with paused_gc():
        for layer in chosen:
            layer.nodes(ctx)
        for layer in chosen:
            layer.edges(ctx)
        if root_id is not None:
            _prune(graph, root_id, network)
    return graph


def _prune(graph: nx.MultiDiGraph[str], root: SiteId, network: Network) -> None:
    """Keep the subtree, its divisions and what lies within two edges of them."""
    sites: Mapping[Any, Site] = network.table("sites")
    top = sites[root]
    inside = top.division.short if top.kind.value != "point" else None
    core: set[str] = set()
    for node, data in graph.nodes(data=True):
        kind = data.get("type")
        if kind == "site" or (
            kind == "division" and inside is not None and str(data["ref"]).startswith(inside)
        ):
            core.add(node)
    keep = set(core)
    frontier = core
    for _ in range(2):
        nxt: set[str] = set()
        for node in frontier:
            for other in (*graph.successors(node), *graph.predecessors(node)):
                if other in keep:
                    continue
                if graph.nodes[other].get("type") in ("site", "division"):
                    continue
                nxt.add(other)
        keep |= nxt
        frontier = nxt
    graph.remove_nodes_from([n for n in graph if n not in keep])


def check_layers(layers: Iterable[str] | str | None) -> tuple[str, ...]:
    """The names of the layers a selection resolves to (raises on an unknown one)."""
    from wenming.graph import _families, _layers  # noqa: F401

    return tuple(layer.name for layer in _resolve_layers(layers))
