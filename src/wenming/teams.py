"""Volunteer teams (志愿服务队伍), memberships and the "1+8+N" team profile.

===================  =========================================================
record               what it is
===================  =========================================================
:class:`TeamLevel`   a word of the team-level vocabulary (总队 corps, 大队
                     brigade, 分队 squad, or a county's own): which sites its
                     teams are bound to and which of them the party secretary
                     (一把手) heads. The vocabulary is **data**: the shipped
                     :data:`DEFAULT_TEAM_LEVELS` are always known, and a
                     network's ``team_levels`` section adds or overrides.
:class:`Team`        a team: level, kind (standing, sector, town, village,
                     other), the site it is bound to, the post heading it, its
                     parent team.
:class:`Membership`  a volunteer in a team from a date to a date, with a role.
                     A volunteer may belong to many teams.
===================  =========================================================

:class:`TeamProfile` is the expected structure as data; :data:`DEFAULT_PROFILE`
is "1+8+N" — one corps at the Centre, 8 standing brigades, N ≥ 0 sector brigades,
a brigade per Institute and at least one squad per Station. :func:`check_profile`
measures a network against a profile.

Examples
--------
>>> from wenming import Centre, Division, Network
>>> net = Network()
>>> net.add_all([
...     Division(code="610924", name="紫阳县"),
...     Centre(id="zy", name="中心", division="610924"),
...     Team(id="corps", name="紫阳县志愿服务总队", level="corps", site="zy"),
... ])
>>> report = check_profile(net, as_of="2023-08-01")
>>> [row.teams for row in report.rows]
[1, 0, 0, 0, 0]
>>> print(report.issues[0])
$.sites[0]: Centre 'zy' has 0 standing brigades (常备志愿服务大队); the profile "1+8+N" expects 8
"""

from __future__ import annotations

import datetime as dt
import enum
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from wenming import _converters as conv
from wenming._fields import DateLike, as_date, check_identifier, optional_text, text, to_enum
from wenming._plain import to_plain
from wenming.errors import InvariantError, Issue, Severity, UnknownIdError, quote
from wenming.ids import MembershipId, PostId, SiteId, TeamId, TeamLevelId, VolunteerId
from wenming.people import kind_in
from wenming.section import Index, OnRemove, Ref, Section, ValidationContext, error
from wenming.sites import SiteKind

if TYPE_CHECKING:
    from wenming.network import Network

__all__ = [
    "DEFAULT_PROFILE",
    "DEFAULT_TEAM_LEVELS",
    "MEMBERSHIPS",
    "TEAMS",
    "TEAM_LEVELS",
    "Expectation",
    "MemberRole",
    "Membership",
    "ProfileReport",
    "ProfileRow",
    "Team",
    "TeamKind",
    "TeamLevel",
    "TeamProfile",
    "check_profile",
    "members",
    "team_counts",
    "team_level",
    "team_levels",
    "teams_of",
]


class TeamKind(enum.StrEnum):
    """What a team is for; the value is used in files."""

    STANDING = "standing"
    """常备志愿服务大队: one of the county's standing brigades."""
    SECTOR = "sector"
    """行业系统志愿服务大队: a sector or industry brigade (a department's, a system's)."""
    TOWN = "town"
    """A town's team, run by its Institute."""
    VILLAGE = "village"
    """A village's or community's team, run by its Station."""
    OTHER = "other"
    """Anything else (the corps itself, a school's team …)."""


class MemberRole(enum.StrEnum):
    """A member's role in a team."""

    MEMBER = "member"
    CAPTAIN = "captain"
    """队长."""
    VICE_CAPTAIN = "vice_captain"
    """副队长."""
    CONTACT = "contact"
    """联络员."""
    OTHER = "other"


# ---------------------------------------------------------------------------- converters


def _level_key(value: str) -> TeamLevelId:
    return TeamLevelId(check_identifier("id", value))


def _site_kinds(value: object) -> frozenset[SiteKind]:
    return frozenset(
        to_enum(SiteKind, "site_kinds", v) for v in conv.to_texts(value, "site_kinds")
    )


