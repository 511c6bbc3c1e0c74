"""wenming.graph: the teams, volunteers and activities layers; the fast sites layer."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from test_people import DAY, county

from wenming import Network
from wenming.activities import Activity, Participant
from wenming.datasets import ziyang
from wenming.graph import export, layer_names, to_networkx, write_graph, xml_safe
from wenming.graph._layers import site_attributes
from wenming.people import Person
from wenming.service import ServiceRecord
from wenming.teams import Membership, Team
from wenming.testing.strategies import networks, volunteer_networks
from wenming.volunteers import Consent, ResidentId, Volunteer

SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAMILIES = ["divisions", "sites", "responsibility", "teams", "volunteers", "activities"]

ID1 = ResidentId.build("610924", dt.date(1980, 5, 17), 123).number
ID2 = ResidentId.build("610924", dt.date(1991, 2, 3), 456).number
PHONE1, PHONE2 = "13912345678", "18687654321"
SECRET = "私密备注15500001111"


def team_county() -> Network:
    """``county()`` with a corps, a brigade, two squads, four volunteers, an activity."""
    net = county()
    net.add_all(
        [
            Team(id="corps", name="总队", level="corps", site="c", head="c-sec"),
            Team(
                id="b",
                name="蒿坪镇大队",
                level="brigade",
                kind="town",
                site="i",
                head="t-sec",
                parent="corps",
            ),
            Team(
                id="q",
                name="双星分队",
                level="squad",
                kind="village",
                site="s",
                head="v-sec",
                parent="b",
            ),
            Team(id="q2", name="点上分队", level="squad", site="pt", parent="q"),
            Volunteer(
                id="V1",
                name="志愿者一",
                registered="2022-01-05",
                id_number=ID1,
                phone=PHONE1,
                residence="610924101001",
            ),
            Volunteer(
                id="V2",
                name="志愿者二",
                registered="2022-02-01",
                id_number=ID2,
                phone=PHONE2,
                residence="610924101001",
            ),
            Volunteer(
                id="V3",
                name="志愿者三",
                registered="2022-03-01",
                id_type="passport",
                id_number="E12345678",
                residence="610924101201",
            ),
            Volunteer(id="V4", name="志愿者四", registered="2024-01-01"),
            *(
                Consent(
                    id=f"c{v}",
                    volunteer=v,
                    purpose="登记",
                    given="2022-03-01",
                    sensitive=True,
                    note=SECRET,
                )
                for v in ("V1", "V2", "V3")
            ),
            Membership(id="m1b", volunteer="V1", team="b", start="2022-02-01"),
            Membership(id="m1q", volunteer="V1", team="q", start="2022-02-01", role="captain"),
            Membership(id="m2b", volunteer="V2", team="b", start="2022-03-01"),
            Membership(id="m2q", volunteer="V2", team="q", start="2022-03-01"),
            Membership(id="m2q2", volunteer="V2", team="q2", start="2022-03-01"),
            Membership(id="m3q", volunteer="V3", team="q", start="2022-04-01", end="2023-06-01"),
            ServiceRecord(
                id="r1",
                volunteer="V1",
                activity="a1",
                date="2023-07-10",
                minutes=120,
                recorded="2023-07-11",
                team="q",
            ),
            ServiceRecord(
                id="r2",
                volunteer="V2",
                activity="宣讲",
                date="2023-03-01",
                minutes=60,
                recorded="2023-03-02",
                team="b",
            ),
            Activity(
                id="a1",
                title="义诊进社区",
                start="2023-07-10",
                site="s",
                teams={"q"},
                participants=[Participant(volunteer="V1", record="r1"), "V2"],
                description=SECRET,
            ),
            Activity(id="a2", title="未来活动", start="2024-05-01", site="i", teams={"b", "q"}),
        ]
    )
    net.replace(Person(id="p1", name="人1", synthetic=True, note=SECRET))
    return net


def edges_of(g: nx.MultiDiGraph[str], relation: str) -> set[tuple[str, str]]:
    return {(u, v) for u, v, d in g.edges(data=True) if d["relation"] == relation}


def test_the_new_layers_are_registered_and_opt_in() -> None:
    assert {"teams", "volunteers", "activities"} <= set(layer_names())
    assert layer_names(default_only=True) == ("divisions", "sites", "venues", "responsibility")
    assert layer_names()[:4] == ("divisions", "sites", "venues", "responsibility")
    g = to_networkx(team_county())
    assert {d["type"] for _, d in g.nodes(data=True)} == {
        "division",
        "site",
        "post",
        "person",
        "area",
    }


def test_typed_edges() -> None:
    g = to_networkx(team_county(), layers=FAMILIES, as_of=DAY)
    assert edges_of(g, "hosted-by") == {
        ("team:corps", "site:c"),
        ("team:b", "site:i"),
        ("team:q", "site:s"),
        ("team:q2", "site:pt"),
        ("activity:a1", "site:s"),
    }
    assert edges_of(g, "member-of") == {
        ("volunteer:V1", "team:b"),
        ("volunteer:V1", "team:q"),
        ("volunteer:V2", "team:b"),
        ("volunteer:V2", "team:q"),
        ("volunteer:V2", "team:q2"),
    }  # V3's membership ended on 2023-06-01; V4 registers in 2024
    assert edges_of(g, "organised-by") == {("activity:a1", "team:q")}  # a2 is after DAY
    assert edges_of(g, "took-part-in") == {
        ("volunteer:V1", "activity:a1"),
        ("volunteer:V2", "activity:a1"),
    }
    assert {("team:corps", "team:b"), ("team:b", "team:q")} <= edges_of(g, "parent-of")
    assert {("post:t-sec", "team:b"), ("post:v-sec", "team:q")} <= edges_of(g, "heads")
    m = g.edges["volunteer:V1", "team:q", "member-of:m1q"]
    assert (m["role"], m["since"], m["membership"]) == ("captain", "2022-02-01", "m1q")
    assert g.edges["volunteer:V1", "activity:a1", "took-part-in"]["record"] == "r1"
    a1 = g.nodes["activity:a1"]
    assert (a1["label"], a1["participants"], a1["site"]) == ("义诊进社区", 2, "s")
    team = g.nodes["team:b"]
    assert (team["level"], team["kind"], team["parent"]) == ("brigade", "town", "corps")


def test_undated_graph_has_every_record_and_layers_stand_alone() -> None:
    net = team_county()
    g = to_networkx(net, layers=FAMILIES)
    assert ("volunteer:V3", "team:q") in edges_of(g, "member-of")
    assert "volunteer:V4" in g
    assert edges_of(g, "organised-by") == {
        ("activity:a1", "team:q"),
        ("activity:a2", "team:b"),
        ("activity:a2", "team:q"),
    }
    alone = to_networkx(net, layers=["volunteers"])
    assert {d["type"] for _, d in alone.nodes(data=True)} == {"volunteer"}
    assert alone.number_of_edges() == 0  # the teams are not in the graph
    teams = to_networkx(net, layers=["teams"])
    assert edges_of(teams, "hosted-by") == set()
    assert edges_of(teams, "heads") == set()
    assert len(edges_of(teams, "parent-of")) == 3


def test_root_keeps_the_subtrees_teams_and_members() -> None:
    g = to_networkx(team_county(), layers=FAMILIES, root="s", as_of=DAY)
    assert {"team:q", "team:q2", "activity:a1", "volunteer:V1"} <= set(g)
    assert "team:corps" not in g


def _all_text(g: nx.MultiDiGraph[str]) -> str:
    parts: list[str] = [str(g.graph)]
    parts += [f"{n} {d}" for n, d in g.nodes(data=True)]
    parts += [f"{u} {v} {k} {d}" for u, v, k, d in g.edges(keys=True, data=True)]
    return "\n".join(parts)


SENSITIVE_VALUES = (ID1, ID2, "E12345678", PHONE1, PHONE2, SECRET, "1980-05-17", "1991-02-03")


def test_sensitive_volunteer_fields_never_leave(tmp_path: Path) -> None:
    net = team_county()
    assert net.get("volunteers", "V1").id_number == ID1  # the data are there …
    g = to_networkx(net, layers=FAMILIES)
    text = _all_text(g)
    for value in SENSITIVE_VALUES:
        assert value not in text
    for _, data in g.nodes(data=True):
        assert not {"id_number", "phone", "birth_date", "note", "description"} & set(data)
    layers = ",".join(FAMILIES)
    for fmt in ("graphml", "gexf", "json", "dot"):
        out = export(net, tmp_path / f"x.{fmt}", layers=layers)
        written = out.read_text("utf-8")
        assert "volunteer:V1" in written  # … the volunteers are exported …
        for value in SENSITIVE_VALUES:  # … without them
            assert value not in written, (fmt, value)


def test_sensitive_volunteer_fields_never_reach_frames() -> None:
    pytest.importorskip("pandas")
    from wenming.frames import to_frames

    frames = to_frames(team_county())
    volunteers = frames["volunteers"]
    assert list(volunteers["id"]) == ["V1", "V2", "V3", "V4"]
    assert not {"id_number", "phone", "birth_date"} & set(volunteers.columns)
    assert "note" not in frames["consents"].columns
    assert "note" not in frames["people"].columns
    for name, frame in frames.items():
        if name == "activities":
            continue  # its description is the organisers' free text, kept in frames
        text = frame.to_csv()
        for value in (ID1, ID2, "E12345678", PHONE1, PHONE2, SECRET):
            assert value not in text, (name, value)


@SLOW
@given(volunteer_networks())
def test_member_of_edges_are_the_memberships_in_force(net: Network) -> None:
    day = dt.date(2023, 4, 1)
    g = to_networkx(net, layers=["teams", "volunteers"], as_of=day)
    memberships: Any = net.table("memberships").values()
    volunteers: Any = net.table("volunteers")
    expected = {
        (f"volunteer:{m.volunteer}", f"team:{m.team}")
        for m in memberships
        if m.covers(day) and volunteers[m.volunteer].registered_on(day)
    }
    assert edges_of(g, "member-of") == expected
    for node, data in g.nodes(data=True):
        assert not {"id_number", "phone", "birth_date"} & set(data), node
    for v in volunteers.values():
        for secret in (v.id_number, v.phone):
            if secret is not None:
                assert secret not in _all_text(g)


def _same(g: nx.MultiDiGraph[str], h: Any) -> None:
    assert dict(g.nodes(data=True)) == dict(h.nodes(data=True))  # type: ignore[arg-type]
    ge = sorted((u, v, k, sorted(d.items())) for u, v, k, d in g.edges(keys=True, data=True))
    he = sorted((u, v, k, sorted(d.items())) for u, v, k, d in h.edges(keys=True, data=True))
    assert ge == he


@SLOW
@given(volunteer_networks())
def test_family_graphs_read_back_from_graphml_and_json(net: Network) -> None:
    g = to_networkx(net, layers=["sites", "teams", "volunteers"])
    with tempfile.TemporaryDirectory() as folder:
        write_graph(g, Path(folder) / "g.graphml")
        back = nx.read_graphml(
            Path(folder) / "g.graphml", edge_key_type=str, force_multigraph=True
        )
        _same(xml_safe(g), back)
        write_graph(g, Path(folder) / "g.json")
        data = json.loads((Path(folder) / "g.json").read_text("utf-8"))
        _same(g, nx.node_link_graph(data, edges="edges"))


# ---------------------------------------------------------------- the fast sites layer


@SLOW
@given(networks())
def test_site_nodes_are_site_attributes(net: Network) -> None:
    g = to_networkx(net, layers=["sites"])
    for site in net.sites.values():
        assert g.nodes[f"site:{site.id}"] == site_attributes(site)
    dated = to_networkx(net, layers=["divisions", "sites"], as_of="2021-06-01")
    for site in net.iter_sites(as_of="2021-06-01"):
        assert dated.nodes[f"site:{site.id}"] == site_attributes(site)
        assert (f"site:{site.id}", f"division:{site.division.short}") in edges_of(
            dated, "located-in"
        )


def test_reference_network_sites_match() -> None:
    net = ziyang()
    g = to_networkx(net, layers=["sites"])
    assert all(g.nodes[f"site:{s.id}"] == site_attributes(s) for s in net.sites.values())
    keys = {k for *_, k in g.edges(keys=True)}
    assert keys <= {"parent-of"}
