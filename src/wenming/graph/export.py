"""Exports: GraphML, GEXF (Gephi), node-link JSON and Graphviz DOT, written atomically.

GraphML and GEXF go through networkx's writers; node-link JSON through
:func:`networkx.node_link_data`; DOT is written here (networkx's DOT writer
needs pydot or pygraphviz). Every file is written to a temporary file, flushed
to disk and renamed over the target: a failed export leaves no partial file.

Attributes are scalars already (see :func:`~wenming.graph.to_networkx`); for the
XML formats, characters XML 1.0 cannot hold are replaced by U+FFFD and carriage
returns become newlines (:func:`xml_safe`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import networkx as nx

from wenming._atomic import atomic_write
from wenming._fields import DateLike
from wenming.errors import InvariantError, quote
from wenming.graph._core import check_layers, to_networkx
from wenming.network import Network

__all__ = ["FORMATS", "export", "format_of", "to_dot", "write_graph", "xml_safe"]

FORMATS = ("graphml", "gexf", "json", "dot")
"""The export formats."""

_SUFFIXES = {".graphml": "graphml", ".gexf": "gexf", ".json": "json", ".dot": "dot", ".gv": "dot"}

# Characters XML 1.0 cannot hold (outside Char), and carriage returns, which an
# XML parser turns into newlines.
_NOT_XML = re.compile("[^\x09\x0a\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def format_of(path: str | os.PathLike[str], to: str | None = None) -> str:
    """The export format: ``to`` if given, else from the file's suffix.

    Raises
    ------
    InvariantError
        An unknown format or suffix (the message lists the formats).

    Examples
    --------
    >>> format_of("county.gexf"), format_of("x.out", "dot")
    ('gexf', 'dot')
    >>> format_of("x.png")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: cannot tell the export format of 'x.png'; give one of: ...
    """
    if to is None:
        found = _SUFFIXES.get(Path(path).suffix.lower())
        if found is None:
            raise InvariantError(
                f"cannot tell the export format of {quote(str(path))}; "
                f"give one of: {', '.join(FORMATS)}",
                field="to",
                value=str(path),
            )
        return found
    if to not in FORMATS:
        raise InvariantError(
            f"unknown export format {quote(to)}; expected one of: {', '.join(FORMATS)}",
            field="to",
            value=to,
        )
    return to


def _clean(text: str) -> str:
    return _NOT_XML.sub(
        lambda m: "\n" if m.group() == "\r" else "\ufffd", text.replace("\r\n", "\n")
    )


def xml_safe(graph: nx.MultiDiGraph[str], *, copy: bool = True) -> nx.MultiDiGraph[str]:
    r"""Return the graph with every string attribute XML-safe.

    Characters XML 1.0 cannot hold become U+FFFD; ``\\r\\n`` and ``\\r``
    become ``\\n``. Node keys are not changed: a key with such a character is
    refused.

    Raises
    ------
    InvariantError
        A node key XML cannot hold (export to ``json`` instead).
    """
    out = graph.copy() if copy else graph
    for node in out:
        if _NOT_XML.search(node):
            raise InvariantError(
                f"node {quote(node)} has a character GraphML and GEXF cannot hold; "
                "export it as json instead",
                field="id",
                value=node,
            )
    for items in (
        out.graph,
        *(d for _, d in out.nodes(data=True)),
        *(d for *_, d in out.edges(keys=True, data=True)),
    ):
        for name, value in items.items():
            if isinstance(value, str) and _NOT_XML.search(value):
                items[name] = _clean(value)
    for u, v, k in [e for e in out.edges(keys=True) if isinstance(e[2], str)]:
        if _NOT_XML.search(k):
            data = out.edges[u, v, k]
            out.remove_edge(u, v, k)
            out.add_edge(u, v, _clean(k), **data)
    return out


def _dot_quote(value: Any) -> str:
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    return f'"{text}"'


def _dot_attrs(data: dict[str, Any]) -> str:
    if not data:
        return ""
    return " [" + ", ".join(f"{_dot_quote(k)}={_dot_quote(v)}" for k, v in data.items()) + "]"


def to_dot(graph: nx.MultiDiGraph[str]) -> str:
    r"""Return Graphviz DOT text for the graph (no pydot or pygraphviz needed).

    Every id and value is a quoted DOT string; edge keys go in a ``key``
    attribute.

    Examples
    --------
    >>> g = nx.MultiDiGraph(name="demo")
    >>> g.add_node("site:a", label='甲"1"')
    >>> _ = g.add_edge("site:a", "site:b", key="parent-of", relation="parent-of")
    >>> print(to_dot(g))
    digraph "demo" {
      "site:a" ["label"="甲\"1\""];
      "site:b";
      "site:a" -> "site:b" ["key"="parent-of", "relation"="parent-of"];
    }
    """
    name = graph.graph.get("name") or "wenming"
    lines = [f"digraph {_dot_quote(name)} {{"]
    lines += [f"  {_dot_quote(n)}{_dot_attrs(d)};" for n, d in graph.nodes(data=True)]
    lines += [
        f"  {_dot_quote(u)} -> {_dot_quote(v)}{_dot_attrs({'key': k, **d})};"
        for u, v, k, d in graph.edges(keys=True, data=True)
    ]
    lines.append("}")
    return "\n".join(lines)


def _writer(graph: nx.MultiDiGraph[str], fmt: str) -> Any:
    if fmt == "graphml":
        safe = xml_safe(graph)
        return lambda handle: nx.write_graphml(safe, handle)
    if fmt == "gexf":
        safe = xml_safe(graph)
        return lambda handle: nx.write_gexf(safe, handle)
    if fmt == "json":
        data = nx.node_link_data(graph, edges="edges")
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    else:
        text = (to_dot(graph) + "\n").encode("utf-8")
    return lambda handle: handle.write(text)


def write_graph(
    graph: nx.MultiDiGraph[str], path: str | os.PathLike[str], *, to: str | None = None
) -> Path:
    """Write a graph (from :func:`~wenming.graph.to_networkx`) atomically.

    Parameters
    ----------
    graph : networkx.MultiDiGraph
        The graph.
    path : path
        Where to write.
    to : {"graphml", "gexf", "json", "dot"}, optional
        The format; by default from the suffix (``.graphml``, ``.gexf``,
        ``.json``, ``.dot``/``.gv``).

    Raises
    ------
    InvariantError
        An unknown format, or a node key XML cannot hold (GraphML, GEXF).
    FileAccessError
        The file cannot be written; nothing is left behind.
    """
    fmt = format_of(path, to)
    write: Any = _writer(graph, fmt)

    def run(handle: BinaryIO) -> None:
        write(handle)

    return atomic_write(path, run)


def export(
    network: Network,
    path: str | os.PathLike[str],
    *,
    to: str | None = None,
    layers: Iterable[str] | str | None = None,
    as_of: DateLike = None,
    root: str | None = None,
) -> Path:
    """Export the network (or the subtree of ``root``) as a graph file, atomically.

    Parameters
    ----------
    network : Network
        The records.
    path : path
        Where to write.
    to : {"graphml", "gexf", "json", "dot"}, optional
        The format; by default from the suffix.
    layers, as_of, root
        As for :func:`~wenming.graph.to_networkx`.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    InvariantError
        An unknown format or layer.
    UnknownIdError
        ``root`` is not a site of the network.
    FileAccessError
        The file cannot be written; nothing is left behind.

    Examples
    --------
    >>> import tempfile, pathlib, networkx as nx
    >>> from wenming.datasets import ziyang
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> out = export(ziyang(), folder / "zy.graphml", layers=["sites"])
    >>> nx.read_graphml(out).number_of_nodes() == len(ziyang().sites)
    True
    """
    fmt = format_of(path, to)
    check_layers(layers)
    graph = to_networkx(network, layers=layers, as_of=as_of, root=root)
    return write_graph(graph, path, to=fmt)
