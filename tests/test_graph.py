"""wenming.graph: to_networkx with layers, exports, responsibility analytics."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import attrs
import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_people import DAY, county

from wenming import Network
from wenming.datasets import ziyang
from wenming.errors import FileAccessError, InvariantError, UnknownIdError
from wenming.graph import (
    Layer,
    chain_graph,
    export,
    layer_names,
    overloaded_posts,
    register_layer,
    responsibility_components,
    single_points_of_failure,
    span_of_control,
    to_dot,
    to_networkx,
    write_graph,
    xml_safe,
)
from wenming.graph._core import _LAYERS, GraphContext
from wenming.graph._layers import site_attributes
from wenming.people import Person
from wenming.testing.strategies import networks, responsible_networks

SLOW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def edges_of(g: nx.MultiDiGraph[str], relation: str) -> list[tuple[str, str]]:
    return [(u, v) for u, v, d in g.edges(data=True) if d["relation"] == relation]


# ---------------------------------------------------------------- to_networkx


def public_site_graph(sites: list[Any], root: str | None = None) -> nx.MultiDiGraph[str]:
    """The site layer built through networkx's public calls only."""
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    g.add_nodes_from((f"site:{s.id}", site_attributes(s)) for s in sites)
    for s in sites:
        if s.parent is not None and s.id != root:
            g.add_edge(f"site:{s.parent}", f"site:{s.id}", "parent-of", relation="parent-of")
    return g


def assert_same_graph(g: nx.MultiDiGraph[str], h: nx.MultiDiGraph[str]) -> None:
    def nodes(graph: nx.MultiDiGraph[str]) -> dict[str, dict[str, Any]]:
        return {n: dict(d) for n, d in graph.nodes(data=True)}

    assert nodes(g) == nodes(h)
    assert list(g) == list(h)  # the same order, too (exports and copies follow it)
    assert list(g.edges(keys=True, data="relation")) == list(h.edges(keys=True, data="relation"))
    for u, v in g.edges():  # networkx's invariant: one key dict shared by succ and pred
        assert g.succ[u][v] == g.pred[v][u]
        assert g._succ[u][v] is g._pred[v][u]  # type: ignore[attr-defined]
    assert list(g._succ) == list(g._pred) == list(g._node)  # type: ignore[attr-defined]


@SLOW
@given(networks(), st.randoms(use_true_random=False))
def test_site_layer_equals_the_public_api_build(net: Network, rnd: Any) -> None:
    # The layer writes networkx's dicts directly; it must give exactly what the
    # public calls give, whatever the order of the records (children first too).
    sites = list(net.sites.values())
    rnd.shuffle(sites)
    others = [r for r in net.iter_records() if r not in net.sites.values()]
    shuffled = Network.from_records([*others, *sites])
    g = to_networkx(shuffled, layers=["sites"])
    assert_same_graph(g, public_site_graph(sites))
    g.remove_node(next(iter(g)))  # still a sound networkx graph
    root = rnd.choice(sites).id
    sub = to_networkx(shuffled, layers=["sites"], root=root)
    inside = [shuffled.site(root), *shuffled.descendants(root)]  # the subtree's order
    assert_same_graph(sub, public_site_graph(inside, root))


@SLOW
@given(networks())
def test_every_site_once_under_its_parent(net: Network) -> None:
    g = to_networkx(net, layers=["sites"])
    sites = [n for n, d in g.nodes(data=True) if d["type"] == "site"]
    assert sorted(sites) == sorted(f"site:{s}" for s in net.sites)
    for site in net.sites.values():
        parents = [u for u, _, d in g.in_edges(f"site:{site.id}", data=True)]
        expected = [] if site.parent is None else [f"site:{site.parent}"]
        assert parents == expected
    assert g.number_of_edges() == sum(1 for s in net.sites.values() if s.parent is not None)


@SLOW
@given(networks())
def test_as_of_keeps_the_sites_existing_that_day(net: Network) -> None:
    day = "2021-06-01"
    g = to_networkx(net, layers=["sites"], as_of=day)
    assert set(g) == {f"site:{s.id}" for s in net.iter_sites(as_of=day)}
    for node in g:
        site = net.site(node.removeprefix("site:"))
        if site.parent is not None:
            assert list(g.predecessors(node)) == [f"site:{site.parent}"]