def _team_kinds(value: object) -> frozenset[TeamKind]:
    return frozenset(
        to_enum(TeamKind, "first_in_command", v) for v in conv.to_texts(value, "first_in_command")
    )


def _rank(value: object) -> int:
    if type(value) is not int or value < 1:
        raise InvariantError(f"rank must be a whole number >= 1, not {quote(value)}", field="rank")
    return value


def _team_key(value: str) -> TeamId:
    return TeamId(check_identifier("id", value))


def _team_level(value: str) -> TeamLevelId:
    return TeamLevelId(check_identifier("level", value))


def _team_kind(value: object) -> TeamKind:
    return to_enum(TeamKind, "kind", value)


def _team_site(value: str | None) -> SiteId | None:
    return conv.to_optional_ident(value, "site", SiteId)


def _team_head(value: str | None) -> PostId | None:
    return conv.to_optional_ident(value, "head", PostId)


def _team_parent(value: str | None) -> TeamId | None:
    return conv.to_optional_ident(value, "parent", TeamId)


def _established(value: object) -> dt.date | None:
    return conv.to_date(value, "established")


def _closed(value: object) -> dt.date | None:
    return conv.to_date(value, "closed")


def _membership_key(value: str) -> MembershipId:
    return MembershipId(check_identifier("id", value))


def _member_volunteer(value: str) -> VolunteerId:
    return VolunteerId(check_identifier("volunteer", value))


def _member_team(value: str) -> TeamId:
    return TeamId(check_identifier("team", value))


def _start(value: object) -> dt.date:
    return conv.to_required_date(value, "start")


def _end(value: object) -> dt.date | None:
    return conv.to_date(value, "end")


def _optional_team_kind(value: object) -> TeamKind | None:
    return None if value is None else to_enum(TeamKind, "kind", value)


def _site_kind(value: object) -> SiteKind:
    return to_enum(SiteKind, "at", value)


def _role(value: object) -> MemberRole:
    return to_enum(MemberRole, "role", value)


# ---------------------------------------------------------------------------- records


@attrs.frozen(kw_only=True)
class TeamLevel:
    """A word of the team-level vocabulary, which is data.

    Parameters
    ----------
    id : TeamLevelId
        Used by :attr:`Team.level` (``"brigade"``).
    name : str
        The Chinese name (``"大队"``).
    label : str, optional
        The English name (``"brigade"``).
    rank : int
        1 for the top level; a team's parent has a smaller rank.
    site_kinds : frozenset of SiteKind
        The sites its teams may be bound to (empty: any).
    first_in_command : frozenset of TeamKind
        Teams of this level and one of these kinds are headed by the party
        secretary post (一把手) of their site's division: the corps, a town
        brigade, a village squad.

    Examples
    --------
    >>> DEFAULT_TEAM_LEVELS["squad"].site_kinds == {SiteKind.STATION, SiteKind.INSTITUTE,
    ...                                             SiteKind.POINT}
    True
    """

    id: TeamLevelId = attrs.field(converter=_level_key)
    name: str = attrs.field(validator=text)
    label: str | None = attrs.field(default=None, validator=optional_text)
    rank: int = attrs.field(converter=_rank)
    site_kinds: frozenset[SiteKind] = attrs.field(factory=frozenset, converter=_site_kinds)
    first_in_command: frozenset[TeamKind] = attrs.field(factory=frozenset, converter=_team_kinds)

    def to_dict(self) -> dict[str, Any]:
        """Return the level as the file format writes it."""
        return to_plain(self)


DEFAULT_TEAM_LEVELS: Mapping[str, TeamLevel] = {
    level.id: level
    for level in (
        TeamLevel(
            id="corps",
            name="总队",
            label="corps",
            rank=1,
            site_kinds={SiteKind.CENTRE},
            first_in_command=set(TeamKind),
        ),
        TeamLevel(
            id="brigade",
            name="大队",
            label="brigade",
            rank=2,
            site_kinds={SiteKind.CENTRE, SiteKind.INSTITUTE},
            first_in_command={TeamKind.TOWN},
        ),
        TeamLevel(
            id="squad",
            name="分队",
            label="squad",
            rank=3,
            site_kinds={SiteKind.INSTITUTE, SiteKind.STATION, SiteKind.POINT},
            first_in_command={TeamKind.VILLAGE},
        ),
    )
}
"""The shipped team levels, always known: level id → :class:`TeamLevel`."""


