"""The layers of the later families: teams, volunteers and activities.

They live here, in the graph package, because only this package imports
networkx (design §1); they read the families' records through the network's
public tables and the records' own fields and methods. None of them is in the
default selection: ask for them by name (``layers=["sites", "teams"]``). The
volunteers layer in particular is personal data: opt in to it.

======================  ==========================  ==============================
relation                from → to                   layer(s)
======================  ==========================  ==============================
``hosted-by``           team → site                 teams (+ sites)
``parent-of``           team → team                 teams
``heads``               post → team                 teams + responsibility
``member-of``           volunteer → team            volunteers + teams
``hosted-by``           activity → site             activities (+ sites)
``organised-by``        activity → team             activities + teams
``took-part-in``        volunteer → activity        volunteers + activities
======================  ==========================  ==============================

What never goes in: the volunteers' ID numbers and phones (fields marked
:data:`wenming._plain.SENSITIVE`), their birth dates, notes and other fields
named in :data:`wenming._flat.PRIVATE_FIELDS` (see
:func:`wenming._flat.flat_attributes`), consents, and an activity's free-text
``description``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from wenming.activities import Activity
from wenming.graph._core import Attributes, EdgeTuple, GraphContext, Layer, register_layer
from wenming.graph._layers import HEADS, PARENT_OF  # registered first: the built-ins lead
from wenming.teams import Membership, Team
from wenming.volunteers import Volunteer

__all__ = [
    "HOSTED_BY",
    "MEMBER_OF",
    "ORGANISED_BY",
    "TOOK_PART_IN",
]

HOSTED_BY = "hosted-by"
MEMBER_OF = "member-of"
ORGANISED_BY = "organised-by"
TOOK_PART_IN = "took-part-in"


def _site_key(ctx: GraphContext, site: str) -> str:
    return ctx.site_keys().get(site) or f"site:{site}"


# ---------------------------------------------------------------------------- teams


def _teams(ctx: GraphContext) -> list[Team]:
    table: Mapping[Any, Team] = ctx.network.table("teams")
    if ctx.as_of is None:
        return list(table.values())
    day = ctx.as_of
    return [t for t in table.values() if t.exists_on(day)]


def _team_nodes(ctx: GraphContext) -> None:
    ctx.add_records("team", _teams(ctx), lambda t: str(t.id))


def _team_edges(ctx: GraphContext) -> None:
    teams = _teams(ctx)
    ctx.add_edges(
        (f"team:{t.id}", _site_key(ctx, t.site), HOSTED_BY, {"relation": HOSTED_BY})
        for t in teams
        if t.site is not None
    )
    ctx.add_edges(
        (f"team:{t.parent}", f"team:{t.id}", PARENT_OF, {"relation": PARENT_OF})
        for t in teams
        if t.parent is not None
    )
    if ctx.has("responsibility"):
        ctx.add_edges(
            (f"post:{t.head}", f"team:{t.id}", HEADS, {"relation": HEADS})
            for t in teams
            if t.head is not None
        )


register_layer(
    Layer(
        name="teams",
        nodes=_team_nodes,
        edges=_team_edges,
        description="volunteer teams; hosted-by their site, parent-of sub-teams, heads from posts",
        default=False,
    )
)


# ---------------------------------------------------------------------------- volunteers


def _volunteers(ctx: GraphContext) -> list[Volunteer]:
    table: Mapping[Any, Volunteer] = ctx.network.table("volunteers")
    if ctx.as_of is None:
        return list(table.values())
    day = ctx.as_of
    return [v for v in table.values() if v.registered_on(day)]


def _volunteer_nodes(ctx: GraphContext) -> None:
    # flat_attributes leaves out id_number and phone (SENSITIVE) and birth_date
    # (PRIVATE_FIELDS); nothing else a volunteer holds is contact data.
    ctx.add_records("volunteer", _volunteers(ctx), lambda v: str(v.id))


def _volunteer_edges(ctx: GraphContext) -> None:
    table: Mapping[Any, Membership] = ctx.network.table("memberships")
    day = ctx.as_of

    def member_of() -> Iterator[EdgeTuple]:
        for m in table.values():
            if day is not None and not m.covers(day):
                continue
            data: Attributes = {
                "relation": MEMBER_OF,
                "membership": str(m.id),
                "role": m.role.value,
                "since": m.start.isoformat(),
            }
            if m.end is not None:
                data["until"] = m.end.isoformat()
            yield f"volunteer:{m.volunteer}", f"team:{m.team}", f"{MEMBER_OF}:{m.id}", data

    ctx.add_edges(member_of())


register_layer(
    Layer(
        name="volunteers",
        nodes=_volunteer_nodes,
        edges=_volunteer_edges,
        description=(
            "registered volunteers (no ID numbers, phones or birth dates); member-of their teams"
        ),
        default=False,
    )
)


# ---------------------------------------------------------------------------- activities


def _activities(ctx: GraphContext) -> list[Activity]:
    table: Mapping[Any, Activity] = ctx.network.table("activities")
    if ctx.as_of is None:
        return list(table.values())
    day = ctx.as_of
    return [a for a in table.values() if a.day <= day]


def _activity_extra(activity: Activity) -> Attributes:
    return {"label": activity.title, "participants": len(activity.participants)}


def _activity_nodes(ctx: GraphContext) -> None:
    ctx.add_records(
        "activity",
        _activities(ctx),
        lambda a: str(a.id),
        exclude=("participants", "teams", "description"),
        extra=_activity_extra,
    )


def _activity_edges(ctx: GraphContext) -> None:
    activities = _activities(ctx)
    ctx.add_edges(
        (f"activity:{a.id}", _site_key(ctx, a.site), HOSTED_BY, {"relation": HOSTED_BY})
        for a in activities
    )
    ctx.add_edges(
        (f"activity:{a.id}", f"team:{t}", ORGANISED_BY, {"relation": ORGANISED_BY})
        for a in activities
        for t in sorted(a.teams)
    )

    def took_part() -> Iterator[EdgeTuple]:
        for a in activities:
            for p in a.participants:
                data: Attributes = {"relation": TOOK_PART_IN}
                if p.record is not None:
                    data["record"] = str(p.record)
                yield f"volunteer:{p.volunteer}", f"activity:{a.id}", TOOK_PART_IN, data

    if ctx.has("volunteers"):
        ctx.add_edges(took_part())


register_layer(
    Layer(
        name="activities",
        nodes=_activity_nodes,
        edges=_activity_edges,
        description=(
            "activities (begun by as_of); hosted-by their site, organised-by teams, "
            "took-part-in from volunteers"
        ),
        default=False,
    )
)
