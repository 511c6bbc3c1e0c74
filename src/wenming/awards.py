"""Awards (表彰): the "four most beautiful / best" (四个最美(佳)) and a county's own.

=======================  ======================================================
record                   what it is
=======================  ======================================================
:class:`AwardCategory`   a category: its name and the kind of recipient it goes
                         to. The vocabulary is **data**: the four shipped
                         :data:`DEFAULT_AWARD_CATEGORIES` are always known; a
                         network's ``award_categories`` adds a county's own.
:class:`Award`           an award of a category, at a level (province, city,
                         county), in a year, to one recipient: a volunteer, a
                         team, a project or a community.
=======================  ======================================================

:func:`awards_by_town` answers "which towns produce awardees".

Examples
--------
>>> award = Award(id="a1", category="most_beautiful_volunteer", level="county",
...               year=2023, volunteer="ZY-1")
>>> award.recipient_kind.value, award.recipient
('volunteer', 'ZY-1')
>>> Award(id="a2", category="best_project", level="city", year=2023)
Traceback (most recent call last):
...
wenming.errors.InvariantError: an award has one recipient: set one of volunteer, team, \
project, community
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import attrs

from wenming import _converters as conv
from wenming._fields import check_identifier, optional_text, text, to_enum
from wenming._plain import to_plain
from wenming.divisions import DivisionCode, DivisionLevel
from wenming.errors import InvariantError, Issue, quote
from wenming.ids import AwardCategoryId, AwardId, TeamId, VolunteerId
from wenming.section import Index, OnRemove, Ref, Section, ValidationContext, error

if TYPE_CHECKING:
    from wenming.network import Network

__all__ = [
    "AWARDS",
    "AWARD_CATEGORIES",
    "DEFAULT_AWARD_CATEGORIES",
    "Award",
    "AwardCategory",
    "AwardLevel",
    "RecipientKind",
    "award_categories",
    "award_division",
    "awards_by_town",
]


class RecipientKind(enum.StrEnum):
    """Who an award goes to."""

    VOLUNTEER = "volunteer"
    TEAM = "team"
    """A volunteer organisation or team."""
    PROJECT = "project"
    COMMUNITY = "community"
    """A community or village (a division)."""


class AwardLevel(enum.StrEnum):
    """The level of the body giving the award."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


def _category_key(value: str) -> AwardCategoryId:
    return AwardCategoryId(check_identifier("id", value))


def _recipient_kind(value: object) -> RecipientKind:
    return to_enum(RecipientKind, "recipient", value)


@attrs.frozen(kw_only=True)
class AwardCategory:
    """A category of award; the vocabulary is data.

    Examples
    --------
    >>> DEFAULT_AWARD_CATEGORIES["best_project"].name
    '最佳志愿服务项目'
    """

    id: AwardCategoryId = attrs.field(converter=_category_key)
    name: str = attrs.field(validator=text)
    label: str | None = attrs.field(default=None, validator=optional_text)
    recipient: RecipientKind = attrs.field(converter=_recipient_kind)

    def to_dict(self) -> dict[str, Any]:
        """Return the category as the file format writes it."""
        return to_plain(self)


DEFAULT_AWARD_CATEGORIES: Mapping[str, AwardCategory] = {
    c.id: c
    for c in (
        AwardCategory(
            id="most_beautiful_volunteer",
            name="最美志愿者",
            label="most beautiful volunteer",
            recipient=RecipientKind.VOLUNTEER,
        ),
        AwardCategory(
            id="best_organisation",
            name="最佳志愿服务组织",
            label="best volunteer organisation",
            recipient=RecipientKind.TEAM,
        ),
        AwardCategory(
            id="best_project",
            name="最佳志愿服务项目",
            label="best volunteer project",
            recipient=RecipientKind.PROJECT,
        ),
        AwardCategory(
            id="most_beautiful_community",
            name="最美志愿服务社区",
            label="most beautiful volunteer community",
            recipient=RecipientKind.COMMUNITY,
        ),
    )
}
"""The "four most beautiful / best" (四个最美(佳)), always known."""