@attrs.frozen(kw_only=True)
class Team:
    """A volunteer team (志愿服务队).

    Parameters
    ----------
    id : TeamId
        Unique among teams.
    name : str
        The team's name (``"蒿坪镇志愿服务大队"``).
    level : TeamLevelId
        A level of :data:`DEFAULT_TEAM_LEVELS` or of the network's ``team_levels``.
    kind : TeamKind
        Standing, sector, town, village or other (default).
    site : SiteId, optional
        The site the team is bound to (a town brigade to its Institute …).
    head : PostId, optional
        The post heading the team (the party secretary, for the corps, a town
        brigade or a village squad).
    parent : TeamId, optional
        The team it belongs to (a village squad to its town brigade).
    established, closed : datetime.date, optional
        When the team was formed and dissolved.

    Examples
    --------
    >>> Team(id="t", name="队", level="brigade", kind="sector").kind
    <TeamKind.SECTOR: 'sector'>
    """

    id: TeamId = attrs.field(converter=_team_key)
    name: str = attrs.field(validator=text)
    level: TeamLevelId = attrs.field(converter=_team_level)
    kind: TeamKind = attrs.field(default=TeamKind.OTHER, converter=_team_kind)
    site: SiteId | None = attrs.field(default=None, converter=_team_site)
    head: PostId | None = attrs.field(default=None, converter=_team_head)
    parent: TeamId | None = attrs.field(default=None, converter=_team_parent)
    established: dt.date | None = attrs.field(default=None, converter=_established)
    closed: dt.date | None = attrs.field(
        default=None, converter=_closed, validator=conv.after("established")
    )

    def exists_on(self, day: dt.date) -> bool:
        """True from ``established`` (or always) up to the day before ``closed``."""
        if self.established is not None and day < self.established:
            return False
        return self.closed is None or day < self.closed

    def to_dict(self) -> dict[str, Any]:
        """Return the team as the file format writes it."""
        return to_plain(self)


@attrs.frozen(kw_only=True)
class Membership:
    """A volunteer's membership of a team, from ``start`` up to the day before ``end``.

    Examples
    --------
    >>> m = Membership(id="m", volunteer="ZY-1", team="t", start="2023-01-01", role="captain")
    >>> m.covers(dt.date(2024, 1, 1)), m.role.value
    (True, 'captain')
    """

    id: MembershipId = attrs.field(converter=_membership_key)
    volunteer: VolunteerId = attrs.field(converter=_member_volunteer)
    team: TeamId = attrs.field(converter=_member_team)
    start: dt.date = attrs.field(converter=_start)
    end: dt.date | None = attrs.field(default=None, converter=_end, validator=conv.after("start"))
    role: MemberRole = attrs.field(default=MemberRole.MEMBER, converter=_role)

    def covers(self, day: dt.date) -> bool:
        """True if the volunteer is a member on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, other: Membership) -> bool:
        """True if the two memberships share a day."""
        return (other.end is None or self.start < other.end) and (
            self.end is None or other.start < self.end
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the membership as the file format writes it."""
        return to_plain(self)


# ---------------------------------------------------------------------------- queries


def team_levels(network: Network) -> Mapping[str, TeamLevel]:
    """Every team level a network knows: the defaults, with its own added or overriding."""
    return network.vocabulary("team_levels")


def team_level(network: Network, level: str) -> TeamLevel:
    """Return a team level (the network's own, else the shipped default).

    Raises
    ------
    UnknownIdError
        Neither the network nor the defaults know it.
    """
    found = team_levels(network).get(level)
    if found is None:
        raise UnknownIdError("team level", level)
    return found


def members(network: Network, team: Team | str, as_of: DateLike = None) -> tuple[Membership, ...]:
    """The memberships of a team in force on a day (``as_of=None``: today), by volunteer."""
    key = team.id if isinstance(team, Team) else team
    network.get("teams", key)
    day = as_date(as_of) or dt.date.today()
    table: Mapping[str, Membership] = network.table("memberships")
    keys = network._index("memberships", "by_team").get(key, ())
    found = (table[k] for k in keys)
    return tuple(sorted((m for m in found if m.covers(day)), key=attrgetter("volunteer", "id")))


