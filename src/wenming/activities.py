"""Activities (活动), brand projects (品牌项目) and typical experiences (典型经验).

======================  ======================================================
record                  what it is
======================  ======================================================
:class:`Activity`       one event a site hosted: when, organisers (departments
                        and teams — "one event, many departments"), its
                        categories, service themes and formats (codes of the
                        network's :mod:`taxonomy <wenming.taxonomy>`), services
                        delivered, the volunteers who took part, each with the
                        service record it produced, beneficiaries, whether it is
                        risky, and the brand project it belongs to.
:class:`Participant`    one volunteer's part in an activity, with the
                        :class:`~wenming.service.ServiceRecord` it produced.
:class:`BrandProject`   a named project grouping recurring activities, owned by
                        a site or a team.
:class:`Experience`     a written-up practice: title, site, date, summary.
======================  ======================================================

Validation checks every code against the taxonomy the network uses (an unknown
one names the nearest), that each participant is a registered volunteer on the
activity's day and that their service record is theirs and this activity's, and,
for a risky activity, that every participant is insured on that day.

Examples
--------
>>> from wenming import Centre, Division, Institute, Network, validate
>>> net = Network()
>>> net.add_all([
...     Division(code="610924", name="紫阳县"),
...     Division(code="610924101", name="蒿坪镇"),
...     Centre(id="zy", name="中心", division="610924"),
...     Institute(id="zy-101", name="蒿坪镇实践所", division="610924101", parent="zy"),
...     BrandProject(id="p-doctor", name="健康进万家", site="zy-101", categories=["health"]),
...     Activity(id="a1", title="义诊进社区", start="2023-08-05", site="zy-101",
...              departments=["县卫健局", "县妇联"], categories=["health", "elderly_frail"],
...              formats=["free_clinic"], project="p-doctor", beneficiaries=120),
... ])
>>> validate(net)
()
>>> [a.id for a in activities_of_project(net, "p-doctor")]
['a1']
>>> Activity(id="a2", title="x", start="2023-08-05", end="2023-08-04", site="zy-101")
Traceback (most recent call last):
...
wenming.errors.InvariantError: end 2023-08-04 comes before start 2023-08-05
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from wenming._converters import flag
from wenming._fields import check_identifier, optional_date, optional_text, text, to_frozenset
from wenming._plain import to_plain
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import InvariantError, Issue, quote
from wenming.ids import (
    ActivityId,
    BrandProjectId,
    ExperienceId,
    ServiceRecordId,
    SiteId,
    TeamId,
    VenueId,
    VolunteerId,
)
from wenming.section import Index, OnRemove, Ref, Section, ValidationContext, error
from wenming.tables import Table
from wenming.taxonomy import FACETS, context_taxonomy

if TYPE_CHECKING:
    from wenming.network import Network

__all__ = [
    "ACTIVITIES",
    "BRAND_PROJECTS",
    "EXPERIENCES",
    "INSURANCE_SECTION",
    "Activity",
    "BrandProject",
    "Experience",
    "Participant",
    "When",
    "activities_of_project",
    "projects_by_town",
    "town_of",
]

When: TypeAlias = dt.date | dt.datetime
"""An activity's start or end: a day, or a day and a time."""

INSURANCE_SECTION = "insurance"
"""The section whose records say a volunteer is insured (``volunteer``, ``covers(day)``).

No section of that name is declared yet: until one is, the risky-activity rule
has nothing to check against and stays silent.
"""


# ---------------------------------------------------------------------------- converters


def _when(name: str, value: object) -> dt.date | dt.datetime:
    if type(value) is dt.date or type(value) is dt.datetime:
        return value
    if isinstance(value, str):
        raw = value.strip()
        try:
            if len(raw) == 10:
                return dt.date.fromisoformat(raw)
            return dt.datetime.fromisoformat(raw)
        except ValueError:
            raise InvariantError(
                f"{name} {quote(value)} is not a date or a date and time; expected "
                "YYYY-MM-DD or YYYY-MM-DDTHH:MM",
                field=name,
                value=value,
            ) from None
    if isinstance(value, dt.datetime):  # a subclass (a pandas Timestamp)
        return dt.datetime.fromisoformat(value.isoformat())
    raise InvariantError(
        f"{name} must be a date or a date and time, not {type(value).__name__}",
        field=name,
        value=value,
    )


