"""Team analytics as graphs: the volunteer-overlap graph between teams.

Examples
--------
>>> from wenming.datasets import ziyang
>>> g = overlap_graph(ziyang(), as_of="2023-08-01")
>>> g.nodes["team:team-corps"]["level"]
'corps'
>>> all(d["weight"] >= 1 for *_, d in g.edges(data=True))
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import networkx as nx

from wenming._fields import DateLike, as_date
from wenming.network import Network
from wenming.team_queries import volunteer_overlap
from wenming.teams import Team, members

__all__ = ["overlap_graph"]


def overlap_graph(network: Network, as_of: DateLike = None, *, minimum: int = 1) -> nx.Graph[str]:
    """Return the teams as a weighted, undirected graph of shared volunteers.

    Nodes are the teams existing on the day (``"team:<id>"``, with ``type``,
    ``ref``, ``label``, ``level``, ``kind``, ``site`` when bound, and
    ``members``: their members that day); an edge joins two teams sharing at
    least ``minimum`` volunteers, with ``weight`` the number shared
    (:func:`wenming.team_queries.volunteer_overlap`). Teams sharing nobody
    are isolated nodes. Like every graph here it is a derived view.

    Parameters
    ----------
    network : Network
        Its teams and memberships.
    as_of : date, optional
        The day (today by default).
    minimum : int
        The fewest shared volunteers that make an edge (1 or more).

    Raises
    ------
    InvariantError
        ``minimum`` below 1, or a malformed date.
    """
    day = as_date(as_of) or dt.date.today()
    overlap = volunteer_overlap(network, day, minimum=minimum)
    graph: nx.Graph[str] = nx.Graph(name=f"{network.name}: teams sharing volunteers")
    graph.graph["as_of"] = day.isoformat()
    teams: Mapping[str, Team] = network.table("teams")
    for team in teams.values():
        if not team.exists_on(day):
            continue
        data: dict[str, str | int] = {
            "type": "team",
            "ref": team.id,
            "label": team.name,
            "level": team.level,
            "kind": team.kind.value,
            "members": len(members(network, team, day)),
        }
        if team.site is not None:
            data["site"] = team.site
        graph.add_node(f"team:{team.id}", **data)
    graph.add_weighted_edges_from((f"team:{a}", f"team:{b}", n) for a, b, n in overlap.rows)
    return graph