def teams_of(network: Network, volunteer: str, as_of: DateLike = None) -> tuple[Team, ...]:
    """The teams a volunteer belongs to on a day (``as_of=None``: today), by id."""
    network.get("volunteers", volunteer)
    day = as_date(as_of) or dt.date.today()
    table: Mapping[str, Membership] = network.table("memberships")
    teams: Mapping[str, Team] = network.table("teams")
    keys = network._index("memberships", "by_volunteer").get(volunteer, ())
    ids = sorted({table[k].team for k in keys if table[k].covers(day)})
    return tuple(teams[t] for t in ids)


def team_counts(network: Network, as_of: DateLike = None) -> dict[str, int]:
    """Teams existing on a day (``as_of=None``: every team) per level id, top level first.

    Examples
    --------
    >>> from wenming import Network
    >>> team_counts(Network())
    {'corps': 0, 'brigade': 0, 'squad': 0}
    """
    day = as_date(as_of)
    levels = team_levels(network)
    counts = dict.fromkeys(sorted(levels, key=lambda k: (levels[k].rank, k)), 0)
    teams: Mapping[str, Team] = network.table("teams")
    for team in teams.values():
        if day is None or team.exists_on(day):
            counts[team.level] = counts.get(team.level, 0) + 1
    return counts


# ---------------------------------------------------------------------------- profile


@attrs.frozen(kw_only=True)
class Expectation:
    """One line of a team profile: so many teams of a level (and kind) at each site of a kind.

    Parameters
    ----------
    label : str
        What is expected, in words (``"standing brigades (常备志愿服务大队)"``).
    level : str
        The team level counted.
    kind : TeamKind, optional
        The team kind counted (any kind when unset).
    at : SiteKind
        Teams are counted per site of this kind (bound to it by :attr:`Team.site`).
    min, max : int
        How many each such site should have (``max=None``: no upper bound).
    """

    label: str = attrs.field(validator=text)
    level: TeamLevelId = attrs.field(converter=_team_level)
    kind: TeamKind | None = attrs.field(default=None, converter=_optional_team_kind)
    at: SiteKind = attrs.field(converter=_site_kind)
    min: int = 0
    max: int | None = None

    def expected(self) -> str:
        """``"8"``, ``"≥ 1"`` or ``"2-4"``: how many per site."""
        if self.max is None:
            return f"≥ {self.min}"
        return str(self.min) if self.min == self.max else f"{self.min}-{self.max}"

    def counts(self, team: Team) -> bool:
        """True if ``team`` is of the level and kind this line counts."""
        return team.level == self.level and (self.kind is None or team.kind is self.kind)


def _expectations(value: Iterable[Expectation]) -> tuple[Expectation, ...]:
    return tuple(value)


@attrs.frozen(kw_only=True)
class TeamProfile:
    """The team structure a county is expected to have, as data.

    Examples
    --------
    >>> DEFAULT_PROFILE.name, len(DEFAULT_PROFILE.expectations)
    ('1+8+N', 5)
    """

    name: str = attrs.field(validator=text)
    expectations: tuple[Expectation, ...] = attrs.field(converter=_expectations)


DEFAULT_PROFILE = TeamProfile(
    name="1+8+N",
    expectations=(
        Expectation(
            label="volunteer service corps (总队)", level="corps", at="centre", min=1, max=1
        ),
        Expectation(
            label="standing brigades (常备志愿服务大队)",
            level="brigade",
            kind=TeamKind.STANDING,
            at="centre",
            min=8,
            max=8,
        ),
        Expectation(
            label="sector brigades (行业系统志愿服务大队)",
            level="brigade",
            kind=TeamKind.SECTOR,
            at="centre",
            min=0,
        ),
        Expectation(
            label="town brigade (大队)",
            level="brigade",
            kind=TeamKind.TOWN,
            at="institute",
            min=1,
            max=1,
        ),
        Expectation(
            label="village squads (分队)",
            level="squad",
            kind=TeamKind.VILLAGE,
            at="station",
            min=1,
        ),
    ),
)
"""The shipped "1+8+N" profile (domain §3)."""