def test_layers_select_what_goes_in() -> None:
    net = ziyang()
    full = to_networkx(net)
    types = {d["type"] for _, d in full.nodes(data=True)}
    assert types == {"division", "site", "venue", "post", "person", "area"}
    only = to_networkx(net, layers="sites")
    assert {d["type"] for _, d in only.nodes(data=True)} == {"site"}
    assert {d["relation"] for *_, d in only.edges(data=True)} == {"parent-of"}
    both = to_networkx(net, layers=["divisions", "sites"])
    assert len(edges_of(both, "located-in")) == len(net.sites)
    assert full.graph["layers"] == "divisions,sites,venues,responsibility"


def test_node_keys_are_namespaced_and_attributes_json_safe() -> None:
    g = to_networkx(ziyang(), as_of=DAY)
    for node, data in g.nodes(data=True):
        assert node == f"{data['type']}:{data['ref']}"
        assert "label" in data
        for value in data.values():
            assert type(value) in (str, int, float, bool)
    json.dumps(nx.node_link_data(g, edges="edges"))


def test_site_attributes_match_the_generic_flattening() -> None:
    # The sites layer builds its rows by hand for speed; a new Site field must show up.
    from wenming._flat import flat_attributes

    for site in ziyang().sites.values():
        data = site_attributes(site)
        generic = flat_attributes(site, exclude=("id", "parent"))
        assert {k: data[k] for k in generic} == generic
        assert set(data) - set(generic) <= {"type", "ref", "label", "kind"}


def test_sensitive_fields_never_appear(tmp_path: Path) -> None:
    net = county()
    secret = "电话13800138000"
    net.replace(Person(id="p1", name="人1", synthetic=True, note=secret))
    g = to_networkx(net)
    assert "note" not in g.nodes["person:p1"]
    for fmt in ("graphml", "gexf", "json", "dot"):
        out = export(net, tmp_path / f"x.{fmt}")
        assert secret not in out.read_text("utf-8")


def test_responsibility_edges() -> None:
    g = to_networkx(county(), as_of=DAY)
    assert ("post:c-sec", "site:c") in edges_of(g, "heads")
    assert ("person:p6", "post:t-lead") in edges_of(g, "holds")
    assert ("person:p5", "post:t-lead") not in edges_of(g, "holds")  # tenure over
    sup = set(edges_of(g, "supervises"))
    assert {
        ("post:c-lead", "area:a"),
        ("post:c-prop", "division:610924101"),
        ("post:t-lead", "site:s"),
    } <= sup
    assert ("area:a", "division:610924101") in edges_of(g, "includes")
    undated = to_networkx(county())
    assert ("person:p5", "post:t-lead") in edges_of(undated, "holds")


def test_the_graph_is_a_view() -> None:
    net = county()
    before = net.records()
    g = to_networkx(net)
    g.remove_node("site:c")
    g.nodes["site:i"]["name"] = "changed"
    assert net.records() == before


def test_root_gives_a_subtree() -> None:
    g = to_networkx(county(), root="i", as_of=DAY)
    sites = {n for n, d in g.nodes(data=True) if d["type"] == "site"}
    assert sites == {"site:i", "site:s", "site:s2", "site:pt"}
    assert "division:610924" not in g
    assert "post:t-lead" in g
    assert "person:p6" in g
    assert "post:c-sec" not in g


def test_unknown_layer_and_root_are_refused() -> None:
    with pytest.raises(InvariantError, match=r"unknown layer 'team'; the layers are: divisions"):
        to_networkx(county(), layers=["sites", "team"])
    with pytest.raises(UnknownIdError, match=r"root 'nowhere': the network holds no such site"):
        to_networkx(county(), root="nowhere")
    with pytest.raises(InvariantError, match="no layer selected"):
        to_networkx(county(), layers=[])


def test_a_family_registers_its_own_layer() -> None:
    def nodes(ctx: GraphContext) -> None:
        ctx.add_nodes([("team:t1", {"type": "team", "ref": "t1", "label": "大队"})])

    def edges(ctx: GraphContext) -> None:
        ctx.add_edges([("team:t1", "site:c", "hosted-by", {"relation": "hosted-by"})])
        ctx.add_edges([("team:t1", "site:gone", "hosted-by", {"relation": "hosted-by"})])

    register_layer(Layer(name="test-teams", nodes=nodes, edges=edges, default=False))
    try:
        assert "test-teams" in layer_names()
        assert "test-teams" not in layer_names(default_only=True)
        g = to_networkx(county(), layers=["sites", "test-teams"])
        assert edges_of(g, "hosted-by") == [("team:t1", "site:c")]
        assert "site:gone" not in g
        alone = to_networkx(county(), layers=["test-teams"])
        assert alone.number_of_edges() == 0
    finally:
        del _LAYERS["test-teams"]