def _start(value: object) -> dt.date | dt.datetime:
    return _when("start", value)


def _end(value: object) -> dt.date | dt.datetime | None:
    return None if value is None else _when("end", value)


def _as_moment(value: dt.date | dt.datetime) -> dt.datetime:
    if type(value) is dt.date:
        return dt.datetime(value.year, value.month, value.day)
    return value  # type: ignore[return-value]


def _not_before_start(instance: Activity, attribute: Any, value: dt.date | None) -> None:
    if value is None:
        return
    start = instance.start
    try:
        before = _as_moment(value) < _as_moment(start)
    except TypeError:
        raise InvariantError(
            "start and end must both have a time zone or both have none", field="end"
        ) from None
    if before:
        raise InvariantError(
            f"end {value.isoformat()} comes before start {start.isoformat()}",
            field="end",
            value=value,
        )


def _ident(name: str, kind: Any) -> Any:
    def convert(value: object) -> Any:
        return kind(check_identifier(name, value))

    return convert


_EMPTY: frozenset[Any] = frozenset()
_INTERNED: dict[frozenset[str], frozenset[str]] = {}
_INTERN_LIMIT = 100_000


def _shared(value: frozenset[Any]) -> frozenset[Any]:
    """One object for equal small sets: millions of activities share a few code sets."""
    if not value:
        return _EMPTY
    found = _INTERNED.get(value)
    if found is not None:
        return found
    if len(_INTERNED) < _INTERN_LIMIT:
        _INTERNED[value] = value
    return value


def _codes(name: str) -> Any:
    def item(value: object) -> str:
        return check_identifier(name, value)

    def convert(value: object) -> frozenset[str]:
        return _shared(to_frozenset(item, name, value))

    return convert


