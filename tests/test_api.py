from __future__ import annotations

import ast
from pathlib import Path

import wenming


def test_all_is_sorted_literal_and_complete() -> None:
    source = Path(wenming.__file__).read_text(encoding="utf-8")
    tree = ast.parse(source)
    assigned = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)
    ]
    assert len(assigned) == 1
    assert isinstance(assigned[0], ast.List)
    names = [ast.literal_eval(elt) for elt in assigned[0].elts]
    assert names == sorted(names)
    assert names == list(wenming.__all__)
    for name in names:
        assert hasattr(wenming, name), name


def test_public_names_are_pinned() -> None:
    assert wenming.__all__ == [
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


def test_version_comes_from_metadata() -> None:
    from importlib.metadata import version

    assert wenming.__version__ == version("wenming")


def test_py_typed_is_shipped() -> None:
    assert (Path(wenming.__file__).parent / "py.typed").exists()


def test_model_modules_import_no_heavy_dependency() -> None:
    """The model knows attrs and the standard library only (design §1)."""
    package = Path(wenming.__file__).parent
    model = ["errors", "ids", "_fields", "divisions", "sites", "network", "coverage"]
    forbidden = {"networkx", "cattrs", "sqlite3", "argparse", "wenming.cli"}
    for name in model:
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        imported = {
            alias.name.split(".")[0] if not alias.name.startswith("wenming") else alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {
            node.module if node.module.startswith("wenming") else node.module.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        }
        assert not imported & forbidden, (name, imported & forbidden)
    for path in package.rglob("*.py"):
        if path.name != "__main__.py":
            assert "wenming.cli" not in path.read_text(encoding="utf-8") or path.name == "cli.py"
