"""The network as a networkx graph, with analytics and exports (the only networkx user).

A graph is a **derived view**: built from the records by :func:`to_networkx`,
never stored, never read back (there is no ``from_networkx``: the network is
the source of truth). What goes in is chosen by *layers*; each family of
records registers its own (:func:`register_layer`), so a new family adds its
nodes and edges without touching this package's core.

Examples
--------
>>> from wenming.datasets import ziyang
>>> g = to_networkx(ziyang())
>>> sorted({d["type"] for _, d in g.nodes(data=True)})
['area', 'division', 'person', 'post', 'site', 'venue']
>>> sorted({d["relation"] for *_, d in g.edges(data=True)})
['heads', 'holds', 'includes', 'located-in', 'parent-of', 'supervises', 'uses']
"""

from __future__ import annotations

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

__all__ = [
    "FORMATS",
    "GraphContext",
    "Layer",
    "Span",
    "chain_graph",
    "export",
    "layer_names",
    "node_key",
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
