"""Typed identifiers: each kind of record has its own id type.

They are :func:`typing.NewType` over ``str``: free at run time, distinct to a type
checker, so a ``VenueId`` cannot be passed where a ``SiteId`` is expected.

Examples
--------
>>> from wenming.ids import SiteId
>>> SiteId("ziyang-centre")
'ziyang-centre'
"""

from __future__ import annotations

from typing import NewType

__all__ = [
    "AccountId",
    "AreaId",
    "EntryId",
    "FundingId",
    "HouseholdId",
    "LinkId",
    "MechanismId",
    "PersonId",
    "PostId",
    "PostKindId",
    "SiteId",
    "TenureId",
    "VenueId",
]

SiteId = NewType("SiteId", str)
"""Identifies a practice site (Centre, Institute, Station or Point)."""

VenueId = NewType("VenueId", str)
"""Identifies a shared venue (场所)."""

PostId = NewType("PostId", str)
"""Identifies a post (职务), such as a village party secretary; people hold posts over time."""

PostKindId = NewType("PostKindId", str)
"""Identifies a kind of post (``"town_secretary"``): the post vocabulary is data."""

TenureId = NewType("TenureId", str)
"""Identifies a tenure: one person holding one post from a date to a date (or still)."""

AreaId = NewType("AreaId", str)
"""Identifies an area (片区): a named group of towns a county leader is linked to."""

LinkId = NewType("LinkId", str)
"""Identifies a supervision link (联片, 包镇, 包村, 挂点) from a post to what it supervises."""

MechanismId = NewType("MechanismId", str)
"""Identifies a standing mechanism (制度) a county declares."""

FundingId = NewType("FundingId", str)
"""Identifies a funding line (资金保障): a budget line with a source, year and amount."""

PersonId = NewType("PersonId", str)
"""Identifies a person (a resident, a volunteer); a surrogate, never an ID-card number."""

HouseholdId = NewType("HouseholdId", str)
"""Identifies a household (户), whose members' points pool in one account."""

AccountId = NewType("AccountId", str)
"""Identifies a points account in a ledger (held by a person or a household)."""

EntryId = NewType("EntryId", str)
"""Identifies a ledger entry: its idempotency key, unique in its ledger."""
