"""The network as a networkx graph, with analytics and exports (the only networkx user).

A graph is a **derived view**: built from the records by :func:`to_networkx`,
never stored, never read back (there is no ``from_networkx``: the network is
the source of truth). What goes in is chosen by *layers*; each family of
records registers its own (:func:`register_layer`), so a new family adds its
nodes and edges without touching this package's core. The ``teams``,
``volunteers`` and ``activities`` layers are opt-in (volunteers are personal
data; their ID numbers, phones and birth dates never go in);
:func:`overlap_graph` draws which teams share volunteers.

Examples
--------
>>> from wenming.datasets import ziyang
>>> g = to_networkx(ziyang())
>>> sorted({d["type"] for _, d in g.nodes(data=True)})
['area', 'division', 'person', 'post', 'site', 'venue']
>>> sorted({d["relation"] for *_, d in g.edges(data=True)})
['heads', 'holds', 'includes', 'located-in', 'parent-of', 'supervises', 'uses']
>>> teams = to_networkx(ziyang(), layers=["sites", "teams", "volunteers"], as_of="2023-08-01")
>>> sorted({d["relation"] for *_, d in teams.edges(data=True)})
['hosted-by', 'member-of', 'parent-of']
"""

from __future__ import annotations

from wenming.graph import _families as _families
from wenming.graph import _layers as _layers
from wenming.graph._core import (
    GraphContext,
    Layer,
    layer_names,
    node_key,
    register_layer,
    to_networkx,
)
from wenming.graph.analytics import (
    Span,
    chain_graph,
    overloaded_posts,
    responsibility_components,
    responsibility_graph,
    single_points_of_failure,
    span_of_control,
)
from wenming.graph.export import FORMATS, export, to_dot, write_graph, xml_safe
from wenming.graph.teams import overlap_graph

__all__ = [
    "FORMATS",
    "GraphContext",
    "Layer",
    "Span",
    "chain_graph",
    "export",
    "layer_names",
    "node_key",
    "overlap_graph",
    "overloaded_posts",
    "register_layer",
    "responsibility_components",
    "responsibility_graph",
    "single_points_of_failure",
    "span_of_control",
    "to_dot",
    "to_networkx",
    "write_graph",
    "xml_safe",
]
