"""Volunteer insurance (志愿者保险): the cover that risky activities require.

The volunteer service regulations require insurance for the volunteers taking
part in risky activities. An :class:`Insurance` record says that a volunteer is
covered from one day to another; the activities' ``risky-insurance`` rule checks
every participant of a risky activity against these records, day by day.

A policy number is the insurer's reference, not personal data; the record holds
no ID number or phone.

Examples
--------
>>> policy = Insurance(id="ins-1", volunteer="ZY-000001", insurer="人保财险",
...                    start="2023-01-01", end="2024-01-01")
>>> policy.covers("2023-12-31"), policy.covers("2024-01-01")
(True, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from operator import attrgetter
from typing import Any

import attrs

from wenming import _converters as conv
from wenming._fields import DateLike, as_date, check_identifier, optional_text
from wenming._plain import to_plain
from wenming.ids import InsuranceId, VolunteerId
from wenming.section import Index, Ref, Section

__all__ = ["INSURANCE", "Insurance", "insurance_of"]


def _key(value: Any) -> InsuranceId:
    return InsuranceId(check_identifier("id", value))


def _volunteer(value: Any) -> VolunteerId:
    return VolunteerId(check_identifier("volunteer", value))


def _start(value: object) -> dt.date:
    return conv.to_required_date(value, "start")


def _end(value: object) -> dt.date | None:
    return conv.to_date(value, "end")


@attrs.frozen(kw_only=True)
class Insurance:
    """An insurance policy covering one volunteer over a period.

    Parameters
    ----------
    id : InsuranceId
        Unique among insurance records.
    volunteer : VolunteerId
        Who is covered.
    start : datetime.date
        The first day covered.
    end : datetime.date, optional
        The first day no longer covered (after ``start``); open-ended when unset.
    insurer : str, optional
        The insurance company.
    policy : str, optional
        The policy number (the insurer's reference).
    note : str, optional
        Free text, kept out of the repr.

    Examples
    --------
    >>> Insurance(id="i", volunteer="v", start="2023-05-01", end="2023-04-01")
    Traceback (most recent call last):
    ...
    wenming.errors.InvariantError: end 2023-04-01 comes before start 2023-05-01
    """

    id: InsuranceId = attrs.field(converter=_key)
    volunteer: VolunteerId = attrs.field(converter=_volunteer)
    start: dt.date = attrs.field(converter=_start)
    end: dt.date | None = attrs.field(
        default=None, converter=_end, validator=conv.not_before("start")
    )
    insurer: str | None = attrs.field(default=None, validator=optional_text)
    policy: str | None = attrs.field(default=None, validator=optional_text)
    note: str | None = attrs.field(default=None, validator=optional_text, repr=False)

    def covers(self, day: DateLike) -> bool:
        """True if the volunteer is covered on ``day`` (``start`` ≤ day < ``end``)."""
        when = as_date(day)
        if when is None:
            raise ValueError("covers() needs a day")
        return self.start <= when and (self.end is None or when < self.end)

    def to_dict(self) -> dict[str, Any]:
        """Return the record as the file format writes it."""
        return to_plain(self)


def insurance_of(network: Any, volunteer: str) -> Sequence[Insurance]:
    """The insurance records of one volunteer, in start order.

    Examples
    --------
    >>> from wenming import Network
    >>> insurance_of(Network(), "ZY-000001")
    ()
    """
    table = network.table("insurance")
    keys = network._index("insurance", "by_volunteer").get(volunteer, ())
    return tuple(sorted((table[k] for k in keys), key=attrgetter("start", "id")))


INSURANCE: Section[InsuranceId, Insurance] = Section(
    name="insurance",
    noun="insurance record",
    types=(Insurance,),
    key=attrgetter("id"),
    key_field="id",
    parse_key=_key,
    order=attrgetter("volunteer", "start", "id"),
    refs=(
        Ref(
            field="volunteer",
            target="volunteers",
            code="unknown-insured-volunteer",
            index="by_volunteer",
        ),
    ),
    indexes=(Index(name="by_volunteer", key=attrgetter("volunteer")),),
    repr_empty=False,
)
"""The ``insurance`` section: who is insured when (risky activities need it)."""
