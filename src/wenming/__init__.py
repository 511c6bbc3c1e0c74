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

from wenming.coverage import Coverage, LevelCoverage, coverage
from wenming.coverage_more import coverage_by, coverage_series
from wenming.divisions import (
    Coordinates,
    Division,
    DivisionCode,
    DivisionLevel,
    DivisionTable,
    TownshipType,
    UrbanRuralClass,
    VillageType,
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
from wenming.validation import ValidationContext, check, register_rule, validate

try:
    __version__ = version("wenming")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0+unknown"

__all__ = [
    "Allocation",
    "Area",
    "Centre",
    "ChainEntry",
    "Coordinates",
    "Coverage",
    "Division",
    "DivisionCode",
    "DivisionCodeError",
    "DivisionLevel",
    "DivisionTable",
    "DuplicateIdError",
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
    "InUseError",
    "Institute",
    "InvariantError",
    "Issue",
    "IssueError",
    "LevelCoverage",
    "Link",
    "LinkKind",
    "Mechanism",
    "MechanismKind",
    "Network",
    "NetworkInvalidError",
    "NetworkRecords",
    "Person",
    "Point",
    "Post",
    "PostId",
    "PostKind",
    "Record",
    "Relation",
    "Responsibility",
    "ResponsibilityChain",
    "Scorecard",
    "ScorecardWeights",
    "Section",
    "Severity",
    "Site",
    "SiteId",
    "SiteKind",
    "Station",
    "Tenure",
    "TownScore",
    "TownshipType",
    "UnknownIdError",
    "UrbanRuralClass",
    "ValidationContext",
    "Venue",
    "VenueId",
    "VenueKind",
    "VersionError",
    "VillageType",
    "WenmingError",
    "__version__",
    "check",
    "coverage",
    "coverage_by",
    "coverage_series",
    "dump",
    "dumps",
    "fen",
    "funding_totals",
    "holder",
    "holders",
    "load",
    "load_records",
    "loads",
    "loads_records",
    "mechanisms_of",
    "missing_mechanisms",
    "post_kind",
    "raise_for_issues",
    "reach",
    "register_rule",
    "responsibilities_of",
    "responsibility_chain",
    "responsibility_chains",
    "scorecard",
    "validate",
    "validate_file",
    "validate_text",
]