def _award_key(value: str) -> AwardId:
    return AwardId(check_identifier("id", value))


def _award_category(value: str) -> AwardCategoryId:
    return AwardCategoryId(check_identifier("category", value))


def _award_level(value: object) -> AwardLevel:
    return to_enum(AwardLevel, "level", value)


def _year(value: object) -> int:
    if type(value) is not int or not (1949 <= value <= 2100):
        raise InvariantError(f"year must be a year such as 2023, not {quote(value)}", field="year")
    return value


def _volunteer(value: str | None) -> VolunteerId | None:
    return conv.to_optional_ident(value, "volunteer", VolunteerId)


def _team(value: str | None) -> TeamId | None:
    return conv.to_optional_ident(value, "team", TeamId)


def _community(value: str | None) -> DivisionCode | None:
    return conv.to_division(value, "community")


def _division(value: str | None) -> DivisionCode | None:
    return conv.to_division(value, "division")


_RECIPIENT_FIELDS = ("volunteer", "team", "project", "community")


def _one_recipient(instance: Any, attribute: attrs.Attribute[Any], value: object) -> None:
    given = [f for f in _RECIPIENT_FIELDS if getattr(instance, f) is not None]
    if len(given) != 1:
        raise InvariantError(
            "an award has one recipient: set one of " + ", ".join(_RECIPIENT_FIELDS),
            field="volunteer" if not given else given[1],
        )


@attrs.frozen(kw_only=True)
class Award:
    """An award to one recipient.

    Parameters
    ----------
    id : AwardId
        Unique among awards.
    category : AwardCategoryId
        A category of :data:`DEFAULT_AWARD_CATEGORIES` or the network's own.
    level : AwardLevel
        Province, city or county.
    year : int
        The award year.
    volunteer, team : str, optional
        A volunteer number or a team id (references, checked).
    project : str, optional
        A project's name (or id once projects are records).
    community : DivisionCode, optional
        A community or village.
    division : DivisionCode, optional
        Where a project comes from (for :func:`awards_by_town`).
    title : str, optional
        The award as announced (``"2023年度紫阳县最美志愿者"``).
    """

    id: AwardId = attrs.field(converter=_award_key)
    category: AwardCategoryId = attrs.field(converter=_award_category)
    level: AwardLevel = attrs.field(converter=_award_level)
    year: int = attrs.field(converter=_year)
    volunteer: VolunteerId | None = attrs.field(default=None, converter=_volunteer)
    team: TeamId | None = attrs.field(default=None, converter=_team)
    project: str | None = attrs.field(default=None, validator=optional_text)
    community: DivisionCode | None = attrs.field(
        default=None, converter=_community, validator=_one_recipient
    )
    division: DivisionCode | None = attrs.field(default=None, converter=_division)
    title: str | None = attrs.field(default=None, validator=optional_text)

    @property
    def recipient_kind(self) -> RecipientKind:
        """Which of the recipient fields is set."""
        for name in _RECIPIENT_FIELDS:
            if getattr(self, name) is not None:
                return RecipientKind(name)
        raise AssertionError("an award has a recipient")  # pragma: no cover

    @property
    def recipient(self) -> str:
        """The recipient's id, name or code."""
        return str(getattr(self, self.recipient_kind.value))

    def to_dict(self) -> dict[str, Any]:
        """Return the award as the file format writes it."""
        return to_plain(self)


def award_categories(network: Network) -> Mapping[str, AwardCategory]:
    """Every award category a network knows: the four defaults and its own."""
    return network.vocabulary("award_categories")