# ---------------------------------------------------------------- exports


def _same(g: nx.MultiDiGraph[str], h: Any, *, drop: tuple[str, ...] = ()) -> None:
    if not h.is_multigraph():
        # read_gexf makes a simple graph of a file without parallel edges and
        # drops the keys; to_networkx's keys follow from the attributes.
        simple = h
        h = nx.MultiDiGraph(**simple.graph)
        h.add_nodes_from(simple.nodes(data=True))
        for u, v, d in simple.edges(data=True):
            data = dict(d)
            ref = data.get("tenure", data.get("link"))
            key = data["relation"] if ref is None else f"{data['relation']}:{ref}"
            h.add_edge(u, v, key, **data)
    assert dict(g.nodes(data=True)) == dict(h.nodes(data=True))  # type: ignore[arg-type]
    ge = sorted((u, v, k, sorted(d.items())) for u, v, k, d in g.edges(keys=True, data=True))
    he = sorted(
        (u, v, k, sorted((a, b) for a, b in d.items() if a not in drop))
        for u, v, k, d in h.edges(keys=True, data=True)
    )
    assert ge == he
    assert nx.is_isomorphic(g, h, node_match=lambda a, b: a == b)


@SLOW
@given(responsible_networks())
def test_graphml_and_gexf_read_back_the_same_graph(net: Network) -> None:
    import tempfile

    g = to_networkx(net)
    safe = xml_safe(g)
    with tempfile.TemporaryDirectory() as folder:
        write_graph(g, Path(folder) / "g.graphml")
        back = nx.read_graphml(
            Path(folder) / "g.graphml", edge_key_type=str, force_multigraph=True
        )
        _same(safe, back)
        write_graph(g, Path(folder) / "g.gexf")
        back = nx.read_gexf(Path(folder) / "g.gexf")
        _same(safe, back, drop=("id",))  # GEXF numbers its edges


def test_json_export_round_trips(tmp_path: Path) -> None:
    g = to_networkx(ziyang())
    export(ziyang(), tmp_path / "z.json")
    data = json.loads((tmp_path / "z.json").read_text("utf-8"))
    back = nx.node_link_graph(data, edges="edges")
    _same(g, back)


def test_xml_safe_replaces_what_xml_cannot_hold() -> None:
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    g.add_node("site:a", name="a\ufffeb\r\nc\x01")
    assert xml_safe(g).nodes["site:a"]["name"] == "a\ufffdb\nc\ufffd"
    assert g.nodes["site:a"]["name"] == "a\ufffeb\r\nc\x01"
    g.add_node("site:\x01")
    with pytest.raises(InvariantError, match="export it as json"):
        xml_safe(g)


def test_dot_export(tmp_path: Path) -> None:
    out = export(county(), tmp_path / "c.dot", layers=["sites"])
    text = out.read_text("utf-8")
    assert text.startswith('digraph "test" {\n')
    assert '"site:c" -> "site:i" ["key"="parent-of", "relation"="parent-of"];' in text
    assert text.endswith("}\n")
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    g.add_node('a"b\\c', label="x\ny")
    assert '"a\\"b\\\\c" ["label"="x\\ny"];' in to_dot(g)


def test_export_picks_the_format_and_refuses_unknown_ones(tmp_path: Path) -> None:
    export(county(), tmp_path / "c.out", to="gexf")
    assert (tmp_path / "c.out").read_text("utf-8").startswith("<?xml")
    with pytest.raises(InvariantError, match="unknown export format 'svg'"):
        export(county(), tmp_path / "c.svg", to="svg")
    with pytest.raises(InvariantError, match="cannot tell the export format of"):
        export(county(), tmp_path / "c.svg")
    with pytest.raises(UnknownIdError, match="root 'x'"):
        export(county(), tmp_path / "c.json", root="x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.out"]


