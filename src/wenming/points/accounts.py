"""Accounts and households: who holds points.

An :class:`Account` belongs to a person or to a :class:`Household`. A household's
members pool their points in the household's account; members join and leave on
dates, so "whose account does this person's service go to?" has an answer for
every day (:meth:`Household.has_member`).

Examples
--------
>>> import datetime as dt
>>> home = Household(id="hh-017")
>>> home = home.join("p-1", on=dt.date(2020, 1, 1)).join("p-2", on=dt.date(2023, 5, 1))
>>> home = home.leave("p-1", on=dt.date(2024, 3, 1))
>>> sorted(home.members_on(dt.date(2023, 6, 1)))
['p-1', 'p-2']
>>> sorted(home.members_on(dt.date(2024, 3, 1)))
['p-2']
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping

import attrs

from wenming._fields import check_identifier, shared_identifier, to_enum
from wenming.errors import InvariantError
from wenming.ids import AccountId, HouseholdId, PersonId
from wenming.points._checks import date_only, optional_date_only
from wenming.points.schemes import HolderType

__all__ = ["Account", "Household", "Member"]


def _holder_type(value: object) -> HolderType:
    return to_enum(HolderType, "holder_type", value)


# Converters take plain ``str`` (so callers need no ``AccountId(...)``) and give typed ids.
def _account_id(value: str) -> AccountId:
    return AccountId(shared_identifier("id", value))


def _holder(value: str) -> PersonId | HouseholdId:
    return PersonId(check_identifier("holder", value))


def _person(value: str) -> PersonId:
    return PersonId(check_identifier("person", value))


def _household_id(value: str) -> HouseholdId:
    return HouseholdId(check_identifier("id", value))


@attrs.frozen(kw_only=True)
class Account:
    """A points account in a ledger.

    Parameters
    ----------
    id : AccountId
        The account's id in its ledger (by convention the holder's id).
    holder : PersonId or HouseholdId
        Who holds it.
    holder_type : HolderType
        Whether the holder is a person or a household.
    opened : datetime.date
        The day it was opened.

    Examples
    --------
    >>> Account(id="hh-1", holder="hh-1", holder_type="household", opened=dt.date(2024, 1, 1))
    Account(id='hh-1', holder='hh-1',
            holder_type=<HolderType.HOUSEHOLD: 'household'>, opened=datetime.date(2024, 1, 1))
    """

    id: AccountId = attrs.field(converter=_account_id)
    holder: PersonId | HouseholdId = attrs.field(converter=_holder)
    holder_type: HolderType = attrs.field(converter=_holder_type)
    opened: dt.date = attrs.field(validator=date_only)


@attrs.frozen(kw_only=True)
class Member:
    """One person's membership of a household, from ``joined`` until ``left`` (exclusive).

    Examples
    --------
    >>> Member(person="p", joined=dt.date(2024, 2, 1), left=dt.date(2024, 1, 1))
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: person 'p' cannot leave (2024-01-01) before joining (2024-02-01)
    """

    person: PersonId = attrs.field(converter=_person)
    joined: dt.date = attrs.field(validator=date_only)
    left: dt.date | None = attrs.field(default=None, validator=optional_date_only)

    def __attrs_post_init__(self) -> None:
        if self.left is not None and self.left < self.joined:
            raise InvariantError(
                f"person '{self.person}' cannot leave ({self.left}) before joining "
                f"({self.joined})",
                field="left",
                value=self.left,
            )

    def active_on(self, day: dt.date) -> bool:
        """Whether the person is a member on ``day``."""
        return self.joined <= day and (self.left is None or day < self.left)


def _members(value: object) -> tuple[Member, ...]:
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise InvariantError("members must be a list of Member", field="members", value=value)
    members = tuple(value)
    for m in members:
        if not isinstance(m, Member):
            raise InvariantError(
                f"members must hold Member records, not {type(m).__name__}", field="members"
            )
    by_person: dict[str, list[Member]] = {}
    for m in members:
        by_person.setdefault(m.person, []).append(m)
    for person, spells in by_person.items():
        spells.sort(key=lambda m: m.joined)
        for a, b in itertools.pairwise(spells):
            if a.left is None or b.joined < a.left:
                raise InvariantError(
                    f"person '{person}' has overlapping memberships of the household",
                    field="members",
                    value=person,
                )
    return members


@attrs.frozen(kw_only=True)
class Household:
    """A household (户) whose members pool their points in one account.

    Parameters
    ----------
    id : HouseholdId
        The household's id.
    members : tuple of Member
        Memberships over time; a person may leave and join again, never overlap.
    """

    id: HouseholdId = attrs.field(converter=_household_id)
    members: tuple[Member, ...] = attrs.field(default=(), converter=_members)

    def members_on(self, day: dt.date) -> frozenset[PersonId]:
        """The persons who are members on ``day``."""
        return frozenset(m.person for m in self.members if m.active_on(day))

    def has_member(self, person: str, day: dt.date) -> bool:
        """Whether ``person`` is a member on ``day``."""
        return any(m.person == person and m.active_on(day) for m in self.members)

    def join(self, person: str, *, on: dt.date) -> Household:
        """Return the household with ``person`` joining on ``on``.

        Raises
        ------
        InvariantError
            If the person is already a member then.
        """
        return attrs.evolve(self, members=(*self.members, Member(person=person, joined=on)))

    def leave(self, person: str, *, on: dt.date) -> Household:
        """Return the household with ``person`` leaving on ``on`` (not a member from then on).

        Raises
        ------
        InvariantError
            If the person is not a member on the day before ``on``.
        """
        for i, m in enumerate(self.members):
            if m.person == person and m.left is None:
                ended = attrs.evolve(m, left=on)
                return attrs.evolve(
                    self, members=(*self.members[:i], ended, *self.members[i + 1 :])
                )
        raise InvariantError(
            f"person '{person}' is not a member of household '{self.id}'",
            field="members",
            value=person,
        )
