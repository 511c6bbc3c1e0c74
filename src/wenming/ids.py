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
    "ActivityId",
    "AllocationId",
    "AreaId",
    "AwardCategoryId",
    "AwardId",
    "BrandProjectId",
    "CertificateId",
    "ConsentId",
    "EntryId",
    "ExperienceId",
    "FundingId",
    "HouseholdId",
    "InsuranceId",
    "LinkId",
    "MechanismId",
    "MechanismKindId",
    "MembershipId",
    "PersonId",
    "PostId",
    "PostKindId",
    "RequestId",
    "ServiceRecordId",
    "SiteId",
    "TeamId",
    "TeamLevelId",
    "TenureId",
    "VenueId",
    "VolunteerId",
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

MechanismKindId = NewType("MechanismKindId", str)
"""Identifies a kind of mechanism (``"joint_meetings"``): the mechanism vocabulary is data."""

AllocationId = NewType("AllocationId", str)
"""Identifies an allocation: the part of a funding line that goes to one site."""

PersonId = NewType("PersonId", str)
"""Identifies a person (a resident, a volunteer); a surrogate, never an ID-card number."""

HouseholdId = NewType("HouseholdId", str)
"""Identifies a household (户), whose members' points pool in one account."""

AccountId = NewType("AccountId", str)
"""Identifies a points account in a ledger (held by a person or a household)."""

EntryId = NewType("EntryId", str)
"""Identifies a ledger entry: its idempotency key, unique in its ledger."""

VolunteerId = NewType("VolunteerId", str)
"""Identifies a registered volunteer: the surrogate volunteer number, never an ID number."""

ConsentId = NewType("ConsentId", str)

InsuranceId = NewType("InsuranceId", str)
"""Identifies an insurance policy covering a volunteer (risky activities need one)."""
"""Identifies a consent record (a volunteer's, or a guardian's, consent to a purpose)."""

TeamLevelId = NewType("TeamLevelId", str)
"""Identifies a team level (``"corps"`` 总队, ``"brigade"`` 大队 …): the vocabulary is data."""

TeamId = NewType("TeamId", str)
"""Identifies a volunteer team (志愿服务队伍)."""

MembershipId = NewType("MembershipId", str)
"""Identifies one volunteer's membership of one team over a period."""

ServiceRecordId = NewType("ServiceRecordId", str)
"""Identifies a volunteer service record (志愿服务记录)."""

CertificateId = NewType("CertificateId", str)
"""Identifies a service certificate: its serial number."""

AwardCategoryId = NewType("AwardCategoryId", str)
"""Identifies an award category (``"most_beautiful_volunteer"`` …): the vocabulary is data."""

AwardId = NewType("AwardId", str)
"""Identifies an award given to a volunteer, a team, a project or a community."""

ActivityId = NewType("ActivityId", str)
"""Identifies an activity (活动) a site ran."""

BrandProjectId = NewType("BrandProjectId", str)
"""Identifies a brand project (品牌项目) grouping recurring activities."""

ExperienceId = NewType("ExperienceId", str)
"""Identifies a typical experience (典型经验): a written-up practice."""

RequestId = NewType("RequestId", str)
"""Identifies a service request (点单) a resident made."""