def test_exports_never_leave_a_partial_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "c.graphml"
    target.write_text("old", "utf-8")

    def broken(graph: Any, handle: Any) -> None:
        handle.write(b"<?xml half")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(nx, "write_graphml", broken)
    with pytest.raises(RuntimeError, match="disk on fire"):
        export(county(), target)
    assert target.read_text("utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["c.graphml"]
    with pytest.raises(FileAccessError, match="cannot write the file"):
        export(county(), tmp_path / "missing" / "c.json")


# ---------------------------------------------------------------- analytics


def test_span_of_control() -> None:
    spans = {s.id: s for s in span_of_control(county(), as_of=DAY)}
    assert (spans["t-lead"].headed, spans["t-lead"].supervised, spans["t-lead"].stations) == (
        0,
        2,
        2,
    )
    assert (spans["c-prop"].supervised, spans["c-sec"].headed) == (1, 1)
    assert spans["c-lead"].supervised == 1
    people = {s.id: s for s in span_of_control(county(), as_of=DAY, by="person")}
    assert people["p6"].supervised == 2
    assert "p5" not in people
    assert span_of_control(county(), as_of=DAY)[0].total >= spans["c-sec"].total
    with pytest.raises(InvariantError, match="by 'town'"):
        span_of_control(county(), by="town")


@SLOW
@given(responsible_networks())
def test_heads_counted_as_a_brute_force_count(net: Network) -> None:
    day = DAY
    for span in span_of_control(net, as_of=day):
        brute = sum(
            1 for s in net.iter_sites(as_of=day) if s.head is not None and s.head == span.id
        )
        assert span.headed == brute


def test_overloaded_posts_and_single_points() -> None:
    assert [s.id for s in overloaded_posts(county(), 1, as_of=DAY)] == ["t-lead"]
    assert overloaded_posts(county(), as_of=DAY) == ()  # town leaders may have 3
    with pytest.raises(InvariantError, match="threshold must be"):
        overloaded_posts(county(), -1)
    sole = single_points_of_failure(county(), as_of=DAY)
    assert [(p.post, p.sites) for p in sole] == [("t-lead", ("s", "s2"))]
    assert single_points_of_failure(county(), min_sites=3, as_of=DAY) == ()
    with pytest.raises(InvariantError, match="min_sites"):
        single_points_of_failure(county(), min_sites=0)


def test_components_and_chain_graph() -> None:
    parts = responsibility_components(county(), as_of=DAY)
    assert sum(map(len, parts)) == len(set().union(*parts))
    assert any({"post:t-lead", "person:p6", "site:s"} <= part for part in parts)
    g = chain_graph(county(), "s", as_of=DAY)
    assert [n for n, d in g.nodes(data=True) if d["type"] == "site"] == [
        "site:s",
        "site:i",
        "site:c",
    ]
    assert ("post:t-lead", "site:s") in [(u, v) for u, v in g.edges()]
    assert g.nodes["post:v-sec"]["order"] == 0


def test_chain_graph_marks_gaps() -> None:
    net = county()
    net.replace(attrs.evolve(net.site("s2"), head=None))
    g = chain_graph(net, "s2", as_of=DAY)
    gaps = [d for _, d in g.nodes(data=True) if d["type"] == "gap"]
    assert gaps
    assert gaps[0]["gap"] == "no-head"


# ---------------------------------------------------------------- command-line handlers


def test_cli_export_and_plot_handlers(tmp_path: Path) -> None:
    import argparse

    from wenming import _cli_graph

    parser = argparse.ArgumentParser()
    _cli_graph.add_parsers(parser.add_subparsers(dest="command"))
    out = tmp_path / "z.gexf"
    args = parser.parse_args(
        ["export", "--layers", "sites", "--root", "centre-610924", "-o", str(out)]
    )
    assert _cli_graph.run(args) == 0
    assert nx.read_gexf(out).number_of_nodes() == len(ziyang().sites)
    with pytest.raises(InvariantError, match="unknown layer 'team'"):
        _cli_graph.run(parser.parse_args(["export", "--layers", "team", "-o", str(out)]))
    pytest.importorskip("matplotlib")
    png = tmp_path / "t.png"
    assert _cli_graph.run(parser.parse_args(["plot", "tree", "-o", str(png)])) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    with pytest.raises(InvariantError, match="needs --site"):
        _cli_graph.run(parser.parse_args(["plot", "chain", "-o", str(png)]))
