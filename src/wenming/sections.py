"""The section list: every family of records a network holds, in dependency order.

Adding a family of records is one new module that declares its
:class:`~wenming.section.Section`, plus one line here. :class:`~wenming.Network`,
:class:`~wenming.NetworkRecords`, validation and the file format read this list
and name no family themselves.

Examples
--------
>>> [s.name for s in SECTIONS]
['divisions', 'post_kinds', 'posts', 'sites', 'venues', 'people', 'tenures', 'areas', 'links', \
 'volunteers', 'consents', 'insurance', 'team_levels', 'teams', 'memberships', \
 'calendar', 'service_records', 'certificates', 'award_categories', 'awards', 'mechanism_kinds', \
 'mechanisms', 'funding', 'allocations', 'taxonomy', 'brand_projects', 'activities', \
 'experiences', 'requests']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from wenming.activities import ACTIVITIES, BRAND_PROJECTS, EXPERIENCES
from wenming.awards import AWARD_CATEGORIES, AWARDS
from wenming.divisions import DIVISIONS
from wenming.governance import ALLOCATIONS, FUNDING, MECHANISM_KINDS, MECHANISMS
from wenming.insurance import INSURANCE
from wenming.links import AREAS, LINKS
from wenming.people import PEOPLE, POST_KINDS, POSTS, TENURES
from wenming.requests import REQUESTS
from wenming.section import Section
from wenming.service import CALENDAR, CERTIFICATES, SERVICE_RECORDS
from wenming.sites import SITES, VENUES
from wenming.taxonomy import TAXONOMY
from wenming.teams import MEMBERSHIPS, TEAM_LEVELS, TEAMS
from wenming.volunteers import CONSENTS, VOLUNTEERS

__all__ = ["SECTIONS", "SECTIONS_BY_NAME", "SECTION_OF_TYPE"]

SECTIONS: tuple[Section[Any, Any], ...] = (
    DIVISIONS,
    POST_KINDS,
    POSTS,
    SITES,
    VENUES,
    PEOPLE,
    TENURES,
    AREAS,
    LINKS,
    VOLUNTEERS,
    CONSENTS,
    INSURANCE,
    TEAM_LEVELS,
    TEAMS,
    MEMBERSHIPS,
    CALENDAR,
    SERVICE_RECORDS,
    CERTIFICATES,
    AWARD_CATEGORIES,
    AWARDS,
    MECHANISM_KINDS,
    MECHANISMS,
    FUNDING,
    ALLOCATIONS,
    *(TAXONOMY, BRAND_PROJECTS, ACTIVITIES, EXPERIENCES, REQUESTS),
)
"""Every declared section; a section comes after the sections it refers to."""

SECTIONS_BY_NAME: Mapping[str, Section[Any, Any]] = {s.name: s for s in SECTIONS}
"""Section name → section."""

SECTION_OF_TYPE: Mapping[type, Section[Any, Any]] = {cls: s for s in SECTIONS for cls in s.types}
"""Record class → the section that holds it."""