@attrs.frozen(kw_only=True)
class ProfileRow:
    """One expectation measured: how many sites, teams, sites short and sites over."""

    expectation: Expectation
    sites: int
    teams: int
    short: int
    over: int

    def to_dict(self) -> dict[str, Any]:
        """Plain data for notebooks and ``--json``."""
        e = self.expectation
        return {
            "label": e.label,
            "level": e.level,
            "kind": None if e.kind is None else e.kind.value,
            "at": e.at.value,
            "expected": e.expected(),
            "sites": self.sites,
            "teams": self.teams,
            "short": self.short,
            "over": self.over,
        }


@attrs.frozen(kw_only=True)
class ProfileReport:
    """What a profile expects, what exists and each shortfall (see :func:`check_profile`)."""

    profile: TeamProfile
    as_of: dt.date
    rows: tuple[ProfileRow, ...]
    issues: tuple[Issue, ...]

    @property
    def ok(self) -> bool:
        """True if the network meets the profile."""
        return not self.issues

    def to_dict(self) -> dict[str, Any]:
        """Plain data for notebooks and ``--json``."""
        return {
            "profile": self.profile.name,
            "as_of": self.as_of.isoformat(),
            "rows": [r.to_dict() for r in self.rows],
            "issues": [i.to_dict() for i in self.issues],
        }

    def __str__(self) -> str:
        head = f'team profile "{self.profile.name}" as of {self.as_of.isoformat()}'
        width = max([_width(r.expectation.label) for r in self.rows] + [8])
        lines = [
            head,
            "",
            f"{'expected':<{width}}  {'per':<9} {'each':>5} {'sites':>6} {'teams':>6} "
            f"{'short':>6} {'over':>5}",
        ]
        for r in self.rows:
            e = r.expectation
            pad = " " * (width - _width(e.label))
            lines.append(
                f"{e.label}{pad}  {e.at.label:<9} {e.expected():>5} {r.sites:>6} "
                f"{r.teams:>6} {r.short:>6} {r.over:>5}"
            )
        lines.append("")
        if not self.issues:
            lines.append("the network meets the profile")
        else:
            lines.append(f"{len(self.issues)} shortfall(s):")
            lines += [f"  {issue}" for issue in self.issues]
        return "\n".join(lines)


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def check_profile(
    network: Network, profile: TeamProfile = DEFAULT_PROFILE, as_of: DateLike = None
) -> ProfileReport:
    """Measure a network's teams against a profile on a day (``as_of=None``: today).

    For each expectation, the teams of its level and kind bound to each existing
    site of its kind are counted; a site with fewer than ``min`` or more than
    ``max`` is an :class:`~wenming.errors.Issue` (``profile-shortfall`` /
    ``profile-excess``, warnings) whose path is the site's place in the file.

    Examples
    --------
    >>> from wenming.datasets import ziyang
    >>> report = check_profile(ziyang(), as_of="2023-08-01")
    >>> report.ok, report.rows[3].sites, report.rows[3].short, report.rows[4].short
    (False, 17, 0, 105)
    """
    day = as_date(as_of) or dt.date.today()
    sites = network.records().sites
    position = {site.id: i for i, site in enumerate(sites)}
    teams: Mapping[str, Team] = network.table("teams")
    bound: dict[str, list[Team]] = {}
    for team in teams.values():
        if team.site is not None and team.exists_on(day):
            bound.setdefault(team.site, []).append(team)
    rows: list[ProfileRow] = []
    issues: list[Issue] = []
    for e in profile.expectations:
        n_sites = n_teams = short = over = 0
        for site in sites:
            if site.kind is not e.at or not network.exists(site.id, as_of=day):
                continue
            n_sites += 1
            have = sum(1 for t in bound.get(site.id, ()) if e.counts(t))
            n_teams += have
            if have < e.min or (e.max is not None and have > e.max):
                excess = have > e.min
                short += not excess
                over += excess
                issues.append(
                    Issue(
                        code="profile-excess" if excess else "profile-shortfall",
                        severity=Severity.WARNING,
                        message=(
                            f"{site.kind.label} {quote(site.id)} has {have} {e.label}; the "
                            f'profile "{profile.name}" expects {e.expected()}'
                        ),
                        subject=site.id,
                        path=f"$.sites[{position[site.id]}]",
                    )
                )
        rows.append(
            ProfileRow(expectation=e, sites=n_sites, teams=n_teams, short=short, over=over)
        )
    return ProfileReport(profile=profile, as_of=day, rows=tuple(rows), issues=tuple(issues))


