"""wenming: typed models and queries for New Era Civilization Practice networks.

The county Centre → town Institute → village Station → practice Point network,
laid over the administrative divisions, in typed immutable records; a
:class:`Network` container with indexes; validation that reports every problem at
once; and a stable JSON file format.

Examples
--------
>>> import wenming
>>> from wenming.datasets import ziyang
>>> net = ziyang()
>>> net.counts()[wenming.SiteKind.INSTITUTE]
17
>>> wenming.coverage(net).towns.full
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from wenming.activities import Activity, BrandProject, Experience, Participant
from wenming.activity_queries import (
    activity_counts,
    category_coverage,
    inactive_stations,
    participation,
)
from wenming.awards import Award, AwardCategory, awards_by_town
from wenming.coverage import Coverage, LevelCoverage, coverage
from wenming.coverage_more import coverage_by, coverage_series
from wenming.divisions import (
    Coordinates,
    Division,
    DivisionCode,
    DivisionLevel,
    DivisionTable,
    TownshipRole,
    TownshipType,
    UrbanRuralClass,
    VillageType,
    counts_as_town,
    township_role,
)
from wenming.errors import (
    DivisionCodeError,
    DuplicateIdError,
    FileAccessError,
    FormatError,
    HierarchyError,
    InUseError,
    InvariantError,
    Issue,
    IssueError,
    NetworkInvalidError,
    Severity,
    UnknownIdError,
    VersionError,
    WenmingError,
    raise_for_issues,
)
from wenming.governance import (
    Allocation,
    FundingLine,
    FundingPurpose,
    FundingSource,
    FundingTotals,
    Mechanism,
    MechanismKind,
    Scorecard,
    ScorecardWeights,
    TownScore,
    fen,
    funding_totals,
    mechanisms_of,
    missing_mechanisms,
    scorecard,
)
from wenming.ids import PostId, SiteId, VenueId
from wenming.insurance import Insurance
from wenming.links import Area, Link
from wenming.network import Network, NetworkRecords, Record
from wenming.people import (
    LinkKind,
    Person,
    Post,
    PostKind,
    Tenure,
    holder,
    holders,
    post_kind,
)
from wenming.reach import reach
from wenming.requests import IllegalTransitionError, RequestEvent, RequestState, ServiceRequest
from wenming.responsibility import (
    ChainEntry,
    Gap,
    Relation,
    Responsibility,
    ResponsibilityChain,
    responsibilities_of,
    responsibility_chain,
    responsibility_chains,
)
from wenming.section import Section
from wenming.serialization import (
    dump,
    dumps,
    load,
    load_records,
    loads,
    loads_records,
    validate_file,
    validate_text,
)
from wenming.service import (
    CalendarDay,
    Certificate,
    ServicePolicy,
    ServiceRecord,
    StarScheme,
    WorkCalendar,
    certificate,
    minutes_by_team,
    minutes_by_volunteer,
    star_levels,
)
from wenming.sites import (
    Centre,
    Have,
    HostKind,
    Institute,
    Point,
    Site,
    SiteKind,
    Station,
    Venue,
    VenueKind,
)
from wenming.tables import Table
from wenming.taxonomy import (
    Category,
    Taxonomy,
    TaxonomyUse,
    UnknownCategoryError,
    default_taxonomy,
)
from wenming.team_queries import (
    idle_teams,
    team_coverage,
    volunteer_overlap,
    volunteers_per_station,
)
from wenming.teams import Membership, Team, TeamLevel, TeamProfile, check_profile
from wenming.validation import ValidationContext, check, register_rule, validate
from wenming.volunteers import Consent, ResidentId, Volunteer

try:
    __version__ = version("wenming")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Activity",
    "Allocation",
    "Area",
    "Award",
    "AwardCategory",
    "BrandProject",
    "CalendarDay",
    "Category",
    "Centre",
    "Certificate",
    "ChainEntry",
    "Consent",
    "Coordinates",
    "Coverage",
    "Division",
    "DivisionCode",
    "DivisionCodeError",
    "DivisionLevel",
    "DivisionTable",
    "DuplicateIdError",
    "Experience",
    "FileAccessError",
    "FormatError",
    "FundingLine",
    "FundingPurpose",
    "FundingSource",
    "FundingTotals",
    "Gap",
    "Have",
    "HierarchyError",
    "HostKind",
    "IllegalTransitionError",
    "InUseError",
    "Institute",
    "Insurance",
    "InvariantError",
    "Issue",
    "IssueError",
    "LevelCoverage",
    "Link",
    "LinkKind",
    "Mechanism",
    "MechanismKind",
    "Membership",
    "Network",
    "NetworkInvalidError",
    "NetworkRecords",
    "Participant",
    "Person",
    "Point",
    "Post",
    "PostId",
    "PostKind",
    "Record",
    "Relation",
    "RequestEvent",
    "RequestState",
    "ResidentId",
    "Responsibility",
    "ResponsibilityChain",
    "Scorecard",
    "ScorecardWeights",
    "Section",
    "ServicePolicy",
    "ServiceRecord",
    "ServiceRequest",
    "Severity",
    "Site",
    "SiteId",
    "SiteKind",
    "StarScheme",
    "Station",
    "Table",
    "Taxonomy",
    "TaxonomyUse",
    "Team",
    "TeamLevel",
    "TeamProfile",
    "Tenure",
    "TownScore",
    "TownshipRole",
    "TownshipType",
    "UnknownCategoryError",
    "UnknownIdError",
    "UrbanRuralClass",
    "ValidationContext",
    "Venue",
    "VenueId",
    "VenueKind",
    "VersionError",
    "VillageType",
    "Volunteer",
    "WenmingError",
    "WorkCalendar",
    "__version__",
    "activity_counts",
    "awards_by_town",
    "category_coverage",
    "certificate",
    "check",
    "check_profile",
    "counts_as_town",
    "coverage",
    "coverage_by",
    "coverage_series",
    "default_taxonomy",
    "dump",
    "dumps",
    "fen",
    "funding_totals",
    "holder",
    "holders",
    "idle_teams",
    "inactive_stations",
    "load",
    "load_records",
    "loads",
    "loads_records",
    "mechanisms_of",
    "minutes_by_team",
    "minutes_by_volunteer",
    "missing_mechanisms",
    "participation",
    "post_kind",
    "raise_for_issues",
    "reach",
    "register_rule",
    "responsibilities_of",
    "responsibility_chain",
    "responsibility_chains",
    "scorecard",
    "star_levels",
    "team_coverage",
    "township_role",
    "validate",
    "validate_file",
    "validate_text",
    "volunteer_overlap",
    "volunteers_per_station",
]