def _texts(name: str) -> Any:
    def item(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise InvariantError(
                f"{name} must hold non-blank text, not {quote(value)}", field=name, value=value
            )
        return check_identifier(name, value.strip())

    def convert(value: object) -> frozenset[str]:
        found = to_frozenset(item, name, value)
        return found if found else _EMPTY

    return convert


# Named converters (the attrs mypy plugin wants plain functions).
def _activity_key(value: object) -> ActivityId:
    return ActivityId(check_identifier("id", value))


def _host(value: object) -> SiteId:
    return SiteId(check_identifier("site", value))


def _departments(value: object) -> frozenset[str]:
    return _texts("departments")(value)  # type: ignore[no-any-return]


def _services(value: object) -> frozenset[str]:
    return _texts("services")(value)  # type: ignore[no-any-return]


def _categories(value: object) -> frozenset[str]:
    return _codes("categories")(value)  # type: ignore[no-any-return]


def _themes(value: object) -> frozenset[str]:
    return _codes("themes")(value)  # type: ignore[no-any-return]


def _formats(value: object) -> frozenset[str]:
    return _codes("formats")(value)  # type: ignore[no-any-return]


def _venue(value: object) -> VenueId | None:
    return None if value is None else VenueId(check_identifier("venue", value))


def _project(value: object) -> BrandProjectId | None:
    return None if value is None else BrandProjectId(check_identifier("project", value))


def _participant_volunteer(value: object) -> VolunteerId:
    return VolunteerId(check_identifier("volunteer", value))


def _participant_record(value: object) -> ServiceRecordId | None:
    return None if value is None else ServiceRecordId(check_identifier("record", value))


def _teams(value: object) -> frozenset[TeamId]:
    return _shared(to_frozenset(_ident("teams", TeamId), "teams", value))


def _count(value: object) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise InvariantError(
            f"beneficiaries must be a whole number of at least 0, not {quote(value)}",
            field="beneficiaries",
            value=value,
        )
    return value


# ---------------------------------------------------------------------------- records


@attrs.frozen(kw_only=True)
class Participant:
    """One volunteer's part in an activity.

    Parameters
    ----------
    volunteer : VolunteerId
        The volunteer (registered on the activity's day: checked by ``validate``).
    record : ServiceRecordId, optional
        The service record the participation produced (its hours count for
        the activity); ``None`` until it is recorded.
    """

    volunteer: VolunteerId = attrs.field(converter=_participant_volunteer)
    record: ServiceRecordId | None = attrs.field(default=None, converter=_participant_record)

    def to_dict(self) -> dict[str, Any]:
        """Return the participant as the file format writes it."""
        return to_plain(self)


def _participant(value: object) -> Participant:
    if isinstance(value, Participant):
        return value
    if isinstance(value, str):
        return Participant(volunteer=value)
    if isinstance(value, Mapping):
        unknown = sorted(set(value) - {"volunteer", "record"})
        if unknown:
            raise InvariantError(
                f"unknown keys in a participant: {', '.join(map(quote, unknown))} "
                "(expected volunteer, record)",
                field="participants",
            )
        if "volunteer" not in value:
            raise InvariantError("a participant needs a volunteer", field="participants")
        return Participant(**value)
    raise InvariantError(
        f"participants must hold participants, not {type(value).__name__}",
        field="participants",
        value=value,
    )


def _participants(value: object) -> tuple[Participant, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvariantError(
            f"participants must be a list, not {type(value).__name__}", field="participants"
        )
    out = tuple(map(_participant, value))
    seen: set[str] = set()
    for p in out:
        if p.volunteer in seen:
            raise InvariantError(
                f"volunteer {quote(p.volunteer)} is listed twice among the participants",
                field="participants",
                value=p.volunteer,
            )
        seen.add(p.volunteer)
    return tuple(sorted(out, key=attrgetter("volunteer")))


@attrs.frozen(kw_only=True)
class Activity:
    """One event a site hosted (see the module docs).

    Parameters
    ----------
    id : ActivityId
        Unique among activities.
    title : str
        Its name (``"义诊进社区"``).
    start : datetime.date or datetime.datetime
        When it began: a day (``"2023-08-05"``) or a day and time (``"2023-08-05T09:00"``).
    end : datetime.date or datetime.datetime, optional
        When it ended (not before ``start``); ``None`` for a single-day event.
    site : SiteId
        The host site.
    departments : frozenset of str
        The organising departments and units, as text (``"县卫健局"``).
    teams : frozenset of TeamId
        The organising volunteer teams.
    categories, themes, formats : frozenset of str
        Codes of the network's taxonomy, under ``content``, ``theme`` and
        ``format`` (checked by ``validate``).
    services : frozenset of str
        The services delivered, as text (``"免费量血压"``).
    venue : VenueId, optional
        The shared venue it used.
    place : str, optional
        Where, as text, when not a registered venue.
    participants : tuple of Participant
        The volunteers who took part (a list of ids or of
        ``{"volunteer", "record"}`` objects), kept in volunteer order.
    beneficiaries : int, optional
        How many people it served.
    risky : bool
        A risky activity: every participant must be insured on the day.
    project : BrandProjectId, optional
        The brand project it belongs to.
    description : str, optional
        Free text (kept out of the repr).
    """

    id: ActivityId = attrs.field(converter=_activity_key)
    title: str = attrs.field(validator=text)
    start: When = attrs.field(converter=_start)
    end: When | None = attrs.field(default=None, converter=_end, validator=_not_before_start)
    site: SiteId = attrs.field(converter=_host)
    departments: frozenset[str] = attrs.field(factory=frozenset, converter=_departments)
    teams: frozenset[TeamId] = attrs.field(factory=frozenset, converter=_teams)
    categories: frozenset[str] = attrs.field(factory=frozenset, converter=_categories)
    themes: frozenset[str] = attrs.field(factory=frozenset, converter=_themes)
    formats: frozenset[str] = attrs.field(factory=frozenset, converter=_formats)
    services: frozenset[str] = attrs.field(factory=frozenset, converter=_services)
    venue: VenueId | None = attrs.field(default=None, converter=_venue)
    place: str | None = attrs.field(default=None, validator=optional_text)
    participants: tuple[Participant, ...] = attrs.field(
        default=(), converter=_participants, repr=False
    )
    beneficiaries: int | None = attrs.field(default=None, converter=_count)
    risky: bool = attrs.field(default=False, validator=flag)
    project: BrandProjectId | None = attrs.field(default=None, converter=_project)
    description: str | None = attrs.field(default=None, validator=optional_text, repr=False)

    @property
    def day(self) -> dt.date:
        """The day it began."""
        start = self.start
        return start.date() if isinstance(start, dt.datetime) else start

    @property
    def last_day(self) -> dt.date:
        """The day it ended (its first day when it has no ``end``)."""
        end = self.end
        if end is None:
            return self.day
        return end.date() if isinstance(end, dt.datetime) else end

    def days(self) -> Iterator[dt.date]:
        """Every day it ran, first to last."""
        day, last = self.day, self.last_day
        while day <= last:
            yield day
            day += dt.timedelta(days=1)

    @property
    def volunteers(self) -> frozenset[VolunteerId]:
        """The participating volunteers."""
        return frozenset(p.volunteer for p in self.participants)

    def to_dict(self) -> dict[str, Any]:
        """Return the activity as the file format writes it."""
        return to_plain(self)


def _project_key(value: object) -> BrandProjectId:
    return BrandProjectId(check_identifier("id", value))


def _owner_site(value: object) -> SiteId | None:
    return None if value is None else SiteId(check_identifier("site", value))


def _project_categories(value: object) -> frozenset[str]:
    return _codes("categories")(value)  # type: ignore[no-any-return]


def _owner_team(value: object) -> TeamId | None:
    return None if value is None else TeamId(check_identifier("team", value))


def _started(value: object) -> dt.date | None:
    if value is None or type(value) is dt.date:
        return value
    if isinstance(value, str):
        return _as_day("started", value)
    raise InvariantError(
        f"started must be a date, not {type(value).__name__}", field="started", value=value
    )


def _as_day(name: str, value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise InvariantError(
            f"{name} {quote(value)} is not a date; expected YYYY-MM-DD", field=name, value=value
        ) from None


def _owned(instance: BrandProject, attribute: Any, value: object) -> None:
    if instance.site is None and value is None:
        raise InvariantError(
            "a brand project is owned by a site or a team: give one", field="site"
        )


@attrs.frozen(kw_only=True)
class BrandProject:
    """A brand project (品牌项目): a name that groups recurring activities.

    Parameters
    ----------
    id : BrandProjectId
        Unique among projects.
    name : str
        Its name (``"知心姐姐工作室"``).
    site : SiteId, optional
        The site that owns it.
    team : TeamId, optional
        The team that owns it (one of ``site`` and ``team`` is required).
    categories : frozenset of str
        Content codes of the taxonomy.
    started : datetime.date, optional
        When it began.
    description : str, optional
        What it does.

    Examples
    --------
    >>> BrandProject(id="p", name="搭把手")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: a brand project is owned by a site or a team: give one
    """

    id: BrandProjectId = attrs.field(converter=_project_key)
    name: str = attrs.field(validator=text)
    site: SiteId | None = attrs.field(default=None, converter=_owner_site)
    team: TeamId | None = attrs.field(default=None, converter=_owner_team, validator=_owned)
    categories: frozenset[str] = attrs.field(factory=frozenset, converter=_project_categories)
    started: dt.date | None = attrs.field(
        default=None, converter=_started, validator=optional_date
    )
    description: str | None = attrs.field(default=None, validator=optional_text, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """Return the project as the file format writes it."""
        return to_plain(self)


def _experience_key(value: object) -> ExperienceId:
    return ExperienceId(check_identifier("id", value))


def _experience_site(value: object) -> SiteId:
    return SiteId(check_identifier("site", value))


def _experience_project(value: object) -> BrandProjectId | None:
    return None if value is None else BrandProjectId(check_identifier("project", value))


def _experience_date(value: object) -> dt.date:
    if type(value) is dt.date:
        return value
    if isinstance(value, str):
        return _as_day("date", value)
    raise InvariantError(
        f"date must be a date, not {type(value).__name__}", field="date", value=value
    )


@attrs.frozen(kw_only=True)
class Experience:
    """A typical experience (典型经验): a written-up practice.

    Parameters
    ----------
    id : ExperienceId
        Unique among experiences.
    title : str
        Its title.
    site : SiteId
        The site whose practice it describes.
    date : datetime.date
        When it was written up (or published).
    summary : str
        What the practice is.
    project : BrandProjectId, optional
        The brand project it grew from.
    """

    id: ExperienceId = attrs.field(converter=_experience_key)
    title: str = attrs.field(validator=text)
    site: SiteId = attrs.field(converter=_experience_site)
    date: dt.date = attrs.field(converter=_experience_date)
    summary: str = attrs.field(validator=text, repr=False)
    project: BrandProjectId | None = attrs.field(default=None, converter=_experience_project)

    def to_dict(self) -> dict[str, Any]:
        """Return the experience as the file format writes it."""
        return to_plain(self)


# ---------------------------------------------------------------------------- queries


def town_of(site_division: DivisionCode) -> DivisionCode | None:
    """The town (township, street) a division lies in; ``None`` above town level.

    Examples
    --------
    >>> town_of(DivisionCode("610924101002")).short, town_of(DivisionCode("610924"))
    ('610924101', None)
    """
    if site_division.level < DivisionLevel.TOWN:
        return None
    return DivisionCode(site_division[:9])


def site_towns(network: Network) -> dict[str, DivisionCode | None]:
    """Site id → the town its division lies in (``None`` for a county-level site)."""
    memo: dict[str, DivisionCode | None] = {}
    out: dict[str, DivisionCode | None] = {}
    sites: Mapping[str, Any] = network.table("sites")
    for site_id, site in sites.items():
        division = site.division
        if division in memo:
            out[site_id] = memo[division]
        else:
            out[site_id] = memo[division] = town_of(division)
    return out


def activities_of_project(network: Network, project: BrandProject | str) -> tuple[Activity, ...]:
    """The activities of a brand project, by start and id.

    Raises
    ------
    UnknownIdError
        The network holds no such project.
    """
    key = project.id if isinstance(project, BrandProject) else project
    network.get("brand_projects", key)
    table: Mapping[str, Activity] = network.table("activities")
    keys = network._index("activities", "by_project").get(key, ())
    return tuple(sorted((table[k] for k in keys), key=lambda a: (a.day, a.id)))


def projects_by_town(network: Network) -> Table:
    """Per town: its brand projects (owned by a site in it, or by a team of such a site).

    Projects owned above town level (the county Centre, a county team) are
    listed under town ``None``.
    """
    towns = site_towns(network)
    teams: Mapping[str, Any] = network.table("teams")
    divisions: Mapping[str, Any] = network.table("divisions")
    activities = network._index("activities", "by_project")
    projects: Mapping[str, BrandProject] = network.table("brand_projects")
    groups: dict[Any, list[BrandProject]] = {}
    for project in projects.values():
        site = project.site
        if site is None and project.team is not None:
            site = getattr(teams.get(project.team), "site", None)
        town = towns.get(site) if site is not None else None
        groups.setdefault(town, []).append(project)
    rows = []
    for town, owned in sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or "")):
        name = getattr(divisions.get(town), "name", None) if town is not None else None
        for p in sorted(owned, key=attrgetter("id")):
            rows.append(
                (
                    None if town is None else town.short,
                    name,
                    p.id,
                    p.name,
                    len(activities.get(p.id, ())),
                )
            )
    return Table(
        title="brand projects per town",
        columns=("town", "town_name", "project", "name", "activities"),
        rows=rows,
    )


# ---------------------------------------------------------------------------- validation


def _rule_codes(section: str) -> Any:
    def rule(ctx: ValidationContext) -> Iterator[Issue]:
        records = ctx.records.of(section)
        if not records:
            return
        taxonomy = context_taxonomy(ctx)
        if taxonomy is None:
            return  # unknown-taxonomy says why
        noun = "activity" if section == "activities" else "brand project"
        for i, record in enumerate(records):
            for field, root in FACETS.items():
                codes = getattr(record, field, None)
                if not codes:
                    continue
                for code in sorted(codes):
                    try:
                        taxonomy.check(code, under=root)
                    except LookupError as exc:
                        yield error(
                            "unknown-category",
                            f"{noun} {quote(record.id)}: {field}: {exc}",
                            record.id,
                            ctx.path(section, i, field),
                        )

    return rule


def _rule_participants(ctx: ValidationContext) -> Iterator[Issue]:
    activities = ctx.records.of("activities")
    if not activities:
        return
    sections = ctx.records.sections
    volunteers = ctx.by_key("volunteers") if "volunteers" in sections else {}
    records = ctx.by_key("service_records") if "service_records" in sections else {}
    for i, activity in enumerate(activities):
        day = activity.day
        for j, p in enumerate(activity.participants):
            path = ctx.path("activities", i, f"participants[{j}]")
            volunteer = volunteers.get(p.volunteer)
            if volunteer is None:
                yield error(
                    "participant-not-volunteer",
                    f"activity {quote(activity.id)}: participant {quote(p.volunteer)} is not "
                    "a registered volunteer",
                    activity.id,
                    path + ".volunteer",
                )
            elif not volunteer.registered_on(day):
                yield error(
                    "participant-not-volunteer",
                    f"activity {quote(activity.id)}: participant {quote(p.volunteer)} is not "
                    f"a registered volunteer on {day} (registered {volunteer.registered})",
                    activity.id,
                    path + ".volunteer",
                )
            if p.record is None:
                continue
            record = records.get(p.record)
            if record is None:
                yield error(
                    "unknown-participant-record",
                    f"activity {quote(activity.id)}: participant {quote(p.volunteer)}'s "
                    f"service record {quote(p.record)} does not exist",
                    activity.id,
                    path + ".record",
                )
            elif record.volunteer != p.volunteer or record.activity not in (
                activity.id,
                activity.title,
            ):
                yield error(
                    "participant-record-mismatch",
                    f"activity {quote(activity.id)}: service record {quote(p.record)} is "
                    f"volunteer {quote(record.volunteer)}'s record of activity "
                    f"{quote(record.activity)}, not participant {quote(p.volunteer)}'s of "
                    "this one",
                    activity.id,
                    path + ".record",
                )


def _rule_insurance(ctx: ValidationContext) -> Iterator[Issue]:
    """Risky activities: every participant insured on every day of the activity."""
    if INSURANCE_SECTION not in ctx.records.sections:
        return  # no insurance records are declared yet: nothing to check against
    policies: dict[str, list[Any]] = {}
    for policy in ctx.records.of(INSURANCE_SECTION):
        policies.setdefault(policy.volunteer, []).append(policy)
    for i, activity in enumerate(ctx.records.of("activities")):
        if not activity.risky:
            continue
        for j, p in enumerate(activity.participants):
            held = policies.get(p.volunteer, ())
            gap = next((d for d in activity.days() if not any(x.covers(d) for x in held)), None)
            if gap is not None:
                yield error(
                    "risky-uninsured",
                    f"activity {quote(activity.id)} is risky, and participant "
                    f"{quote(p.volunteer)} is not insured on {gap}",
                    activity.id,
                    ctx.path("activities", i, f"participants[{j}].volunteer"),
                )


def _parse(kind: Any) -> Any:
    return lambda value: kind(check_identifier("id", value))


def _participant_volunteers(activity: Activity) -> frozenset[str]:
    return frozenset(p.volunteer for p in activity.participants)


def _participant_records(activity: Activity) -> frozenset[str]:
    return frozenset(p.record for p in activity.participants if p.record is not None)


def _activity_order(activity: Activity) -> tuple[dt.date, str]:
    return (activity.day, activity.id)


BRAND_PROJECTS: Section[BrandProjectId, BrandProject] = Section(
    name="brand_projects",
    noun="brand project",
    types=(BrandProject,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(BrandProjectId),
    order=attrgetter("id"),
    refs=(
        Ref(field="site", target="sites", code="unknown-project-site", index="by_site"),
        Ref(
            field="team",
            target="teams",
            code="unknown-project-team",
            on_remove=OnRemove.DETACH,
            index="by_team",
        ),
    ),
    indexes=(
        Index(name="by_site", key=attrgetter("site")),
        Index(name="by_team", key=attrgetter("team")),
    ),
    rules=(("project-category", _rule_codes("brand_projects")),),
    repr_empty=False,
)
"""The ``brand_projects`` section: brand projects (品牌项目)."""

ACTIVITIES: Section[ActivityId, Activity] = Section(
    name="activities",
    noun="activity",
    types=(Activity,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(ActivityId),
    order=_activity_order,
    refs=(
        Ref(field="site", target="sites", code="unknown-activity-site", index="by_site"),
        Ref(
            field="venue",
            target="venues",
            code="unknown-activity-venue",
            on_remove=OnRemove.DETACH,
            index="by_venue",
        ),
        Ref(
            field="teams",
            target="teams",
            many=True,
            code="unknown-activity-team",
            on_remove=OnRemove.DETACH,
            index="by_team",
        ),
        Ref(
            field="project",
            target="brand_projects",
            code="unknown-activity-project",
            on_remove=OnRemove.DETACH,
            index="by_project",
        ),
        # Who took part is history: a volunteer or a service record an activity
        # names cannot be removed while the activity stands.
        Ref(
            field="participants",
            item="volunteer",
            target="volunteers",
            code="participant-not-volunteer",
            on_remove=OnRemove.RESTRICT,
            index="by_participant",
        ),
        Ref(
            field="participants",
            item="record",
            target="service_records",
            code="unknown-participant-record",
            on_remove=OnRemove.RESTRICT,
            index="by_participant_record",
        ),
    ),
    indexes=(
        Index(name="by_participant", key=_participant_volunteers, many=True),
        Index(name="by_participant_record", key=_participant_records, many=True),
        Index(name="by_site", key=attrgetter("site")),
        Index(name="by_venue", key=attrgetter("venue")),
        Index(name="by_team", key=attrgetter("teams"), many=True),
        Index(name="by_project", key=attrgetter("project")),
    ),
    rules=(
        ("activity-category", _rule_codes("activities")),
        ("participants", _rule_participants),
        ("risky-insurance", _rule_insurance),
    ),
    repr_empty=False,
)
"""The ``activities`` section: what the sites did."""

EXPERIENCES: Section[ExperienceId, Experience] = Section(
    name="experiences",
    noun="experience",
    types=(Experience,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse(ExperienceId),
    order=attrgetter("id"),
    refs=(
        Ref(field="site", target="sites", code="unknown-experience-site", index="by_site"),
        Ref(
            field="project",
            target="brand_projects",
            code="unknown-experience-project",
            on_remove=OnRemove.DETACH,
            index="by_project",
        ),
    ),
    indexes=(
        Index(name="by_site", key=attrgetter("site")),
        Index(name="by_project", key=attrgetter("project")),
    ),
    repr_empty=False,
)
"""The ``experiences`` section: typical experiences (典型经验)."""