# ---------------------------------------------------------------------------- validation


def level_in(ctx: ValidationContext, level: str) -> TeamLevel | None:
    """The team level as the records being validated know it (or ``None``)."""
    found = ctx.get("team_levels", level)
    return found if found is not None else DEFAULT_TEAM_LEVELS.get(level)


_KIND_SITE = {
    TeamKind.STANDING: SiteKind.CENTRE,
    TeamKind.SECTOR: SiteKind.CENTRE,
    TeamKind.TOWN: SiteKind.INSTITUTE,
    TeamKind.VILLAGE: SiteKind.STATION,
}
_SECRETARY_SITES = {
    SiteKind.CENTRE: "county",
    SiteKind.INSTITUTE: "town",
    SiteKind.STATION: "village",
}


def _rule_team_site(ctx: ValidationContext) -> Iterator[Issue]:
    """A team is bound to a site of a kind its level and its kind allow."""
    get_site = ctx.by_key("sites").get
    for i, team in enumerate(ctx.records.of("teams")):
        if team.site is None:
            continue
        site = get_site(team.site)
        level = level_in(ctx, team.level)
        if site is None or level is None:
            continue
        allowed = level.site_kinds
        wanted = _KIND_SITE.get(team.kind)
        if allowed and site.kind not in allowed:
            kinds = " or ".join(sorted(k.label for k in allowed))
            why = f"a {level.label or level.name} is bound to a {kinds}"
        elif wanted is not None and site.kind is not wanted:
            why = f"a {team.kind.value} team is bound to a {wanted.label}"
        else:
            continue
        yield error(
            "team-site-level",
            f"team {quote(team.id)} is bound to {site.kind.label} {quote(site.id)}; {why}",
            team.id,
            ctx.path("teams", i, "site"),
        )


def _rule_team_head(ctx: ValidationContext) -> Iterator[Issue]:
    """一把手: the corps / a town brigade / a village squad is headed by its secretary post."""
    get_site = ctx.by_key("sites").get
    for i, team in enumerate(ctx.records.of("teams")):
        level = level_in(ctx, team.level)
        site = None if team.site is None else get_site(team.site)
        if level is None or site is None or team.kind not in level.first_in_command:
            continue
        where = _SECRETARY_SITES.get(site.kind)
        if where is None:
            continue
        name = level.label or level.name
        if team.head is None:
            yield Issue(
                code="team-head-missing",
                severity=Severity.WARNING,
                message=(
                    f"{team.kind.value} {name} {quote(team.id)} has no head; it is headed by "
                    f"the party secretary (一把手) of its {where}"
                ),
                subject=team.id,
                path=ctx.path("teams", i, "head"),
            )
            continue
        post = ctx.get("posts", team.head)
        if post is None:
            continue  # unknown-team-head, from the generic rule
        kind = kind_in(ctx, post.kind)
        if kind is None or not kind.first_in_command or post.division != site.division:
            shown = post.kind if kind is None else (kind.label or kind.name)
            yield error(
                "team-head-not-first-in-command",
                f"{team.kind.value} {name} {quote(team.id)} is headed by post "
                f"{quote(post.id)}, a {shown} at {post.division.short}; its head (一把手) is "
                f"the party secretary of its {where} {site.division.short}",
                team.id,
                ctx.path("teams", i, "head"),
            )


def _rule_membership_registration(ctx: ValidationContext) -> Iterator[Issue]:
    """A membership starts on or after the volunteer registered."""
    get_volunteer = ctx.by_key("volunteers").get
    for i, m in enumerate(ctx.records.of("memberships")):
        v = get_volunteer(m.volunteer)
        if v is not None and m.start < v.registered:
            yield error(
                "membership-before-registration",
                f"membership {quote(m.id)} of volunteer {quote(v.id)} in team "
                f"{quote(m.team)} starts {m.start}, before the volunteer registered "
                f"({v.registered})",
                m.id,
                ctx.path("memberships", i, "start"),
            )