def award_division(network: Network, award: Award) -> DivisionCode | None:
    """Where an award's recipient belongs (``None`` when unknown).

    A volunteer's residence, a team's site's division, a community, a project's
    ``division``.
    """
    kind = award.recipient_kind
    volunteers: Mapping[Any, Any] = network.table("volunteers")
    teams: Mapping[Any, Any] = network.table("teams")
    sites: Mapping[Any, Any] = network.table("sites")
    if kind is RecipientKind.VOLUNTEER:
        volunteer = volunteers.get(award.volunteer)
        return None if volunteer is None else volunteer.residence
    if kind is RecipientKind.TEAM:
        team = teams.get(award.team)
        site = None if team is None or team.site is None else sites.get(team.site)
        return None if site is None else site.division
    if kind is RecipientKind.COMMUNITY:
        return award.community
    return award.division


def awards_by_town(
    network: Network, *, year: int | None = None, level: AwardLevel | str | None = None
) -> dict[DivisionCode, int]:
    """How many awards went to recipients of each town (awards above town level left out).

    Examples
    --------
    >>> from wenming import Division, Network
    >>> net = Network()
    >>> net.add_all([
    ...     Division(code="610924101001", name="双星社区"),
    ...     Award(id="a", category="most_beautiful_community", level="city", year=2023,
    ...           community="610924101001"),
    ... ])
    >>> {code.short: n for code, n in awards_by_town(net, year=2023).items()}
    {'610924101': 1}
    """
    wanted = None if level is None else to_enum(AwardLevel, "level", level)
    out: dict[DivisionCode, int] = {}
    awards: Mapping[str, Award] = network.table("awards")
    for award in awards.values():
        if year is not None and award.year != year:
            continue
        if wanted is not None and award.level is not wanted:
            continue
        code = award_division(network, award)
        if code is None or code.level < DivisionLevel.TOWN:
            continue
        town = DivisionCode.parse(str(code)[:9])
        out[town] = out.get(town, 0) + 1
    return dict(sorted(out.items()))


def _rule_recipient(ctx: ValidationContext) -> Iterator[Issue]:
    for i, award in enumerate(ctx.records.of("awards")):
        category = ctx.get("award_categories", award.category) or DEFAULT_AWARD_CATEGORIES.get(
            award.category
        )
        if category is None or category.recipient is award.recipient_kind:
            continue
        yield error(
            "award-recipient-kind",
            f"award {quote(award.id)} is a {category.label or category.name}, which goes to a "
            f"{category.recipient.value}, but is given to a {award.recipient_kind.value}",
            award.id,
            ctx.path("awards", i, award.recipient_kind.value),
        )


def _parse_category(value: Any) -> AwardCategoryId:
    return AwardCategoryId(check_identifier("id", value))


def _parse_award(value: Any) -> AwardId:
    return AwardId(check_identifier("id", value))


AWARD_CATEGORIES: Section[AwardCategoryId, AwardCategory] = Section(
    name="award_categories",
    noun="award category",
    types=(AwardCategory,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_category,
    order=attrgetter("id"),
    defaults=DEFAULT_AWARD_CATEGORIES,
    repr_empty=False,
)
"""The ``award_categories`` section: a county's own categories."""

AWARDS: Section[AwardId, Award] = Section(
    name="awards",
    noun="award",
    types=(Award,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_parse_award,
    order=attrgetter("year", "id"),
    refs=(
        Ref(
            field="category",
            target="award_categories",
            code="unknown-award-category",
            index="by_category",
        ),
        Ref(
            field="volunteer",
            target="volunteers",
            code="unknown-award-volunteer",
            index="by_volunteer",
        ),
        Ref(field="team", target="teams", code="unknown-award-team", index="by_team"),
        Ref(
            field="community",
            target="divisions",
            code="unknown-award-community",
            on_remove=OnRemove.CASCADE,
        ),
    ),
    indexes=(
        Index(name="by_category", key=attrgetter("category")),
        Index(name="by_volunteer", key=attrgetter("volunteer")),
        Index(name="by_team", key=attrgetter("team")),
    ),
    rules=(("award-recipient-kind", _rule_recipient),),
    repr_empty=False,
)
"""The ``awards`` section: awards to volunteers, teams, projects and communities."""