def _rule_membership_overlap(ctx: ValidationContext) -> Iterator[Issue]:
    """A volunteer is in a team once at a time."""
    groups: dict[tuple[str, str], list[tuple[int, Membership]]] = {}
    for i, m in enumerate(ctx.records.of("memberships")):
        groups.setdefault((m.volunteer, m.team), []).append((i, m))
    for (volunteer, team), items in groups.items():
        if len(items) < 2:
            continue
        items.sort(key=lambda it: (it[1].start, it[0]))
        j, latest = items[0]
        for i, m in items[1:]:
            if m.overlaps(latest):
                yield error(
                    "membership-overlap",
                    f"volunteer {quote(volunteer)} is in team {quote(team)} twice on "
                    f"{m.start}: memberships {quote(latest.id)} ({ctx.path('memberships', j)}) "
                    f"and {quote(m.id)}",
                    m.id,
                    ctx.path("memberships", i, "start"),
                )
            if latest.end is not None and (m.end is None or m.end > latest.end):
                j, latest = i, m


# ---------------------------------------------------------------------------- sections


def _parse_level(value: Any) -> TeamLevelId:
    return TeamLevelId(check_identifier("id", value))


def _parse_team(value: Any) -> TeamId:
    return TeamId(check_identifier("id", value))


def _parse_membership(value: Any) -> MembershipId:
    return MembershipId(check_identifier("id", value))


def _team_exists(team: Team, day: dt.date) -> bool:
    return team.exists_on(day)


TEAM_LEVELS: Section[TeamLevelId, TeamLevel] = Section(
    name="team_levels",
    noun="team level",
    types=(TeamLevel,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_level,
    order=attrgetter("rank", "id"),
    defaults=DEFAULT_TEAM_LEVELS,
    repr_empty=False,
)
"""The ``team_levels`` section: a network's own levels (beside :data:`DEFAULT_TEAM_LEVELS`)."""

TEAMS: Section[TeamId, Team] = Section(
    name="teams",
    noun="team",
    types=(Team,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_team,
    order=attrgetter("id"),
    refs=(
        Ref(
            field="level",
            target="team_levels",
            code="unknown-team-level",
            index="by_level",
        ),
        Ref(field="site", target="sites", code="unknown-team-site", index="by_site"),
        Ref(
            field="head",
            target="posts",
            code="unknown-team-head",
            on_remove=OnRemove.DETACH,
            index="by_head",
        ),
        Ref(
            field="parent",
            target="teams",
            code="unknown-parent-team",
            on_remove=OnRemove.DETACH,
            index="sub_teams",
        ),
    ),
    indexes=(
        Index(name="by_level", key=attrgetter("level")),
        Index(name="by_site", key=attrgetter("site")),
        Index(name="by_head", key=attrgetter("head")),
        Index(name="sub_teams", key=attrgetter("parent")),
    ),
    rules=(
        ("team-site-level", _rule_team_site),
        ("team-head", _rule_team_head),
    ),
    exists_on=_team_exists,
    repr_empty=False,
)
"""The ``teams`` section: volunteer teams bound to sites."""

MEMBERSHIPS: Section[MembershipId, Membership] = Section(
    name="memberships",
    noun="membership",
    types=(Membership,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_membership,
    order=attrgetter("team", "volunteer", "start", "id"),
    refs=(
        Ref(
            field="volunteer",
            target="volunteers",
            code="unknown-member-volunteer",
            index="by_volunteer",
        ),
        Ref(field="team", target="teams", code="unknown-member-team", index="by_team"),
    ),
    indexes=(
        Index(name="by_volunteer", key=attrgetter("volunteer")),
        Index(name="by_team", key=attrgetter("team")),
    ),
    rules=(
        ("membership-before-registration", _rule_membership_registration),
        ("membership-overlap", _rule_membership_overlap),
    ),
    repr_empty=False,
)
"""The ``memberships`` section: which volunteer is in which team, when."""
